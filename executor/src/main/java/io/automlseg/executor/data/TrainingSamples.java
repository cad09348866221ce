package io.automlseg.executor.data;

import io.automlseg.executor.mask.PolygonRaster;
import io.automlseg.executor.mask.Rle;
import io.automlseg.executor.model.InputImage;
import io.automlseg.executor.model.TrainingTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds training examples the way torchvision's detection reference does: crowd objects are left out of the
 * targets, each box is the polygon's extent in pixels clamped to the image, objects whose box is empty are dropped.
 * The training augmentations are the reference product's ({@link #augment}): a random crop that keeps every object
 * or an expansion onto a mean-coloured canvas, then a horizontal flip. Masks are built by the one rule of the whole product, the reference's:
 * parts rasterised as pycocotools does and combined by XOR ({@link PolygonRaster#fromNormalizedPolygons}), so a model trains on
 * the same pixels its validation scores it against.
 */
public final class TrainingSamples {
    private TrainingSamples() {}

    /** Decodes the record's image and builds its target. */
    public static TrainingSample load(ImageRecord record, Map<String, Integer> labelIndex) {
        InputImage image = ImageDecoder.decode(record.imageUrl(), record.source());
        return new TrainingSample(image, target(record, image.height(), image.width(), labelIndex));
    }

    /**
     * Ground truth of a record for an image of the given size.
     *
     * @throws DataError if an object's class is not in {@code labelIndex}
     */
    public static TrainingTarget target(ImageRecord record, int height, int width, Map<String, Integer> labelIndex) {
        List<float[]> boxes = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<byte[]> masks = new ArrayList<>();
        for (int i = 0; i < record.objects().size(); i++) {
            ObjectAnnotation o = record.objects().get(i);
            if (o.crowd()) {
                continue;
            }
            Integer label = labelIndex.get(o.label());
            if (label == null) {
                throw new DataError(DataProblem.atSource(record.source(), "label[" + i + "].label",
                        DataProblem.Kind.UNKNOWN_LABEL, "label '" + o.label() + "' is not among the training labels"));
            }
            double[] n = o.normalizedBox();
            float x1 = clamp(n[0] * width, width);
            float y1 = clamp(n[1] * height, height);
            float x2 = clamp(n[2] * width, width);
            float y2 = clamp(n[3] * height, height);
            if (x2 <= x1 || y2 <= y1) {
                continue;
            }
            boxes.add(new float[] {x1, y1, x2, y2});
            labels.add(label);
            masks.add(PolygonRaster.fromNormalizedPolygons(o.polygons(), height, width).decode());
        }
        int[] labelArray = new int[labels.size()];
        for (int i = 0; i < labelArray.length; i++) {
            labelArray[i] = labels.get(i);
        }
        return new TrainingTarget(boxes.toArray(new float[0][]), labelArray, masks.toArray(new byte[0][]));
    }

    /**
     * Whether the reference would train on this image: at least one box wider and taller than one pixel (torchvision
     * drops the other images from the training set).
     */
    public static boolean isTrainable(TrainingTarget target) {
        for (float[] b : target.boxes()) {
            if (b[2] - b[0] > 1 && b[3] - b[1] > 1) {
                return true;
            }
        }
        return false;
    }

    /** Mirrors image, boxes ({@code x1' = w - x2}, {@code x2' = w - x1}) and masks left to right. */
    public static TrainingSample flipHorizontal(TrainingSample sample) {
        InputImage img = sample.image();
        int w = img.width();
        int h = img.height();
        float[] src = img.chw();
        float[] chw = new float[src.length];
        for (int row = 0; row < 3 * h; row++) {
            int base = row * w;
            for (int x = 0; x < w; x++) {
                chw[base + x] = src[base + w - 1 - x];
            }
        }
        TrainingTarget t = sample.target();
        float[][] boxes = new float[t.size()][];
        byte[][] masks = new byte[t.size()][];
        for (int i = 0; i < t.size(); i++) {
            float[] b = t.boxes()[i];
            boxes[i] = new float[] {w - b[2], b[1], w - b[0], b[3]};
            byte[] m = t.masks()[i];
            byte[] f = new byte[m.length];
            for (int y = 0; y < h; y++) {
                int base = y * w;
                for (int x = 0; x < w; x++) {
                    f[base + x] = m[base + w - 1 - x];
                }
            }
            masks[i] = f;
        }
        return new TrainingSample(new InputImage(chw, h, w), new TrainingTarget(boxes, t.labels().clone(), masks));
    }

    /** Flips with the given probability (the reference uses 0.5), drawing from the caller's seeded generator. */
    public static TrainingSample randomFlip(TrainingSample sample, Random random, double probability) {
        return random.nextDouble() < probability ? flipHorizontal(sample) : sample;
    }

    /** ImageNet mean colour (RGB, 0-1), the reference product's fill for the canvas around an expanded image. */
    static final float[] MEAN_COLOUR = {0.485f, 0.456f, 0.406f};
    /** The reference's probability for each augmentation decision. */
    static final double AUGMENTATION_PROBABILITY = 0.5;
    /** A crop keeps at least this fraction of the image's area, and its aspect ratio (h/w) stays in (0.5, 2). */
    static final double MIN_CROP_AREA = 0.6;
    static final int CROP_ATTEMPTS = 50;

    /**
     * The reference product's training augmentations, drawing every choice from the trial's seeded generator: with
     * probability 1/2 a geometric change, itself a {@link #randomCropAroundObjects crop} (1/2) or an
     * {@link #randomExpand expansion} (1/2); then a horizontal flip with probability 1/2.
     */
    public static TrainingSample augment(TrainingSample sample, Random random) {
        TrainingSample s = sample;
        if (random.nextDouble() < AUGMENTATION_PROBABILITY) {
            s = random.nextDouble() < AUGMENTATION_PROBABILITY ? randomCropAroundObjects(s, random) : randomExpand(s, random);
        }
        return randomFlip(s, random, AUGMENTATION_PROBABILITY);
    }

    /**
     * Crops to a random window that contains every object's box, covers at least 60% of the image and has an aspect
     * ratio between 1/2 and 2; after 50 unsuitable draws the sample is returned unchanged.
     */
    public static TrainingSample randomCropAroundObjects(TrainingSample sample, Random random) {
        InputImage img = sample.image();
        int w = img.width();
        int h = img.height();
        TrainingTarget t = sample.target();
        // The union of the boxes, widened to whole pixels so no object loses a fraction of a pixel.
        int minX = w, minY = h, maxX = 0, maxY = 0;
        for (float[] b : t.boxes()) {
            minX = Math.min(minX, (int) Math.floor(b[0]));
            minY = Math.min(minY, (int) Math.floor(b[1]));
            maxX = Math.max(maxX, (int) Math.ceil(b[2]));
            maxY = Math.max(maxY, (int) Math.ceil(b[3]));
        }
        if (t.size() == 0 || minX < 0 || minY < 0 || maxX > w || maxY > h) {
            return sample;
        }
        for (int attempt = 0; attempt < CROP_ATTEMPTS; attempt++) {
            int left = random.nextInt(minX + 1);
            int right = maxX + random.nextInt(w - maxX + 1);
            int top = random.nextInt(minY + 1);
            int bottom = maxY + random.nextInt(h - maxY + 1);
            int cw = right - left;
            int ch = bottom - top;
            double aspect = ch / (cw + 1e-9);
            if ((double) cw * ch < MIN_CROP_AREA * w * h || !(aspect > 0.5 && aspect < 2)) {
                continue;
            }
            TrainingSample cropped = crop(sample, left, top, cw, ch);
            if (cropped != null) {
                return cropped;
            }
        }
        return sample;
    }

    /**
     * The part of the sample inside the window {@code (left, top, width, height)}: boxes are shifted and clipped to
     * it, masks cut out; objects left with an empty box or mask are dropped. Null if no object would remain (a
     * training image needs one).
     */
    public static TrainingSample crop(TrainingSample sample, int left, int top, int width, int height) {
        InputImage img = sample.image();
        int w = img.width();
        int h = img.height();
        if (left < 0 || top < 0 || width <= 0 || height <= 0 || left + width > w || top + height > h) {
            throw new IllegalArgumentException("crop window " + left + "," + top + " " + width + "x" + height
                    + " outside the " + w + "x" + h + " image");
        }
        float[] src = img.chw();
        float[] chw = new float[3 * width * height];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(src, (c * h + top + y) * w + left, chw, (c * height + y) * width, width);
            }
        }
        TrainingTarget t = sample.target();
        List<float[]> boxes = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<byte[]> masks = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            float[] b = t.boxes()[i];
            float x1 = Math.max(0, b[0] - left);
            float y1 = Math.max(0, b[1] - top);
            float x2 = Math.min(width, b[2] - left);
            float y2 = Math.min(height, b[3] - top);
            byte[] m = t.masks()[i];
            byte[] cut = new byte[width * height];
            boolean any = false;
            for (int y = 0; y < height; y++) {
                int from = (top + y) * w + left;
                System.arraycopy(m, from, cut, y * width, width);
                for (int x = 0; x < width && !any; x++) {
                    any = cut[y * width + x] != 0;
                }
            }
            if (x2 <= x1 || y2 <= y1 || !any) {
                continue;
            }
            boxes.add(new float[] {x1, y1, x2, y2});
            labels.add(t.labels()[i]);
            masks.add(cut);
        }
        if (boxes.isEmpty()) {
            return null;
        }
        int[] labelArray = labels.stream().mapToInt(Integer::intValue).toArray();
        return new TrainingSample(new InputImage(chw, height, width),
                new TrainingTarget(boxes.toArray(new float[0][]), labelArray, masks.toArray(new byte[0][])));
    }

    /**
     * SSD-style zoom out: the image is placed at a random position on a canvas 1 to 2 times its size (the same ratio
     * on both sides) filled with the ImageNet mean colour, so objects become smaller.
     */
    public static TrainingSample randomExpand(TrainingSample sample, Random random) {
        double ratio = 1 + random.nextDouble();
        InputImage img = sample.image();
        int newW = (int) (img.width() * ratio);
        int newH = (int) (img.height() * ratio);
        int top = random.nextInt(newH - img.height() + 1);
        int left = random.nextInt(newW - img.width() + 1);
        return expand(sample, newW, newH, left, top);
    }

    /** Places the sample at {@code (left, top)} on a mean-coloured {@code width x height} canvas. */
    public static TrainingSample expand(TrainingSample sample, int width, int height, int left, int top) {
        InputImage img = sample.image();
        int w = img.width();
        int h = img.height();
        if (left < 0 || top < 0 || left + w > width || top + h > height) {
            throw new IllegalArgumentException("a " + w + "x" + h + " image does not fit at " + left + "," + top
                    + " on a " + width + "x" + height + " canvas");
        }
        float[] src = img.chw();
        float[] chw = new float[3 * width * height];
        for (int c = 0; c < 3; c++) {
            java.util.Arrays.fill(chw, c * width * height, (c + 1) * width * height, MEAN_COLOUR[c]);
            for (int y = 0; y < h; y++) {
                System.arraycopy(src, (c * h + y) * w, chw, (c * height + top + y) * width + left, w);
            }
        }
        TrainingTarget t = sample.target();
        float[][] boxes = new float[t.size()][];
        byte[][] masks = new byte[t.size()][];
        for (int i = 0; i < t.size(); i++) {
            float[] b = t.boxes()[i];
            boxes[i] = new float[] {b[0] + left, b[1] + top, b[2] + left, b[3] + top};
            byte[] m = t.masks()[i];
            byte[] placed = new byte[width * height];
            for (int y = 0; y < h; y++) {
                System.arraycopy(m, y * w, placed, (top + y) * width + left, w);
            }
            masks[i] = placed;
        }
        return new TrainingSample(new InputImage(chw, height, width), new TrainingTarget(boxes, t.labels().clone(), masks));
    }

    private static float clamp(double v, int max) {
        return (float) Math.min(Math.max(v, 0), max);
    }
}
