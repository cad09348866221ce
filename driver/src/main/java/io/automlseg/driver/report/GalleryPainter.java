package io.automlseg.driver.report;

import io.automlseg.executor.model.InputImage;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws objects on one image for the gallery: masks filled half-transparently in their class colour, then boxes, then
 * captions, so no fill hides a caption. The image is drawn at display size ({@link #displayScale}): large images are
 * shrunk to keep the report small, tiny ones enlarged by a whole factor so captions stay readable; strokes and text
 * are sized for the display, not the original.
 */
final class GalleryPainter {
    /** Longest side of a gallery image, in pixels. */
    static final int MAX_SIDE = 512;
    /** Images whose longest side is shorter than this are enlarged by a whole factor. */
    static final int MIN_SIDE = 256;
    /** How much of the class colour a mask pixel takes. */
    static final float MASK_ALPHA = 0.45f;

    private static final Font CAPTION_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 11);

    /**
     * One object to draw, in the original image's pixels.
     *
     * @param label class name, which picks the colour
     * @param mask row-major {@code height * width} mask of the original image, nonzero = object; null draws no fill
     * @param box {@code x1, y1, x2, y2}
     * @param caption text drawn at the box's top-left corner
     * @param opacity 1 draws the fill at {@link #MASK_ALPHA} and the box solid; less draws both fainter
     */
    record Shape(String label, byte[] mask, double[] box, String caption, float opacity) {}

    /** The original image's size, which the masks have. */
    private final int width;
    private final int height;
    private final LabelColours colours;
    private final double scale;
    private final BufferedImage base;

    /** @param image the image as the model takes it, whose pixels (grey, palette, 16 bit) are already RGB */
    GalleryPainter(InputImage image, LabelColours colours) {
        this.width = image.width();
        this.height = image.height();
        this.colours = colours;
        this.scale = displayScale(width, height);
        this.base = scaled(rgb(image), scale);
    }

    /** The model's input as an 8-bit RGB image. */
    static BufferedImage rgb(InputImage image) {
        int w = image.width();
        int plane = w * image.height();
        float[] chw = image.chw();
        int[] pixels = new int[plane];
        for (int i = 0; i < plane; i++) {
            pixels[i] = (level(chw[i]) << 16) | (level(chw[plane + i]) << 8) | level(chw[2 * plane + i]);
        }
        BufferedImage out = new BufferedImage(w, image.height(), BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, image.height(), pixels, 0, w);
        return out;
    }

    private static int level(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255)));
    }

    /** Display size over original size for an image of this size. */
    static double displayScale(int width, int height) {
        int longest = Math.max(width, height);
        if (longest > MAX_SIDE) {
            return (double) MAX_SIDE / longest;
        }
        if (longest < MIN_SIDE) {
            return Math.ceil((double) MIN_SIDE / longest);
        }
        return 1;
    }

    /** Display size of one side. */
    static int displaySide(int side, double scale) {
        return Math.max(1, (int) Math.round(side * scale));
    }

    /** The image at display size with nothing drawn on it. */
    BufferedImage base() {
        return copy(base);
    }

    /**
     * The image at display size with the shapes drawn in the order given (later ones on top), as PNG bytes. Captions
     * are placed from the last shape back and one that would cover an earlier placed caption is left out, so a weak
     * model's many overlapping guesses leave the most important captions readable.
     */
    byte[] drawPng(List<Shape> shapes) {
        BufferedImage out = copy(base);
        for (Shape s : shapes) {
            if (s.mask() != null) {
                fillMask(out, s.mask(), s.box(), colours.of(s.label()), MASK_ALPHA * s.opacity());
            }
        }
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setStroke(new BasicStroke(2f));
            for (Shape s : shapes) {
                Color c = colours.of(s.label());
                g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), Math.round(255 * s.opacity())));
                int[] r = displayBox(s.box());
                g.drawRect(r[0], r[1], Math.max(1, r[2] - r[0]), Math.max(1, r[3] - r[1]));
            }
            g.setFont(CAPTION_FONT);
            List<Rectangle> placed = new ArrayList<>();
            for (int i = shapes.size() - 1; i >= 0; i--) {
                caption(g, shapes.get(i), out.getWidth(), out.getHeight(), placed);
            }
        } finally {
            g.dispose();
        }
        return png(out);
    }

    /** Blends the class colour into the display pixels whose original pixel is in the mask, within the box. */
    private void fillMask(BufferedImage out, byte[] mask, double[] box, Color colour, float alpha) {
        int[] r = displayBox(box);
        // A pasted mask may reach a pixel past its box; the margin keeps such edges.
        int x0 = Math.max(0, r[0] - 2), y0 = Math.max(0, r[1] - 2);
        int x1 = Math.min(out.getWidth(), r[2] + 3), y1 = Math.min(out.getHeight(), r[3] + 3);
        float keep = 1 - alpha;
        float cr = alpha * colour.getRed(), cg = alpha * colour.getGreen(), cb = alpha * colour.getBlue();
        for (int y = y0; y < y1; y++) {
            int sy = Math.min(height - 1, (int) ((y + 0.5) / scale));
            for (int x = x0; x < x1; x++) {
                int sx = Math.min(width - 1, (int) ((x + 0.5) / scale));
                if (mask[sy * width + sx] == 0) {
                    continue;
                }
                int rgb = out.getRGB(x, y);
                int red = Math.round(keep * ((rgb >> 16) & 0xff) + cr);
                int green = Math.round(keep * ((rgb >> 8) & 0xff) + cg);
                int blue = Math.round(keep * (rgb & 0xff) + cb);
                out.setRGB(x, y, (red << 16) | (green << 8) | blue);
            }
        }
    }

    /**
     * The caption on a band of the class colour above the box, or inside its top when the image ends there or that
     * place is taken; left out when both are taken.
     */
    private void caption(Graphics2D g, Shape s, int displayWidth, int displayHeight, List<Rectangle> placed) {
        if (s.caption() == null || s.caption().isEmpty()) {
            return;
        }
        FontMetrics fm = g.getFontMetrics();
        int textWidth = Math.min(displayWidth, fm.stringWidth(s.caption()) + 4);
        int textHeight = Math.min(displayHeight, fm.getHeight());
        int[] r = displayBox(s.box());
        int x = Math.max(0, Math.min(r[0], displayWidth - textWidth));
        Rectangle band = null;
        for (int y : new int[] {r[1] - textHeight, r[1]}) {
            int top = Math.max(0, Math.min(y, displayHeight - textHeight));
            Rectangle candidate = new Rectangle(x, top, textWidth, textHeight);
            if (placed.stream().noneMatch(candidate::intersects)) {
                band = candidate;
                break;
            }
        }
        if (band == null) {
            return;
        }
        placed.add(band);
        Color colour = colours.of(s.label());
        g.setColor(colour);
        g.fillRect(band.x, band.y, band.width, band.height);
        g.setColor(LabelColours.textOn(colour));
        g.drawString(s.caption(), band.x + 2, band.y + fm.getAscent());
    }

    /** The box in display pixels, clipped to the image: {@code x1, y1, x2, y2}. */
    private int[] displayBox(double[] box) {
        int maxX = base.getWidth() - 1;
        int maxY = base.getHeight() - 1;
        return new int[] {
            clip((int) Math.floor(box[0] * scale), maxX), clip((int) Math.floor(box[1] * scale), maxY),
            clip((int) Math.ceil(box[2] * scale), maxX), clip((int) Math.ceil(box[3] * scale), maxY)};
    }

    private static int clip(int v, int max) {
        return Math.max(0, Math.min(max, v));
    }

    /**
     * The image at {@code scale}: whole-factor enlargement repeats pixels (crisp, as the model saw them); shrinking
     * halves repeatedly with bilinear filtering, which, unlike one large bilinear step, does not skip pixels.
     */
    static BufferedImage scaled(BufferedImage image, double scale) {
        int targetW = displaySide(image.getWidth(), scale);
        int targetH = displaySide(image.getHeight(), scale);
        BufferedImage current = image;
        if (scale >= 1) {
            return resize(current, targetW, targetH, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        }
        while (current.getWidth() / 2 >= targetW && current.getHeight() / 2 >= targetH
                && (current.getWidth() / 2 > targetW || current.getHeight() / 2 > targetH)) {
            current = resize(current, current.getWidth() / 2, current.getHeight() / 2,
                    RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        }
        return resize(current, targetW, targetH, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    }

    private static BufferedImage resize(BufferedImage image, int width, int height, Object interpolation) {
        if (image.getWidth() == width && image.getHeight() == height) {
            return image;
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
            g.drawImage(image, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static BufferedImage copy(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", bytes)) {
                throw new IOException("no PNG writer for image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
