package io.automlseg.driver.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stops a trial that ranks in the lowest {@code truncation_percentage} percent of the trials that have reached the
 * same number of evaluations, ranked by their best metric up to that number.
 */
public final class TruncationSelectionPolicy extends IntervalPolicy {
    private final int truncationPercentage;

    public TruncationSelectionPolicy(int truncationPercentage, int evaluationInterval, int delayEvaluation) {
        super("truncation_selection", evaluationInterval, delayEvaluation);
        if (truncationPercentage < 1 || truncationPercentage > 99) {
            throw new IllegalArgumentException("truncation_percentage must be in 1..99");
        }
        this.truncationPercentage = truncationPercentage;
    }

    @Override
    Optional<String> decide(Trial trial, SweepState state, int interval) {
        double own = trial.bestValueUpTo(interval);
        List<Double> peers = new ArrayList<>();
        for (Trial other : state.trials()) {
            if (other.evaluations().size() >= interval) {
                peers.add(other.bestValueUpTo(interval));
            }
        }
        int cut = (int) Math.floor(peers.size() * truncationPercentage / 100.0);
        if (cut == 0) {
            return Optional.empty();
        }
        long strictlyBetter = peers.stream().filter(v -> v > own).count();
        // Rank from the bottom: the trial is cut if fewer than `cut` peers are strictly worse than it.
        long strictlyWorse = peers.stream().filter(v -> v < own).count();
        if (strictlyWorse < cut && strictlyBetter > 0) {
            return Optional.of(String.format(
                    "truncation_selection: best %.5f after %d evaluations is in the lowest %d%% of %d trials",
                    own, interval, truncationPercentage, peers.size()));
        }
        return Optional.empty();
    }

    @Override
    public String name() {
        return "truncation_selection";
    }
}
