package io.automlseg.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.persist.JournalEvent;
import io.automlseg.driver.persist.JournalReplay;
import io.automlseg.driver.persist.RunAdmission;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.persist.RunRecorder;
import io.automlseg.driver.persist.SweepFingerprint;
import io.automlseg.driver.persist.SweepJournal;
import io.automlseg.driver.persist.SweepSummary;
import io.automlseg.driver.persist.WarmStart;
import io.automlseg.driver.report.StatusLine;
import io.automlseg.driver.report.SweepConsole;
import io.automlseg.driver.report.SweepEta;
import io.automlseg.driver.report.SweepProgress;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.trial.StartingWeights;
import io.automlseg.executor.trial.TrialSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A sweep on the {@link FakeTrialBackend} and a {@link ManualClock}, put together as the Spark runner does, with the
 * real run folder, journal and console: rules that take minutes on Spark take milliseconds here.
 */
final class FakeSweep {
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration POLL = Duration.ofSeconds(15);

    final Path dir;
    final ManualClock clock = new ManualClock(START);
    final FakeTrialBackend backend;
    final RunFolder run;
    Duration stopGrace = Duration.ofSeconds(60);
    /**
     * When it holds (checked every round, after the trials moved on), the driver "dies": the loop stops with
     * {@link DriverKilled}, before it saw what the trials did since.
     */
    Predicate<FakeSweep> killDriverWhen = s -> false;
    /** Whether the live progress is shown too, in place as on a terminal (true) or as plain lines (false); null: not. */
    Boolean progressInPlace;

    static final class DriverKilled extends RuntimeException {}

    /** The run folder's sweep had ended and this configuration does not extend it (the runner repeats its outcome). */
    static final class AlreadyEnded extends RuntimeException {}

    record Ran(SweepLoop.Outcome outcome, SweepSummary summary, SweepState state, String printed,
               Map<String, JsonNode> trials, List<JournalEvent> journal) {
        JsonNode trial(String id) {
            return trials.get(id);
        }
    }

    FakeSweep(Path dir, int slots) {
        this(dir, slots, dir.resolve("run").toUri().toString());
    }

    /** A sweep whose run folder is {@code dir/run} under another URI (e.g. a failing file system's). */
    FakeSweep(Path dir, int slots, String runUri) {
        this.dir = dir;
        this.backend = new FakeTrialBackend(clock, slots);
        this.run = new RunFolder(runUri);
    }

    static SweepConfig config(Path dir, String body) throws Exception {
        String yaml = "task: image_instance_segmentation\ntarget_column_name: label\ntraining_data: ./train\n" + body;
        return SweepConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "job.yaml", dir.toUri().toString());
    }

    /** Runs (or, when the run folder holds a journal, resumes) the sweep the YAML describes. */
    Ran run(String yaml) throws Exception {
        SweepConfig config = config(dir, yaml);
        List<JournalEvent> history = SweepJournal.read(run);
        if (RunAdmission.hasEnded(run, history) && RunAdmission.extension(history, config) == 0) {
            throw new AlreadyEnded();
        }
        SweepState state = new SweepState(config.primaryMetric());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(printed, true, StandardCharsets.UTF_8);
        StatusLine line = progressInPlace == null ? null : new StatusLine(stream, progressInPlace, 200);
        SweepConsole console = new SweepConsole(line == null ? stream : line.out());
        ResumePoint resume = ResumePoint.NONE;
        if (!history.isEmpty()) {
            resume = JournalReplay.replay(history, state, run);
            console.journalReplayed(state.trials().size() - resume.interrupted().size(), resume.interrupted().size());
        }
        SweepJournal journal = SweepJournal.open(run);
        WarmStart warm = WarmStart.load(config, run, stream);
        Sampler sampler = warm.seed(config.sampler());
        journal.sweepStarted("fake", Map.of(), SweepFingerprint.limits(config), sampler.name(), config.seed());
        SweepConfig.Limits limits = config.limits();
        int maxTrials = sampler instanceof GridSampler grid ? (int) Math.min(grid.size(), limits.maxTrials())
                : limits.maxTrials();
        int concurrency = Math.min(Math.min(limits.maxConcurrentTrials(), backend.slots()), maxTrials);
        Instant started = clock.instant();
        StopRules rules = new StopRules(started, Duration.ofMinutes(1), limits.timeoutMinutes(),
                limits.trialTimeoutMinutes(), stopGrace, limits.maxFailedTrials());
        TerminationPolicy policy = config.terminationPolicy();
        SweepProgress progress = line == null ? null : new SweepProgress(line, new SweepEta.Plan(maxTrials,
                concurrency, ((Number) config.resolve(Map.of()).get("number_of_epochs")).intValue(),
                rules.deadline()), started, clock, SweepProgress.PLAIN_EVERY);
        SweepLoop loop = new SweepLoop(state, sampler, policy,
                new SweepLoop.Limits(maxTrials, concurrency, limits.maxTrialRetries(), POLL), rules, backend,
                setup(config), new RunRecorder(run, journal, state, records -> { }),
                progress == null ? console : SweepListener.all(console, progress), new SchedulerStats(),
                clock, (wake, max) -> {
                    clock.advance(max);
                    backend.advanceTo(clock.instant());
                    if (killDriverWhen.test(this)) {
                        throw new DriverKilled();
                    }
                });
        SweepLoop.Outcome outcome;
        try {
            outcome = loop.run(resume);
        } finally {
            if (progress != null) {
                progress.close();
            }
        }
        SweepSummary summary = SweepSummary.of("fake", config, state, outcome, run.bestModel(), concurrency,
                policy.name(), started, null, null).withWarmStart(warm);
        Json.writeAtomically(run.summaryJson(), summary);
        journal.sweepEnded(outcome.status());
        console.concluded(state, summary, outcome.end());
        String text = printed.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        return new Ran(outcome, summary, state, text, trials(), SweepJournal.read(run));
    }

    private TrialSetup setup(SweepConfig config) {
        return new TrialSetup() {
            @Override
            public String trialDir(Trial t) {
                return run.trialDir(t.id());
            }

            @Override
            public TrialSpec spec(Trial t) {
                return new TrialSpec(t.id(), run.trialDir(t.id()), "train.jsonl", "validation.jsonl",
                        List.of("can"), config.resolve(t.parameters()), 1, "cpu");
            }

            @Override
            public StartingWeights startingWeights(Trial t) {
                return StartingWeights.scratch();
            }
        };
    }

    Path trialDir(String id) {
        return dir.resolve("run/trials").resolve(id);
    }

    private Map<String, JsonNode> trials() throws Exception {
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode t : Json.MAPPER.readTree(dir.resolve("run/trials.json").toFile()).get("trials")) {
            byId.put(t.get("trial_id").asText(), t);
        }
        return byId;
    }

    static long count(List<JournalEvent> events, Class<? extends JournalEvent> kind, int trial) {
        return events.stream().filter(kind::isInstance)
                .filter(e -> e instanceof JournalEvent.TrialStarted s ? s.trial() == trial
                        : e instanceof JournalEvent.TrialEnded d ? d.trial() == trial
                        : e instanceof JournalEvent.TrialLost l && l.trial() == trial)
                .count();
    }
}
