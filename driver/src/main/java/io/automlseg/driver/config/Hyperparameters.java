package io.automlseg.driver.config;

import io.automlseg.executor.trial.Hyperparameter;
import io.automlseg.executor.trial.HyperparameterTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks hyperparameter values against {@link HyperparameterTable} (names, types, ranges and defaults of the reference
 * product's instance-segmentation task and of ours); a trial receives all of them resolved.
 *
 * <p>The table marks what this project's trial acts on ({@link #HONOURED}); the others are accepted with their
 * reference names and passed through to the trial unchanged.
 */
public final class Hyperparameters {

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
    /** Ours: the pretrained weights trials start from when no other starting point is given (not searched). */
    public static final String PRETRAINED_WEIGHTS = io.automlseg.driver.weights.PretrainedSetting.NAME;
    /** The starting-weight settings: at most one may be given, in training_parameters (not searched). */
    public static final List<String> WEIGHT_SOURCES = List.of(WEIGHTS_PATH, CHECKPOINT_MODEL, CHECKPOINT_PATH,
            CHECKPOINT_RUN_ID);
    /** A JSON object in a string, as in the reference: {@code '{"apply_automl_train_augmentations": false}'}. */
    public static final String ADVANCED_SETTINGS = "advanced_settings";
    /** The keys {@code advanced_settings} may hold (all booleans). */
    public static final Set<String> ADVANCED_KEYS = Set.copyOf(HyperparameterTable.ADVANCED_KEYS);

    /** The hyperparameters this project acts on. */
    public static final Set<String> HONOURED = HyperparameterTable.all().stream().filter(Hyperparameter::actedOn)
            .map(Hyperparameter::name).collect(Collectors.toUnmodifiableSet());

    public static final List<String> MODEL_NAMES = HyperparameterTable.MODEL_NAMES;

    private Hyperparameters() {}

    public static Optional<Hyperparameter> spec(String name) {
        return HyperparameterTable.find(name);
    }

    /** Every accepted name, in the reference's table order. */
    public static Set<String> names() {
        Set<String> out = new LinkedHashSet<>();
        HyperparameterTable.all().forEach(h -> out.add(h.name()));
        return Collections.unmodifiableSet(out);
    }

    /** Why a name the reference knows is refused here, or null if it is not one of those. */
    public static String rejection(String name) {
        return HyperparameterTable.rejected().get(name);
    }

    /** The defaults of every hyperparameter that has one. */
    public static Map<String, Object> defaults() {
        return new LinkedHashMap<>(HyperparameterTable.defaults());
    }

    /**
     * Checks a value given in the configuration and converts it to the hyperparameter's type (an int given as
     * {@code 2.0} becomes 2; a float given as {@code 1} becomes 1.0).
     *
     * @throws IllegalArgumentException with a message naming the expected type or range
     */
    public static Object validate(String name, Object value) {
        Hyperparameter spec = HyperparameterTable.find(name).orElse(null);
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
                // In the table's spelling whatever the case: the reference itself writes image_type's default JPG.
                Optional<String> known = value instanceof String s
                        ? spec.values().stream().filter(s::equalsIgnoreCase).findFirst() : Optional.empty();
                if (known.isPresent()) {
                    yield known.get();
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
        if (name.equals(PRETRAINED_WEIGHTS)) {
            converted = io.automlseg.driver.weights.PretrainedSetting.parse((String) converted).toString();
        }
        if (converted instanceof Number n && !spec.inRange(n.doubleValue())) {
            throw new IllegalArgumentException("must be " + spec.range() + ", got " + describe(value));
        }
        return converted;
    }

    /**
     * Turns a value drawn from a distribution into a valid value: integers are rounded and numbers outside the
     * range (possible with the unbounded normal kinds) are clamped to it.
     */
    public static Object fromSample(String name, Object sampled) {
        Hyperparameter spec = HyperparameterTable.find(name).orElse(null);
        if (spec == null || !(sampled instanceof Number n)) {
            return validate(name, sampled);
        }
        double v = n.doubleValue();
        if (spec.type() == Hyperparameter.Type.INT) {
            v = Math.rint(v);
        }
        if (spec.min() != null && (v < spec.min() || (spec.minExclusive() && v <= spec.min()))) {
            v = spec.type() == Hyperparameter.Type.INT && spec.minExclusive() ? spec.min() + 1 : spec.min();
        }
        if (spec.max() != null && v > spec.max()) {
            v = spec.max();
        }
        return validate(name, spec.type() == Hyperparameter.Type.INT ? (Object) (int) v : (Object) v);
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
        String reason = rejection(name);
        if (reason != null) {
            return "not accepted: " + reason;
        }
        List<String> all = new ArrayList<>(names());
        String hint = Suggestions.closest(name, all);
        return "unknown hyperparameter" + (hint != null ? " (did you mean " + hint + "?)" : "");
    }

    private static String describe(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }
}
