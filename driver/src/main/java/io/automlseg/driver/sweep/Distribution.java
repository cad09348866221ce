package io.automlseg.driver.sweep;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * One hyperparameter expression of a search space, with the reference product's semantics:
 * {@code choice(values)}, {@code randint(upper)} (integers in [0, upper)), {@code uniform(min, max)},
 * {@code loguniform(min, max)} = exp(uniform(min, max)), {@code normal(mu, sigma)}, {@code lognormal(mu, sigma)}
 * = exp(normal), and the quantised forms {@code quniform(min, max, q)} = round(uniform / q) * q,
 * {@code qloguniform}, {@code qnormal}, {@code qlognormal}.
 *
 * <p>Parsed from either the YAML object form ({@code {type: uniform, min_value: 0.001, max_value: 0.01}}) or the
 * string form the SDK writes ({@code "uniform(0.001, 0.01)"}, {@code "choice('sgd', 'adam')"}).
 */
public final class Distribution {

    /** The expression's kind, with the object-form keys of its arguments in positional order. */
    public enum Kind {
        CHOICE("values"),
        RANDINT("upper"),
        UNIFORM("min_value", "max_value"),
        LOGUNIFORM("min_value", "max_value"),
        NORMAL("mu", "sigma"),
        LOGNORMAL("mu", "sigma"),
        QUNIFORM("min_value", "max_value", "q"),
        QLOGUNIFORM("min_value", "max_value", "q"),
        QNORMAL("mu", "sigma", "q"),
        QLOGNORMAL("mu", "sigma", "q");

        private final List<String> argumentNames;

        Kind(String... argumentNames) {
            this.argumentNames = List.of(argumentNames);
        }

        public List<String> argumentNames() {
            return argumentNames;
        }

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind of(String name) {
            for (Kind k : values()) {
                if (k.yamlName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            return null;
        }
    }

    private final Kind kind;
    private final List<Object> choices;
    private final double[] args;

    private Distribution(Kind kind, List<Object> choices, double[] args) {
        this.kind = kind;
        this.choices = choices;
        this.args = args;
    }

    public static Distribution choice(List<?> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("choice needs at least one value");
        }
        return new Distribution(Kind.CHOICE, List.copyOf(values), new double[0]);
    }

    /** A numeric expression; the arguments are in the order of {@link Kind#argumentNames()}. */
    public static Distribution of(Kind kind, double... args) {
        if (kind == Kind.CHOICE) {
            throw new IllegalArgumentException("use choice(values) for choice");
        }
        if (args.length != kind.argumentNames().size()) {
            throw new IllegalArgumentException(kind.yamlName() + " takes " + kind.argumentNames().size()
                    + " arguments (" + String.join(", ", kind.argumentNames()) + "), got " + args.length);
        }
        for (double a : args) {
            if (!Double.isFinite(a)) {
                throw new IllegalArgumentException(kind.yamlName() + ": arguments must be finite numbers");
            }
        }
        switch (kind) {
            case RANDINT -> {
                if (args[0] < 1 || args[0] != Math.rint(args[0])) {
                    throw new IllegalArgumentException("randint: upper must be an integer >= 1, got " + fmt(args[0]));
                }
            }
            case UNIFORM, LOGUNIFORM, QUNIFORM, QLOGUNIFORM -> {
                if (args[0] > args[1]) {
                    throw new IllegalArgumentException(kind.yamlName() + ": min_value " + fmt(args[0])
                            + " is greater than max_value " + fmt(args[1]));
                }
            }
            case NORMAL, LOGNORMAL, QNORMAL, QLOGNORMAL -> {
                if (args[1] < 0) {
                    throw new IllegalArgumentException(kind.yamlName() + ": sigma must be >= 0, got " + fmt(args[1]));
                }
            }
            default -> { }
        }
        if (kind.argumentNames().size() == 3 && args[2] <= 0) {
            throw new IllegalArgumentException(kind.yamlName() + ": q must be > 0, got " + fmt(args[2]));
        }
        return new Distribution(kind, List.of(), args.clone());
    }

