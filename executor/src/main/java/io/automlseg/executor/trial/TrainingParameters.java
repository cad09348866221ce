package io.automlseg.executor.trial;

import java.util.Locale;
import java.util.Map;

/**
 * A trial's hyperparameters, read by their reference-product names, with the defaults of {@link HyperparameterTable}
 * for those not given. The driver validates names, types and ranges before any trial starts; this class only reads.
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
        return string("model_name");
    }

    public int numberOfEpochs() {
        return integer("number_of_epochs");
    }

    public int trainingBatchSize() {
        return integer("training_batch_size");
    }

    public int validationBatchSize() {
        return integer("validation_batch_size");
    }

    public double learningRate() {
        return number("learning_rate");
    }

    public String learningRateScheduler() {
        return string("learning_rate_scheduler");
    }

    public double warmupCosineCycles() {
        return number("warmup_cosine_lr_cycles");
    }

    public int warmupEpochs() {
        return integer("warmup_cosine_lr_warmup_epochs");
    }

    public double stepGamma() {
        return number("step_lr_gamma");
    }

    public int stepSize() {
        return integer("step_lr_step_size");
    }

    public String optimizer() {
        return string("optimizer");
    }

    public double momentum() {
        return number("momentum");
    }

    public double weightDecay() {
        return number("weight_decay");
    }

    public boolean nesterov() {
        return bool("nesterov");
    }

    public double beta1() {
        return number("beta1");
    }

    public double beta2() {
        return number("beta2");
    }

    public boolean amsGradient() {
        return bool("ams_gradient");
    }

    public int gradientAccumulationSteps() {
        return integer("gradient_accumulation_step");
    }

    public boolean earlyStopping() {
        return bool("early_stopping");
    }

    public int earlyStoppingPatience() {
        return integer("early_stopping_patience");
    }

    public int earlyStoppingDelay() {
        return integer("early_stopping_delay");
    }

    public int evaluationFrequency() {
        return integer("evaluation_frequency");
    }

    public int minSize() {
        return integer("min_size");
    }

    public int maxSize() {
        return integer("max_size");
    }

    public double boxScoreThreshold() {
        return number("box_score_threshold");
    }

    public double nmsIouThreshold() {
        return number("nms_iou_threshold");
    }

    public int boxDetectionsPerImage() {
        return integer("box_detections_per_image");
    }

    public String validationMetricType() {
        return string("validation_metric_type");
    }

    public double validationIouThreshold() {
        return number("validation_iou_threshold");
    }

    public long randomSeed() {
        return integer("random_seed");
    }

    /** {@code log_validation_loss}: the validation loss computed with each evaluation. */
    public boolean logValidationLoss() {
        return enabled("log_validation_loss");
    }

    /** {@code log_training_metrics}: the metrics on the training images, too, with each evaluation. */
    public boolean logTrainingMetrics() {
        return enabled("log_training_metrics");
    }

    /** An Enable/Disable setting of the reference's (true, false and the like are read as well). */
    private boolean enabled(String name) {
        return bool(name, "Enable".equalsIgnoreCase(String.valueOf(defaultOf(name))));
    }

    /** Whether the reference product's training augmentations (flip; crop and expand) are on. */
    public boolean applyTrainAugmentations() {
        return bool("apply_automl_train_augmentations");
    }

    /** Gradient clipping by value, as the reference runtime does. */
    public double gradientClipValue() {
        return number("gradient_clip_value");
    }

    /**
     * Global gradient-norm clipping (ours). Training from scratch with 1-2 images per step occasionally produces a
     * gradient spike that per-value clipping does not bound; 0 turns it off.
     */
    public double gradientClipNorm() {
        return number("gradient_clip_norm");
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

    /** The value of {@code name}, or its default from {@link HyperparameterTable}. */
    public String string(String name) {
        return string(name, (String) defaultOf(name));
    }

    public int integer(String name) {
        return integer(name, ((Number) defaultOf(name)).intValue());
    }

    public double number(String name) {
        return number(name, ((Number) defaultOf(name)).doubleValue());
    }

    public boolean bool(String name) {
        return bool(name, (Boolean) defaultOf(name));
    }

    private static Object defaultOf(String name) {
        Object value = HyperparameterTable.get(name).defaultValue();
        if (value == null) {
            throw new IllegalArgumentException(name + " has no default");
        }
        return value;
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
