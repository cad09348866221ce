package io.automlseg.executor.model;

import java.util.List;
import java.util.Locale;

/**
 * Everything that defines a Mask R-CNN instance: architecture, normalisation, image sizes and the RPN / RoI-head
 * settings. Defaults are torchvision's (see {@code MaskRCNN}/{@code FasterRCNN} constructors) except the norm kind,
 * which defaults to group norm because the model is trained from scratch with 1-2 images per step.
 */
public final class ModelConfig {

    /** How the backbone normalises activations. */
    public enum NormKind {
        /** Plain BatchNorm2d (batch statistics in training, running statistics in eval). */
        BATCH,
        /** FrozenBatchNorm2d: fixed affine from running statistics; weight and bias are buffers, not parameters. */
        FROZEN_BATCH,
        /** GroupNorm with {@link #groupNormGroups()} groups; independent of batch size. */
        GROUP
    }

    public static final List<String> MODEL_NAMES = List.of(
            "maskrcnn_resnet18_fpn", "maskrcnn_resnet34_fpn", "maskrcnn_resnet50_fpn",
            "maskrcnn_resnet101_fpn", "maskrcnn_resnet152_fpn");

    private final String modelName;
    private final int numClasses;
    private final NormKind norm;
    private final int groupNormGroups;
    private final int trainableBackboneLayers;
    private final int minSize;
    private final int maxSize;
    private final float[] imageMean;
    private final float[] imageStd;
    private final int rpnPreNmsTopNTrain;
    private final int rpnPreNmsTopNTest;
    private final int rpnPostNmsTopNTrain;
    private final int rpnPostNmsTopNTest;
    private final float rpnNmsThreshold;
    private final float rpnFgIouThreshold;
    private final float rpnBgIouThreshold;
    private final int rpnBatchSizePerImage;
    private final float rpnPositiveFraction;
    private final float rpnScoreThreshold;
    private final float boxScoreThreshold;
    private final float boxNmsThreshold;
    private final int detectionsPerImage;
    private final float boxFgIouThreshold;
    private final float boxBgIouThreshold;
    private final int boxBatchSizePerImage;
    private final float boxPositiveFraction;

    private ModelConfig(Builder b) {
        this.modelName = b.modelName;
        this.numClasses = b.numClasses;
        this.norm = b.norm;
        this.groupNormGroups = b.groupNormGroups;
        this.trainableBackboneLayers = b.trainableBackboneLayers;
        this.minSize = b.minSize;
        this.maxSize = b.maxSize;
        this.imageMean = b.imageMean.clone();
        this.imageStd = b.imageStd.clone();
        this.rpnPreNmsTopNTrain = b.rpnPreNmsTopNTrain;
        this.rpnPreNmsTopNTest = b.rpnPreNmsTopNTest;
        this.rpnPostNmsTopNTrain = b.rpnPostNmsTopNTrain;
        this.rpnPostNmsTopNTest = b.rpnPostNmsTopNTest;
        this.rpnNmsThreshold = b.rpnNmsThreshold;
        this.rpnFgIouThreshold = b.rpnFgIouThreshold;
        this.rpnBgIouThreshold = b.rpnBgIouThreshold;
        this.rpnBatchSizePerImage = b.rpnBatchSizePerImage;
        this.rpnPositiveFraction = b.rpnPositiveFraction;
        this.rpnScoreThreshold = b.rpnScoreThreshold;
        this.boxScoreThreshold = b.boxScoreThreshold;
        this.boxNmsThreshold = b.boxNmsThreshold;
        this.detectionsPerImage = b.detectionsPerImage;
        this.boxFgIouThreshold = b.boxFgIouThreshold;
        this.boxBgIouThreshold = b.boxBgIouThreshold;
        this.boxBatchSizePerImage = b.boxBatchSizePerImage;
        this.boxPositiveFraction = b.boxPositiveFraction;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.modelName = modelName;
        b.numClasses = numClasses;
        b.norm = norm;
        b.groupNormGroups = groupNormGroups;
        b.trainableBackboneLayers = trainableBackboneLayers;
        b.minSize = minSize;
        b.maxSize = maxSize;
        b.imageMean = imageMean.clone();
        b.imageStd = imageStd.clone();
        b.rpnPreNmsTopNTrain = rpnPreNmsTopNTrain;
        b.rpnPreNmsTopNTest = rpnPreNmsTopNTest;
        b.rpnPostNmsTopNTrain = rpnPostNmsTopNTrain;
        b.rpnPostNmsTopNTest = rpnPostNmsTopNTest;
        b.rpnNmsThreshold = rpnNmsThreshold;
        b.rpnFgIouThreshold = rpnFgIouThreshold;
        b.rpnBgIouThreshold = rpnBgIouThreshold;
        b.rpnBatchSizePerImage = rpnBatchSizePerImage;
        b.rpnPositiveFraction = rpnPositiveFraction;
        b.rpnScoreThreshold = rpnScoreThreshold;
        b.boxScoreThreshold = boxScoreThreshold;
        b.boxNmsThreshold = boxNmsThreshold;
        b.detectionsPerImage = detectionsPerImage;
        b.boxFgIouThreshold = boxFgIouThreshold;
        b.boxBgIouThreshold = boxBgIouThreshold;
        b.boxBatchSizePerImage = boxBatchSizePerImage;
        b.boxPositiveFraction = boxPositiveFraction;
        return b;
    }

