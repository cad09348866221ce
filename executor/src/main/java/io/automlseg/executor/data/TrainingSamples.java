package io.automlseg.executor.data;

import io.automlseg.executor.model.InputImage;
import io.automlseg.executor.model.TrainingTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds training examples the way torchvision's detection reference does: crowd objects are left out of the
 * targets, each box is the polygon's extent in pixels clamped to the image, objects whose box is empty are dropped,
 * masks are the union of the rasterised parts; the only augmentation is a horizontal flip.
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
            masks.add(PolygonRasterizer.mask(o, height, width));
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

    private static float clamp(double v, int max) {
        return (float) Math.min(Math.max(v, 0), max);
    }
}
