package io.automlseg.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.trial.EpochReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stop rules on their own: limits in the configuration's minutes, the stop grace, max_failed_trials. */
class StopRulesTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Trial running(Instant since, double... epochSeconds) {
        Trial t = new Trial(1, Map.of());
        t.markRunning(since);
        for (int i = 0; i < epochSeconds.length; i++) {
            t.addEpoch(new EpochReport(i + 1, 1.0, Map.of(), Map.of("m", 0.1 * (i + 1)), null, 0.01,
                    epochSeconds[i], 1), "m");
        }
        return t;
    }

    @Test
    void theSweepAndTrialTimeoutsCountInTheConfiguredMinutes() {
        StopRules rules = new StopRules(T0, Duration.ofSeconds(1), 25, 8, Duration.ofSeconds(60), null);
        assertFalse(rules.sweepTimedOut(T0.plusSeconds(25)));
        assertTrue(rules.sweepTimedOut(T0.plusMillis(25_001)));
        Trial t = running(T0.plusSeconds(2));
        assertNull(rules.trialTimeout(t, T0.plusSeconds(10)));
        Cancellation c = rules.trialTimeout(t, T0.plusMillis(10_001));
        assertEquals(Cancellation.Kind.TRIAL_TIMEOUT, c.kind());
        assertEquals("timed out after 8 minutes (trial_timeout_minutes)", c.reason());
        assertFalse(new StopRules(T0, Duration.ofMinutes(1), null, null, Duration.ZERO, null)
                .sweepTimedOut(T0.plus(Duration.ofDays(365))), "no timeout_minutes, no sweep timeout");
    }

    @Test
    void aTrialAskedToStopGetsTwoEvaluationIntervalsAndAtLeastTheConfiguredGrace() {
        StopRules rules = new StopRules(T0, Duration.ofMinutes(1), null, null, Duration.ofSeconds(60), null);
        assertEquals(Duration.ofSeconds(100), rules.grace(running(T0, 50, 50), T0.plusSeconds(500)),
                "two intervals of 50 s, by the epochs' own durations");
        assertEquals(Duration.ofSeconds(60), rules.grace(running(T0, 10, 10), T0.plusSeconds(500)));
        assertEquals(Duration.ofSeconds(400), rules.grace(running(T0), T0.plusSeconds(200)),
                "no epoch yet: twice its time so far");
        Trial slow = running(T0, 50);
        assertNull(rules.hardStop(slow, T0.plusSeconds(10), T0.plusSeconds(10)));
        assertEquals("it had not stopped 105 s after being asked to, so its Spark job was cancelled",
                rules.hardStop(slow, T0.plusSeconds(10), T0.plusSeconds(15)).reason());
    }

    @Test
    void maxFailedTrialsCountsAtLeastOneAndLingeringHasItsOwnGrace() {
        assertFalse(new StopRules(T0, Duration.ofMinutes(1), null, null, Duration.ZERO, null).tooManyFailures(99));
        StopRules two = new StopRules(T0, Duration.ofMinutes(1), null, null, Duration.ZERO, 2);
        assertFalse(two.tooManyFailures(1));
        assertTrue(two.tooManyFailures(2));
        assertTrue(new StopRules(T0, Duration.ofMinutes(1), null, null, Duration.ZERO, 0).tooManyFailures(1),
                "max_failed_trials 0 stops at the first failure");
        assertNull(two.lingering(T0, T0.plus(StopRules.RESULT_GRACE)));
        assertEquals(Cancellation.Kind.LINGERING, two.lingering(T0, T0.plus(StopRules.RESULT_GRACE).plusMillis(1))
                .kind());
    }
}
