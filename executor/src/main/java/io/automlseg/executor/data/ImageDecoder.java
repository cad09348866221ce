package io.automlseg.executor.data;

import io.automlseg.executor.io.Storage;
import io.automlseg.executor.model.InputImage;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads images through {@link Storage} and decodes them with javax.imageio (JPEG, PNG, BMP, TIFF, GIF), turning any
 * colour model into the RGB floats the model takes. A missing or unreadable image is a {@link DataError} naming the
 * image and the annotation line that refers to it.
 */
public final class ImageDecoder {
    /** Pixel size of an image. */
    public record Size(int width, int height) {}

    /** The system property that sets {@link #maxPixels()}, on the driver and in trial JVMs alike. */
    public static final String MAX_PIXELS_PROPERTY = "automlseg.maxImagePixels";
    /** Twice Pillow's warning threshold, where Pillow itself refuses an image as a decompression bomb. */
    public static final long DEFAULT_MAX_PIXELS = 178_956_970L;

    private ImageDecoder() {}

    /** The most pixels an image may declare; a larger one is refused from its header, before any decoding. */
    public static long maxPixels() {
        return Long.getLong(MAX_PIXELS_PROPERTY, DEFAULT_MAX_PIXELS);
    }

    /** Decodes an image into the model's input: RGB, channel-major, values in [0, 1]. */
    public static InputImage decode(String imageUrl, String source) {
        return toInput(read(imageUrl, source));
    }

    /** Decodes an image file into a BufferedImage of whatever colour model the file has. */
    public static BufferedImage read(String imageUrl, String source) {
        return read(bytes(imageUrl, source), imageUrl, source);
    }

    /** Decodes encoded image bytes (e.g. a Spark binaryFile column); {@code imageName} names it in errors. */
    public static InputImage decodeBytes(byte[] bytes, String imageName, String source) {
        return toInput(read(bytes, imageName, source));
    }

