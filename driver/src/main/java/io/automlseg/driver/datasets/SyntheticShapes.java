package io.automlseg.driver.datasets;

import io.automlseg.executor.data.MLTableLine;
import io.automlseg.executor.io.Storage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        return new SyntheticScene(opts, index).build();
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
}
