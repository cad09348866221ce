package io.automlseg.driver.sweep;

import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.TrialFiles;
import java.time.Duration;
import java.time.Instant;

/**
 * When the sweep stops trials and stops launching them: the sweep's timeout, a trial's timeout, the grace a trial
 * asked to stop gets before it is hard-stopped, how long a finished trial's process may linger, and
 * {@code max_failed_trials}.
 */
public final class StopRules {
    /**
     * How long a trial's process may linger after writing result.json before it is stopped (a stuck native thread
     * must not hold the trial slot); its result still counts.
     */
    public static final Duration RESULT_GRACE = Duration.ofSeconds(60);

    private final Integer timeoutMinutes;
    private final Instant deadline;
    private final Integer trialTimeoutMinutes;
    private final Duration trialTimeout;
    private final Duration stopGrace;
    private final Integer maxFailedTrials;

    /**
     * @param started when the sweep (this run of it) started
     * @param minute how long one minute of the limits lasts (shorter only in tests)
     * @param timeoutMinutes the sweep's timeout_minutes, or null
     * @param trialTimeoutMinutes trial_timeout_minutes, or null
     * @param stopGrace the least time a trial asked to stop gets to stop by itself
     * @param maxFailedTrials max_failed_trials, or null
     */
    public StopRules(Instant started, Duration minute, Integer timeoutMinutes, Integer trialTimeoutMinutes,
                     Duration stopGrace, Integer maxFailedTrials) {
        this.timeoutMinutes = timeoutMinutes;
        this.deadline = timeoutMinutes == null ? null : started.plus(minute.multipliedBy(timeoutMinutes));
        this.trialTimeoutMinutes = trialTimeoutMinutes;
        this.trialTimeout = trialTimeoutMinutes == null ? null : minute.multipliedBy(trialTimeoutMinutes);
        this.stopGrace = stopGrace;
        this.maxFailedTrials = maxFailedTrials;
    }

    public Integer timeoutMinutes() {
        return timeoutMinutes;
    }

    /** When the sweep's timeout runs out, or null without one. */
    public Instant deadline() {
        return deadline;
    }

    public Integer maxFailedTrials() {
        return maxFailedTrials;
    }

    public boolean sweepTimedOut(Instant now) {
        return deadline != null && now.isAfter(deadline);
    }

    public Cancellation sweepTimeout() {
        return new Cancellation(Cancellation.Kind.SWEEP_TIMEOUT,
                "cancelled: the sweep's timeout_minutes (" + timeoutMinutes + ") ran out");
    }

    /** The trial's timeout, if it ran out; else null. */
    public Cancellation trialTimeout(Trial t, Instant now) {
        return trialTimeout != null && t.duration(now).compareTo(trialTimeout) > 0
                ? new Cancellation(Cancellation.Kind.TRIAL_TIMEOUT,
                        "timed out after " + trialTimeoutMinutes + " minutes (trial_timeout_minutes)")
                : null;
    }

    /**
     * How long a trial asked to stop may take to stop by itself: two of its evaluation intervals (it stops at its next
     * evaluation), measured by the epochs' own durations (so its process start does not count), and never less than
     * the configured grace.
     */
    public Duration grace(Trial t, Instant now) {
        int evaluations = Math.max(1, t.evaluations().size());
        double epochSeconds = t.epochs().stream().mapToDouble(EpochReport::seconds).sum();
        Duration perEvaluation = epochSeconds > 0 ? Duration.ofMillis((long) (epochSeconds * 1000 / evaluations))
                : t.duration(now).dividedBy(evaluations);
        Duration twice = perEvaluation.multipliedBy(2);
        return twice.compareTo(stopGrace) > 0 ? twice : stopGrace;
    }

    /** The hard stop of a trial that was to stop by {@code stopBy}, if that has passed; else null. */
    public Cancellation hardStop(Trial t, Instant stopBy, Instant now) {
        return now.isAfter(stopBy)
                ? new Cancellation(Cancellation.Kind.HARD_STOP, "it had not stopped "
                        + Duration.between(stopBy, now).plus(grace(t, now)).toSeconds()
                        + " s after being asked to, so its Spark job was cancelled")
                : null;
    }

    /** The stop of a trial whose process still runs {@link #RESULT_GRACE} after its result appeared; else null. */
    public Cancellation lingering(Instant resultSeen, Instant now) {
        return Duration.between(resultSeen, now).compareTo(RESULT_GRACE) > 0
                ? new Cancellation(Cancellation.Kind.LINGERING, "the trial's process did not exit within "
                        + RESULT_GRACE.toSeconds() + " s of writing " + TrialFiles.RESULT)
                : null;
    }

    /** Whether this many failed trials stop the launching of new ones. */
    public boolean tooManyFailures(long failed) {
        return maxFailedTrials != null && failed >= Math.max(1, maxFailedTrials);
    }

    /** The summary's warning when {@code max_failed_trials} ended the sweep early. */
    public String tooManyFailuresWarning(long failed) {
        return "the sweep stopped early: " + failed + " trials failed, reaching max_failed_trials ("
                + maxFailedTrials + ")";
    }
}