    private static BufferedImage read(byte[] bytes, String imageUrl, String source) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = reader(in, imageUrl, source);
            try {
                reader.setInput(in, true, true);
                checkPixels(reader.getWidth(0), reader.getHeight(0), imageUrl, source);
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataError de) {
                throw de;
            }
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (why.contains("Unsupported Image Type")) {
                why = "CMYK/YCCK JPEG images are not supported, save it as RGB";
            }
            throw error(source, DataProblem.Kind.UNDECODABLE_IMAGE, "cannot decode image " + imageUrl + ": " + why);
        }
    }

    /** Width and height from the file's header, without decoding the pixels. */
    public static Size probeSize(String imageUrl, String source) {
        try (ImageInputStream in = ImageIO.createImageInputStream(Storage.open(imageUrl))) {
            ImageReader reader = reader(in, imageUrl, source);
            try {
                reader.setInput(in, true, true);
                Size size = new Size(reader.getWidth(0), reader.getHeight(0));
                checkPixels(size.width(), size.height(), imageUrl, source);
                return size;
            } finally {
                reader.dispose();
            }
        } catch (FileNotFoundException e) {
            throw error(source, DataProblem.Kind.MISSING_IMAGE, "image " + imageUrl + " does not exist");
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataError de) {
                throw de;
            }
            throw error(source, DataProblem.Kind.UNDECODABLE_IMAGE, "cannot read the size of image " + imageUrl + ": "
                    + e.getMessage());
        }
    }

    /**
     * Fills in the real pixel size of each record from its image header. Unreadable images fail together in one
     * {@link DataError}, or with {@code ignoreDataErrors} are left out and counted in {@code report}.
     */
    public static List<ImageRecord> withSizes(List<ImageRecord> records, boolean ignoreDataErrors, DataReport report) {
        List<ImageRecord> out = new ArrayList<>(records.size());
        DataReport problems = new DataReport();
        for (ImageRecord r : records) {
            try {
                Size s = probeSize(r.imageUrl(), r.source());
                out.add(new ImageRecord(r.imageUrl(), r.source(), s.width(), s.height(), r.objects()));
            } catch (DataError e) {
                for (DataProblem p : e.problems()) {
                    problems.add(p, DataReport.Skipped.ROW);
                }
            }
        }
        if (!ignoreDataErrors) {
            problems.throwIfAny();
        }
        report.addAll(problems);
        return out;
    }

    /** RGB, channel-major floats in [0, 1]; grey is copied to all three channels and alpha is dropped. */
    public static InputImage toInput(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        float[] chw = new float[3 * plane];
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        ColorSpace cs = cm.getColorSpace();
        int[] row = new int[w];
        if (!(cm instanceof IndexColorModel) && cs.getType() == ColorSpace.TYPE_GRAY) {
            // raw grey levels: getRGB would push them through a linear-grey to sRGB conversion and darken them
            float max = (1 << cm.getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    float v = row[x] / max;
                    int i = y * w + x;
                    chw[i] = v;
                    chw[plane + i] = v;
                    chw[2 * plane + i] = v;
                }
            }
        } else if (!(cm instanceof IndexColorModel) && cs.isCS_sRGB() && cm.getNumColorComponents() == 3
                && raster.getNumBands() >= 3) {
            // raster bands follow the colour model's component order (R, G, B[, A]) whatever the byte layout
            for (int c = 0; c < 3; c++) {
                float max = (1L << cm.getComponentSize(c)) - 1;
                int base = c * plane;
                for (int y = 0; y < h; y++) {
                    raster.getSamples(0, y, w, 1, c, row);
                    for (int x = 0; x < w; x++) {
                        chw[base + y * w + x] = row[x] / max;
                    }
                }
            }
        } else {
            // palettes and other colour spaces: let Java2D convert to sRGB
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int argb = row[x];
                    int i = y * w + x;
                    chw[i] = ((argb >> 16) & 0xff) / 255f;
                    chw[plane + i] = ((argb >> 8) & 0xff) / 255f;
                    chw[2 * plane + i] = (argb & 0xff) / 255f;
                }
            }
        }
        return new InputImage(chw, h, w);
    }

    private static byte[] bytes(String imageUrl, String source) {
        try {
            return Storage.readBytes(imageUrl);
        } catch (FileNotFoundException e) {
            throw error(source, DataProblem.Kind.MISSING_IMAGE, "image " + imageUrl + " does not exist");
        } catch (IOException e) {
            throw error(source, DataProblem.Kind.MISSING_IMAGE, "cannot read image " + imageUrl + ": " + e.getMessage());
        }
    }

    /** A tiny file can declare a huge image (a decompression bomb): the header's size is checked first. */
    private static void checkPixels(int width, int height, String imageUrl, String source) {
        if (width < 1 || height < 1) {
            throw error(source, DataProblem.Kind.UNDECODABLE_IMAGE, "image " + imageUrl + " is empty (" + width
                    + "x" + height + ")");
        }
        long limit = maxPixels();
        if ((long) width * height > limit) {
            throw error(source, DataProblem.Kind.TOO_MANY_PIXELS, "image " + imageUrl + " declares " + width + "x"
                    + height + " pixels, more than the limit of " + limit + " (-D" + MAX_PIXELS_PROPERTY
                    + "=N raises it): refused before decoding");
        }
    }

    private static ImageReader reader(ImageInputStream in, String imageUrl, String source) {
        Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
        if (readers == null || !readers.hasNext()) {
            throw error(source, DataProblem.Kind.UNDECODABLE_IMAGE, "cannot decode image " + imageUrl
                    + ": not a JPEG, PNG, BMP, TIFF or GIF file");
        }
        return readers.next();
    }

    /** A problem located at the annotation line ({@code source} is {@code "<file>:<line>"}). */
    static DataError error(String source, DataProblem.Kind kind, String message) {
        return new DataError(DataProblem.atSource(source, AnnotationParser.IMAGE_URL, kind, message));
    }
}