    /**
     * Parses the string form, e.g. {@code "uniform(0.0001, 0.001)"}, {@code "choice('sgd','adam')"},
     * {@code "choice([600, 800])"}.
     */
    public static Distribution parse(String expression) {
        String text = expression.trim();
        int open = text.indexOf('(');
        if (open < 0 || !text.endsWith(")")) {
            throw new IllegalArgumentException("not a search expression: \"" + expression
                    + "\" (expected e.g. uniform(0.001, 0.01) or choice('a', 'b'))");
        }
        Kind kind = Kind.of(text.substring(0, open));
        if (kind == null) {
            throw new IllegalArgumentException("unknown distribution \"" + text.substring(0, open).trim()
                    + "\" (known: " + knownNames() + ")");
        }
        List<Object> values = parseArguments(text.substring(open + 1, text.length() - 1), expression);
        if (kind == Kind.CHOICE) {
            // choice([1, 2]) and choice(1, 2) mean the same.
            if (values.size() == 1 && values.get(0) instanceof List<?> list) {
                return choice(list);
            }
            return choice(values);
        }
        double[] numbers = new double[values.size()];
        for (int i = 0; i < numbers.length; i++) {
            if (!(values.get(i) instanceof Number n)) {
                throw new IllegalArgumentException(kind.yamlName() + ": argument " + (i + 1) + " is not a number: "
                        + values.get(i));
            }
            numbers[i] = n.doubleValue();
        }
        return of(kind, numbers);
    }

