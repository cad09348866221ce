package io.automlseg.driver.sweep;

import java.util.Arrays;
import java.util.Random;
import org.apache.commons.math3.special.Erf;

/**
 * A one-dimensional Parzen density on a bounded interval, as TPE fits it: a mixture of Gaussians truncated to
 * [low, high], one centred on each observed value plus a broad prior centred in the middle. Each Gaussian's width
 * is the larger gap to its neighbours, clipped between (high - low) / min(100, n + 1) and (high - low), so crowded
 * regions get sharp peaks and lone points wide ones. The prior keeps every point of the interval possible.
 */
final class ParzenEstimator {
    private static final double PRIOR_WEIGHT = 1.0;
    private static final int REJECTION_TRIES = 64;

    private final double low;
    private final double high;
    private final double[] means;
    private final double[] sigmas;
    private final double[] weights;
    /** Mass of each Gaussian inside [low, high], to renormalise the truncated components. */
    private final double[] inside;

    /** @param observed values in [low, high]; may be empty (then only the prior is left) */
    ParzenEstimator(double[] observed, double low, double high) {
        if (!(high > low)) {
            throw new IllegalArgumentException("empty interval [" + low + ", " + high + "]");
        }
        this.low = low;
        this.high = high;
        double span = high - low;
        double priorMean = 0.5 * (low + high);
        int n = observed.length + 1;
        double[] sorted = Arrays.copyOf(observed, n);
        sorted[n - 1] = priorMean;
        Arrays.sort(sorted);
        means = sorted;
        sigmas = new double[n];
        weights = new double[n];
        inside = new double[n];
        double minSigma = span / Math.min(100.0, n + 1.0);
        boolean priorSeen = false;
        for (int i = 0; i < n; i++) {
            boolean isPrior = !priorSeen && sorted[i] == priorMean;
            if (isPrior) {
                priorSeen = true;
                sigmas[i] = span;
                weights[i] = PRIOR_WEIGHT;
            } else {
                double left = i > 0 ? sorted[i] - sorted[i - 1] : sorted[i] - low;
                double right = i < n - 1 ? sorted[i + 1] - sorted[i] : high - sorted[i];
                sigmas[i] = Math.min(span, Math.max(minSigma, Math.max(left, right)));
                weights[i] = 1.0;
            }
        }
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        for (int i = 0; i < n; i++) {
            weights[i] /= total;
            inside[i] = Math.max(1e-300, cdf(high, i) - cdf(low, i));
        }
    }

    /** Log density at {@code x}. */
    double logDensity(double x) {
        double sum = 0;
        for (int i = 0; i < means.length; i++) {
            double z = (x - means[i]) / sigmas[i];
            sum += weights[i] * Math.exp(-0.5 * z * z) / (sigmas[i] * Math.sqrt(2 * Math.PI) * inside[i]);
        }
        return Math.log(Math.max(sum, 1e-300));
    }

    /** Log probability of the bin [x - q/2, x + q/2] (clipped to the interval): what a quantised value stands for. */
    double logMass(double x, double q) {
        double a = Math.max(low, x - q / 2);
        double b = Math.min(high, x + q / 2);
        if (!(b > a)) {
            return logDensity(x) + Math.log(q);
        }
        double sum = 0;
        for (int i = 0; i < means.length; i++) {
            sum += weights[i] * (cdf(b, i) - cdf(a, i)) / inside[i];
        }
        return Math.log(Math.max(sum, 1e-300));
    }

    /** Draws a value: a component by weight, then from its truncated Gaussian. */
    double sample(Random random) {
        double u = random.nextDouble();
        int c = weights.length - 1;
        double cumulative = 0;
        for (int i = 0; i < weights.length; i++) {
            cumulative += weights[i];
            if (u < cumulative) {
                c = i;
                break;
            }
        }
        for (int t = 0; t < REJECTION_TRIES; t++) {
            double x = means[c] + sigmas[c] * random.nextGaussian();
            if (x >= low && x <= high) {
                return x;
            }
        }
        // A component almost entirely outside the interval (cannot happen with the clipped widths, but be safe).
        return low + (high - low) * random.nextDouble();
    }

    private double cdf(double x, int i) {
        return 0.5 * (1 + Erf.erf((x - means[i]) / (sigmas[i] * Math.sqrt(2))));
    }
}
