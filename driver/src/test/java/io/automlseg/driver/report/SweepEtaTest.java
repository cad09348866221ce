package io.automlseg.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialState;
import io.automlseg.executor.trial.EpochReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ETA's arithmetic on synthetic trials and epoch reports, at fixed instants (no clock runs). */
class SweepEtaTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static EpochReport epoch(int n, double seconds) {
        return new EpochReport(n, 1.0 / n, Map.of(), Map.of("m", 0.1 * n), null, 0.01, seconds, 1);
    }

    /** A trial started at {@code startSecond} that reported {@code epochs} epochs of {@code seconds} each. */
    static Trial trial(SweepState state, int startSecond, int epochs, double seconds) {
        Trial t = state.addTrial(Map.of("learning_rate", 0.01));
        t.markRunning(T0.plusSeconds(startSecond));
        for (int e = 1; e <= epochs; e++) {
            t.addEpoch(epoch(e, seconds), "m");
        }
        return t;
    }

    static Duration eta(SweepState state, SweepEta.Plan plan, Map<String, SweepEta.Known> known, int atSecond) {
        return SweepEta.estimate(state, plan, known, true, T0.plusSeconds(atSecond)).remaining();
    }

    @Test
    void unknownUntilTheFirstEpochEnds() {
        SweepState state = new SweepState("m");
        trial(state, 0, 0, 0);
        assertNull(eta(state, new SweepEta.Plan(4, 2, 10, null), Map.of(), 50));
    }

    @Test
    void runningTrialsFinishTheirEpochsAndTheRestQueueOnTheFreeSlots() {
        SweepState state = new SweepState("m");
        trial(state, 0, 2, 30);
        trial(state, 10, 1, 30);
        // Mean epoch 30 s; nothing finished, so no overhead and every trial runs its 10 epochs. Trial 1 has 8 epochs
        // left (240 s), trial 2 has 9 (270 s); the 2 trials not started (300 s each) follow on the slot freed first.
        assertEquals(Duration.ofSeconds(570), eta(state, new SweepEta.Plan(4, 2, 10, null), Map.of(), 70));
        // One slot: the trials left queue behind the running one.
        SweepState one = new SweepState("m");
        trial(one, 0, 2, 30);
        assertEquals(Duration.ofSeconds(240 + 2 * 300), eta(one, new SweepEta.Plan(3, 1, 10, null), Map.of(), 70));
        // Trials' own number_of_epochs (as the loop reported it) win over the plan's, and trials not started are
        // expected to plan the mean of those started: trial 2 has 19 epochs left (570 s), the new ones 15 (450 s):
        // one follows trial 1 (240 + 450), the other trial 2 (570 + 450).
        assertEquals(Duration.ofSeconds(570 + 450),
                eta(state, new SweepEta.Plan(4, 2, 10, null), Map.of("0002", new SweepEta.Known(20, null)), 70));
        // Trial 1's current epoch has run 10 s since its report was read: 230 s left, and the one after it
        // follows on its slot at 230 + 300.
        assertEquals(Duration.ofSeconds(570), eta(state, new SweepEta.Plan(4, 2, 10, null),
                Map.of("0001", new SweepEta.Known(10, T0.plusSeconds(60))), 70));
        assertEquals(Duration.ofSeconds(230 + 300), eta(one, new SweepEta.Plan(2, 1, 10, null),
                Map.of("0001", new SweepEta.Known(10, T0.plusSeconds(60))), 70));
    }

    @Test
    void aTrialStillStartingUpCountsTheOverheadFinishedTrialsHad() {
        SweepState state = new SweepState("m");
        Trial done = trial(state, 0, 4, 25);
        done.finish(TrialState.COMPLETED, T0.plusSeconds(140), null);
        Trial starting = trial(state, 140, 0, 0);
        // Overhead 140 - 100 = 40 s; the starting trial, 20 s in, needs 4 x 25 + 40 - 20 = 120 s more.
        assertEquals(Duration.ofSeconds(120), eta(state, new SweepEta.Plan(2, 1, 4, null), Map.of(), 160));
        assertEquals(TrialState.RUNNING, starting.state());
    }

    @Test
    void earlyTerminatedTrialsMakeTheTrialsLeftShorter() {
        SweepState state = new SweepState("m");
        trial(state, 0, 10, 10).finish(TrialState.COMPLETED, T0.plusSeconds(100), null);
        trial(state, 100, 5, 10).finish(TrialState.EARLY_TERMINATED, T0.plusSeconds(150), null);
        // No overhead; finished trials ran 100% and 50% of their 10 epochs: a new trial is expected to run 75%,
        // 75 s. Two are left on two slots.
        assertEquals(Duration.ofSeconds(75), eta(state, new SweepEta.Plan(4, 2, 10, null), Map.of(), 150));
        // Failed trials do not count in the share, nor do those the sweep no longer launches.
        trial(state, 150, 1, 10).finish(TrialState.FAILED, T0.plusSeconds(160), "boom");
        assertEquals(Duration.ofSeconds(75), eta(state, new SweepEta.Plan(4, 2, 10, null), Map.of(), 160));
        assertEquals(Duration.ZERO, SweepEta.estimate(state, new SweepEta.Plan(4, 2, 10, null), Map.of(), false,
                T0.plusSeconds(160)).remaining(), "after max_failed_trials nothing is left to run");
    }

    @Test
    void theSweepsTimeoutCapsTheEstimate() {
        SweepState state = new SweepState("m");
        trial(state, 0, 1, 60);
        SweepEta.Plan plan = new SweepEta.Plan(3, 1, 10, T0.plusSeconds(600));
        SweepEta.Estimate capped = SweepEta.estimate(state, plan, Map.of(), true, T0.plusSeconds(100));
        assertEquals(Duration.ofSeconds(500), capped.remaining());
        assertTrue(capped.byTimeout());
        SweepEta.Estimate within = SweepEta.estimate(state, new SweepEta.Plan(1, 1, 10, T0.plusSeconds(6000)),
                Map.of(), true, T0.plusSeconds(100));
        assertEquals(Duration.ofSeconds(540), within.remaining());
        assertFalse(within.byTimeout());
    }
}