    /**
     * Parses the object form; {@code node} holds {@code type} and the kind's argument keys. Unknown keys are
     * errors.
     */
    public static Distribution fromMap(Map<String, ?> node) {
        Object type = node.get("type");
        if (!(type instanceof String typeName)) {
            throw new IllegalArgumentException("a distribution needs a string 'type' (one of " + knownNames() + ")");
        }
        Kind kind = Kind.of(typeName);
        if (kind == null) {
            throw new IllegalArgumentException("unknown distribution type \"" + typeName + "\" (known: "
                    + knownNames() + ")");
        }
        List<String> unknown = new ArrayList<>();
        for (String key : node.keySet()) {
            if (!key.equals("type") && !kind.argumentNames().contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(kind.yamlName() + ": unknown key(s) " + unknown + " (expected "
                    + String.join(", ", kind.argumentNames()) + ")");
        }
        List<String> missing = new ArrayList<>();
        for (String key : kind.argumentNames()) {
            if (!node.containsKey(key)) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(kind.yamlName() + ": missing " + String.join(", ", missing));
        }
        if (kind == Kind.CHOICE) {
            Object values = node.get("values");
            if (!(values instanceof List<?> list)) {
                throw new IllegalArgumentException("choice: 'values' must be a list");
            }
            return choice(list);
        }
        double[] numbers = new double[kind.argumentNames().size()];
        for (int i = 0; i < numbers.length; i++) {
            String key = kind.argumentNames().get(i);
            if (!(node.get(key) instanceof Number n)) {
                throw new IllegalArgumentException(kind.yamlName() + ": '" + key + "' must be a number, got "
                        + node.get(key));
            }
            numbers[i] = n.doubleValue();
        }
        return of(kind, numbers);
    }

    public Kind kind() {
        return kind;
    }

    public boolean isChoice() {
        return kind == Kind.CHOICE;
    }

    /** The values of a {@code choice}; empty for every other kind. */
    public List<Object> choices() {
        return choices;
    }

    /** Numeric arguments in the order of {@link Kind#argumentNames()}. */
    public double[] arguments() {
        return args.clone();
    }

    /** Draws one value: the choice's element, an Integer for randint, otherwise a Double. */
    public Object sample(Random random) {
        return switch (kind) {
            case CHOICE -> choices.get(random.nextInt(choices.size()));
            case RANDINT -> random.nextInt((int) args[0]);
            case UNIFORM -> uniform(random, args[0], args[1]);
            case LOGUNIFORM -> Math.exp(uniform(random, args[0], args[1]));
            case NORMAL -> args[0] + args[1] * random.nextGaussian();
            case LOGNORMAL -> Math.exp(args[0] + args[1] * random.nextGaussian());
            case QUNIFORM -> quantize(uniform(random, args[0], args[1]), args[2]);
            case QLOGUNIFORM -> quantize(Math.exp(uniform(random, args[0], args[1])), args[2]);
            case QNORMAL -> quantize(args[0] + args[1] * random.nextGaussian(), args[2]);
            case QLOGNORMAL -> quantize(Math.exp(args[0] + args[1] * random.nextGaussian()), args[2]);
        };
    }

    /**
     * The smallest and largest value the expression can produce, or infinities for the unbounded normal kinds;
     * choices report their numeric extremes (NaN if not numeric).
     */
    public double[] bounds() {
        return switch (kind) {
            case CHOICE -> {
                double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
                for (Object c : choices) {
                    if (!(c instanceof Number n)) {
                        yield new double[] {Double.NaN, Double.NaN};
                    }
                    lo = Math.min(lo, n.doubleValue());
                    hi = Math.max(hi, n.doubleValue());
                }
                yield new double[] {lo, hi};
            }
            case RANDINT -> new double[] {0, args[0] - 1};
            case UNIFORM -> new double[] {args[0], args[1]};
            case LOGUNIFORM -> new double[] {Math.exp(args[0]), Math.exp(args[1])};
            case QUNIFORM -> new double[] {quantize(args[0], args[2]), quantize(args[1], args[2])};
            case QLOGUNIFORM -> new double[] {quantize(Math.exp(args[0]), args[2]), quantize(Math.exp(args[1]), args[2])};
            case NORMAL, QNORMAL -> new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
            case LOGNORMAL, QLOGNORMAL -> new double[] {0, Double.POSITIVE_INFINITY};
        };
    }

    /** Whether every value drawn is a whole number (randint, or a q-kind with an integer q). */
    public boolean isIntegral() {
        if (kind == Kind.RANDINT) {
            return true;
        }
        if (kind.argumentNames().size() == 3) {
            return args[2] == Math.rint(args[2]);
        }
        if (kind == Kind.CHOICE) {
            return choices.stream().allMatch(c -> c instanceof Integer || c instanceof Long);
        }
        return false;
    }

    /** The string form, e.g. {@code uniform(0.001, 0.01)}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (kind == Kind.CHOICE) {
            for (Object c : choices) {
                parts.add(c instanceof String s ? "'" + s + "'" : String.valueOf(c));
            }
        } else {
            for (double a : args) {
                parts.add(fmt(a));
            }
        }
        return kind.yamlName() + "(" + String.join(", ", parts) + ")";
    }

    /** The object form, as it would appear in YAML. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", kind.yamlName());
        if (kind == Kind.CHOICE) {
            m.put("values", choices);
        } else {
            for (int i = 0; i < args.length; i++) {
                m.put(kind.argumentNames().get(i), args[i]);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Distribution d && d.kind == kind && d.choices.equals(choices)
                && java.util.Arrays.equals(d.args, args);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, choices, java.util.Arrays.hashCode(args));
    }

    /**
     * The argument list is a YAML flow sequence ({@code 'sgd', 'adam'}, {@code 0.001, 0.01}, {@code [600, 800]}),
     * so the YAML parser handles quoting and nesting; plain scalars it leaves as text ({@code 1e-4}) become numbers.
     */
    private static List<Object> parseArguments(String inside, String expression) {
        Object parsed;
        try {
            parsed = YAML.readValue("[" + inside + "]", Object.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the arguments of \"" + expression + "\"");
        }
        List<Object> out = new ArrayList<>();
        for (Object o : (List<?>) parsed) {
            out.add(normalize(o));
        }
        return out;
    }

    private static Object normalize(Object o) {
        if (o instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object e : list) {
                out.add(normalize(e));
            }
            return out;
        }
        if (o instanceof String s && NUMBER.matcher(s.trim()).matches()) {
            return Double.parseDouble(s.trim());
        }
        if (o instanceof String s && (s.equals("True") || s.equals("False"))) {
            return Boolean.parseBoolean(s.toLowerCase(Locale.ROOT));
        }
        return o;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper YAML =
            new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
    private static final java.util.regex.Pattern NUMBER =
            java.util.regex.Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private static double uniform(Random random, double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    private static double quantize(double value, double q) {
        return Math.round(value / q) * q;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static String knownNames() {
        List<String> names = new ArrayList<>();
        for (Kind k : Kind.values()) {
            names.add(k.yamlName());
        }
        return String.join(", ", names);
    }
}
