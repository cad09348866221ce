package io.automlseg.driver.report;

import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.persist.RunLease;
import io.automlseg.driver.persist.RunRecorder;
import io.automlseg.driver.persist.SweepJournal;
import io.automlseg.driver.persist.TrialRecord;
import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.SweepStatus;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialPlacement;
import io.automlseg.driver.sweep.TrialState;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.TrialFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds run folders for the report's tests the way a sweep writes them: its journal, trials.json, trial folders. */
final class RunFolderFixture {
    static final String METRIC = "mean_average_precision";
    static final List<String> LABELS = List.of("circle", "star <b>&amp;</b>");

    final RunFolder run;
    final SweepState state = new SweepState(METRIC);
    final SweepJournal journal;
    final RunRecorder recorder;
    /** When the sweep started, as the journal's first event (sweep_started) says. */
    final Instant start;

    RunFolderFixture(Path dir) throws IOException {
        run = new RunFolder(Storage.qualify(dir.toString()));
        journal = SweepJournal.open(run);
        recorder = new RunRecorder(run, journal, state, trials -> { });
        journal.sweepStarted("run-1", Map.of(), Map.of(), "random", 7);
        start = Instant.parse(SweepJournal.read(run).get(0).at());
    }

    /**
     * A trial with one epoch report per value (null: an epoch without a metric), in its folder as a trial writes
     * them (with a validation loss), and in the sweep's state; ended with {@code end} unless that is null.
     */
    Trial trial(Map<String, Object> parameters, List<Double> values, TrialState end, String error)
            throws IOException {
        Trial t = state.addTrial(parameters);
        journal.trialStarted(t.number(), t.parameters(), 1);
        t.markRunning(start.plusSeconds(10L * t.number()));
        String dir = run.trialDir(t.id());
        Json.write(TrialFiles.resolve(dir, TrialFiles.PROCESS), Map.of("pid", 42, "host", "host-" + t.id()));
        Json.write(TrialFiles.resolve(dir, TrialFiles.DEVICE), Map.of("device", "cpu"));
        for (int e = 1; e <= values.size(); e++) {
            Double v = values.get(e - 1);
            Map<String, Double> metrics = v == null ? Map.of() : Map.of(METRIC, v, "precision", v / 2);
            Map<String, Map<String, Double>> perLabel = new LinkedHashMap<>();
            if (v != null) {
                for (String label : LABELS) {
                    perLabel.put(label, Map.of("average_precision", v, "precision", v / 2, "recall", 0.5));
                }
            }
            EpochReport report = new EpochReport(e, 3.0 / e, Map.of("loss_mask", 1.0 / e), metrics, perLabel, 0.01,
                    60, 2.0);
            @SuppressWarnings("unchecked")
            Map<String, Object> json = Json.MAPPER.convertValue(report, Map.class);
            json.put("validation_loss", 3.3 / e);
            Json.write(run.trialFile(t.id(), TrialFiles.epochReport(e)), json);
            t.addEpoch(report, METRIC);
        }
        t.setPlacement(new TrialPlacement("exec-" + t.number(), "host-" + t.id(), null, "cpu", null));
        if (end != null) {
            if (end == TrialState.EARLY_TERMINATED) {
                t.requestStop("bandit: below the best by more than 10%");
            }
            t.finish(end, start.plusSeconds(10L * t.number() + 60L * values.size()), error);
            journal.trialEnded(t.number(), TrialRecord.of(t, dir, t.finishedAt()));
        }
        return t;
    }

    void writeTrials() throws IOException {
        recorder.writeTrials(start.plusSeconds(600));
    }

    void summary(String experiment, SweepStatus status) throws IOException {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("run_id", "run-1");
        s.put("experiment_name", experiment);
        s.put("status", status);
        s.put("primary_metric", METRIC);
        state.best().ifPresent(b -> {
            s.put("best_trial", b.id());
            s.put("best_value", b.bestValue());
        });
        s.put("trials", state.trials().size());
        s.put("completed", state.count(TrialState.COMPLETED));
        s.put("failed", state.count(TrialState.FAILED));
        s.put("sampling_algorithm", "random");
        s.put("termination_policy", "bandit");
        s.put("concurrent_trials", 2);
        s.put("started_at", start.toString());
        s.put("finished_at", start.plusSeconds(900).toString());
        s.put("wall_seconds", 900.0);
        Json.writeAtomically(run.summaryJson(), s);
        journal.sweepEnded(status);
    }

    /** A driver's lease on the folder, as a running sweep holds it. */
    void lease(Instant expiresAt) throws IOException {
        Json.writeAtomically(run.lease(), new RunLease.Holder("me", "host", 1, expiresAt.toString()));
    }
}
