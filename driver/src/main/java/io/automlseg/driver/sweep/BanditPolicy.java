package io.automlseg.driver.sweep;

import java.util.Optional;

/**
 * Stops a trial whose best metric falls too far below the best trial's: below {@code best / (1 + slack_factor)}
 * or below {@code best - slack_amount}. The best is taken over every trial's first {@code n} evaluations, where
 * {@code n} is the number the candidate has reported, so trials are compared at the same progress.
 */
public final class BanditPolicy extends IntervalPolicy {
    private final Double slackFactor;
    private final Double slackAmount;

    /**
     * @param slackFactor ratio slack, or null when {@code slackAmount} is given
     * @param slackAmount absolute slack, or null when {@code slackFactor} is given
     */
    public BanditPolicy(Double slackFactor, Double slackAmount, int evaluationInterval, int delayEvaluation) {
        super("bandit", evaluationInterval, delayEvaluation);
        if ((slackFactor == null) == (slackAmount == null)) {
            throw new IllegalArgumentException("bandit needs exactly one of slack_factor and slack_amount");
        }
        if ((slackFactor != null && !(slackFactor >= 0)) || (slackAmount != null && !(slackAmount >= 0))) {
            throw new IllegalArgumentException("bandit slack must be >= 0");
        }
        this.slackFactor = slackFactor;
        this.slackAmount = slackAmount;
    }

    @Override
    Optional<String> decide(Trial trial, SweepState state, int interval) {
        double own = trial.bestValueUpTo(interval);
        double best = Double.NaN;
        String bestId = null;
        for (Trial other : state.trials()) {
            double v = other.bestValueUpTo(interval);
            if (!Double.isNaN(v) && (Double.isNaN(best) || v > best)) {
                best = v;
                bestId = other.id();
            }
        }
        if (Double.isNaN(best) || Double.isNaN(own)) {
            return Optional.empty();
        }
        double cutoff = slackFactor != null ? best / (1 + slackFactor) : best - slackAmount;
        if (own < cutoff) {
            return Optional.of(String.format(
                    "bandit: best %.5f after %d evaluations is below %.5f (trial %s's best %.5f with %s %s)",
                    own, interval, cutoff, bestId, best,
                    slackFactor != null ? "slack_factor" : "slack_amount",
                    slackFactor != null ? slackFactor : slackAmount));
        }
        return Optional.empty();
    }

    @Override
    public String name() {
        return "bandit";
    }
}
