package io.automlseg.driver.datasets;

import io.automlseg.executor.data.MLTableLine;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.mask.BinaryMasks;
import io.automlseg.executor.mask.MaskPolygons;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A deterministic synthetic instance-segmentation data set: flat shapes (circle, rectangle, triangle, star) on
 * textured, noisy backgrounds, written as an MLTable folder in the reference product's JSONL form.
 *
 * <p>Objects are painted in order, so later objects occlude earlier ones; each label is traced from the object's
 * <em>visible</em> mask, so an object cut in two by an occluder gets two polygon parts. Placements that would leave an
 * object mostly hidden, with a hole, or with slivers too thin to learn are redrawn, which keeps the labels clean.
 * Objects are large (25-60% of the image side) so that a small Mask R-CNN trained from scratch on a CPU learns them.
 *
 * <p>Every image is drawn from its own random stream derived from (seed, image index), with {@link StrictMath} for
 * all geometry, and pixels are computed by hand rather than by Java2D, so the files are identical byte for byte on
 * every run and platform with the same JDK image encoders. Image {@code i} is the same whether it is written to a
 * single folder or to the validation half of a split.
 */
public final class SyntheticShapes {
    /** The shape classes, in the order they are numbered. */
    public static final List<String> CLASSES = List.of("circle", "rectangle", "triangle", "star");

    private static final int SUBSAMPLES = 3; // per axis, for anti-aliased edges
    /** Douglas-Peucker tolerance in pixels for label polygons: removes staircase points, keeps the shape. */
    static final double POLYGON_TOLERANCE = 0.6;

    /**
     * What to generate.
     *
     * @param count number of images (in a split: the training images)
     * @param imageSize width and height in pixels
     * @param seed the random seed; the same options give the same bytes
     * @param classes shape classes to draw, a non-empty subset of {@link #CLASSES}
     * @param minObjects fewest objects per image (at least 1)
     * @param maxObjects most objects per image
     * @param imageFormat {@code png} or {@code jpg}
     */
    public record Options(
            int count, int imageSize, long seed, List<String> classes, int minObjects, int maxObjects,
            String imageFormat) {
        public Options {
            if (count < 0) {
                throw new IllegalArgumentException("count must be >= 0, got " + count);
            }
            if (imageSize < 32 || imageSize > 4096) {
                throw new IllegalArgumentException("image size must be within [32, 4096], got " + imageSize);
            }
            if (classes == null || classes.isEmpty()) {
                throw new IllegalArgumentException("classes must name at least one of " + CLASSES);
            }
            for (String c : classes) {
                if (!CLASSES.contains(c)) {
                    throw new IllegalArgumentException("unknown shape class '" + c + "'; known: " + CLASSES);
                }
            }
            classes = List.copyOf(classes);
            if (minObjects < 1 || maxObjects < minObjects || maxObjects > 10) {
                throw new IllegalArgumentException(
                        "objects per image must satisfy 1 <= min <= max <= 10, got " + minObjects + ".." + maxObjects);
            }
            imageFormat = imageFormat == null ? "png" : imageFormat.toLowerCase(Locale.ROOT);
            if (imageFormat.equals("jpeg")) {
                imageFormat = "jpg";
            }
            if (!imageFormat.equals("png") && !imageFormat.equals("jpg")) {
                throw new IllegalArgumentException("image format must be png or jpg, got " + imageFormat);
            }
        }

        /** 80 images of 160 px, seed 2024, all four classes, 1-4 objects each, PNG. */
        public static Options defaults() {
            return new Options(80, 160, 2024L, CLASSES, 1, 4, "png");
        }

        public Options withCount(int n) {
            return new Options(n, imageSize, seed, classes, minObjects, maxObjects, imageFormat);
        }

        public Options withImageSize(int size) {
            return new Options(count, size, seed, classes, minObjects, maxObjects, imageFormat);
        }

        public Options withSeed(long s) {
            return new Options(count, imageSize, s, classes, minObjects, maxObjects, imageFormat);
        }

        public Options withClasses(List<String> c) {
            return new Options(count, imageSize, seed, c, minObjects, maxObjects, imageFormat);
        }

        public Options withObjects(int min, int max) {
            return new Options(count, imageSize, seed, classes, min, max, imageFormat);
        }

        public Options withImageFormat(String f) {
            return new Options(count, imageSize, seed, classes, minObjects, maxObjects, f);
        }
    }

