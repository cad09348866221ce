package io.automlseg.driver.sweep;

import java.util.Optional;

/**
 * The part the reference product's policies share: they apply at every interval that is a multiple of
 * {@code evaluation_interval} and not below {@code delay_evaluation}; subclasses decide at those intervals only.
 */
abstract class IntervalPolicy implements TerminationPolicy {
    private final int evaluationInterval;
    private final int delayEvaluation;

    IntervalPolicy(String policy, int evaluationInterval, int delayEvaluation) {
        if (evaluationInterval < 1 || delayEvaluation < 0) {
            throw new IllegalArgumentException(
                    policy + " needs evaluation_interval >= 1 and delay_evaluation >= 0");
        }
        this.evaluationInterval = evaluationInterval;
        this.delayEvaluation = delayEvaluation;
    }

    @Override
    public final Optional<String> evaluate(Trial trial, SweepState state) {
        int interval = trial.evaluations().size();
        if (!TerminationPolicy.applies(interval, evaluationInterval, delayEvaluation)) {
            return Optional.empty();
        }
        return decide(trial, state, interval);
    }

    /** Whether {@code trial} should stop after its evaluation number {@code interval} (1-based). */
    abstract Optional<String> decide(Trial trial, SweepState state, int interval);
}
