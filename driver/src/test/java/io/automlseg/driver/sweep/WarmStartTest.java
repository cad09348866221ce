package io.automlseg.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.config.ConfigException;
import io.automlseg.driver.persist.WarmStart;
import io.automlseg.executor.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweep.warm_start_runs}: the finished trials of earlier sweeps over a compatible space seed Bayesian
 * sampling without being trials of the sweep; incompatible ones are listed and skipped; a resume uses the set read
 * when the sweep started. Scripted histories and the fake backend: milliseconds.
 */
class WarmStartTest {
    private static final SearchSpace SPACE = new SearchSpace(List.of(Map.of(
            "learning_rate", Distribution.parse("uniform(0.006, 0.02)"))));

    private static List<PriorTrial> prior(int n) {
        List<PriorTrial> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double lr = 0.006 + 0.014 * i / (n - 1);
            out.add(new PriorTrial("earlier", String.format("%04d", i + 1), Map.of("learning_rate", lr), lr * 100));
        }
        return out;
    }

    @Test
    void warmStartTrialsTakeThePlaceOfTheRandomStartAndPointTheModelAtTheirBest() {
        SweepState state = new SweepState("m");
        BayesianSampler cold = new BayesianSampler(SPACE, 7, 3);
        BayesianSampler warm = cold.withWarmStart(prior(12));
        double coldFirst = ((Number) cold.propose(state).orElseThrow().get("learning_rate")).doubleValue();
        double warmFirst = ((Number) warm.propose(state).orElseThrow().get("learning_rate")).doubleValue();
        assertEquals(warmFirst, ((Number) cold.withWarmStart(prior(12)).propose(state).orElseThrow()
                .get("learning_rate")).doubleValue(), "deterministic");
        assertNotEquals(coldFirst, warmFirst, "the first proposal is the model's, not the random start's");
        assertTrue(warmFirst > 0.0175, "near the earlier best (0.02): " + warmFirst);
    }

    @Test
    void incompatibleTrialsAreListedOneLinePerRunAndParameterAndSkipped(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Files.writeString(a.resolve("trials.json"), """
                {"primary_metric": "mean_average_precision", "trials": [
                  {"trial_id": "0001", "status": "completed", "parameters": {"learning_rate": 0.01}, "best_value": 0.4},
                  {"trial_id": "0002", "status": "failed", "parameters": {"learning_rate": 0.012}},
                  {"trial_id": "0003", "status": "completed", "parameters": {"learning_rate": 0.5}, "best_value": 0.1},
                  {"trial_id": "0004", "status": "completed", "parameters": {"learning_rate": 0.9}, "best_value": 0.1},
                  {"trial_id": "0005", "status": "early_terminated",
                   "parameters": {"learning_rate": 0.007, "momentum": 0.9}, "best_value": 0.2},
                  {"trial_id": "0006", "status": "early_terminated", "parameters": {"learning_rate": 0.008},
                   "best_value": 0.3}]}
                """);
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.writeString(b.resolve("trials.json"), """
                {"primary_metric": "recall", "trials": []}
                """);
        String missing = tmp.resolve("missing").toUri().toString();
        FakeSweep sweep = new FakeSweep(tmp.resolve("new"), 1);
        List<String> runs = List.of(a.toUri().toString(), b.toUri().toString(), missing);
        WarmStart w = WarmStart.load(FakeSweep.config(tmp, job("bayesian", runs)), sweep.run, System.out);
        assertEquals(List.of("0001", "0006"), w.trials().stream().map(PriorTrial::trialId).toList());
        assertEquals(4, w.skipped().size(), w.skipped().toString());
        String aUri = a.toUri().toString();
        assertEquals(aUri + ": parameter learning_rate has values that uniform(0.006, 0.02) cannot produce "
                + "(2 trials)", w.skipped().get(0));
        assertTrue(w.skipped().get(1).endsWith(": parameter momentum is not in the search space (1 trial)"),
                w.skipped().get(1));
        assertTrue(w.skipped().get(2).endsWith(": its primary metric is recall, not mean_average_precision"),
                w.skipped().get(2));
        assertTrue(w.skipped().get(3).contains("cannot read"), w.skipped().get(3));
        assertTrue(Files.exists(tmp.resolve("new/run/warm_start.json")), "recorded for a resume");
    }

    private static String job(String sampling, List<String> runs) {
        return """
                limits: {max_trials: 6, max_concurrent_trials: 1}
                training_parameters: {number_of_epochs: 2}
                sweep: {sampling_algorithm: %s, warm_start_runs: %s}
                search_space:
                  - learning_rate: "uniform(0.006, 0.02)"
                """.formatted(sampling, Json.line(runs));
    }

    @Test
    void aWarmStartedSweepCountsOnlyItsOwnTrialsAndAResumeKeepsTheWarmStartItBeganWith(@TempDir Path tmp)
            throws Exception {
        FakeSweep earlier = new FakeSweep(tmp.resolve("earlier"), 1);
        earlier.run(job("bayesian", List.of()));
        String earlierRun = earlier.run.uri();

        FakeSweep seeded = new FakeSweep(tmp.resolve("seeded"), 1);
        seeded.killDriverWhen = s -> s.backend.launches.size() == 3;
        assertThrows(FakeSweep.DriverKilled.class, () -> seeded.run(job("bayesian", List.of(earlierRun))));
        Files.delete(tmp.resolve("earlier/run/trials.json")); // a resume must not need the earlier run again
        FakeSweep resumed = new FakeSweep(tmp.resolve("seeded"), 1);
        FakeSweep.Ran r = resumed.run(job("bayesian", List.of(earlierRun)));
        assertTrue(r.printed().contains("Warm start: 6 trial(s) of earlier sweeps, as recorded in"), r.printed());
        assertEquals(6, r.trials().size(), "the warm-start trials are not trials of this sweep");
        assertEquals(6, r.summary().trials());
        assertEquals(6, r.summary().warmStartTrials());
        assertTrue(Json.MAPPER.readTree(tmp.resolve("seeded/run/summary.json").toFile()).has("warm_start_trials"));

        FakeSweep cold = new FakeSweep(tmp.resolve("cold"), 1);
        FakeSweep.Ran c = cold.run(job("bayesian", List.of()));
        assertNull(c.summary().warmStartTrials());
        assertTrue(r.summary().bestValue() >= c.summary().bestValue(),
                "seeded " + r.summary().bestValue() + " vs cold " + c.summary().bestValue());
        assertNotEquals(c.state().trials().get(0).parameters(), r.state().trials().get(0).parameters(),
                "the seeded sweep's first trial is the model's");
    }

    @Test
    void aWarmStartThatIsNotAListOfFoldersIsRefusedNamingTheKey(@TempDir Path tmp) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> FakeSweep.config(tmp, job("bayesian", List.of()).replace("[]", "runs/old")));
        assertTrue(e.getMessage().contains("sweep.warm_start_runs: must be a list of run folders"), e.getMessage());
        ConfigException blank = assertThrows(ConfigException.class,
                () -> FakeSweep.config(tmp, job("bayesian", List.of()).replace("[]", "[\"runs/a\", 3]")));
        assertTrue(blank.getMessage().contains("sweep.warm_start_runs[1]: must be a run folder's path or URI"),
                blank.getMessage());
    }

    @Test
    void randomSamplingSaysItDoesNotUseTheWarmStart(@TempDir Path tmp) throws Exception {
        FakeSweep earlier = new FakeSweep(tmp.resolve("earlier"), 1);
        earlier.run(job("random", List.of()));
        FakeSweep.Ran r = new FakeSweep(tmp.resolve("new"), 1).run(job("random", List.of(earlier.run.uri())));
        assertTrue(r.printed().contains("Warm start: 6 finished trial(s) from 1 earlier run(s); random sampling "
                + "does not use them (only bayesian does)."), r.printed());
        assertEquals(0, r.summary().warmStartTrials());
        assertFalse(r.printed().contains("Warm start: skipped"), r.printed());
    }
}
