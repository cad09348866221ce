package io.automlseg.executor.model;

import java.util.Arrays;
import java.util.List;

/**
 * A training batch as {@link MaskRCNN#losses(ai.djl.ndarray.NDManager, PreparedBatch, java.util.Random)} takes it:
 * images normalised, resized and padded as torchvision's GeneralizedRCNNTransform does, targets resized alongside.
 * Built in plain Java without libtorch, so a data-loading thread can prepare it while the previous step trains.
 */
public final class PreparedBatch {
    final ImageTransform.Batch images;
    final ImageTransform.ResizedTarget[] targets;

    private PreparedBatch(ImageTransform.Batch images, ImageTransform.ResizedTarget[] targets) {
        this.images = images;
        this.targets = targets;
    }

    /**
     * Checks the targets against the images and the model's classes, then transforms both.
     *
     * @throws IllegalArgumentException if a target does not fit its image or names a class the model lacks
     */
    public static PreparedBatch of(List<InputImage> images, List<TrainingTarget> targets, ModelConfig config) {
        validate(images, targets, config.numClasses());
        ImageTransform.Batch batch = ImageTransform.batch(images, config);
        ImageTransform.ResizedTarget[] resized = new ImageTransform.ResizedTarget[images.size()];
        for (int i = 0; i < images.size(); i++) {
            resized[i] = ImageTransform.resizeTarget(targets.get(i), images.get(i), batch.heights()[i], batch.widths()[i]);
        }
        return new PreparedBatch(batch, resized);
    }

    private static void validate(List<InputImage> images, List<TrainingTarget> targets, int numClasses) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images given");
        }
        if (images.size() != targets.size()) {
            throw new IllegalArgumentException(images.size() + " images but " + targets.size() + " targets");
        }
        for (int i = 0; i < images.size(); i++) {
            TrainingTarget t = targets.get(i);
            InputImage image = images.get(i);
            if (t.boxes().length != t.size() || t.masks().length != t.size()) {
                throw new IllegalArgumentException("target " + i + ": boxes, labels and masks differ in count");
            }
            for (int j = 0; j < t.size(); j++) {
                float[] b = t.boxes()[j];
                if (b.length != 4 || !(b[2] > b[0]) || !(b[3] > b[1])) {
                    throw new IllegalArgumentException("target " + i + ", object " + j + ": box " + Arrays.toString(b)
                            + " must be x1,y1,x2,y2 with positive width and height");
                }
                if (t.labels()[j] < 1 || t.labels()[j] >= numClasses) {
                    throw new IllegalArgumentException("target " + i + ", object " + j + ": label " + t.labels()[j]
                            + " outside 1.." + (numClasses - 1));
                }
                if (t.masks()[j].length != image.height() * image.width()) {
                    throw new IllegalArgumentException("target " + i + ", object " + j + ": mask has " + t.masks()[j].length
                            + " pixels, image is " + image.height() + "x" + image.width());
                }
            }
        }
    }
}
