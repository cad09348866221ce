package io.automlseg.driver.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The history of a sweep: every trial in the order proposed, and which one is best. The primary metric is
 * maximised (the reference product's only goal for instance segmentation).
 */
public final class SweepState {
    private final String primaryMetric;
    private final List<Trial> trials = new ArrayList<>();

    public SweepState(String primaryMetric) {
        this.primaryMetric = primaryMetric;
    }

    public String primaryMetric() {
        return primaryMetric;
    }

    /** Adds a queued trial with the next number. */
    public synchronized Trial addTrial(Map<String, Object> parameters) {
        Trial t = new Trial(trials.size() + 1, parameters);
        trials.add(t);
        return t;
    }

    public synchronized List<Trial> trials() {
        return List.copyOf(trials);
    }

    public synchronized long count(TrialState state) {
        return trials.stream().filter(t -> t.state() == state).count();
    }

    /**
     * The best finished trial that produced a model: completed or early-terminated, with a finite best value;
     * ties go to the earlier trial.
     */
    public synchronized Optional<Trial> best() {
        Trial best = null;
        for (Trial t : trials) {
            TrialState s = t.state();
            double v = t.bestValue();
            if ((s == TrialState.COMPLETED || s == TrialState.EARLY_TERMINATED) && Double.isFinite(v)
                    && (best == null || v > best.bestValue())) {
                best = t;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Best value reported by any trial so far, running ones included; NaN if none. */
    public synchronized double bestValueSoFar() {
        double best = Double.NaN;
        for (Trial t : trials) {
            double v = t.bestValue();
            if (!Double.isNaN(v) && (Double.isNaN(best) || v > best)) {
                best = v;
            }
        }
        return best;
    }
}
