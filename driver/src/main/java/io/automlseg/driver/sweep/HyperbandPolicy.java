package io.automlseg.driver.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Hyperband as brackets of asynchronous successive halving ({@code early_termination.type: hyperband}, ours).
 * Bracket {@code b} (0..s_max, {@code s_max} the largest with {@code min_epochs · rf^s_max <= max_epochs}) has its
 * first rung at {@code min_epochs · rf^b}; a trial is judged only against the trials of its own bracket. The bracket
 * follows from the trial's number alone (nothing to journal): a smooth weighted round robin over Hyperband's trial
 * counts per bracket, {@code ceil((s_max + 1) · rf^h / (h + 1))} with {@code h = s_max - b} halvings, so the
 * aggressive brackets get more trials and every bracket gets some early.
 */
public final class HyperbandPolicy implements TerminationPolicy {
    private static final double MAX_CYCLE = 1 << 16;
    private final List<SuccessiveHalving> brackets = new ArrayList<>();
    private final List<Integer> firstRungs = new ArrayList<>();
    private final int[] cycle;

    /**
     * @param maxEpochs the longest trial's epochs: it sets how many brackets there are, and no rung reaches it
     * @param maximize whether a higher primary metric is better
     * @param trialEpochs a trial's planned number of epochs, 0 if unknown
     */
    public HyperbandPolicy(int minEpochs, int reductionFactor, int maxEpochs, boolean maximize,
                           ToIntFunction<Trial> trialEpochs) {
        if (minEpochs < 1 || reductionFactor < 2 || maxEpochs < 1) {
            throw new IllegalArgumentException("hyperband needs min_epochs >= 1, reduction_factor >= 2 and "
                    + "max_epochs >= 1");
        }
        for (long grace = minEpochs; grace <= maxEpochs || firstRungs.isEmpty(); grace *= reductionFactor) {
            firstRungs.add((int) grace);
            brackets.add(new SuccessiveHalving((int) grace, reductionFactor, maxEpochs, maximize, trialEpochs));
        }
        int sMax = brackets.size() - 1;
        double[] counts = new double[brackets.size()];
        double sum = 0;
        for (int b = 0; b <= sMax; b++) {
            int halvings = sMax - b;
            counts[b] = Math.ceil((sMax + 1) * Math.pow(reductionFactor, halvings) / (halvings + 1));
            sum += counts[b];
        }
        // Absurdly long trials (max_epochs in the millions) would make the cycle huge: keep the proportions only.
        double scale = Math.min(1, MAX_CYCLE / sum);
        long[] weights = new long[counts.length];
        int total = 0;
        for (int b = 0; b <= sMax; b++) {
            weights[b] = Math.max(1, Math.round(counts[b] * scale));
            total += (int) weights[b];
        }
        cycle = new int[total];
        long[] current = new long[weights.length];
        for (int i = 0; i < total; i++) {
            int pick = 0;
            for (int b = 0; b < weights.length; b++) {
                current[b] += weights[b];
                if (current[b] > current[pick]) {
                    pick = b;
                }
            }
            current[pick] -= total;
            cycle[i] = pick;
        }
    }

    /** The bracket (0 = the most aggressive) of the trial with this 1-based number. */
    public int bracketOf(int trialNumber) {
        return cycle[Math.floorMod(trialNumber - 1, cycle.length)];
    }

    /** How many brackets there are ({@code s_max + 1}). */
    public int bracketCount() {
        return brackets.size();
    }

    @Override
    public Optional<String> evaluate(Trial trial, SweepState state) {
        int bracket = bracketOf(trial.number());
        List<Trial> peers = new ArrayList<>();
        for (Trial t : state.trials()) {
            if (bracketOf(t.number()) == bracket) {
                peers.add(t);
            }
        }
        return brackets.get(bracket).judge(trial, peers,
                "hyperband bracket " + bracket + " (rungs from epoch " + firstRungs.get(bracket) + ")");
    }

    @Override
    public String name() {
        return "hyperband";
    }
}