    /** What a generation run wrote. */
    public record Summary(int images, int objects, int multiPartObjects, Map<String, Integer> objectsPerClass) {}

    /** One labelled object of a rendered image: class, visible mask and its outline parts in pixel coordinates. */
    public record RenderedObject(String label, boolean[] visibleMask, List<double[]> pixelPolygons) {}

    /** One rendered image before encoding: packed RGB pixels (row-major) and its objects, bottom to top. */
    public record RenderedImage(int index, int size, int[] rgb, List<RenderedObject> objects) {}

    private SyntheticShapes() {}

    /** Writes {@code opts.count()} images (indices 0..count-1) as one MLTable folder. */
    public static Summary generate(Options opts, String outputFolderUri) throws IOException {
        return writeFolder(opts, 0, opts.count(), outputFolderUri);
    }

    /**
     * Writes a training MLTable folder {@code <root>/train} with {@code opts.count()} images and a validation folder
     * {@code <root>/validation} with the next {@code validationCount} images.
     *
     * @return summaries keyed {@code train} and {@code validation}
     */
    public static Map<String, Summary> generateSplit(Options opts, int validationCount, String rootFolderUri)
            throws IOException {
        if (validationCount < 0) {
            throw new IllegalArgumentException("validation count must be >= 0, got " + validationCount);
        }
        Map<String, Summary> out = new LinkedHashMap<>();
        out.put("train", writeFolder(opts, 0, opts.count(), Storage.resolve(rootFolderUri, "train")));
        out.put("validation", writeFolder(opts, opts.count(), validationCount,
                Storage.resolve(rootFolderUri, "validation")));
        return out;
    }

    /** Draws image {@code index} of the data set the options describe, without writing anything. */
    public static RenderedImage render(Options opts, int index) {
        return new SceneBuilder(opts, index).build();
    }

