package io.automlseg.driver.sweep;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Watches the running trials for the sweep loop: reads each one's new epoch reports and lets the termination policy
 * judge them (asking a trial to stop through its STOP file), and applies the {@link StopRules} that cancel a run.
 */
final class TrialMonitor {
    private final SweepState state;
    private final TerminationPolicy policy;
    private final StopRules rules;
    private final TrialBackend backend;
    private final SweepListener listener;
    private final SchedulerStats stats;
    private final Clock clock;

    TrialMonitor(SweepState state, TerminationPolicy policy, StopRules rules, TrialBackend backend,
                 SweepListener listener, SchedulerStats stats, Clock clock) {
        this.state = state;
        this.policy = policy;
        this.rules = rules;
        this.backend = backend;
        this.listener = listener;
        this.stats = stats;
        this.clock = clock;
    }

    /** The stop rules of one running trial, then its new reports. */
    void watch(RunningTrial r, Instant now, boolean timedOut) {
        Trial t = r.trial;
        if (timedOut) {
            // Every round, so a trial run again after a lost executor is cancelled too.
            r.cancel(rules.sweepTimeout());
        }
        r.cancel(rules.trialTimeout(t, now));
        if (r.stopDeadline != null && r.cancellation() == null) {
            Cancellation hard = rules.hardStop(t, r.stopDeadline, now);
            if (hard != null) {
                r.cancel(hard);
                listener.hardStopping(t);
            }
        }
        reapIfLingering(r, now);
        if (r.cancellation() != null) {
            // Repeated on every round: a run that had not registered yet escapes one cancel call.
            backend.cancel(t);
        }
        judgeNewReports(r);
    }

    /** Stops a trial whose process is still alive well after it wrote its result. */
    private void reapIfLingering(RunningTrial r, Instant now) {
        if (r.resultSeenAt == null) {
            try {
                if (r.folder.resultWritten()) {
                    r.resultSeenAt = now;
                }
            } catch (IOException e) {
                // Looked at again next round.
            }
        } else if (!r.reaped) {
            Cancellation linger = rules.lingering(r.resultSeenAt, now);
            if (linger != null) {
                r.reaped = true;
                r.cancel(linger);
                listener.lingering(r.trial);
            }
        }
    }

    /** Reads the trial's new epoch reports and lets the policy judge each new evaluation. */
    void judgeNewReports(RunningTrial r) {
        Trial t = r.trial;
        for (TrialFolder.Report report : r.newReports()) {
            boolean evaluation = t.addEpoch(report.report(), state.primaryMetric());
            listener.epochReported(t, report.report(), r.plannedEpochs, evaluation, state);
            if (evaluation && t.state() == TrialState.RUNNING && !t.stopRequested()) {
                Optional<String> stop = policy.evaluate(t, state);
                long now = clock.millis();
                stats.decision(TrialFolder.modifiedMillis(report.file(), now), now, stop.isPresent());
                stop.ifPresent(reason -> requestStop(r, reason));
            }
        }
    }

    private void requestStop(RunningTrial r, String reason) {
        try {
            r.folder.requestStop(reason);
            r.trial.requestStop(reason);
            r.stopDeadline = clock.instant().plus(rules.grace(r.trial, clock.instant()));
            listener.stopRequested(r.trial, reason);
        } catch (IOException e) {
            listener.stopRequestFailed(r.trial, e);
        }
    }
}
