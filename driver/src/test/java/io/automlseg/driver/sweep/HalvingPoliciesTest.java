package io.automlseg.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** ASHA and Hyperband on scripted histories: which trial goes on at which rung. */
class HalvingPoliciesTest {

    /** Every trial plans 9 epochs: rungs at 1 and 3 with min_epochs 1 and reduction factor 3 (9 is the end). */
    private static AshaPolicy asha() {
        return new AshaPolicy(1, 3, null, true, t -> 9);
    }

    private static Trial trial(SweepState state, double... perEpoch) {
        Trial t = state.addTrial(Map.of());
        for (int i = 0; i < perEpoch.length; i++) {
            t.addEvaluation(i + 1, perEpoch[i]);
        }
        return t;
    }

    @Test
    void theFirstTrialAtARungGoesOnAndTheNextMustMatchIt() {
        SweepState s = new SweepState("mean_average_precision");
        Trial first = trial(s, 0.5);
        assertEquals(Optional.empty(), asha().evaluate(first, s));
        // With one earlier trial at the rung the cutoff is its value (Ray's ASHA: the 2/3 quantile of one value).
        Trial worse = trial(s, 0.4);
        Optional<String> stop = asha().evaluate(worse, s);
        assertTrue(stop.isPresent());
        assertEquals("asha: best 0.40000 by the rung at epoch 1 is below 0.50000, the top-1/3 cutoff of the 1 trial "
                + "that reached it before", stop.get());
        assertFalse(asha().evaluate(trial(s, 0.5), s).isPresent(), "a tie goes on");
    }

    @Test
    void aTrialGoesOnOnlyInTheTopThirdOfThoseThatReachedTheRung() {
        SweepState s = new SweepState("mean_average_precision");
        trial(s, 0.1);
        trial(s, 0.2);
        trial(s, 0.3);
        // The 2/3 quantile of 0.1, 0.2, 0.3 is 0.2333.
        assertFalse(asha().evaluate(trial(s, 0.24), s).isPresent());
        SweepState t = new SweepState("mean_average_precision");
        trial(t, 0.1);
        trial(t, 0.2);
        trial(t, 0.3);
        assertTrue(asha().evaluate(trial(t, 0.23), t).orElseThrow().contains("0.23333"));
        assertEquals(0.2333333, SuccessiveHalving.quantile(List.of(0.3, 0.1, 0.2), 2.0 / 3), 1e-6);
    }

    @Test
    void decisionsAreTakenOnlyWhenARungIsReachedAgainstTheTrialsThatReachedIt() {
        SweepState s = new SweepState("mean_average_precision");
        trial(s, 0.6, 0.7, 0.8, 0.9);
        trial(s, 0.5, 0.6, 0.7);
        Trial late = trial(s, 0.57);
        assertFalse(asha().evaluate(late, s).isPresent(), "at rung 1 the cutoff of 0.6 and 0.5 is 0.5667");
        late.addEvaluation(2, 0.1);
        assertFalse(asha().evaluate(late, s).isPresent(), "epoch 2 is no rung, however bad");
        late.addEvaluation(3, 0.62);
        // At rung 3 its best is 0.62 against 0.8 and 0.7: cutoff 0.7667.
        assertTrue(asha().evaluate(late, s).orElseThrow().contains("rung at epoch 3"));
        // Only one other trial at rung 3: it alone sets the cutoff.
        SweepState few = new SweepState("mean_average_precision");
        trial(few, 0.1, 0.2, 0.3);
        trial(few, 0.9);
        assertFalse(asha().evaluate(trial(few, 0.2, 0.25, 0.31), few).isPresent(),
                "the 0.9 trial never reached rung 3, so it does not count there");
    }

    @Test
    void withTwoEarlierTrialsTheCutoffIsInterpolated() {
        SweepState s = new SweepState("mean_average_precision");
        trial(s, 0.6);
        trial(s, 0.5);
        // 2/3 quantile of 0.5 and 0.6 is 0.5667.
        assertTrue(asha().evaluate(trial(s, 0.55), s).isPresent());
    }

