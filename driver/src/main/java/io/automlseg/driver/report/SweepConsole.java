package io.automlseg.driver.report;

import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.persist.SweepSummary;
import io.automlseg.driver.sweep.SweepListener;
import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialState;
import io.automlseg.executor.trial.EpochReport;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Optional;

/**
 * The sweep as its user follows it on the console: a line per trial start, epoch, stop and end, the sweep's counts
 * when they change, and at the end a table of the trials and the outcome. (Users and tests read these lines: keep
 * their wording.)
 */
public final class SweepConsole implements SweepListener {
    private final PrintStream out;
    private String lastProgress = "";

    public SweepConsole(PrintStream out) {
        this.out = out;
    }

    @Override
    public void trialStarted(Trial t) {
        out.println("Trial " + t.id() + " started: " + (t.parameters().isEmpty() ? "fixed parameters"
                : t.parameters()));
    }

    @Override
    public void trialResumed(Trial t, int attempt) {
        out.println("Trial " + t.id() + " was interrupted: running it again (attempt " + attempt + ")");
    }

    @Override
    public void leftoverProcessEnded(Trial t) {
        out.println("  ended the process trial " + t.id() + " had left running");
    }

    @Override
    public void epochReported(Trial t, EpochReport report, int plannedEpochs, boolean evaluation, SweepState state) {
        StringBuilder line = new StringBuilder("  trial " + t.id() + " epoch " + report.epoch()
                + (plannedEpochs > 0 ? "/" + plannedEpochs : "") + String.format(": loss %.4f", report.trainLoss()));
        if (evaluation) {
            line.append(String.format(", %s %.4f (trial best %.4f, sweep best %.4f)", state.primaryMetric(),
                    report.metrics().get(state.primaryMetric()), t.bestValue(), state.bestValueSoFar()));
        }
        out.println(line);
    }

    @Override
    public void stopRequested(Trial t, String reason) {
        out.println("  trial " + t.id() + " asked to stop: " + reason);
    }

    @Override
    public void stopRequestFailed(Trial t, IOException e) {
        out.println("  could not write the stop request of trial " + t.id() + ": " + e.getMessage());
    }

    @Override
    public void hardStopping(Trial t) {
        out.println("  trial " + t.id() + " did not stop when asked: cancelling its Spark job");
    }

    @Override
    public void lingering(Trial t) {
        out.println("  trial " + t.id() + " wrote its result but its process is still running: stopping it");
    }

    @Override
    public void sweepTimedOut(int timeoutMinutes, int running) {
        out.println("The sweep's timeout_minutes (" + timeoutMinutes + ") ran out: cancelling " + running
                + " running trial(s).");
    }

    @Override
    public void tooManyFailures(long failed, int maxFailedTrials) {
        out.println(failed + " trials failed, reaching max_failed_trials (" + maxFailedTrials
                + "): no new trials are started; the running ones finish.");
    }

    @Override
    public void trialLost(Trial t, String reason, int retry, int budget) {
        out.println("Trial " + t.id() + " lost: " + reason + "; running it again in its folder (retry " + retry
                + " of " + budget + ")");
    }

    @Override
    public void trialEnded(Trial t, SweepState state, Instant end) {
        switch (t.state()) {
            case FAILED, CANCELED -> out.println("Trial " + t.id() + " " + t.state().yamlName() + ": " + t.error());
            default -> out.printf("Trial %s %s: best %s %.4f at epoch %d (%.1f s)%n", t.id(), t.state().yamlName(),
                    state.primaryMetric(), t.bestValue(), t.bestEpoch(), t.duration(end).toMillis() / 1000.0);
        }
    }

    @Override
    public void newBest(Trial t, String primaryMetric, String where) {
        out.printf("New best: trial %s with %s %.4f -> %s%n", t.id(), primaryMetric, t.bestValue(), where);
    }

    @Override
    public void publishFailed(Trial t, IOException e) {
        out.println("Could not publish the model of trial " + t.id() + ": " + e.getMessage());
    }

    /** The sweep's counts, printed when they changed since the last round. */
    @Override
    public void progress(SweepState state, int maxTrials) {
        String line = counts(state, maxTrials);
        if (!line.equals(lastProgress)) {
            out.println(line);
            lastProgress = line;
        }
    }

    /** What a resume found in the journal. */
    public void journalReplayed(int ended, int interrupted) {
        out.println("Journal: " + ended + " trial(s) ended, " + interrupted
                + " interrupted (run again in their folders, from their checkpoints).");
    }

    /** The end of a sweep: the trials table, the final counts and the outcome. */
    public void concluded(SweepState state, SweepSummary summary, Instant end) {
        trialTable(state, end);
        out.println(counts(state, state.trials().size()));
        outcome(summary);
    }

    /** A sweep that had already ended, run again: its outcome once more. */
    public void alreadyEnded(SweepSummary summary, String runUri) {
        out.println("Sweep " + summary.runId() + " in " + runUri + " already ended (" + summary.status()
                + ", " + summary.finishedAt() + "); nothing to run.");
        outcome(summary);
    }

    /** An ended sweep continued because its limits changed: how many more trials it runs. */
    public void extending(SweepSummary summary, int more, int maxTrials) {
        out.println("Sweep " + summary.runId() + " ended (" + summary.status() + ", " + summary.trials()
                + " trials); the changed limits extend it: up to " + more + " more trial" + (more == 1 ? "" : "s")
                + " (max_trials " + maxTrials + "), sampled with its whole history.");
    }

    private void outcome(SweepSummary summary) {
        if (summary.warning() != null) {
            out.println("Warning: " + summary.warning() + ".");
        }
        out.println(summary.bestTrial() != null
                ? String.format("Best trial %s: %s %.4f, model in %s", summary.bestTrial(), summary.primaryMetric(),
                        summary.bestValue(), summary.bestModelPath())
                : "No trial produced a model.");
    }

    /** One row per trial: id, status, best metric and epoch, epochs run, duration and the sampled parameters. */
    private void trialTable(SweepState state, Instant now) {
        out.printf("%n%-6s %-17s %10s %5s %6s %9s  %s%n", "trial", "status", state.primaryMetric().equals(
                SweepConfig.PRIMARY_METRIC) ? "mAP" : state.primaryMetric(), "best", "epochs", "seconds", "parameters");
        for (Trial t : state.trials()) {
            double best = t.bestValue();
            out.printf("%-6s %-17s %10s %5s %6d %9.1f  %s%n", t.id(), t.state().yamlName(),
                    Double.isNaN(best) ? "-" : String.format("%.4f", best),
                    t.bestEpoch() > 0 ? Integer.toString(t.bestEpoch()) : "-", t.epochs().size(),
                    t.duration(now).toMillis() / 1000.0, t.parameters());
        }
        out.println();
    }

    private static String counts(SweepState state, int maxTrials) {
        Optional<Trial> best = state.best();
        long canceled = state.count(TrialState.CANCELED);
        return String.format("Sweep: %d running, %d completed, %d early-terminated, %d failed%s of %d%s",
                state.count(TrialState.RUNNING), state.count(TrialState.COMPLETED),
                state.count(TrialState.EARLY_TERMINATED), state.count(TrialState.FAILED),
                canceled > 0 ? ", " + canceled + " canceled" : "", maxTrials,
                best.map(b -> String.format("; best %.4f (trial %s)", b.bestValue(), b.id())).orElse(""));
    }
}
