package io.automlseg.driver.bench;

import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialBackend;
import io.automlseg.driver.sweep.TrialExit;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialResult;
import io.automlseg.executor.trial.TrialSpec;
import io.automlseg.executor.trial.TrialStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * A backend that replays recorded curves in simulated time, following the trial protocol in the trial's folder as a
 * real trial does: trial number n plays {@code curves.get(n - 1)}: its setup seconds, then each epoch's seconds,
 * after which it writes the epoch's report (the recorded value of the primary metric), saves a "model" when the value
 * improved, and ends when it ran its last epoch or was asked to stop: a STOP file seen after an epoch's report ends
 * it there; one written while an epoch runs ends it {@link TrialFiles#STOP_POLL_SECONDS} later, that epoch given up,
 * as a real trial looks for it while it trains. Compute counts the given-up part of an epoch too.
 */
final class ReplayBackend implements TrialBackend {
    private final List<ReplayCurves.Curve> curves;
    private final String primaryMetric;
    private final int slots;
    private final Supplier<Instant> clock;
    private final List<Run> runs = new ArrayList<>();
    /** Epochs the trials ran (a given-up one in part), by trial number - 1: the compute the sweep used. */
    final double[] epochsRun;

    ReplayBackend(List<ReplayCurves.Curve> curves, String primaryMetric, int slots, Supplier<Instant> clock) {
        this.curves = curves;
        this.primaryMetric = primaryMetric;
        this.slots = slots;
        this.clock = clock;
        this.epochsRun = new double[curves.size()];
    }

    private final class Run {
        final Trial trial;
        final ReplayCurves.Curve curve;
        final String dir;
        final Instant started = clock.get();
        final CompletableFuture<TrialExit> future = new CompletableFuture<>();
        final Runnable onEnd;
        Instant epochStart = started;
        Instant nextEpochEnd;
        /** When the trial sees a STOP written while its epoch runs, or null before one is written. */
        Instant stopSeen;
        int epoch;
        double best = Double.NaN;
        int bestEpoch;

        Run(Trial trial, String dir, Runnable onEnd) {
            this.trial = trial;
            this.curve = curves.get(trial.number() - 1);
            this.dir = dir;
            this.onEnd = onEnd;
            nextEpochEnd = started.plus(seconds(curve.setup() + curve.epochs().get(0).seconds()));
        }

        String file(String relative) {
            return TrialFiles.resolve(dir, relative);
        }

        /** When this run next does something: its epoch's end, or seeing a STOP written since the epoch began. */
        Instant nextEvent() {
            try {
                if (stopSeen == null && Storage.exists(file(TrialFiles.STOP_REQUEST))) {
                    stopSeen = clock.get().plus(seconds(TrialFiles.STOP_POLL_SECONDS));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return stopSeen != null && stopSeen.isBefore(nextEpochEnd) ? stopSeen : nextEpochEnd;
        }

        void advance(Instant now) throws IOException {
            if (stopSeen != null && !now.isBefore(stopSeen) && stopSeen.isBefore(nextEpochEnd)) {
                double epochSeconds = Duration.between(epochStart, nextEpochEnd).toMillis() / 1000.0;
                double part = Math.max(0, Duration.between(epochStart, stopSeen).toMillis() / 1000.0);
                epochsRun[trial.number() - 1] = epoch + (epochSeconds > 0 ? Math.min(1, part / epochSeconds) : 0);
                end(TrialStatus.EARLY_TERMINATED, stopSeen);
                return;
            }
            while (!future.isDone() && !now.isBefore(nextEpochEnd)) {
                ReplayCurves.Epoch e = curve.epochs().get(epoch);
                epoch++;
                epochsRun[trial.number() - 1] = epoch;
                Json.writeAtomically(file(TrialFiles.epochReport(epoch)), new EpochReport(epoch, 0, Map.of(),
                        Map.of(primaryMetric, e.value()), null, 0, e.seconds(), 0));
                if (Double.isNaN(best) || e.value() > best) {
                    best = e.value();
                    bestEpoch = epoch;
                    Storage.writeString(file(TrialFiles.MODEL_DIR + "/weights.txt"), "epoch " + epoch + "\n");
                }
                boolean stop = Storage.exists(file(TrialFiles.STOP_REQUEST));
                if (stop || epoch >= curve.epochs().size()) {
                    end(stop ? TrialStatus.EARLY_TERMINATED : TrialStatus.COMPLETED, nextEpochEnd);
                    return;
                }
                epochStart = nextEpochEnd;
                nextEpochEnd = nextEpochEnd.plus(seconds(curve.epochs().get(epoch).seconds()));
            }
        }

        private void end(TrialStatus status, Instant at) throws IOException {
            Json.writeAtomically(file(TrialFiles.RESULT), new TrialResult(status, bestEpoch, best, epoch,
                    Duration.between(started, at).toMillis() / 1000.0, null));
            future.complete(new TrialExit(0, "replayed " + curve.trial(), started.toEpochMilli(), at.toEpochMilli(),
                    "replay", "1", null, "cpu", null));
            onEnd.run();
        }
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }

    /** When a running trial next ends an epoch or sees a stop request, or null when none runs. */
    Instant nextEvent() {
        return runs.stream().map(Run::nextEvent).min(Instant::compareTo).orElse(null);
    }

    /** Lets every run go on until {@code now}. */
    void advanceTo(Instant now) {
        for (Run r : List.copyOf(runs)) {
            try {
                r.advance(now);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        runs.removeIf(r -> r.future.isDone());
    }

    @Override
    public int slots() {
        return slots;
    }

    @Override
    public Future<TrialExit> launch(Trial trial, String specUri, Runnable onEnd) {
        try {
            Run run = new Run(trial, Json.read(specUri, TrialSpec.class).trialDir(), onEnd);
            runs.add(run);
            return run.future;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void cancel(Trial trial) {
        for (Run r : runs) {
            if (r.trial == trial && !r.future.isDone()) {
                r.future.completeExceptionally(new IllegalStateException("replay of trial " + trial.id()
                        + " cancelled"));
                r.onEnd.run();
            }
        }
    }

    @Override
    public boolean endLeftoverProcess(String trialDir) {
        return false;
    }

    @Override
    public void close() {
        for (Run r : List.copyOf(runs)) {
            cancel(r.trial);
        }
        runs.clear();
    }
}
