package io.automlseg.driver.sweep;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.special.Erf;

/**
 * Multivariate TPE over one sub-space: l(x) and g(x) are mixtures with one product kernel per good (bad) trial over
 * all the sub-space's parameters at once, plus a broad prior, so that a region is good only where good trials had
 * those values together (independent densities would also rate the mix of two good regions' coordinates). Per
 * parameter, a kernel is a truncated Gaussian for {@code uniform} and {@code quniform} (as wide as the larger gap to
 * the neighbouring values, as in {@link ParzenEstimator}) and, for a {@code choice}, its value with a smoothed share
 * of the others.
 */
final class JointDensities {
    /** Weight of the uniform share in a choice kernel. */
    private static final double CHOICE_PRIOR = 1.0;
    private static final int REJECTION_TRIES = 64;

    private final List<String> names;
    private final List<Distribution> expressions;
    private final Mixture good;
    private final Mixture bad;

    JointDensities(Map<String, Distribution> subspace, List<Map<String, Object>> goodTrials,
                   List<Map<String, Object>> badTrials) {
        names = new ArrayList<>(subspace.keySet());
        expressions = new ArrayList<>(subspace.values());
        good = new Mixture(goodTrials);
        bad = new Mixture(badTrials);
    }

    /** A point drawn from l: a component (a good trial or the prior), then each parameter from its kernel. */
    Map<String, Object> sample(Random random) {
        int c = random.nextInt(good.size() + 1);
        Map<String, Object> point = new java.util.LinkedHashMap<>();
        for (int j = 0; j < names.size(); j++) {
            point.put(names.get(j), good.sample(j, c, random));
        }
        return point;
    }

    /** log l(x) - log g(x). */
    double logRatio(Map<String, Object> point) {
        return good.logDensity(point) - bad.logDensity(point);
    }

    /** The kernels of a set of trials; component {@code n} (the last) is the prior. */
    private final class Mixture {
        private final int n;
        private final double[][] centres;
        private final double[][] widths;

        Mixture(List<Map<String, Object>> trials) {
            n = trials.size();
            centres = new double[names.size()][n + 1];
            widths = new double[names.size()][n + 1];
            for (int j = 0; j < names.size(); j++) {
                Distribution d = expressions.get(j);
                for (int i = 0; i < n; i++) {
                    Object v = trials.get(i).get(names.get(j));
                    centres[j][i] = d.isChoice() ? ParameterDensities.indexOf(d.choices(), v)
                            : Math.min(d.arguments()[1], Math.max(d.arguments()[0], ((Number) v).doubleValue()));
                }
                if (!d.isChoice()) {
                    widen(j, d.arguments()[0], d.arguments()[1]);
                }
            }
        }

        int size() {
            return n;
        }

        /** Each kernel as wide as the larger gap to its neighbours (the interval's ends count), clipped. */
        private void widen(int j, double low, double high) {
            double span = Math.max(high - low, 1e-12);
            double[] sorted = Arrays.copyOf(centres[j], n);
            Arrays.sort(sorted);
            double min = span / Math.min(100.0, n + 2.0);
            for (int i = 0; i < n; i++) {
                int k = Arrays.binarySearch(sorted, centres[j][i]);
                double left = k > 0 ? sorted[k] - sorted[k - 1] : sorted[k] - low;
                double right = k < n - 1 ? sorted[k + 1] - sorted[k] : high - sorted[k];
                widths[j][i] = Math.min(span, Math.max(min, Math.max(left, right)));
            }
            centres[j][n] = 0.5 * (low + high);
            widths[j][n] = span;
        }

        double logDensity(Map<String, Object> point) {
            double[] terms = new double[n + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c <= n; c++) {
                double sum = 0;
                for (int j = 0; j < names.size(); j++) {
                    sum += logKernel(j, c, point.get(names.get(j)));
                }
                terms[c] = sum;
                max = Math.max(max, sum);
            }
            double total = 0;
            for (double t : terms) {
                total += Math.exp(t - max);
            }
            return max + Math.log(total) - Math.log(n + 1.0);
        }

        private double logKernel(int j, int c, Object value) {
            Distribution d = expressions.get(j);
            if (d.isChoice()) {
                int m = d.choices().size();
                boolean same = c < n && ParameterDensities.indexOf(d.choices(), value) == (int) centres[j][c];
                double p = c == n ? 1.0 / m : ((same ? 1 : 0) + CHOICE_PRIOR / m) / (1 + CHOICE_PRIOR);
                return Math.log(p);
            }
            double low = d.arguments()[0];
            double high = d.arguments()[1];
            if (!(high > low)) {
                return 0;
            }
            double mu = centres[j][c];
            double sigma = widths[j][c];
            double z = (((Number) value).doubleValue() - mu) / sigma;
            double inside = Math.max(1e-300, cdf(high, mu, sigma) - cdf(low, mu, sigma));
            return -0.5 * z * z - Math.log(sigma * Math.sqrt(2 * Math.PI) * inside);
        }

        Object sample(int j, int c, Random random) {
            Distribution d = expressions.get(j);
            if (d.isChoice()) {
                int m = d.choices().size();
                double[] p = new double[m];
                for (int v = 0; v < m; v++) {
                    p[v] = c == n ? 1.0 / m : ((v == (int) centres[j][c] ? 1 : 0) + CHOICE_PRIOR / m)
                            / (1 + CHOICE_PRIOR);
                }
                return d.choices().get(ParameterDensities.draw(p, random));
            }
            double low = d.arguments()[0];
            double high = d.arguments()[1];
            double x = low + (high - low) * random.nextDouble();
            for (int t = 0; t < REJECTION_TRIES && high > low; t++) {
                double y = centres[j][c] + widths[j][c] * random.nextGaussian();
                if (y >= low && y <= high) {
                    x = y;
                    break;
                }
            }
            double q = d.kind() == Distribution.Kind.QUNIFORM ? d.arguments()[2] : 0;
            return q > 0 ? Math.round(x / q) * q : x;
        }
    }

    private static double cdf(double x, double mu, double sigma) {
        return 0.5 * (1 + Erf.erf((x - mu) / (sigma * Math.sqrt(2))));
    }
}
