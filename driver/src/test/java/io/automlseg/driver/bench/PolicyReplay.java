package io.automlseg.driver.bench;

import io.automlseg.driver.config.ConfigException;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.spark.RunnerOptions;
import io.automlseg.driver.sweep.ManualClock;
import io.automlseg.driver.sweep.ResumePoint;
import io.automlseg.driver.sweep.Sampler;
import io.automlseg.driver.sweep.SchedulerStats;
import io.automlseg.driver.sweep.StopRules;
import io.automlseg.driver.sweep.SweepListener;
import io.automlseg.driver.sweep.SweepLoop;
import io.automlseg.driver.sweep.SweepRecorder;
import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.TerminationPolicy;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialSetup;
import io.automlseg.driver.sweep.TrialState;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.trial.StartingWeights;
import io.automlseg.executor.trial.TrialSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Replays recorded curves through the real sweep core: a {@link SweepLoop} with the policy as a sweep configuration
 * builds it, on a {@link ReplayBackend} in simulated time. The sampler proposes the recorded trials in a given order;
 * the loop, its monitor and the policy see the trials' epoch reports exactly as in a sweep, and a trial asked to stop
 * ends at its next epoch, as a real one does.
 */
final class PolicyReplay {
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private PolicyReplay() {}

    /**
     * What one replayed sweep did.
     *
     * @param epochs trial-epochs run, given-up epochs in part (the compute used)
     * @param best the sweep's best value as it reports it (its best trial's best value), NaN without one
     * @param trulyBestStopped whether the trial with the highest value over all its epochs was stopped early
     * @param stopped how many trials were stopped early
     * @param wall the sweep's duration in simulated time
     */
    record Result(double epochs, double best, boolean trulyBestStopped, int stopped, Duration wall) {}

    /**
     * The policy a sweep gets from this {@code early_termination} block (null: none), through the configuration's
     * own parsing and validation, so every policy the configuration accepts can be replayed.
     */
    static TerminationPolicy policy(Map<String, Object> earlyTermination) throws ConfigException {
        Map<String, Object> sweep = new LinkedHashMap<>();
        sweep.put("sampling_algorithm", "random");
        if (earlyTermination != null) {
            sweep.put("early_termination", earlyTermination);
        }
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("task", SweepConfig.TASK);
        job.put("target_column_name", "label");
        job.put("training_data", "./train");
        job.put("sweep", sweep);
        String yaml;
        try {
            yaml = Json.MAPPER.writeValueAsString(job);  // JSON is YAML
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        return SweepConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "policies", "file:/replay")
                .terminationPolicy();
    }

    /**
     * Replays the curves in the given order ({@code order.get(k)}: the curve of the sweep's trial k + 1).
     *
     * @param work a folder for the trials' files, emptied afterwards
     */
    static Result replay(ReplayCurves curves, List<Integer> order, TerminationPolicy policy, int concurrency,
                         Path work) throws IOException {
        List<ReplayCurves.Curve> played = order.stream().map(curves.trials()::get).toList();
        ManualClock clock = new ManualClock(START);
        ReplayBackend backend = new ReplayBackend(played, curves.primaryMetric(), concurrency, clock::instant);
        SweepState state = new SweepState(curves.primaryMetric());
        Sampler inOrder = new Sampler() {
            @Override
            public Optional<Map<String, Object>> propose(SweepState s) {
                int n = s.trials().size();
                return n < played.size() ? Optional.of(played.get(n).parameters()) : Optional.empty();
            }

            @Override
            public String name() {
                return "replay";
            }
        };
        String root = work.toAbsolutePath().toUri().toString().replaceAll("/+$", "");
        TrialSetup setup = new TrialSetup() {
            @Override
            public String trialDir(Trial t) {
                return root + "/trials/" + t.id();
            }

            @Override
            public TrialSpec spec(Trial t) {
                Map<String, Object> parameters = new LinkedHashMap<>(t.parameters());
                parameters.put("number_of_epochs", played.get(t.number() - 1).epochs().size());
                return new TrialSpec(t.id(), trialDir(t), "train.jsonl", "validation.jsonl", List.of(), parameters,
                        1, "cpu");
            }

            @Override
            public StartingWeights startingWeights(Trial t) {
                return StartingWeights.scratch();
            }
        };
        StopRules rules = new StopRules(START, Duration.ofMinutes(1), null, null, RunnerOptions.DEFAULT_STOP_GRACE,
                null);
        SweepLoop loop = new SweepLoop(state, inOrder, policy,
                new SweepLoop.Limits(played.size(), concurrency, 0, Duration.ofSeconds(1)), rules, backend, setup,
                new NoRecord(), new SweepListener() { }, new SchedulerStats(), clock, (wake, max) -> {
                    // Nothing changes between two epoch ends: jump to the next one.
                    wake.clear();
                    Instant next = backend.nextEvent();
                    clock.set(next != null ? next : clock.instant().plus(max));
                    backend.advanceTo(clock.instant());
                });
        try {
            SweepLoop.Outcome outcome = loop.run(ResumePoint.NONE);
            int trulyBest = order.indexOf(curves.trulyBest());
            Trial best = state.trials().get(trulyBest);
            int stopped = (int) state.count(TrialState.EARLY_TERMINATED);
            return new Result(Arrays.stream(backend.epochsRun).sum(),
                    outcome.best().map(Trial::bestValue).orElse(Double.NaN),
                    best.state() == TrialState.EARLY_TERMINATED, stopped,
                    Duration.between(START, outcome.end()));
        } finally {
            delete(work);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The replay keeps no journal, trials table or best model: the loop's state says all it needs. */
    private static final class NoRecord implements SweepRecorder {
        @Override
        public void trialStarted(Trial t, int attempt) {}

        @Override
        public void trialLost(Trial t, int attempt, String reason) {}

        @Override
        public void trialEnded(Trial t, Instant now) {}

        @Override
        public void trialsChanged(boolean changed, Instant now) {}

        @Override
        public void writeTrials(Instant now) {}

        @Override
        public void writeFinalTrials(Instant end) {}

        @Override
        public String publishBest(Trial best) {
            return "replay";
        }
    }
}