    /** The encoded image file of a rendered image, in the options' format. */
    public static byte[] encode(RenderedImage image, String format) throws IOException {
        BufferedImage img = new BufferedImage(image.size(), image.size(), BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, image.size(), image.size(), image.rgb(), 0, image.size());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (format.equals("png")) {
            ImageIO.write(img, "png", bytes);
        } else {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.92f);
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(img, null, null), param);
            } finally {
                writer.dispose();
            }
        }
        return bytes.toByteArray();
    }

    /** The JSONL line of a rendered image: relative image_url, image_details, labels with normalised polygons. */
    public static MLTableLine jsonLine(RenderedImage image, String imageUrl, String format) {
        List<MLTableLine.Label> labels = new ArrayList<>();
        for (RenderedObject o : image.objects()) {
            List<double[]> parts = new ArrayList<>();
            for (double[] p : o.pixelPolygons()) {
                double[] n = new double[p.length];
                for (int i = 0; i < p.length; i++) {
                    n[i] = Math.round(p[i] / image.size() * 1e6) / 1e6;
                }
                parts.add(n);
            }
            labels.add(MLTableLine.Label.of(o.label(), false, parts));
        }
        return new MLTableLine(imageUrl, new MLTableLine.ImageDetails(format, image.size(), image.size()), labels);
    }

    private static Summary writeFolder(Options opts, int first, int n, String folderUri) throws IOException {
        Storage.mkdirs(folderUri);
        List<MLTableLine> lines = new ArrayList<>();
        int objects = 0, multiPart = 0;
        Map<String, Integer> perClass = new TreeMap<>();
        for (int i = first; i < first + n; i++) {
            RenderedImage image = render(opts, i);
            String url = String.format(Locale.ROOT, "images/%06d.%s", i, opts.imageFormat());
            Storage.writeBytes(Storage.resolve(folderUri, url), encode(image, opts.imageFormat()));
            lines.add(jsonLine(image, url, opts.imageFormat()));
            for (RenderedObject o : image.objects()) {
                objects++;
                if (o.pixelPolygons().size() > 1) {
                    multiPart++;
                }
                perClass.merge(o.label(), 1, Integer::sum);
            }
        }
        MlTableFolder.write(folderUri, lines);
        return new Summary(n, objects, multiPart, perClass);
    }

    /** Seeds image {@code index}'s own stream (SplitMix64 finaliser) so images are independent of each other. */
    static long imageSeed(long seed, int index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A shape instance: inside test and bounding radius in pixels. */
    private record Shape(String label, double cx, double cy, double extent, double radius, double rx, double ry,
            double rotation, double[] polygon) {

        boolean inside(double x, double y) {
            if (polygon == null) {
                double c = StrictMath.cos(rotation), s = StrictMath.sin(rotation);
                double u = ((x - cx) * c + (y - cy) * s) / rx;
                double v = (-(x - cx) * s + (y - cy) * c) / ry;
                return u * u + v * v <= 1.0;
            }
            boolean in = false;
            int n = polygon.length / 2;
            for (int i = 0, j = n - 1; i < n; j = i++) {
                double xi = polygon[2 * i], yi = polygon[2 * i + 1];
                double xj = polygon[2 * j], yj = polygon[2 * j + 1];
                if ((yi > y) != (yj > y) && x < xi + (y - yi) * (xj - xi) / (yj - yi)) {
                    in = !in;
                }
            }
            return in;
        }
    }

    /** A placed object while the scene is being built. */
    private static final class Placed {
        final Shape shape;
        final boolean[] full;
        boolean[] visible;
        final double[] colour;
        final double[] stripeColour;
        final double shadeX, shadeY, stripeAngle, stripePeriod;

        Placed(Shape shape, boolean[] full, double[] colour, Random rnd) {
            this.shape = shape;
            this.full = full;
            this.visible = full.clone();
            this.colour = colour;
            double a = rnd.nextDouble() * 2 * StrictMath.PI;
            double k = 0.15 + rnd.nextDouble() * 0.3;
            this.shadeX = StrictMath.cos(a) * k / shape.extent();
            this.shadeY = StrictMath.sin(a) * k / shape.extent();
            boolean striped = rnd.nextDouble() < 0.35;
            double f = rnd.nextBoolean() ? 0.65 : 1.3;
            this.stripeColour = striped
                    ? new double[] {clamp(colour[0] * f), clamp(colour[1] * f), clamp(colour[2] * f)}
                    : null;
            this.stripeAngle = rnd.nextDouble() * StrictMath.PI;
            this.stripePeriod = 5 + rnd.nextDouble() * 8;
        }

        /** The object's colour at a point: base colour with a linear shading and optional soft stripes. */
        void colourAt(double x, double y, double[] out) {
            double shade = 1 + (x - shape.cx()) * shadeX + (y - shape.cy()) * shadeY;
            double[] c = colour;
            double t = 0;
            if (stripeColour != null) {
                double p = (x * StrictMath.cos(stripeAngle) + y * StrictMath.sin(stripeAngle)) / stripePeriod;
                t = 0.5 + 0.5 * StrictMath.sin(2 * StrictMath.PI * p);
            }
            for (int ch = 0; ch < 3; ch++) {
                double base = stripeColour == null ? c[ch] : c[ch] * (1 - t) + stripeColour[ch] * t;
                out[ch] = base * shade;
            }
        }
    }

    /** Builds one scene from its own random stream. */
    private static final class SceneBuilder {
        private final Options opts;
        private final int index;
        private final int s;
        private final Random rnd;
        private final int minPartPixels;

        SceneBuilder(Options opts, int index) {
            this.opts = opts;
            this.index = index;
            this.s = opts.imageSize();
            this.rnd = new Random(imageSeed(opts.seed(), index));
            this.minPartPixels = Math.max(12, (int) Math.round(40.0 * s * s / (160.0 * 160.0)));
        }

        RenderedImage build() {
            double[][] background = {randomColour(0.05, 0.6, 0.15, 0.95), null};
            background[1] = nearColour(background[0]);
            double[] r = new double[s * s], g = new double[s * s], b = new double[s * s];
            paintBackground(background, r, g, b);

            int wanted = opts.minObjects() + rnd.nextInt(opts.maxObjects() - opts.minObjects() + 1);
            List<Placed> placed = new ArrayList<>();
            for (int k = 0; k < wanted; k++) {
                Placed p = place(placed, background);
                if (p != null) {
                    placed.add(p);
                }
            }
            double[] colour = new double[3];
            for (Placed p : placed) {
                paintObject(p, r, g, b, colour);
            }
            int[] rgb = addGrainAndPack(r, g, b);

            List<RenderedObject> objects = new ArrayList<>();
            for (Placed p : placed) {
                objects.add(new RenderedObject(p.shape.label(), p.visible, outlines(p.visible, s)));
            }
            return new RenderedImage(index, s, rgb, objects);
        }

        /** Tries a few random placements of one new object; null if none keeps every label clean. */
        private Placed place(List<Placed> placed, double[][] background) {
            for (int attempt = 0; attempt < 40; attempt++) {
                String label = opts.classes().get(rnd.nextInt(opts.classes().size()));
                Placed target = !placed.isEmpty() && rnd.nextDouble() < 0.4
                        ? placed.get(rnd.nextInt(placed.size()))
                        : null;
                Shape shape = target == null ? freeShape(label) : overlappingShape(label, target.shape);
                double[] colour = objectColour(background, placed);
                if (shape == null || colour == null) {
                    continue;
                }
                boolean[] full = withoutCrumbs(rasterize(shape));
                if (BinaryMasks.count(full) < 4 * minPartPixels) {
                    continue;
                }
                List<boolean[]> newVisible = occlude(placed, full);
                if (newVisible == null) {
                    continue;
                }
                for (int i = 0; i < placed.size(); i++) {
                    placed.get(i).visible = newVisible.get(i);
                }
                return new Placed(shape, full, colour, rnd);
            }
            return null;
        }

        /** Visible masks of the earlier objects under a new one, or null if one would become unlearnable. */
        private List<boolean[]> occlude(List<Placed> placed, boolean[] top) {
            List<boolean[]> out = new ArrayList<>();
            for (Placed p : placed) {
                boolean[] vis = p.visible.clone();
                for (int i = 0; i < vis.length; i++) {
                    vis[i] &= !top[i];
                }
                int visible = BinaryMasks.count(vis);
                if (visible < 0.3 * BinaryMasks.count(p.full)) {
                    return null;
                }
                if (visible < BinaryMasks.count(p.visible) && BinaryMasks.hasHoles(vis, s, s)) {
                    return null;
                }
                List<boolean[]> parts = BinaryMasks.components(vis, s, s);
                if (parts.size() > 3) {
                    return null;
                }
                for (boolean[] part : parts) {
                    if (BinaryMasks.count(part) < minPartPixels || interior(part) < minPartPixels / 3) {
                        return null;
                    }
                }
                out.add(vis);
            }
            return out;
        }

        /**
         * The mask without pieces too small to label: the thin tips of a star can leave pixels touching the body only
         * at a corner, which would otherwise count as separate parts.
         */
        private boolean[] withoutCrumbs(boolean[] mask) {
            boolean[] out = new boolean[mask.length];
            for (boolean[] part : BinaryMasks.components(mask, s, s)) {
                if (BinaryMasks.count(part) >= minPartPixels) {
                    for (int i = 0; i < out.length; i++) {
                        out[i] |= part[i];
                    }
                }
            }
            return out;
        }

        /** Pixels of a part whose four neighbours are in it too: small for slivers one or two pixels wide. */
        private int interior(boolean[] part) {
            int n = 0;
            for (int y = 1; y < s - 1; y++) {
                for (int x = 1; x < s - 1; x++) {
                    int p = y * s + x;
                    if (part[p] && part[p - 1] && part[p + 1] && part[p - s] && part[p + s]) {
                        n++;
                    }
                }
            }
            return n;
        }

        private Shape freeShape(String label) {
            double extent = s * (0.25 + rnd.nextDouble() * 0.35);
            Shape probe = makeShape(label, 0, 0, extent, false);
            double margin = probe.radius();
            if (2 * margin >= s) {
                return null;
            }
            double cx = margin + rnd.nextDouble() * (s - 2 * margin);
            double cy = margin + rnd.nextDouble() * (s - 2 * margin);
            return makeShape(label, cx, cy, extent, false, probe);
        }

        /**
         * A shape overlapping an earlier one: a long bar across its middle (which splits it into parts) when the class
         * is a rectangle, else a shape centred near its edge (a partial occlusion).
         */
        private Shape overlappingShape(String label, Shape target) {
            double angle = rnd.nextDouble() * 2 * StrictMath.PI;
            boolean bar = label.equals("rectangle");
            double extent = bar
                    ? Math.min(0.85 * s, target.extent() * (1.15 + rnd.nextDouble() * 0.3))
                    : s * (0.25 + rnd.nextDouble() * 0.35);
            double offset = bar ? rnd.nextDouble() * 0.12 * target.extent()
                    : (0.3 + rnd.nextDouble() * 0.25) * (target.extent() + extent);
            double cx = target.cx() + offset * StrictMath.cos(angle);
            double cy = target.cy() + offset * StrictMath.sin(angle);
            Shape shape = makeShape(label, cx, cy, extent, bar);
            double m = shape.radius();
            if (cx - m < 0 || cy - m < 0 || cx + m > s || cy + m > s) {
                return null;
            }
            return shape;
        }

        private Shape makeShape(String label, double cx, double cy, double extent, boolean bar) {
            return makeShape(label, cx, cy, extent, bar, null);
        }

        /** Draws the shape's random proportions, or reuses those of {@code like} at a new centre. */
        private Shape makeShape(String label, double cx, double cy, double extent, boolean bar, Shape like) {
            if (like != null) {
                double[] poly = like.polygon() == null ? null : like.polygon().clone();
                if (poly != null) {
                    for (int i = 0; i < poly.length; i += 2) {
                        poly[i] += cx - like.cx();
                        poly[i + 1] += cy - like.cy();
                    }
                }
                return new Shape(label, cx, cy, like.extent(), like.radius(), like.rx(), like.ry(), like.rotation(),
                        poly);
            }
            double rot = rnd.nextDouble() * 2 * StrictMath.PI;
            switch (label) {
                case "circle" -> {
                    double rx = extent / 2, ry = rx * (0.8 + rnd.nextDouble() * 0.2);
                    return new Shape(label, cx, cy, extent, rx, rx, ry, rot, null);
                }
                case "rectangle" -> {
                    double aspect = bar ? 2.8 + rnd.nextDouble() * 1.2 : 1 + rnd.nextDouble() * 1.8;
                    double hl = extent / 2, hs = extent / aspect / 2;
                    double[] poly = new double[8];
                    double[][] corners = {{-hl, -hs}, {hl, -hs}, {hl, hs}, {-hl, hs}};
                    for (int i = 0; i < 4; i++) {
                        poly[2 * i] = cx + corners[i][0] * StrictMath.cos(rot) - corners[i][1] * StrictMath.sin(rot);
                        poly[2 * i + 1] = cy + corners[i][0] * StrictMath.sin(rot) + corners[i][1] * StrictMath.cos(rot);
                    }
                    return new Shape(label, cx, cy, extent, StrictMath.hypot(hl, hs), 0, 0, rot, poly);
                }
                case "triangle" -> {
                    double radius = extent / StrictMath.sqrt(3);
                    double[] poly = new double[6];
                    for (int i = 0; i < 3; i++) {
                        double a = rot + i * 2 * StrictMath.PI / 3 + (rnd.nextDouble() - 0.5) * 0.4;
                        poly[2 * i] = cx + radius * StrictMath.cos(a);
                        poly[2 * i + 1] = cy + radius * StrictMath.sin(a);
                    }
                    return new Shape(label, cx, cy, extent, radius, 0, 0, rot, poly);
                }
                default -> {
                    double outer = extent / 2, inner = outer * (0.4 + rnd.nextDouble() * 0.15);
                    double[] poly = new double[20];
                    for (int i = 0; i < 10; i++) {
                        double a = rot + i * StrictMath.PI / 5;
                        double rad = i % 2 == 0 ? outer : inner;
                        poly[2 * i] = cx + rad * StrictMath.cos(a);
                        poly[2 * i + 1] = cy + rad * StrictMath.sin(a);
                    }
                    return new Shape(label, cx, cy, extent, outer, 0, 0, rot, poly);
                }
            }
        }

        /** Label mask: pixels whose centre is inside the shape. */
        private boolean[] rasterize(Shape shape) {
            boolean[] mask = new boolean[s * s];
            int[] b = pixelBounds(shape);
            for (int y = b[2]; y <= b[3]; y++) {
                for (int x = b[0]; x <= b[1]; x++) {
                    mask[y * s + x] = shape.inside(x + 0.5, y + 0.5);
                }
            }
            return mask;
        }

        /** Pixel range {x0, x1, y0, y1} (inclusive) that can touch the shape, with a pixel to spare. */
        private int[] pixelBounds(Shape shape) {
            return new int[] {
                Math.max(0, (int) StrictMath.floor(shape.cx() - shape.radius()) - 1),
                Math.min(s - 1, (int) StrictMath.ceil(shape.cx() + shape.radius()) + 1),
                Math.max(0, (int) StrictMath.floor(shape.cy() - shape.radius()) - 1),
                Math.min(s - 1, (int) StrictMath.ceil(shape.cy() + shape.radius()) + 1)};
        }

        private void paintObject(Placed p, double[] r, double[] g, double[] b, double[] colour) {
            Shape shape = p.shape;
            int[] bounds = pixelBounds(shape);
            for (int y = bounds[2]; y <= bounds[3]; y++) {
                for (int x = bounds[0]; x <= bounds[1]; x++) {
                    int hits = 0;
                    for (int sy = 0; sy < SUBSAMPLES; sy++) {
                        for (int sx = 0; sx < SUBSAMPLES; sx++) {
                            if (shape.inside(x + (sx + 0.5) / SUBSAMPLES, y + (sy + 0.5) / SUBSAMPLES)) {
                                hits++;
                            }
                        }
                    }
                    if (hits == 0) {
                        continue;
                    }
                    double cover = hits / (double) (SUBSAMPLES * SUBSAMPLES);
                    p.colourAt(x + 0.5, y + 0.5, colour);
                    int i = y * s + x;
                    r[i] = r[i] * (1 - cover) + colour[0] * cover;
                    g[i] = g[i] * (1 - cover) + colour[1] * cover;
                    b[i] = b[i] * (1 - cover) + colour[2] * cover;
                }
            }
        }

        /** Two-colour background: smooth blotches, soft stripes or a soft plaid. */
        private void paintBackground(double[][] colours, double[] r, double[] g, double[] b) {
            int kind = rnd.nextInt(3);
            int grid = 3 + rnd.nextInt(4);
            double[] knots = new double[(grid + 1) * (grid + 1)];
            for (int i = 0; i < knots.length; i++) {
                knots[i] = rnd.nextDouble();
            }
            double angle = rnd.nextDouble() * StrictMath.PI;
            double period = s * (0.08 + rnd.nextDouble() * 0.15);
            double phase = rnd.nextDouble() * 2 * StrictMath.PI;
            double ca = StrictMath.cos(angle), sa = StrictMath.sin(angle);
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    double t;
                    if (kind == 0) {
                        double gx = (x + 0.5) / s * grid, gy = (y + 0.5) / s * grid;
                        int ix = Math.min(grid - 1, (int) gx), iy = Math.min(grid - 1, (int) gy);
                        double fx = smooth(gx - ix), fy = smooth(gy - iy);
                        double top = knots[iy * (grid + 1) + ix] * (1 - fx) + knots[iy * (grid + 1) + ix + 1] * fx;
                        double bottom = knots[(iy + 1) * (grid + 1) + ix] * (1 - fx)
                                + knots[(iy + 1) * (grid + 1) + ix + 1] * fx;
                        t = top * (1 - fy) + bottom * fy;
                    } else if (kind == 1) {
                        t = 0.5 + 0.5 * StrictMath.sin(2 * StrictMath.PI * (x * ca + y * sa) / period + phase);
                    } else {
                        t = 0.5 + 0.25 * (StrictMath.sin(2 * StrictMath.PI * (x * ca + y * sa) / period)
                                + StrictMath.sin(2 * StrictMath.PI * (-x * sa + y * ca) / period + phase));
                    }
                    int i = y * s + x;
                    r[i] = colours[0][0] * (1 - t) + colours[1][0] * t;
                    g[i] = colours[0][1] * (1 - t) + colours[1][1] * t;
                    b[i] = colours[0][2] * (1 - t) + colours[1][2] * t;
                }
            }
        }

        /** Sensor-like grain (mostly brightness, a little colour) over the whole image, then 8-bit RGB. */
        private int[] addGrainAndPack(double[] r, double[] g, double[] b) {
            double sigma = 2 + rnd.nextDouble() * 5;
            int[] rgb = new int[s * s];
            for (int i = 0; i < rgb.length; i++) {
                double luma = rnd.nextGaussian() * sigma;
                double chroma = sigma * 0.3;
                int ri = toByte(r[i] + luma + rnd.nextGaussian() * chroma);
                int gi = toByte(g[i] + luma + rnd.nextGaussian() * chroma);
                int bi = toByte(b[i] + luma + rnd.nextGaussian() * chroma);
                rgb[i] = (ri << 16) | (gi << 8) | bi;
            }
            return rgb;
        }

        /** A colour far enough from the background and from earlier objects to be seen; null if none was found. */
        private double[] objectColour(double[][] background, List<Placed> placed) {
            for (int attempt = 0; attempt < 30; attempt++) {
                double[] c = randomColour(0.35, 1.0, 0.3, 1.0);
                boolean ok = distance(c, background[0]) > 90 && distance(c, background[1]) > 90;
                for (Placed p : placed) {
                    ok &= distance(c, p.colour) > 60;
                }
                if (ok) {
                    return c;
                }
            }
            return null;
        }

        private double[] randomColour(double minSat, double maxSat, double minVal, double maxVal) {
            double h = rnd.nextDouble() * 6;
            double sat = minSat + rnd.nextDouble() * (maxSat - minSat);
            double val = (minVal + rnd.nextDouble() * (maxVal - minVal)) * 255;
            int sector = (int) h;
            double f = h - sector;
            double p = val * (1 - sat), q = val * (1 - sat * f), t = val * (1 - sat * (1 - f));
            return switch (sector % 6) {
                case 0 -> new double[] {val, t, p};
                case 1 -> new double[] {q, val, p};
                case 2 -> new double[] {p, val, t};
                case 3 -> new double[] {p, q, val};
                case 4 -> new double[] {t, p, val};
                default -> new double[] {val, p, q};
            };
        }

        /** A second background colour: the first shifted a little, so texture stays low-contrast next to objects. */
        private double[] nearColour(double[] c) {
            double[] out = new double[3];
            double shift = (rnd.nextBoolean() ? 1 : -1) * (25 + rnd.nextDouble() * 35);
            for (int ch = 0; ch < 3; ch++) {
                out[ch] = clamp(c[ch] + shift + (rnd.nextDouble() - 0.5) * 30);
            }
            return out;
        }
    }

    /**
     * Label polygons of a visible mask in pixels: its contours as the reference traces masks ({@link MaskPolygons},
     * unsimplified, so on pixel corners), then Douglas-Peucker at {@value #POLYGON_TOLERANCE} px. The reference's
     * own rounds (tolerance 1, 2, ... down to 100 points) would cost labels about twice the pixel error, and the
     * exact contours five times the file size.
     */
    static List<double[]> outlines(boolean[] mask, int size) {
        byte[] bytes = BinaryMasks.toBytes(mask);
        List<double[]> parts = new ArrayList<>();
        for (double[] contour : MaskPolygons.pixelPolygons(bytes, size, size, 0)) {
            double[] simplified = MaskPolygons.simplify(contour, POLYGON_TOLERANCE);
            // Closed: three corners and the first again, or the part would have no area.
            parts.add(simplified.length >= 8 ? simplified : contour);
        }
        return parts;
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }

    private static double distance(double[] a, double[] b) {
        double dr = a[0] - b[0], dg = a[1] - b[1], db = a[2] - b[2];
        return StrictMath.sqrt(dr * dr + dg * dg + db * db);
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(255, v));
    }

    private static int toByte(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
