package io.automlseg.driver.sweep;

import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Asynchronous successive halving ({@code early_termination.type: asha}, ours): at each rung
 * ({@code min_epochs · reduction_factor^k} epochs) a trial goes on only if it is in the top
 * {@code 1/reduction_factor} of the trials that reached that rung before it, decided as soon as it gets there.
 * See {@link SuccessiveHalving} for the exact rule.
 */
public final class AshaPolicy implements TerminationPolicy {
    private final SuccessiveHalving halving;

    /**
     * @param maxEpochs no rung at or above it; null for none besides each trial's own number of epochs
     * @param maximize whether a higher primary metric is better
     * @param trialEpochs a trial's planned number of epochs, 0 if unknown
     */
    public AshaPolicy(int minEpochs, int reductionFactor, Integer maxEpochs, boolean maximize,
                      ToIntFunction<Trial> trialEpochs) {
        this.halving = new SuccessiveHalving(minEpochs, reductionFactor, maxEpochs, maximize, trialEpochs);
    }

    @Override
    public Optional<String> evaluate(Trial trial, SweepState state) {
        return halving.judge(trial, state.trials(), "asha");
    }

    @Override
    public String name() {
        return "asha";
    }
}
