package io.automlseg.driver.report;

import io.automlseg.driver.sweep.SweepListener;
import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialState;
import io.automlseg.executor.trial.EpochReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The sweep's progress while it runs: trials by status out of {@code max_trials}, the best value so far, the time
 * elapsed and the {@link SweepEta}. On a terminal it is the {@link StatusLine}, redrawn every round of the loop; on
 * other output (a log, Airflow) it is a plain {@code Progress:} line at most every {@link #PLAIN_EVERY} and after
 * every trial's end.
 */
public final class SweepProgress implements SweepListener {
    /** How often a plain progress line is printed at most when nothing ends (a log must stay readable). */
    public static final Duration PLAIN_EVERY = Duration.ofMinutes(1);

    private final StatusLine line;
    private final SweepEta.Plan plan;
    private final Instant started;
    private final Clock clock;
    private final Duration plainEvery;
    private final Map<String, SweepEta.Known> known = new HashMap<>();
    private int maxTrials;
    private boolean launching = true;
    private Instant lastPlain;

    /**
     * @param started when this run of the sweep started (its elapsed time and its timeout count from there)
     * @param plainEvery the least time between two plain lines when no trial ended
     */
    public SweepProgress(StatusLine line, SweepEta.Plan plan, Instant started, Clock clock, Duration plainEvery) {
        this.line = line;
        this.plan = plan;
        this.started = started;
        this.clock = clock;
        this.plainEvery = plainEvery;
        this.maxTrials = plan.maxTrials();
        this.lastPlain = started;
    }

    @Override
    public void epochReported(Trial t, EpochReport report, int planned, boolean evaluation, SweepState state) {
        known.put(t.id(), new SweepEta.Known(planned, clock.instant()));
    }

    @Override
    public void sweepTimedOut(int timeoutMinutes, int running) {
        launching = false;
    }

    @Override
    public void tooManyFailures(long failed, int maxFailedTrials) {
        launching = false;
    }

    @Override
    public void trialEnded(Trial t, SweepState state, Instant end) {
        if (!line.inPlace()) {
            printPlain(state);
        }
    }

    @Override
    public void progress(SweepState state, int maxTrials) {
        this.maxTrials = maxTrials;
        if (line.inPlace()) {
            line.show(text(state));
        } else if (!clock.instant().isBefore(lastPlain.plus(plainEvery))) {
            printPlain(state);
        }
    }

    /** The sweep ended: the live line goes (its final counts follow in the console's table). */
    public void close() {
        line.clear();
    }

    private void printPlain(SweepState state) {
        line.out().println(text(state));
        lastPlain = clock.instant();
    }

    /** The progress as one line, the same in both modes. */
    String text(SweepState state) {
        Instant now = clock.instant();
        SweepEta.Plan current = new SweepEta.Plan(maxTrials, plan.concurrency(), plan.plannedEpochs(),
                plan.deadline());
        SweepEta.Estimate eta = SweepEta.estimate(state, current, known, launching, now);
        long canceled = state.count(TrialState.CANCELED);
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "Progress: %d running, %d completed, %d early-terminated, %d failed%s of %d",
                state.count(TrialState.RUNNING), state.count(TrialState.COMPLETED),
                state.count(TrialState.EARLY_TERMINATED), state.count(TrialState.FAILED),
                canceled > 0 ? ", " + canceled + " canceled" : "", maxTrials));
        s.append("; ETA ").append(eta.remaining() == null ? "unknown until an epoch ends"
                : duration(eta.remaining()) + (eta.byTimeout() ? " (the sweep's timeout)" : ""));
        s.append(" (elapsed ").append(duration(Duration.between(started, now))).append(')');
        Trial best = bestSoFar(state);
        if (best != null) {
            s.append(String.format(Locale.ROOT, "; best %.4f (trial %s)", best.bestValue(), best.id()));
        }
        return s.toString();
    }

    /** The trial with the best value reported so far, running ones included; ties go to the earlier trial. */
    private static Trial bestSoFar(SweepState state) {
        Trial best = null;
        for (Trial t : state.trials()) {
            double v = t.bestValue();
            if (Double.isFinite(v) && (best == null || v > best.bestValue())) {
                best = t;
            }
        }
        return best;
    }

    /** 45s, 12m05s, 2h03m. */
    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
}
