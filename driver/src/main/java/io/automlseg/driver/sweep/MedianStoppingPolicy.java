package io.automlseg.driver.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stops a trial whose best metric so far is below the median of the other trials' running averages over the same
 * number of evaluations. Only trials that have reached that many evaluations take part.
 */
public final class MedianStoppingPolicy extends IntervalPolicy {

    public MedianStoppingPolicy(int evaluationInterval, int delayEvaluation) {
        super("median_stopping", evaluationInterval, delayEvaluation);
    }

    @Override
    Optional<String> decide(Trial trial, SweepState state, int interval) {
        List<Double> averages = new ArrayList<>();
        for (Trial other : state.trials()) {
            List<Trial.Evaluation> evals = other.evaluations();
            if (other == trial || evals.size() < interval) {
                continue;
            }
            double sum = 0;
            for (int i = 0; i < interval; i++) {
                sum += evals.get(i).value();
            }
            averages.add(sum / interval);
        }
        if (averages.isEmpty()) {
            return Optional.empty();
        }
        averages.sort(Double::compare);
        int n = averages.size();
        double median = n % 2 == 1 ? averages.get(n / 2) : (averages.get(n / 2 - 1) + averages.get(n / 2)) / 2;
        double own = trial.bestValueUpTo(interval);
        if (own < median) {
            return Optional.of(String.format(
                    "median_stopping: best %.5f after %d evaluations is below the median running average %.5f of %d trials",
                    own, interval, median, n));
        }
        return Optional.empty();
    }

    @Override
    public String name() {
        return "median_stopping";
    }
}
