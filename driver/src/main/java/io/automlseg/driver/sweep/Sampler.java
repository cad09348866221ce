package io.automlseg.driver.sweep;

import java.util.Map;
import java.util.Optional;

/**
 * Proposes the hyperparameters of the next trial from the history of the sweep, in the manner of Optuna's
 * samplers but whole-trial at once. Implementations must be deterministic given their seed and the history, so a
 * sweep can be reproduced.
 */
public interface Sampler {

    /**
     * The next trial's tuned parameters (the fixed ones are added by the caller), or empty when this sampler has
     * nothing left to propose (e.g. a grid that is exhausted).
     *
     * @param state every trial proposed so far, finished or not
     */
    Optional<Map<String, Object>> propose(SweepState state);

    /** Short name for messages, e.g. {@code random}. */
    String name();
}
