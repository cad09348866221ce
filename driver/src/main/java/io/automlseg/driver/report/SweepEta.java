package io.automlseg.driver.report;

import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialState;
import io.automlseg.executor.trial.EpochReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * How long a running sweep still needs, from what it has measured so far: the mean epoch time of every epoch
 * reported, the time a finished trial spent outside its epochs (start-up, loading, saving), the share of its planned
 * epochs a finished trial ran (early-terminated ones run fewer), each running trial's epochs left, the trials not
 * started yet, and the slots they share. The trials left are laid out on the slots, each on the first one free; the
 * sweep's timeout caps the estimate. Unknown until the first epoch was reported.
 */
public final class SweepEta {

    /**
     * What a sweep's estimate rests on besides its trials.
     *
     * @param maxTrials trials in the sweep
     * @param concurrency trials at once
     * @param plannedEpochs {@code number_of_epochs} of a trial whose epochs are not known otherwise
     * @param deadline when the sweep's timeout runs out, or null without one
     */
    public record Plan(int maxTrials, int concurrency, int plannedEpochs, Instant deadline) {}

    /**
     * What the sweep learnt of one trial from its epoch reports.
     *
     * @param plannedEpochs its {@code number_of_epochs}, 0 if not known
     * @param lastEpochSeen when its latest epoch report was read (the epoch after it has run since)
     */
    public record Known(int plannedEpochs, Instant lastEpochSeen) {}

    /**
     * @param remaining the time left, or null while unknown
     * @param byTimeout whether the sweep's timeout, not its trials, ends it (then {@code remaining} is the time
     *     to the timeout)
     */
    public record Estimate(Duration remaining, boolean byTimeout) {
        static final Estimate UNKNOWN = new Estimate(null, false);
    }

    private SweepEta() {}

    /**
     * @param known what the trials' epoch reports told, by trial id (a trial not in it plans the plan's epochs)
     * @param launching whether new trials are still launched (not after the timeout or max_failed_trials)
     */
    public static Estimate estimate(SweepState state, Plan plan, Map<String, Known> known, boolean launching,
                                    Instant now) {
        List<Trial> trials = state.trials();
        double epochSeconds = trials.stream().flatMap(t -> t.epochs().stream()).mapToDouble(EpochReport::seconds)
                .filter(s -> s > 0).average().orElse(Double.NaN);
        if (Double.isNaN(epochSeconds)) {
            return capped(null, plan, now);
        }
        double overhead = 0;
        double share = 0;
        int finished = 0;
        int plannedSum = 0;
        for (Trial t : trials) {
            plannedSum += plannedEpochs(t, plan, known);
            if ((t.state() == TrialState.COMPLETED || t.state() == TrialState.EARLY_TERMINATED)
                    && t.finishedAt() != null) {
                double inEpochs = t.epochs().stream().mapToDouble(EpochReport::seconds).sum();
                overhead += Math.max(0, t.duration(now).toMillis() / 1000.0 - inEpochs);
                share += Math.min(1.0, t.epochs().size() / (double) Math.max(1, plannedEpochs(t, plan, known)));
                finished++;
            }
        }
        overhead = finished == 0 ? 0 : overhead / finished;
        share = finished == 0 ? 1 : share / finished;

        PriorityQueue<Double> slotsFreeIn = new PriorityQueue<>();
        long notStarted = 0;
        for (Trial t : trials) {
            if (t.state() == TrialState.RUNNING) {
                slotsFreeIn.add(runningLeft(t, plannedEpochs(t, plan, known), known.get(t.id()), epochSeconds,
                        overhead, now));
            } else if (t.state() == TrialState.QUEUED) {
                notStarted++;
            }
        }
        if (launching) {
            notStarted += Math.max(0, plan.maxTrials() - trials.size());
        } else {
            notStarted = 0;
        }
        while (slotsFreeIn.size() < Math.max(1, plan.concurrency())) {
            slotsFreeIn.add(0.0);
        }
        double newTrialEpochs = trials.isEmpty() ? plan.plannedEpochs() : plannedSum / (double) trials.size();
        double newTrialSeconds = share * newTrialEpochs * epochSeconds + overhead;
        for (long i = 0; i < notStarted; i++) {
            slotsFreeIn.add(slotsFreeIn.poll() + newTrialSeconds);
        }
        double last = slotsFreeIn.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return capped(Duration.ofMillis(Math.round(last * 1000)), plan, now);
    }

    /**
     * A running trial's epochs left, less the time its current epoch has run (before its first epoch: the start-up
     * a finished trial needed, less its time so far); at least the epochs left after the current one.
     */
    private static double runningLeft(Trial t, int planned, Known known, double epochSeconds, double overhead,
                                      Instant now) {
        int done = t.epochs().size();
        int left = planned - done;
        if (left <= 0) {
            return 0;
        }
        double sinceStart = t.duration(now).toMillis() / 1000.0;
        double byPace = done == 0 ? left * epochSeconds + overhead - sinceStart
                : left * epochSeconds - (known == null || known.lastEpochSeen() == null ? 0
                        : Math.max(0, Duration.between(known.lastEpochSeen(), now).toMillis() / 1000.0));
        return Math.max(byPace, (left - 1) * epochSeconds);
    }

    private static int plannedEpochs(Trial t, Plan plan, Map<String, Known> known) {
        Known k = known.get(t.id());
        return k != null && k.plannedEpochs() > 0 ? k.plannedEpochs() : plan.plannedEpochs();
    }

    private static Estimate capped(Duration remaining, Plan plan, Instant now) {
        if (plan.deadline() == null) {
            return remaining == null ? Estimate.UNKNOWN : new Estimate(remaining, false);
        }
        Duration toTimeout = Duration.between(now, plan.deadline());
        if (toTimeout.isNegative()) {
            toTimeout = Duration.ZERO;
        }
        return remaining != null && remaining.compareTo(toTimeout) <= 0 ? new Estimate(remaining, false)
                : remaining == null ? Estimate.UNKNOWN : new Estimate(toTimeout, true);
    }
}
