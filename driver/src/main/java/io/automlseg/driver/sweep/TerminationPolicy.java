package io.automlseg.driver.sweep;

import java.util.Optional;

/**
 * Decides, each time a running trial reports a new evaluation of the primary metric, whether it should be stopped
 * early (like Optuna's pruners or the reference product's early-termination policies). Stopping is cooperative:
 * the driver asks the trial to stop and the trial ends at its next evaluation, keeping its best epoch.
 */
public interface TerminationPolicy {

    /**
     * @param trial a running trial that just reported evaluation number {@code trial.evaluations().size()}
     * @param state the whole sweep, for comparison with other trials
     * @return why the trial should stop, or empty to let it run
     */
    Optional<String> evaluate(Trial trial, SweepState state);

    String name();

    /**
     * The reference product's rule for when a policy applies: at every interval that is a multiple of
     * {@code evaluationInterval} and not below {@code delayEvaluation}.
     */
    static boolean applies(int interval, int evaluationInterval, int delayEvaluation) {
        return interval >= 1 && interval >= delayEvaluation && interval % Math.max(1, evaluationInterval) == 0;
    }
}