    public String modelName() { return modelName; }
    /** ResNet depth parsed from the model name (18, 34, 50, 101, 152). */
    public int depth() { return Integer.parseInt(modelName.substring("maskrcnn_resnet".length(), modelName.length() - "_fpn".length())); }
    /** Number of classes including background (index 0). */
    public int numClasses() { return numClasses; }
    public NormKind norm() { return norm; }
    public int groupNormGroups() { return groupNormGroups; }
    /** 0..5 trainable backbone stages counted from layer4 downwards (5 = everything incl. the stem). */
    public int trainableBackboneLayers() { return trainableBackboneLayers; }
    public int minSize() { return minSize; }
    public int maxSize() { return maxSize; }
    public float[] imageMean() { return imageMean.clone(); }
    public float[] imageStd() { return imageStd.clone(); }
    public int rpnPreNmsTopN(boolean training) { return training ? rpnPreNmsTopNTrain : rpnPreNmsTopNTest; }
    public int rpnPostNmsTopN(boolean training) { return training ? rpnPostNmsTopNTrain : rpnPostNmsTopNTest; }
    public float rpnNmsThreshold() { return rpnNmsThreshold; }
    public float rpnFgIouThreshold() { return rpnFgIouThreshold; }
    public float rpnBgIouThreshold() { return rpnBgIouThreshold; }
    public int rpnBatchSizePerImage() { return rpnBatchSizePerImage; }
    public float rpnPositiveFraction() { return rpnPositiveFraction; }
    public float rpnScoreThreshold() { return rpnScoreThreshold; }
    public float boxScoreThreshold() { return boxScoreThreshold; }
    public float boxNmsThreshold() { return boxNmsThreshold; }
    public int detectionsPerImage() { return detectionsPerImage; }
    public float boxFgIouThreshold() { return boxFgIouThreshold; }
    public float boxBgIouThreshold() { return boxBgIouThreshold; }
    public int boxBatchSizePerImage() { return boxBatchSizePerImage; }
    public float boxPositiveFraction() { return boxPositiveFraction; }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ModelConfig[%s, classes=%d, norm=%s, trainableBackboneLayers=%d, size=%d..%d]",
                modelName, numClasses, norm, trainableBackboneLayers, minSize, maxSize);
    }

    /** Builder with torchvision defaults; {@link #build()} validates. */
    public static final class Builder {
        private String modelName = "maskrcnn_resnet50_fpn";
        private int numClasses = 91;
        private NormKind norm = NormKind.GROUP;
        private int groupNormGroups = 32;
        private int trainableBackboneLayers = 5;
        private int minSize = 800;
        private int maxSize = 1333;
        private float[] imageMean = {0.485f, 0.456f, 0.406f};
        private float[] imageStd = {0.229f, 0.224f, 0.225f};
        private int rpnPreNmsTopNTrain = 2000;
        private int rpnPreNmsTopNTest = 1000;
        private int rpnPostNmsTopNTrain = 2000;
        private int rpnPostNmsTopNTest = 1000;
        private float rpnNmsThreshold = 0.7f;
        private float rpnFgIouThreshold = 0.7f;
        private float rpnBgIouThreshold = 0.3f;
        private int rpnBatchSizePerImage = 256;
        private float rpnPositiveFraction = 0.5f;
        private float rpnScoreThreshold = 0.0f;
        private float boxScoreThreshold = 0.05f;
        private float boxNmsThreshold = 0.5f;
        private int detectionsPerImage = 100;
        private float boxFgIouThreshold = 0.5f;
        private float boxBgIouThreshold = 0.5f;
        private int boxBatchSizePerImage = 512;
        private float boxPositiveFraction = 0.25f;

        private Builder() {}

        public Builder modelName(String v) { modelName = v; return this; }
        public Builder numClasses(int v) { numClasses = v; return this; }
        public Builder norm(NormKind v) { norm = v; return this; }
        public Builder groupNormGroups(int v) { groupNormGroups = v; return this; }
        public Builder trainableBackboneLayers(int v) { trainableBackboneLayers = v; return this; }
        public Builder minSize(int v) { minSize = v; return this; }
        public Builder maxSize(int v) { maxSize = v; return this; }
        public Builder imageMean(float[] v) { imageMean = v.clone(); return this; }
        public Builder imageStd(float[] v) { imageStd = v.clone(); return this; }
        public Builder rpnPreNmsTopN(int train, int test) { rpnPreNmsTopNTrain = train; rpnPreNmsTopNTest = test; return this; }
        public Builder rpnPostNmsTopN(int train, int test) { rpnPostNmsTopNTrain = train; rpnPostNmsTopNTest = test; return this; }
        public Builder rpnNmsThreshold(float v) { rpnNmsThreshold = v; return this; }
        public Builder rpnFgIouThreshold(float v) { rpnFgIouThreshold = v; return this; }
        public Builder rpnBgIouThreshold(float v) { rpnBgIouThreshold = v; return this; }
        public Builder rpnBatchSizePerImage(int v) { rpnBatchSizePerImage = v; return this; }
        public Builder rpnPositiveFraction(float v) { rpnPositiveFraction = v; return this; }
        public Builder rpnScoreThreshold(float v) { rpnScoreThreshold = v; return this; }
        public Builder boxScoreThreshold(float v) { boxScoreThreshold = v; return this; }
        public Builder boxNmsThreshold(float v) { boxNmsThreshold = v; return this; }
        public Builder detectionsPerImage(int v) { detectionsPerImage = v; return this; }
        public Builder boxFgIouThreshold(float v) { boxFgIouThreshold = v; return this; }
        public Builder boxBgIouThreshold(float v) { boxBgIouThreshold = v; return this; }
        public Builder boxBatchSizePerImage(int v) { boxBatchSizePerImage = v; return this; }
        public Builder boxPositiveFraction(float v) { boxPositiveFraction = v; return this; }

        public ModelConfig build() {
            if (!MODEL_NAMES.contains(modelName)) {
                throw new IllegalArgumentException("model_name '" + modelName + "' is not one of " + MODEL_NAMES);
            }
            require(numClasses >= 2, "numClasses must count background plus at least one class, got " + numClasses);
            require(trainableBackboneLayers >= 0 && trainableBackboneLayers <= 5,
                    "trainableBackboneLayers must be 0..5, got " + trainableBackboneLayers);
            // As torchvision: a min_size above max_size is allowed (the longer side is then max_size).
            require(minSize > 0 && maxSize > 0, "need positive minSize and maxSize, got " + minSize + ", " + maxSize);
            require(groupNormGroups > 0 && 64 % groupNormGroups == 0, "groupNormGroups must divide 64, got " + groupNormGroups);
            require(imageMean.length == 3 && imageStd.length == 3, "imageMean and imageStd need 3 values");
            require(detectionsPerImage > 0, "detectionsPerImage must be positive");
            require(rpnBatchSizePerImage > 0 && boxBatchSizePerImage > 0, "sampler batch sizes must be positive");
            return new ModelConfig(this);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
