package io.automlseg.driver.sweep;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Asynchronous successive halving among a set of trials. Rungs are epochs {@code minEpochs · reductionFactor^k},
 * kept only below {@code maxEpochs} and below the trial's own number of epochs (a decision at its last epoch would
 * save nothing). A trial is judged at a rung by its first evaluation at or past that epoch; its value there is its
 * best value up to that evaluation (what it keeps if stopped). It continues unless that value is worse than the
 * {@code 1 - 1/reductionFactor} quantile (linear interpolation) of the values of the other trials that reached the
 * rung before it, so the first trial at a rung always continues, as in Ray Tune's ASHA. Everything is read from the
 * trials' evaluations: nothing is kept between calls, so a sweep rebuilt from its journal decides the same.
 */
final class SuccessiveHalving {
    private final int minEpochs;
    private final int reductionFactor;
    private final Integer maxEpochs;
    private final boolean maximize;
    private final ToIntFunction<Trial> trialEpochs;

    /**
     * @param maxEpochs no rung at or above it; null for none besides the trial's own epochs
     * @param trialEpochs a trial's planned number of epochs, 0 if unknown
     */
    SuccessiveHalving(int minEpochs, int reductionFactor, Integer maxEpochs, boolean maximize,
                      ToIntFunction<Trial> trialEpochs) {
        if (minEpochs < 1 || reductionFactor < 2 || (maxEpochs != null && maxEpochs < 1)) {
            throw new IllegalArgumentException("successive halving needs min_epochs >= 1, reduction_factor >= 2 "
                    + "and max_epochs >= 1");
        }
        this.minEpochs = minEpochs;
        this.reductionFactor = reductionFactor;
        this.maxEpochs = maxEpochs;
        this.maximize = maximize;
        this.trialEpochs = trialEpochs;
    }

    /** The highest rung the trial's latest evaluation passed and its previous one had not; 0 if none. */
    int rungReached(Trial trial) {
        List<Trial.Evaluation> evals = trial.evaluations();
        if (evals.isEmpty()) {
            return 0;
        }
        int epoch = evals.get(evals.size() - 1).epoch();
        int previous = evals.size() > 1 ? evals.get(evals.size() - 2).epoch() : 0;
        int planned = trialEpochs.applyAsInt(trial);
        long cap = Math.min(maxEpochs == null ? Long.MAX_VALUE : maxEpochs, planned > 0 ? planned : Long.MAX_VALUE);
        int reached = 0;
        for (long rung = minEpochs; rung <= epoch && rung < cap; rung *= reductionFactor) {
            if (rung > previous) {
                reached = (int) rung;
            }
        }
        return reached;
    }

    /** The trial's best value up to its first evaluation at or past {@code rung}; NaN if it has not reached it. */
    double valueAt(Trial trial, int rung) {
        double best = Double.NaN;
        for (Trial.Evaluation e : trial.evaluations()) {
            if (Double.isNaN(best) || better(e.value(), best)) {
                best = e.value();
            }
            if (e.epoch() >= rung) {
                return best;
            }
        }
        return Double.NaN;
    }

    private boolean better(double a, double b) {
        return maximize ? a > b : a < b;
    }

    /**
     * @param peers the trials the candidate competes with (it may be among them)
     * @param label how the reason starts ({@code asha}, {@code hyperband bracket 1})
     */
    Optional<String> judge(Trial trial, Collection<Trial> peers, String label) {
        int rung = rungReached(trial);
        if (rung == 0) {
            return Optional.empty();
        }
        double own = valueAt(trial, rung);
        List<Double> earlier = new ArrayList<>();
        for (Trial other : peers) {
            double v = other.number() == trial.number() ? Double.NaN : valueAt(other, rung);
            if (!Double.isNaN(v)) {
                earlier.add(maximize ? v : -v);
            }
        }
        if (earlier.isEmpty() || Double.isNaN(own)) {
            return Optional.empty();
        }
        double cutoff = quantile(earlier, 1 - 1.0 / reductionFactor);
        if ((maximize ? own : -own) >= cutoff) {
            return Optional.empty();
        }
        return Optional.of(String.format(
                "%s: best %.5f by the rung at epoch %d is %s %.5f, the top-1/%d cutoff of the %d %s that reached it"
                        + " before", label, own, rung, maximize ? "below" : "above", maximize ? cutoff : -cutoff,
                reductionFactor, earlier.size(), earlier.size() == 1 ? "trial" : "trials"));
    }

    /** The q-quantile of the values, interpolating linearly between neighbours (numpy's default). */
    static double quantile(List<Double> values, double q) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        double pos = q * (sorted.size() - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.size() - 1);
        return sorted.get(lo) + (pos - lo) * (sorted.get(hi) - sorted.get(lo));
    }
}
