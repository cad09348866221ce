package io.automlseg.driver.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The hyperparameters of the reference product's instance-segmentation task (§4 of the reference spec), with their
 * types, ranges and defaults. Names are the reference product's; a trial receives all of them resolved.
 *
 * <p>This project's trial honours {@link #HONOURED}; the others are accepted with their reference names and passed
 * through to the trial unchanged.
 */
public final class Hyperparameters {

    public enum Type { INT, FLOAT, BOOL, STRING, ENUM }

    /**
     * One hyperparameter.
     *
     * @param min lower bound or null; {@code minExclusive} makes it strict
     * @param max upper bound (inclusive) or null
     * @param values allowed values of an ENUM
     * @param defaultValue reference default, or null when the reference has none
     */
    public record Spec(String name, Type type, Double min, boolean minExclusive, Double max, List<String> values,
                       Object defaultValue) {

        /** Human-readable range, e.g. {@code [0, 1]}, {@code > 0}, {@code one of sgd, adam}. */
        public String range() {
            return switch (type) {
                case ENUM -> "one of " + String.join(", ", values);
                case BOOL -> "true or false";
                case STRING -> "a string";
                default -> {
                    if (min != null && max != null) {
                        yield (minExclusive ? "(" : "[") + num(min) + ", " + num(max) + "]";
                    }
                    if (min != null) {
                        yield (minExclusive ? "> " : ">= ") + num(min);
                    }
                    yield "any number";
                }
            };
        }
    }

    public static final String MODEL_NAME = "model_name";
    public static final String NUMBER_OF_EPOCHS = "number_of_epochs";
    public static final String TRAINING_BATCH_SIZE = "training_batch_size";
    public static final String VALIDATION_BATCH_SIZE = "validation_batch_size";
    public static final String LEARNING_RATE = "learning_rate";
    public static final String MIN_SIZE = "min_size";
    public static final String MAX_SIZE = "max_size";
    public static final String RANDOM_SEED = "random_seed";
    public static final String IGNORE_DATA_ERRORS = "ignore_data_errors";
    public static final String CHECKPOINT_RUN_ID = "checkpoint_run_id";
    public static final String CHECKPOINT_MODEL = "checkpoint_model";
    public static final String CHECKPOINT_PATH = "checkpoint_path";
    public static final String WEIGHTS_PATH = "weights_path";
    /** The starting-weight settings: at most one may be given, in training_parameters (not searched). */
    public static final List<String> WEIGHT_SOURCES = List.of(WEIGHTS_PATH, CHECKPOINT_MODEL, CHECKPOINT_PATH,
            CHECKPOINT_RUN_ID);
    /** A JSON object in a string, as in the reference: {@code '{"apply_automl_train_augmentations": false}'}. */
    public static final String ADVANCED_SETTINGS = "advanced_settings";
    /** The keys {@code advanced_settings} may hold (all booleans). */
    public static final Set<String> ADVANCED_KEYS = Set.of("apply_automl_train_augmentations", "stream_image_files");

    /** The hyperparameters this project's trial must act on. */
    public static final Set<String> HONOURED = Set.of(MODEL_NAME, NUMBER_OF_EPOCHS, TRAINING_BATCH_SIZE,
            VALIDATION_BATCH_SIZE, LEARNING_RATE, MIN_SIZE, MAX_SIZE, RANDOM_SEED, "layers_to_freeze",
            "checkpoint_frequency", CHECKPOINT_MODEL, CHECKPOINT_PATH, CHECKPOINT_RUN_ID, WEIGHTS_PATH,
            "apply_automl_train_augmentations");

    public static final List<String> MODEL_NAMES = List.of("maskrcnn_resnet18_fpn", "maskrcnn_resnet34_fpn",
            "maskrcnn_resnet50_fpn", "maskrcnn_resnet101_fpn", "maskrcnn_resnet152_fpn");

    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();
    /** Names the reference knows but that do not apply here, with the reason. */
    private static final Map<String, String> REJECTED = new LinkedHashMap<>();

