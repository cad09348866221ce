package io.automlseg.driver.sweep;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;

/**
 * What the sweep loop tracks about a trial while it runs, across its attempts: its current run, the reports already
 * read, its stop deadline, its cancellation, and how often the infrastructure lost it.
 */
final class RunningTrial {
    final Trial trial;
    final TrialFolder folder;
    private final Set<String> seenReports = new HashSet<>();
    /** The current run; done when its process ended or the backend lost it. */
    Future<TrialExit> run;
    int plannedEpochs;
    int losses;
    /** When the sweep's stop request must have worked, after which the trial is hard-stopped; null if not asked. */
    Instant stopDeadline;
    /** When its result.json was first seen (its process should exit soon after); null before. */
    Instant resultSeenAt;
    boolean reaped;
    private Cancellation cancellation;

    RunningTrial(Trial trial, TrialFolder folder, int losses) {
        this.trial = trial;
        this.folder = folder;
        this.losses = losses;
    }

    List<TrialFolder.Report> newReports() {
        return folder.newReports(seenReports);
    }

    /** The first cancellation wins: it says why the run ended. */
    void cancel(Cancellation c) {
        if (cancellation == null && c != null) {
            cancellation = c;
        }
    }

    Cancellation cancellation() {
        return cancellation;
    }

    /** The run's cancellation, cleared for the next attempt. */
    Cancellation takeCancellation() {
        Cancellation c = cancellation;
        cancellation = null;
        return c;
    }

    /** A new attempt starts with a fresh result watch. */
    void nextAttempt() {
        resultSeenAt = null;
        reaped = false;
    }
}
