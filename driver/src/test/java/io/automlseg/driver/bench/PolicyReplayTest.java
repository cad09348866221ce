package io.automlseg.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.config.ConfigException;
import io.automlseg.driver.sweep.TerminationPolicy;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay harness on scripted curves whose outcome can be worked out by hand. */
class PolicyReplayTest {
    @TempDir
    Path dir;

    /** A: steady, the best; B and C: weak from the start; D: nothing until a late 0.9. One minute per epoch. */
    private static final ReplayCurves CURVES = new ReplayCurves(Map.of("command", "scripted"), "mean_average_precision",
            List.of(curve("A", 0.1, 0.2, 0.3), curve("B", 0.01, 0.01, 0.01), curve("C", 0.05, 0.1, 0.15),
                    curve("D", 0.0, 0.0, 0.9)));

    private static ReplayCurves.Curve curve(String name, double... values) {
        List<ReplayCurves.Epoch> epochs = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            epochs.add(new ReplayCurves.Epoch(i + 1, values[i], 60));
        }
        return new ReplayCurves.Curve(name, Map.of("learning_rate", 0.001 * (epochs.size() + name.charAt(0))), 0.0,
                epochs);
    }

    @Test
    void withoutEarlyTerminationEveryEpochRunsAndTheBestIsFound() throws Exception {
        PolicyReplay.Result r = PolicyReplay.replay(CURVES, List.of(0, 1, 2, 3), PolicyReplay.policy(null), 2,
                dir.resolve("none"));
        assertEquals(12, r.epochs(), 1e-9);
        assertEquals(0.9, r.best());
        assertEquals(0, r.stopped());
        assertFalse(r.trulyBestStopped());
        // Two slots, four trials of three one-minute epochs: two rounds of three minutes.
        assertEquals(Duration.ofMinutes(6), r.wall());
    }

    @Test
    void banditStopsTheWeakTrialsWithinSecondsOfItsDecision() throws Exception {
        // Slack 0.5: a trial is stopped when its best is below best / 1.5 over the first n evaluations. One slot, order
        // A, B, C: A leads (0.1 after one evaluation), so B (0.01) and C (0.05 < 0.067) are stopped after their first
        // epoch and see the request 2 s into their second, which they give up: 3 + 2 * (1 + 2/60) epochs, best 0.3.
        TerminationPolicy bandit = PolicyReplay.policy(Map.of("type", "bandit", "slack_factor", 0.5));
        ReplayCurves abc = new ReplayCurves(CURVES.recorded(), CURVES.primaryMetric(), CURVES.trials().subList(0, 3));
        PolicyReplay.Result r = PolicyReplay.replay(abc, List.of(0, 1, 2), bandit, 1, dir.resolve("abc"));
        assertEquals(3 + 2 * (1 + 2.0 / 60), r.epochs(), 1e-9);
        assertEquals(0.3, r.best());
        assertEquals(2, r.stopped());
        assertFalse(r.trulyBestStopped());
    }

    @Test
    void banditStopsALateBloomerThatWouldHaveBeenBest() throws Exception {
        // D after A: 0.0 < 0.1 / 1.5 after one epoch, so D ends 2 s into its second (still 0.0); the sweep reports A's
        // 0.3, and B and C are stopped as before.
        TerminationPolicy bandit = PolicyReplay.policy(Map.of("type", "bandit", "slack_factor", 0.5));
        PolicyReplay.Result r = PolicyReplay.replay(CURVES, List.of(0, 3, 1, 2), bandit, 1, dir.resolve("ad"));
        assertTrue(r.trulyBestStopped());
        assertEquals(0.3, r.best());
        assertEquals(3 + 3 * (1 + 2.0 / 60), r.epochs(), 1e-9);
    }

    @Test
    void policiesComeFromTheConfigurationsOwnParsing() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> PolicyReplay.policy(Map.of("type", "bandit", "slack_factr", 0.5)));
        assertTrue(String.join("\n", e.problems()).contains("slack_factr"), e.problems().toString());
    }

    @Test
    void theRecordedCurvesReplayWithoutEarlyTerminationToEveryEpoch() throws Exception {
        ReplayCurves recorded = ReplayCurves.read(new File("../scripts/bench/data/curves-r18.json"));
        List<Integer> order = IntStream.range(0, recorded.trials().size()).boxed().toList();
        PolicyReplay.Result r = PolicyReplay.replay(recorded, order, PolicyReplay.policy(null), 4, dir.resolve("rec"));
        assertEquals(recorded.epochs(), r.epochs(), 1e-9);
        assertEquals(recorded.trials().get(recorded.trulyBest()).best(), r.best());
    }
}
