package io.automlseg.driver.sweep;

import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.StartingWeights;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One trial of a sweep as the driver sees it: its tuned parameters, the epochs it reported, its state and attempts.
 * The sweep loop updates it; synchronized so that listeners on other threads (a report, a progress bar) read it whole.
 */
public final class Trial {

    /** One report of the primary metric (one "interval" for the termination policies). */
    public record Evaluation(int epoch, double value) {}

    private final String id;
    private final int number;
    private final Map<String, Object> parameters;
    private final List<EpochReport> epochs = new ArrayList<>();
    private final List<Evaluation> evaluations = new ArrayList<>();
    private TrialState state = TrialState.QUEUED;
    private Instant startedAt;
    private Instant finishedAt;
    private String error;
    private boolean stopRequested;
    private String stopReason;
    private Integer bestEpochOverride;
    private Double bestValueOverride;
    private TrialPlacement placement;
    private StartingWeights startingWeights;
    private int attempts;

    public Trial(int number, Map<String, Object> parameters) {
        this.number = number;
        this.id = id(number);
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public String id() {
        return id;
    }

    /** The id of the trial with this number: its folder's name under trials/. */
    public static String id(int number) {
        return String.format("%04d", number);
    }

    /** 1-based position in the sweep. */
    public int number() {
        return number;
    }

    /** The tuned parameters proposed by the sampler (fixed ones are in the trial's spec). */
    public Map<String, Object> parameters() {
        return parameters;
    }

    public synchronized TrialState state() {
        return state;
    }

    public synchronized void markRunning(Instant at) {
        state = TrialState.RUNNING;
        startedAt = at;
    }

    /** The time the trial's process really started (known once its task reports back). */
    public synchronized void setStartedAt(Instant at) {
        startedAt = at;
    }

    /** Final state; the first call wins so a late report cannot overwrite how the trial ended. */
    public synchronized boolean finish(TrialState finalState, Instant at, String errorMessage) {
        if (!finalState.isFinal()) {
            throw new IllegalArgumentException(finalState + " is not a final state");
        }
        if (state.isFinal()) {
            return false;
        }
        state = finalState;
        finishedAt = at;
        error = errorMessage;
        return true;
    }

    /**
     * Adds an epoch report; if it carries the primary metric it is also a new evaluation. Reports of epochs already
     * seen are ignored, so re-reading a folder is harmless.
     *
     * @return whether this was a new evaluation of the primary metric
     */
    public synchronized boolean addEpoch(EpochReport report, String primaryMetric) {
        for (EpochReport e : epochs) {
            if (e.epoch() == report.epoch()) {
                return false;
            }
        }
        epochs.add(report);
        epochs.sort((a, b) -> Integer.compare(a.epoch(), b.epoch()));
        Double value = report.metrics() == null ? null : report.metrics().get(primaryMetric);
        if (value != null && !value.isNaN()) {
            evaluations.add(new Evaluation(report.epoch(), value));
            evaluations.sort((a, b) -> Integer.compare(a.epoch(), b.epoch()));
            return true;
        }
        return false;
    }

    /** Records an evaluation without a full epoch report (used by tests and by policies' what-ifs). */
    public synchronized void addEvaluation(int epoch, double value) {
        evaluations.add(new Evaluation(epoch, value));
        evaluations.sort((a, b) -> Integer.compare(a.epoch(), b.epoch()));
    }

    public synchronized List<EpochReport> epochs() {
        return List.copyOf(epochs);
    }

    public synchronized List<Evaluation> evaluations() {
        return List.copyOf(evaluations);
    }

    /** Best primary-metric value among the first {@code intervals} evaluations, NaN if none. */
    public synchronized double bestValueUpTo(int intervals) {
        double best = Double.NaN;
        for (int i = 0; i < Math.min(intervals, evaluations.size()); i++) {
            double v = evaluations.get(i).value();
            if (Double.isNaN(best) || v > best) {
                best = v;
            }
        }
        return best;
    }

    /** The trial's best value: the one its result reported, else the best evaluation seen; NaN if none. */
    public synchronized double bestValue() {
        if (bestValueOverride != null) {
            return bestValueOverride;
        }
        return bestValueUpTo(evaluations.size());
    }

    /** Epoch of the best value (ties go to the later epoch, as the trial keeps that one's weights); 0 if none. */
    public synchronized int bestEpoch() {
        if (bestEpochOverride != null) {
            return bestEpochOverride;
        }
        int epoch = 0;
        double best = Double.NaN;
        for (Evaluation e : evaluations) {
            if (Double.isNaN(best) || e.value() >= best) {
                best = e.value();
                epoch = e.epoch();
            }
        }
        return epoch;
    }

    /** The trial's own account of its best epoch (from {@code result.json}) wins over the reports seen. */
    public synchronized void setResultBest(int bestEpoch, Double bestValue) {
        this.bestEpochOverride = bestEpoch;
        this.bestValueOverride = bestValue == null || bestValue.isNaN() ? null : bestValue;
    }

    public synchronized boolean stopRequested() {
        return stopRequested;
    }

    public synchronized String stopReason() {
        return stopReason;
    }

    public synchronized void requestStop(String reason) {
        stopRequested = true;
        stopReason = reason;
    }

    /** How many times the trial was launched (more than 1 after infrastructure failures or a resume). */
    public synchronized int attempts() {
        return attempts;
    }

    public synchronized void setAttempts(int value) {
        attempts = value;
    }

    /** Where the trial ran, once its task reported back; null before. */
    public synchronized TrialPlacement placement() {
        return placement;
    }

    public synchronized void setPlacement(TrialPlacement value) {
        placement = value;
    }

    /** What the trial's weights started from, once it said so; null before. */
    public synchronized StartingWeights startingWeights() {
        return startingWeights;
    }

    public synchronized void setStartingWeights(StartingWeights value) {
        startingWeights = value;
    }

    public synchronized Instant startedAt() {
        return startedAt;
    }

    public synchronized Instant finishedAt() {
        return finishedAt;
    }

    public synchronized String error() {
        return error;
    }

    /** Wall time from start to finish (or to now while running); zero if not started. */
    public synchronized Duration duration(Instant now) {
        if (startedAt == null) {
            return Duration.ZERO;
        }
        return Duration.between(startedAt, finishedAt != null ? finishedAt : now);
    }

    @Override
    public synchronized String toString() {
        return "trial " + id + " " + parameters + " " + state.yamlName();
    }
}