    @Test
    void rungsAreEpochsJudgedAtTheFirstEvaluationPastThem() {
        // Evaluations every 2 epochs: rung 1 is judged at epoch 2, rung 3 at epoch 4, nothing at 6 or 8.
        SweepState s = new SweepState("mean_average_precision");
        Trial a = s.addTrial(Map.of());
        a.addEvaluation(2, 0.5);
        a.addEvaluation(4, 0.7);
        Trial b = s.addTrial(Map.of());
        b.addEvaluation(2, 0.4);
        SuccessiveHalving halving = new SuccessiveHalving(1, 3, null, true, t -> 9);
        assertEquals(1, halving.rungReached(b));
        assertTrue(asha().evaluate(b, s).isPresent());
        b.addEvaluation(4, 0.9);
        assertEquals(3, halving.rungReached(b));
        assertFalse(asha().evaluate(b, s).isPresent());
        b.addEvaluation(6, 0.1);
        assertEquals(0, halving.rungReached(b));
        b.addEvaluation(8, 0.1);
        assertEquals(0, halving.rungReached(b), "9 would be the next rung");
        assertEquals(0.9, halving.valueAt(b, 3), "its best up to its first evaluation past the rung");
    }

    @Test
    void noRungAtOrPastTheTrialsLastEpochOrMaxEpochs() {
        SweepState s = new SweepState("mean_average_precision");
        trial(s, 0.9, 0.9, 0.9);
        Trial ends = trial(s, 0.1, 0.1, 0.1);
        AshaPolicy threeEpochs = new AshaPolicy(1, 3, null, true, t -> 3);
        assertFalse(threeEpochs.evaluate(ends, s).isPresent(), "epoch 3 is its last: stopping saves nothing");
        assertFalse(new AshaPolicy(1, 3, 3, true, t -> 9).evaluate(ends, s).isPresent());
        assertTrue(new AshaPolicy(1, 3, 4, true, t -> 9).evaluate(ends, s).isPresent());
        assertTrue(new AshaPolicy(3, 2, null, true, t -> 0).evaluate(ends, s).isPresent(), "unknown epochs: no cap");
    }

    @Test
    void whenLowerIsBetterTheHighValuesStop() {
        SweepState s = new SweepState("loss");
        trial(s, 0.2);
        trial(s, 0.3);
        trial(s, 0.4);
        AshaPolicy minimizing = new AshaPolicy(1, 3, null, false, t -> 9);
        // The best third of 0.2, 0.3, 0.4 is at or below 0.2667.
        String reason = minimizing.evaluate(trial(s, 0.27), s).orElseThrow();
        assertTrue(reason.contains("best 0.27000") && reason.contains("is above 0.26667"), reason);
        assertFalse(minimizing.evaluate(trial(s, 0.25), s).isPresent());
        assertTrue(asha().evaluate(trial(s, 0.25), s).isPresent(), "maximising, 0.25 is low");
        // A minimising trial's value at a rung is its lowest so far.
        SweepState curve = new SweepState("loss");
        Trial t = trial(curve, 0.5, 0.1, 0.3);
        assertEquals(0.1, new SuccessiveHalving(1, 3, null, false, x -> 9).valueAt(t, 3));
    }

    @Test
    void hyperbandGivesBracketsByTrialNumberWeightedAsHyperband() {
        // min 1, rf 3, max 9: brackets with first rungs 1, 3, 9; trial counts 9, 5, 3 in every 17 trials.
        HyperbandPolicy hb = new HyperbandPolicy(1, 3, 9, true, t -> 9);
        assertEquals(3, hb.bracketCount());
        int[] counts = new int[3];
        for (int n = 1; n <= 17; n++) {
            counts[hb.bracketOf(n)]++;
            assertEquals(hb.bracketOf(n), hb.bracketOf(n + 17));
            assertEquals(hb.bracketOf(n), new HyperbandPolicy(1, 3, 9, true, t -> 9).bracketOf(n));
        }
        assertEquals(List.of(9, 5, 3), List.of(counts[0], counts[1], counts[2]));
        assertEquals(List.of(0, 1, 0, 2), List.of(hb.bracketOf(1), hb.bracketOf(2), hb.bracketOf(3), hb.bracketOf(4)),
                "every bracket gets a trial early");
        assertEquals(1, new HyperbandPolicy(2, 3, 5, true, t -> 5).bracketCount(), "2·3 > 5: plain asha");
        HyperbandPolicy huge = new HyperbandPolicy(1, 2, Integer.MAX_VALUE, true, t -> 0);
        assertEquals(31, huge.bracketCount());
        assertEquals(0, huge.bracketOf(1));
    }

