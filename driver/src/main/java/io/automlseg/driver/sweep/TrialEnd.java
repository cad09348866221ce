package io.automlseg.driver.sweep;

import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialResult;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;

/** How one run of a trial ended, decided in one place ({@link #decide}) from everything known when it ended. */
public sealed interface TrialEnd {

    /** Ended with a model: completed, or early-terminated (by itself, or hard-stopped after its stop request). */
    record Finished(TrialState state) implements TrialEnd {}

    record Failed(String error) implements TrialEnd {}

    /** Lost to the infrastructure (not the trial's fault): it runs again in its folder, within its retry budget. */
    record Lost(String reason) implements TrialEnd {}

    /** Cancelled by the sweep itself (its timeout ran out), through no fault of the trial. */
    record Cancelled(String reason) implements TrialEnd {}

    /** Records the end on the trial (a {@link Lost} run is not an end: the caller retries it or fails it). */
    default void finish(Trial t, Instant at) {
        if (this instanceof Finished f) {
            t.finish(f.state(), at, null);
        } else if (this instanceof Failed f) {
            t.finish(TrialState.FAILED, at, f.error());
        } else if (this instanceof Cancelled c) {
            t.finish(TrialState.CANCELED, at, c.reason());
        } else {
            throw new IllegalStateException("a lost run is retried or failed, not finished: " + this);
        }
    }

    /**
     * The trial's {@code result.json} wins (even if a cancellation raced with its end); else the sweep's cancellation
     * says; else a process killed by a signal the sweep did not send, or a failed task, was lost; else the process
     * exited without a result and the trial failed.
     *
     * @param exit how its process exited, null if the backend lost the run
     * @param taskFailure why the backend lost the run, when {@code exit} is null
     * @param cancelled why the sweep cancelled it, or null
     * @param result its result.json, or null
     */
    static TrialEnd decide(Trial t, TrialExit exit, String taskFailure, Cancellation cancelled, TrialResult result,
                           TrialFolder folder) throws IOException {
        if (result != null) {
            TrialState s = switch (result.status()) {
                case COMPLETED -> TrialState.COMPLETED;
                case EARLY_TERMINATED -> TrialState.EARLY_TERMINATED;
                case FAILED -> TrialState.FAILED;
            };
            if (s == TrialState.FAILED) {
                return new Failed(result.error() != null ? result.error()
                        : "the trial reported status " + result.status());
            }
            return folder.hasModel() ? new Finished(s) : new Failed("the trial reported " + result.status()
                    + " but wrote no " + TrialFiles.MODEL_DIR + "/");
        }
        if (cancelled != null) {
            return switch (cancelled.kind()) {
                case SWEEP_TIMEOUT -> new Cancelled(cancelled.reason());
                case HARD_STOP -> {
                    t.requestStop(t.stopReason() + "; " + cancelled.reason());
                    // It keeps the model of its best epoch, saved before it was asked to stop.
                    yield folder.hasModel() ? new Finished(TrialState.EARLY_TERMINATED)
                            : new Failed("asked to stop, " + cancelled.reason() + ", and it had saved no model");
                }
                default -> new Failed(cancelled.reason());
            };
        }
        if (exit != null && killedBySignal(exit.exitCode())) {
            return new Lost("its process was killed by signal " + (exit.exitCode() - 128) + " (not sent by the sweep)");
        }
        if (exit != null) {
            return new Failed("the trial process exited with code " + exit.exitCode() + " without writing "
                    + TrialFiles.RESULT + "; the end of its log (" + TrialFiles.LOG + "):\n"
                    + lastLines(exit.logTail(), 15));
        }
        return new Lost("its Spark task failed: " + taskFailure);
    }

    /**
     * A JVM killed by a signal exits with 128 + the signal's number; the sweep's own kills come as a cancelled run,
     * so such an exit means someone else (the OS, an operator, a dying node) ended the process.
     */
    static boolean killedBySignal(int exitCode) {
        return exitCode > 128 && exitCode <= 128 + 64;
    }

    /** The innermost cause's message: what went wrong, without the layers that passed it on. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private static String lastLines(String text, int n) {
        String[] lines = text.split("\n");
        return lines.length <= n ? text : String.join("\n", Arrays.copyOfRange(lines, lines.length - n, lines.length));
    }
}
