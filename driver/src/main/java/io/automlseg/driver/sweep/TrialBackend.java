package io.automlseg.driver.sweep;

import java.util.concurrent.Future;

/**
 * Where trials run. The sweep loop launches and cancels trials through it and learns from each run's exit where it
 * ran; it never sees the engine behind it (Spark in production, an in-memory fake in tests).
 */
public interface TrialBackend extends AutoCloseable {

    /** How many trials can run at once. */
    int slots();

    /**
     * Starts one run of a trial from its spec file. The future completes with how the trial's process exited, or
     * fails when the infrastructure lost the run (a lost executor, a failed task, a cancellation); {@code onEnd} is
     * called when the run ends, on any thread.
     */
    Future<TrialExit> launch(Trial trial, String specUri, Runnable onEnd);

    /** Cancels the trial's current run; repeating it is harmless, and a run not yet started will not start. */
    void cancel(Trial trial);

    /**
     * Ends the process a dead driver left running for this trial folder, so it cannot write into the folder while
     * the trial runs again.
     *
     * @return whether there was one
     */
    boolean endLeftoverProcess(String trialDir);

    /** Cancels the runs still going and releases the backend's threads. */
    @Override
    void close();
}
