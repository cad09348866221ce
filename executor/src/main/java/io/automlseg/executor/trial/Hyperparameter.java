package io.automlseg.executor.trial;

import java.util.List;

/**
 * One hyperparameter of a trial, as {@link HyperparameterTable} lists it.
 *
 * @param min lower bound or null; {@code minExclusive} makes it strict
 * @param max upper bound (inclusive) or null
 * @param values allowed values of an ENUM
 * @param defaultValue the default, or null when there is none or it depends on the starting weights
 * @param withStartingWeights the default when a trial starts from weights (pretrained, {@code weights_path} or a
 *     weight file as checkpoint) and the setting is not given, or null when the starting weights do not change it
 * @param defaultRule how the default is decided when a single value does not say it, for the documentation, or null
 * @param actedOn whether this version's trial (or driver) does anything with it; when false it is accepted, checked
 *     and passed through unchanged
 * @param ours a name of this project's, beyond the reference product's names
 * @param doc one line saying what it does
 */
public record Hyperparameter(String name, Type type, Double min, boolean minExclusive, Double max,
                             List<String> values, Object defaultValue, Object withStartingWeights,
                             String defaultRule, boolean actedOn, boolean ours, String doc) {

    public enum Type { INT, FLOAT, BOOL, STRING, ENUM }

    public Hyperparameter {
        values = List.copyOf(values);
    }

    /** Human-readable range, e.g. {@code [0, 1]}, {@code > 0}, {@code one of sgd, adam}. */
    public String range() {
        return switch (type) {
            case ENUM -> "one of " + String.join(", ", values);
            case BOOL -> "true or false";
            case STRING -> "a string";
            default -> {
                if (min != null && max != null) {
                    yield (minExclusive ? "(" : "[") + number(min) + ", " + number(max) + "]";
                }
                if (min != null) {
                    yield (minExclusive ? "> " : ">= ") + number(min);
                }
                yield "any number";
            }
        };
    }

    /** Whether {@code v} lies within the bounds (types are not checked). */
    public boolean inRange(double v) {
        if (min != null && (minExclusive ? v <= min : v < min)) {
            return false;
        }
        return max == null || v <= max;
    }

    /** A number as it is written in ranges and tables: {@code 1} rather than {@code 1.0}. */
    public static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