    static {
        // Model-agnostic settings.
        choice(MODEL_NAME, MODEL_NAMES, "maskrcnn_resnet50_fpn");
        positiveInt(NUMBER_OF_EPOCHS, 15);
        positiveInt(TRAINING_BATCH_SIZE, 2);
        positiveInt(VALIDATION_BATCH_SIZE, 1);
        unit(LEARNING_RATE, 0.005);
        choice("learning_rate_scheduler", List.of("warmup_cosine", "step"), "warmup_cosine");
        unit("warmup_cosine_lr_cycles", 0.45);
        positiveInt("warmup_cosine_lr_warmup_epochs", 2);
        unit("step_lr_gamma", 0.5);
        positiveInt("step_lr_step_size", 5);
        choice("optimizer", List.of("sgd", "adam", "adamw"), "sgd");
        unit("momentum", 0.9);
        unit("weight_decay", 1e-4);
        bool("nesterov", true);
        unit("beta1", 0.9);
        unit("beta2", 0.999);
        bool("ams_gradient", false);
        positiveInt("gradient_accumulation_step", 1);
        bool("early_stopping", true);
        nonNegativeInt("early_stopping_patience", 5);
        nonNegativeInt("early_stopping_delay", 5);
        positiveInt("evaluation_frequency", 1);
        // Unset: a checkpoint after every epoch (the reference keeps only the best epoch's), so a lost trial resumes.
        positiveInt("checkpoint_frequency", null);
        // "<run_id>" (that run's best model) or "<run_id>/<trial_id>"; runs are the folders beside this run's output.
        text(CHECKPOINT_RUN_ID);
        // A saved model folder (a trial's model/, a run's best_model/) or a weight file; checkpoint_path is our alias.
        text(CHECKPOINT_MODEL);
        // The first N of backbone.body.conv1, layer1, layer2, layer3, layer4. Default: 0 from scratch, 2 (conv1 and
        // layer1, as the reference) when starting from weights_path or a checkpoint.
        add(new Spec("layers_to_freeze", Type.INT, 0.0, false, 5.0, List.of(), null));
        nonNegativeInt("number_of_workers", 4);
        bool("distributed", true);
        add(new Spec(RANDOM_SEED, Type.INT, 0.0, false, null, List.of(), 47));
        bool("enable_onnx_normalization", false);
        choice("log_training_metrics", List.of("Enable", "Disable"), "Disable");
        choice("log_validation_loss", List.of("Enable", "Disable"), "Enable");
        text("advanced_settings");
        // Detection / segmentation settings.
        positiveInt(MIN_SIZE, 600);
        positiveInt(MAX_SIZE, 1333);
        unit("box_score_threshold", 0.3);
        unit("nms_iou_threshold", 0.5);
        positiveInt("box_detections_per_image", 100);
        choice("validation_metric_type", List.of("none", "coco", "voc", "coco_voc"), "voc");
        add(new Spec("validation_iou_threshold", Type.FLOAT, 0.1, false, 1.0, List.of(), 0.5));
        // Inference-only settings of Mask R-CNN, passed through to the trial's saved model settings.
        unit("mask_pixel_score_threshold", 0.5);
        positiveInt("max_number_of_polygon_points", 100);
        bool("export_as_image", false);
        choice("image_type", List.of("jpg", "png", "bmp"), "jpg");
        // Ours, beyond the reference product's names.
        // Skip bad rows, objects and polygon parts instead of failing (the reference runtime's ignore_data_errors).
        bool(IGNORE_DATA_ERRORS, false);
        // The reference's advanced_settings switch, accepted at the top level too: flip (and later crop/expand).
        bool("apply_automl_train_augmentations", true);
        // Backbone and FPN normalisation: group norm trains from scratch with 1-2 images per step; batch and
        // frozen_batch suit pretrained weights.
        // Default: group from scratch, frozen_batch with weights_path, the source model's with a checkpoint.
        choice("norm", List.of("group", "batch", "frozen_batch"), null);
        // Alias of checkpoint_model.
        text(CHECKPOINT_PATH);
        // A weight file with torchvision names (.pth or .npz) for the whole model or its ResNet backbone.
        text(WEIGHTS_PATH);
        add(new Spec("gradient_clip_value", Type.FLOAT, 0.0, false, null, List.of(), 5.0));
        add(new Spec("gradient_clip_norm", Type.FLOAT, 0.0, false, null, List.of(), 10.0));
        bool("log_every_iteration", false);
        // torchvision's RoI and proposal budgets under their torchvision names: the main levers of CPU training speed.
        positiveInt("box_batch_size_per_image", 512);
        positiveInt("rpn_pre_nms_top_n_train", 2000);
        positiveInt("rpn_post_nms_top_n_train", 2000);
        positiveInt("rpn_pre_nms_top_n_test", 1000);
        positiveInt("rpn_post_nms_top_n_test", 1000);

        for (String n : List.of("tile_grid_size", "tile_overlap_ratio", "tile_predictions_nms_threshold")) {
            REJECTED.put(n, "small-object tiling is not supported for instance segmentation");
        }
        for (String n : List.of("image_size", "model_size", "multi_scale")) {
            REJECTED.put(n, "applies to yolov5 only, not to Mask R-CNN");
        }
        REJECTED.put("split_ratio", "v1 name; use validation_data_size at the top level of the job");
        REJECTED.put("grad_accumulation_step", "v1 name; use gradient_accumulation_step");
        REJECTED.put("lr_scheduler", "v1 name; use learning_rate_scheduler");
        REJECTED.put("amsgrad", "v1 name; use ams_gradient");
        REJECTED.put("checkpoint_dataset_id", "v1 name; use checkpoint_model");
        REJECTED.put("checkpoint_filename", "v1 name; use checkpoint_model");
    }

