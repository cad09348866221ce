package io.automlseg.executor.trial;

import java.util.Locale;
import java.util.Map;

/**
 * A trial's hyperparameters, read by their reference-product names with the reference defaults for instance
 * segmentation. The driver validates names, types and ranges before any trial starts; this class only reads.
 */
public final class TrainingParameters {
    private final Map<String, Object> values;

    public TrainingParameters(Map<String, Object> values) {
        this.values = Map.copyOf(values);
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public String modelName() {
        return string("model_name", "maskrcnn_resnet50_fpn");
    }

    public int numberOfEpochs() {
        return integer("number_of_epochs", 15);
    }

    public int trainingBatchSize() {
        return integer("training_batch_size", 2);
    }

    public int validationBatchSize() {
        return integer("validation_batch_size", 1);
    }

    public double learningRate() {
        return number("learning_rate", 0.005);
    }

    public String learningRateScheduler() {
        return string("learning_rate_scheduler", "warmup_cosine");
    }

    public double warmupCosineCycles() {
        return number("warmup_cosine_lr_cycles", 0.45);
    }

    public int warmupEpochs() {
        return integer("warmup_cosine_lr_warmup_epochs", 2);
    }

    public double stepGamma() {
        return number("step_lr_gamma", 0.5);
    }

    public int stepSize() {
        return integer("step_lr_step_size", 5);
    }

    public String optimizer() {
        return string("optimizer", "sgd");
    }

    public double momentum() {
        return number("momentum", 0.9);
    }

    public double weightDecay() {
        return number("weight_decay", 1e-4);
    }

    public boolean nesterov() {
        return bool("nesterov", true);
    }

    public double beta1() {
        return number("beta1", 0.9);
    }

    public double beta2() {
        return number("beta2", 0.999);
    }

    public boolean amsGradient() {
        return bool("ams_gradient", false);
    }

    public int gradientAccumulationSteps() {
        return integer("gradient_accumulation_step", 1);
    }

    public boolean earlyStopping() {
        return bool("early_stopping", true);
    }

    public int earlyStoppingPatience() {
        return integer("early_stopping_patience", 5);
    }

    public int earlyStoppingDelay() {
        return integer("early_stopping_delay", 5);
    }

    public int evaluationFrequency() {
        return integer("evaluation_frequency", 1);
    }

    public int minSize() {
        return integer("min_size", 600);
    }

    public int maxSize() {
        return integer("max_size", 1333);
    }

    public double boxScoreThreshold() {
        return number("box_score_threshold", 0.3);
    }

    public double nmsIouThreshold() {
        return number("nms_iou_threshold", 0.5);
    }

    public int boxDetectionsPerImage() {
        return integer("box_detections_per_image", 100);
    }

    public String validationMetricType() {
        return string("validation_metric_type", "voc");
    }

    public double validationIouThreshold() {
        return number("validation_iou_threshold", 0.5);
    }

    public long randomSeed() {
        return integer("random_seed", 47);
    }

    /** Whether the reference product's training augmentations (flip; crop and expand) are on. */
    public boolean applyTrainAugmentations() {
        return bool("apply_automl_train_augmentations", true);
    }

    /** Gradient clipping by value, as the reference runtime does. */
    public double gradientClipValue() {
        return number("gradient_clip_value", 5.0);
    }

    /**
     * Global gradient-norm clipping (ours). Training from scratch with 1-2 images per step occasionally produces a
     * gradient spike that per-value clipping does not bound; 0 turns it off.
     */
    public double gradientClipNorm() {
        return number("gradient_clip_norm", 10.0);
    }

    /** How many of conv1, layer1..layer4 of the backbone are frozen, or null when not given. */
    public Integer layersToFreeze() {
        return values.get("layers_to_freeze") == null ? null : integer("layers_to_freeze", 0);
    }

    /** Epochs between checkpoints, or null when not given. */
    public Integer checkpointFrequency() {
        return values.get("checkpoint_frequency") == null ? null : integer("checkpoint_frequency", 1);
    }

    /**
     * The saved model (or weight file) incremental training starts from: {@code checkpoint_model} (the reference's
     * name; the driver also resolves {@code checkpoint_run_id} into it) or its alias {@code checkpoint_path}.
     */
    public String checkpointModel() {
        String model = string("checkpoint_model", null);
        return model != null ? model : string("checkpoint_path", null);
    }

    /** A user-supplied weight file with torchvision names (.pth from torch.save, .npz), or this project's weights.params. */
    public String weightsPath() {
        return string("weights_path", null);
    }

    public String string(String name, String fallback) {
        Object v = values.get(name);
        return v == null ? fallback : v.toString();
    }

    public int integer(String name, int fallback) {
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return (int) Math.round(n.doubleValue());
        }
        return (int) Math.round(Double.parseDouble(v.toString()));
    }

    public double number(String name, double fallback) {
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        return v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString());
    }

    public boolean bool(String name, boolean fallback) {
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.intValue() != 0;
        }
        return switch (v.toString().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "enable", "enabled" -> true;
            default -> false;
        };
    }
}