    @Test
    void hyperbandJudgesATrialOnlyWithinItsBracket() {
        HyperbandPolicy hb = new HyperbandPolicy(1, 3, 9, true, t -> 9);
        SweepState s = new SweepState("mean_average_precision");
        Trial one = trial(s, 0.9, 0.9, 0.9); // bracket 0
        Trial two = trial(s, 0.1); // bracket 1: first rung at 3
        Trial three = trial(s, 0.2); // bracket 0
        Trial four = trial(s, 0.05, 0.05, 0.05, 0.05); // bracket 2: no rung below 9
        assertFalse(hb.evaluate(one, s).isPresent());
        assertFalse(hb.evaluate(two, s).isPresent(), "bracket 1 has no rung at epoch 1");
        String reason = hb.evaluate(three, s).orElseThrow();
        assertTrue(reason.startsWith("hyperband bracket 0 (rungs from epoch 1): best 0.20000"), reason);
        two.addEvaluation(2, 0.1);
        two.addEvaluation(3, 0.1);
        assertFalse(hb.evaluate(two, s).isPresent(), "first of bracket 1 at rung 3, whatever bracket 0 did");
        assertFalse(hb.evaluate(four, s).isPresent());
        assertEquals("hyperband", hb.name());
    }

    /** One scripted report: trial {@code index} (0-based) reports {@code value} at {@code epoch}. */
    private record Report(int index, int epoch, double value) {}

    /**
     * Feeds reports to a fresh sweep as the monitor does (judging each new evaluation of a trial not asked to stop);
     * at {@code restartAfter} the sweep is rebuilt as a resume would from the journal: new state with the same
     * trials and evaluations, and a new policy.
     */
    private static List<String> decisions(List<Report> reports, Supplier<TerminationPolicy> policies,
                                          int trials, int restartAfter) {
        SweepState state = new SweepState("mean_average_precision");
        for (int i = 0; i < trials; i++) {
            state.addTrial(Map.of("i", i));
        }
        TerminationPolicy policy = policies.get();
        List<String> out = new ArrayList<>();
        boolean[] stopped = new boolean[trials];
        for (int k = 0; k < reports.size(); k++) {
            if (k == restartAfter) {
                SweepState rebuilt = new SweepState("mean_average_precision");
                for (Trial old : state.trials()) {
                    Trial t = rebuilt.addTrial(old.parameters());
                    old.evaluations().forEach(e -> t.addEvaluation(e.epoch(), e.value()));
                }
                state = rebuilt;
                policy = policies.get();
            }
            Report r = reports.get(k);
            if (stopped[r.index()]) {
                continue;
            }
            Trial t = state.trials().get(r.index());
            t.addEvaluation(r.epoch(), r.value());
            Optional<String> stop = policy.evaluate(t, state);
            stopped[r.index()] = stop.isPresent();
            out.add(t.id() + "@" + r.epoch() + (stop.isPresent() ? " stop" : " go"));
        }
        return out;
    }

    @Test
    void aSweepRebuiltFromItsHistoryDecidesTheSame() {
        // Six trials, two at a time, reporting epoch by epoch in an interleaved order.
        double[][] curves = {{0.3, 0.4, 0.5, 0.55, 0.6}, {0.2, 0.25, 0.3, 0.3, 0.31}, {0.35, 0.45, 0.6, 0.7, 0.72},
                {0.1, 0.3, 0.5, 0.6, 0.7}, {0.32, 0.33, 0.34, 0.35, 0.36}, {0.4, 0.5, 0.55, 0.56, 0.57}};
        List<Report> reports = new ArrayList<>();
        for (int pair = 0; pair < 3; pair++) {
            for (int epoch = 1; epoch <= 5; epoch++) {
                for (int j = 0; j < 2; j++) {
                    int i = pair * 2 + j;
                    reports.add(new Report(i, epoch, curves[i][epoch - 1]));
                }
            }
        }
        List<Supplier<TerminationPolicy>> policies = List.of(
                () -> new AshaPolicy(1, 3, null, true, t -> 5),
                () -> new HyperbandPolicy(1, 2, 5, true, t -> 5));
        for (Supplier<TerminationPolicy> p : policies) {
            List<String> straight = decisions(reports, p, 6, -1);
            assertTrue(straight.stream().anyMatch(d -> d.endsWith("stop")), straight.toString());
            for (int restart = 1; restart < reports.size(); restart += 3) {
                assertEquals(straight, decisions(reports, p, 6, restart), "resumed after report " + restart);
            }
        }
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AshaPolicy(0, 3, null, true, t -> 9));
        assertThrows(IllegalArgumentException.class, () -> new AshaPolicy(1, 1, null, true, t -> 9));
        assertThrows(IllegalArgumentException.class, () -> new HyperbandPolicy(1, 3, 0, true, t -> 9));
    }
}