    private Hyperparameters() {}

    public static Optional<Spec> spec(String name) {
        return Optional.ofNullable(SPECS.get(name));
    }

    /** Every accepted name, in the reference's table order. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(SPECS.keySet());
    }

    /** Why a name the reference knows is refused here, or null if it is not one of those. */
    public static String rejection(String name) {
        return REJECTED.get(name);
    }

    /** The reference defaults of every hyperparameter that has one. */
    public static Map<String, Object> defaults() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Spec s : SPECS.values()) {
            if (s.defaultValue() != null) {
                out.put(s.name(), s.defaultValue());
            }
        }
        return out;
    }

    /**
     * Checks a value given in the configuration and converts it to the hyperparameter's type (an int given as
     * {@code 2.0} becomes 2; a float given as {@code 1} becomes 1.0).
     *
     * @throws IllegalArgumentException with a message naming the expected type or range
     */
    public static Object validate(String name, Object value) {
        Spec spec = SPECS.get(name);
        if (spec == null) {
            throw new IllegalArgumentException(unknownMessage(name));
        }
        if (value == null) {
            throw new IllegalArgumentException("needs a value (" + spec.range() + ")");
        }
        Object converted = switch (spec.type()) {
            case INT -> {
                if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                        && Math.abs(n.doubleValue()) < Integer.MAX_VALUE) {
                    yield n.intValue();
                }
                throw new IllegalArgumentException("must be an integer " + spec.range() + ", got " + describe(value));
            }
            case FLOAT -> {
                if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
                    yield n.doubleValue();
                }
                throw new IllegalArgumentException("must be a number " + spec.range() + ", got " + describe(value));
            }
            case BOOL -> {
                if (value instanceof Boolean b) {
                    yield b;
                }
                if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                    yield Boolean.parseBoolean(s);
                }
                throw new IllegalArgumentException("must be true or false, got " + describe(value));
            }
            case ENUM -> {
                if (value instanceof String s && spec.values().contains(s)) {
                    yield s;
                }
                String hint = value instanceof String s ? Suggestions.closest(s, spec.values()) : null;
                throw new IllegalArgumentException("must be " + spec.range() + ", got " + describe(value)
                        + (hint != null ? " (did you mean " + hint + "?)" : ""));
            }
            case STRING -> {
                if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                    yield String.valueOf(value);
                }
                throw new IllegalArgumentException("must be a string, got " + describe(value));
            }
        };
        if (name.equals(ADVANCED_SETTINGS)) {
            advancedSettings((String) converted);
        }
        if (converted instanceof Number n && !inRange(spec, n.doubleValue())) {
            throw new IllegalArgumentException("must be " + spec.range() + ", got " + describe(value));
        }
        return converted;
    }

    /**
     * Turns a value drawn from a distribution into a valid value: integers are rounded and numbers outside the
     * range (possible with the unbounded normal kinds) are clamped to it.
     */
    public static Object fromSample(String name, Object sampled) {
        Spec spec = SPECS.get(name);
        if (spec == null || !(sampled instanceof Number n)) {
            return validate(name, sampled);
        }
        double v = n.doubleValue();
        if (spec.type() == Type.INT) {
            v = Math.rint(v);
        }
        if (spec.min() != null && (v < spec.min() || (spec.minExclusive() && v <= spec.min()))) {
            v = spec.type() == Type.INT && spec.minExclusive() ? spec.min() + 1 : spec.min();
        }
        if (spec.max() != null && v > spec.max()) {
            v = spec.max();
        }
        return validate(name, spec.type() == Type.INT ? (Object) (int) v : (Object) v);
    }

    /**
     * Parses {@code advanced_settings}; its keys are handed to the trial as parameters of their own.
     *
     * @throws IllegalArgumentException if it is not a JSON object of known boolean settings
     */
    public static Map<String, Object> advancedSettings(String json) {
        Map<?, ?> parsed;
        try {
            parsed = io.automlseg.executor.io.Json.MAPPER.readValue(json, Map.class);
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("must be a JSON object in a string, e.g. "
                    + "'{\"apply_automl_train_augmentations\": false}'");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : parsed.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!ADVANCED_KEYS.contains(key)) {
                String hint = Suggestions.closest(key, ADVANCED_KEYS);
                throw new IllegalArgumentException("unknown advanced setting \"" + key + "\""
                        + (hint != null ? " (did you mean " + hint + "?)" : " (known: " + ADVANCED_KEYS + ")"));
            }
            if (!(e.getValue() instanceof Boolean)) {
                throw new IllegalArgumentException("advanced setting " + key + " must be true or false");
            }
            out.put(key, e.getValue());
        }
        return out;
    }

    /** Message for a name that is not a hyperparameter, with the closest known name if any. */
    public static String unknownMessage(String name) {
        String reason = REJECTED.get(name);
        if (reason != null) {
            return "not accepted: " + reason;
        }
        List<String> all = new ArrayList<>(SPECS.keySet());
        String hint = Suggestions.closest(name, all);
        return "unknown hyperparameter" + (hint != null ? " (did you mean " + hint + "?)" : "");
    }

    static boolean inRange(Spec spec, double v) {
        if (spec.min() != null && (spec.minExclusive() ? v <= spec.min() : v < spec.min())) {
            return false;
        }
        return spec.max() == null || v <= spec.max();
    }

    private static String describe(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static void add(Spec spec) {
        SPECS.put(spec.name(), spec);
    }

    private static void positiveInt(String name, Integer def) {
        add(new Spec(name, Type.INT, 0.0, true, null, List.of(), def));
    }

    private static void nonNegativeInt(String name, Integer def) {
        add(new Spec(name, Type.INT, 0.0, false, null, List.of(), def));
    }

    private static void unit(String name, double def) {
        add(new Spec(name, Type.FLOAT, 0.0, false, 1.0, List.of(), def));
    }

    private static void bool(String name, boolean def) {
        add(new Spec(name, Type.BOOL, null, false, null, List.of(), def));
    }

    private static void choice(String name, List<String> values, String def) {
        add(new Spec(name, Type.ENUM, null, false, null, values, def));
    }

    private static void text(String name) {
        add(new Spec(name, Type.STRING, null, false, null, List.of(), null));
    }
}
