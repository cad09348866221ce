package io.automlseg.driver.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The two densities TPE fits to one parameter of one sub-space: l(x) over the good trials' values and g(x) over the
 * bad ones. A {@code choice} gets smoothed frequencies of its values; {@code uniform} and {@code quniform} a
 * {@link ParzenEstimator} on the parameter's interval ({@code quniform} scores the mass of its rounding bin).
 * {@link BayesianSampler} draws candidates from l and ranks them by l(x) / g(x).
 */
final class ParameterDensities {
    /** Weight of the uniform prior in the smoothed choice frequencies, spread over the values. */
    private static final double CATEGORICAL_PRIOR = 1.0;

    private final Distribution distribution;
    private double[] good;
    private double[] bad;
    private ParzenEstimator goodDensity;
    private ParzenEstimator badDensity;
    private double low;
    private double high;
    private double q;

    ParameterDensities(Distribution distribution, List<Object> goodValues, List<Object> badValues) {
        this.distribution = distribution;
        if (distribution.isChoice()) {
            int m = distribution.choices().size();
            good = frequencies(m, goodValues.stream().mapToInt(v -> indexOf(distribution.choices(), v)).toArray());
            bad = frequencies(m, badValues.stream().mapToInt(v -> indexOf(distribution.choices(), v)).toArray());
            return;
        }
        double[] a = distribution.arguments();
        low = a[0];
        high = a[1];
        q = distribution.kind() == Distribution.Kind.QUNIFORM ? a[2] : 0;
        if (high > low) {
            goodDensity = new ParzenEstimator(numbers(goodValues), low, high);
            badDensity = new ParzenEstimator(numbers(badValues), low, high);
        }
    }

    private double[] numbers(List<Object> values) {
        return values.stream().filter(v -> v instanceof Number)
                .mapToDouble(v -> Math.min(high, Math.max(low, ((Number) v).doubleValue()))).toArray();
    }

    Object sample(Random random) {
        if (distribution.isChoice()) {
            return distribution.choices().get(draw(good, random));
        }
        double x = goodDensity == null ? low : goodDensity.sample(random);
        return q > 0 ? Math.round(x / q) * q : x;
    }

    double logRatio(Object value) {
        if (distribution.isChoice()) {
            int i = indexOf(distribution.choices(), value);
            return Math.log(good[i]) - Math.log(bad[i]);
        }
        if (goodDensity == null) {
            return 0;
        }
        double x = ((Number) value).doubleValue();
        return q > 0 ? goodDensity.logMass(x, q) - badDensity.logMass(x, q)
                : goodDensity.logDensity(x) - badDensity.logDensity(x);
    }

    /** Every value the expression can produce, or null if they are more than {@code limit} or not finitely many. */
    List<Object> points(long limit) {
        if (distribution.isChoice()) {
            return distribution.choices();
        }
        if (goodDensity == null) {
            return List.of(q > 0 ? Math.round(low / q) * q : low);
        }
        if (q <= 0) {
            return null;
        }
        long first = Math.round(low / q);
        long last = Math.round(high / q);
        if (last - first + 1 > limit) {
            return null;
        }
        List<Object> out = new ArrayList<>();
        for (long i = first; i <= last; i++) {
            out.add(i * q);
        }
        return out;
    }

    /** Numbers compare by value, so 600 read back from a journal as a Long still matches the Integer 600. */
    static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        }
        return a == null ? b == null : a.equals(b);
    }

    static int indexOf(List<Object> values, Object value) {
        for (int i = 0; i < values.size(); i++) {
            if (sameValue(values.get(i), value)) {
                return i;
            }
        }
        return -1;
    }

    /** Smoothed frequencies of {@code 0..m-1}: (count + prior / m) / (n + prior). */
    static double[] frequencies(int m, int[] observed) {
        double[] p = new double[m];
        int n = 0;
        for (int o : observed) {
            if (o >= 0 && o < m) {
                p[o]++;
                n++;
            }
        }
        for (int i = 0; i < m; i++) {
            p[i] = (p[i] + CATEGORICAL_PRIOR / m) / (n + CATEGORICAL_PRIOR);
        }
        return p;
    }

    static int draw(double[] probabilities, Random random) {
        double u = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < probabilities.length; i++) {
            cumulative += probabilities[i];
            if (u < cumulative) {
                return i;
            }
        }
        return probabilities.length - 1;
    }
}
