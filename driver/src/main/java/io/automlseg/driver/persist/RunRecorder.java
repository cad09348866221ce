package io.automlseg.driver.persist;

import io.automlseg.driver.sweep.SweepRecorder;
import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.trial.TrialFiles;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Keeps a running sweep's record in its run folder: the journal (what a resume reads), {@code trials.json} (and at
 * the end {@code trials.parquet}) and {@code best_model/}.
 */
public final class RunRecorder implements SweepRecorder {
    /**
     * trials.json is rewritten whole (every trial with its epochs), so at most this often: rewriting it on every
     * change would cost the driver O(trials²). The journal, not this file, is what a resume reads.
     */
    static final Duration TRIALS_JSON_INTERVAL = Duration.ofSeconds(2);

    private final RunFolder run;
    private final SweepJournal journal;
    private final SweepState state;
    private final Consumer<List<TrialRecord>> finalTable;
    private boolean trialsDirty;
    private Instant trialsWrittenAt = Instant.EPOCH;

    /** @param finalTable writes the trials as a table once the sweep ends (trials.parquet), reporting its own errors */
    public RunRecorder(RunFolder run, SweepJournal journal, SweepState state, Consumer<List<TrialRecord>> finalTable) {
        this.run = run;
        this.journal = journal;
        this.state = state;
        this.finalTable = finalTable;
    }

    @Override
    public void trialStarted(Trial t, int attempt) throws IOException {
        journal.trialStarted(t.number(), t.parameters(), attempt);
    }

    @Override
    public void trialLost(Trial t, int attempt, String reason) throws IOException {
        journal.trialLost(t.number(), attempt, reason);
    }

    @Override
    public void trialEnded(Trial t, Instant now) throws IOException {
        journal.trialEnded(t.number(), TrialRecord.of(t, run.trialDir(t.id()), now));
    }

    @Override
    public void trialsChanged(boolean changed, Instant now) throws IOException {
        trialsDirty |= changed;
        if (trialsDirty && Duration.between(trialsWrittenAt, now).compareTo(TRIALS_JSON_INTERVAL) >= 0) {
            writeTrials(now);
        }
    }

    @Override
    public void writeTrials(Instant now) throws IOException {
        trialsDirty = false;
        trialsWrittenAt = now;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("primary_metric", state.primaryMetric());
        doc.put("trials", records(now));
        Json.writeAtomically(run.trialsJson(), doc);
    }

    @Override
    public void writeFinalTrials(Instant end) throws IOException {
        writeTrials(end);
        finalTable.accept(records(end));
    }

    @Override
    public String publishBest(Trial best) throws IOException {
        BestModelPublisher.publish(run.trialFile(best.id(), TrialFiles.MODEL_DIR), run.bestModel(), best.id(),
                state.primaryMetric(), best.bestValue());
        return run.bestModel();
    }

    public List<TrialRecord> records(Instant now) {
        List<TrialRecord> list = new ArrayList<>();
        for (Trial t : state.trials()) {
            list.add(TrialRecord.of(t, run.trialDir(t.id()), now));
        }
        return list;
    }
}
