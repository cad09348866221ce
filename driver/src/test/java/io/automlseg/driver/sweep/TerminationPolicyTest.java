package io.automlseg.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TerminationPolicyTest {

    /** A sweep whose trials reported the given metric series (one value per evaluation). */
    private static SweepState history(double[]... series) {
        SweepState state = new SweepState("mean_average_precision");
        for (double[] values : series) {
            Trial t = state.addTrial(Map.of());
            for (int i = 0; i < values.length; i++) {
                t.addEvaluation(i + 1, values[i]);
            }
        }
        return state;
    }

    private static Trial trial(SweepState state, int index) {
        return state.trials().get(index);
    }

    @Test
    void banditCutsBelowTheSlackFactor() {
        // Reference example: best 0.8, factor 0.2 -> cut below 0.667.
        SweepState s = history(new double[] {0.5, 0.8}, new double[] {0.3, 0.66}, new double[] {0.3, 0.67});
        BanditPolicy bandit = new BanditPolicy(0.2, null, 1, 0);
        assertTrue(bandit.evaluate(trial(s, 1), s).isPresent());
        assertFalse(bandit.evaluate(trial(s, 2), s).isPresent());
        assertFalse(bandit.evaluate(trial(s, 0), s).isPresent());
    }

    @Test
    void banditComparesAtTheSameNumberOfEvaluations() {
        // Trial 0 reached 0.9 only at its 3rd evaluation; trial 1 has 2 evaluations and is within slack of 0.5.
        SweepState s = history(new double[] {0.4, 0.5, 0.9}, new double[] {0.3, 0.45});
        BanditPolicy bandit = new BanditPolicy(0.2, null, 1, 0);
        assertFalse(bandit.evaluate(trial(s, 1), s).isPresent());
        // With the absolute slack 0.01, 0.45 < 0.5 - 0.01 is cut.
        assertTrue(new BanditPolicy(null, 0.01, 1, 0).evaluate(trial(s, 1), s).isPresent());
    }

    @Test
    void banditWaitsForDelayAndInterval() {
        SweepState s = history(new double[] {0.9, 0.9, 0.9, 0.9}, new double[] {0.1, 0.1, 0.1});
        Trial slow = trial(s, 1);
        // 3 evaluations: not a multiple of 2.
        assertFalse(new BanditPolicy(0.1, null, 2, 0).evaluate(slow, s).isPresent());
        // delay 4 not reached.
        assertFalse(new BanditPolicy(0.1, null, 1, 4).evaluate(slow, s).isPresent());
        assertTrue(new BanditPolicy(0.1, null, 3, 3).evaluate(slow, s).isPresent());
        slow.addEvaluation(4, 0.1);
        assertTrue(new BanditPolicy(0.1, null, 2, 4).evaluate(slow, s).isPresent());
    }

    @Test
    void medianStoppingComparesWithRunningAverages() {
        SweepState s = history(new double[] {0.4, 0.6}, new double[] {0.5, 0.7}, new double[] {0.6, 0.8},
                new double[] {0.55, 0.59}, new double[] {0.2, 0.61});
        MedianStoppingPolicy median = new MedianStoppingPolicy(1, 0);
        // For trial 3 the others' running averages after 2 evaluations are 0.5, 0.6, 0.7, 0.405: median 0.55 < 0.59.
        assertFalse(median.evaluate(trial(s, 3), s).isPresent());
        SweepState t = history(new double[] {0.4, 0.6}, new double[] {0.5, 0.7}, new double[] {0.6, 0.8},
                new double[] {0.55, 0.58});
        // Without trial 4 the median is 0.6 > 0.58.
        assertTrue(median.evaluate(trial(t, 3), t).isPresent());
        assertFalse(median.evaluate(trial(t, 2), t).isPresent());
    }

    @Test
    void truncationCutsTheLowestPercentage() {
        SweepState s = history(new double[] {0.9}, new double[] {0.8}, new double[] {0.7}, new double[] {0.1});
        TruncationSelectionPolicy trunc = new TruncationSelectionPolicy(25, 1, 0);
        assertTrue(trunc.evaluate(trial(s, 3), s).isPresent());
        assertFalse(trunc.evaluate(trial(s, 2), s).isPresent());
        assertFalse(new TruncationSelectionPolicy(20, 1, 0).evaluate(trial(s, 3), s).isPresent());
    }

    @Test
    void noTerminationNeverStops() {
        SweepState s = history(new double[] {0.9}, new double[] {0.0});
        assertFalse(new NoTermination().evaluate(trial(s, 1), s).isPresent());
    }
}
