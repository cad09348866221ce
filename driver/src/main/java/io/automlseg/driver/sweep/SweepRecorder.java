package io.automlseg.driver.sweep;

import java.io.IOException;
import java.time.Instant;

/** Keeps the sweep's record as it runs: its journal, its trials table and its published best model. */
public interface SweepRecorder {

    void trialStarted(Trial t, int attempt) throws IOException;

    void trialLost(Trial t, int attempt, String reason) throws IOException;

    void trialEnded(Trial t, Instant now) throws IOException;

    /** The trials changed (or not) this round; the table is rewritten now and then, not on every change. */
    void trialsChanged(boolean changed, Instant now) throws IOException;

    /** Rewrites the trials table now. */
    void writeTrials(Instant now) throws IOException;

    /** The sweep is over: the trials table as it ends, in every form it is kept in. */
    void writeFinalTrials(Instant end) throws IOException;

    /** Publishes the trial's model as the sweep's best and returns where. */
    String publishBest(Trial best) throws IOException;
}
