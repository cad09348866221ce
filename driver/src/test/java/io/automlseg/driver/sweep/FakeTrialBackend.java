package io.automlseg.driver.sweep;

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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * An in-memory backend on a {@link ManualClock}: each run follows the trial protocol in the trial's real folder like
 * the test trial main does, one epoch per {@link #epochTime}: an epoch report with {@code mean_average_precision =
 * learning_rate * 100 * epoch / epochs}, a model for an improved epoch, a checkpoint (a run again in the same folder
 * resumes from it), and the STOP request checked after each epoch. A trial with learning_rate 0.003 crashes after its
 * first epoch (exit 3, no result.json); one with 0.005 hangs after it. Other misfortunes are asked for per trial id.
 */
final class FakeTrialBackend implements TrialBackend {
    private final ManualClock clock;
    private final int slots;
    Duration epochTime = Duration.ofMinutes(1);
    boolean ignoreStop;
    /** Runs of these trials are killed by a signal (exit 137) after an epoch, this many times. */
    final Map<String, Integer> killsAfterEpoch = new HashMap<>();
    /** Runs of these trials are lost with their executor (the future fails) after an epoch, this many times. */
    final Map<String, Integer> executorLossesAfterEpoch = new HashMap<>();
    /** These trials' processes stay alive after writing their result. */
    final Set<String> lingering = new HashSet<>();
    /** These trials never save a model. */
    final Set<String> noModel = new HashSet<>();
    /** Trial folders with a process a dead driver left behind. */
    final Set<String> leftovers = new HashSet<>();

    final List<String> launches = new ArrayList<>();
    final Set<String> cancelled = new HashSet<>();
    final Map<String, Integer> resumedFromEpoch = new HashMap<>();
    int mostAtOnce;
    private final List<Run> runs = new ArrayList<>();

    FakeTrialBackend(ManualClock clock, int slots) {
        this.clock = clock;
        this.slots = slots;
    }

    private final class Run {
        final Trial trial;
        final TrialSpec spec;
        final Instant started = clock.instant();
        final CompletableFuture<TrialExit> future = new CompletableFuture<>();
        final Runnable onEnd;
        final double lr;
        final int epochs;
        int epoch;
        int epochsThisRun;
        double best = Double.NaN;
        int bestEpoch;
        boolean hanging;

        Run(Trial trial, TrialSpec spec, Runnable onEnd) throws IOException {
            this.trial = trial;
            this.spec = spec;
            this.onEnd = onEnd;
            lr = ((Number) spec.parameters().get("learning_rate")).doubleValue();
            epochs = ((Number) spec.parameters().get("number_of_epochs")).intValue();
            String checkpoint = file(TrialFiles.CHECKPOINT_DIR + "/state.json");
            if (Storage.exists(checkpoint)) {
                Map<?, ?> saved = Json.read(checkpoint, Map.class);
                epoch = ((Number) saved.get("epoch")).intValue();
                best = ((Number) saved.get("best")).doubleValue();
                bestEpoch = ((Number) saved.get("best_epoch")).intValue();
                resumedFromEpoch.put(trial.id(), epoch);
            }
        }

        String file(String relative) {
            return TrialFiles.resolve(spec.trialDir(), relative);
        }

        void advance(Instant now) throws IOException {
            while (!future.isDone() && !hanging
                    && !now.isBefore(started.plus(epochTime.multipliedBy(epochsThisRun + 1)))) {
                epoch++;
                epochsThisRun++;
                double map = lr * 100 * epoch / epochs;
                Json.writeAtomically(file(TrialFiles.epochReport(epoch)), new EpochReport(epoch, 1.0 / epoch,
                        Map.of("loss_mask", 0.5 / epoch), Map.of("mean_average_precision", map), null, lr,
                        epochTime.toSeconds(), 10));
                if (lr == 0.003) {
                    end(3, "fake trial " + trial.id() + "\nfake trial crashing on purpose");
                    return;
                }
                if (Double.isNaN(best) || map >= best) {
                    best = map;
                    bestEpoch = epoch;
                    if (!noModel.contains(trial.id())) {
                        Storage.writeString(file(TrialFiles.MODEL_DIR + "/weights.txt"), "epoch " + epoch + "\n");
                    }
                }
                Json.writeAtomically(file(TrialFiles.CHECKPOINT_DIR + "/state.json"),
                        Map.of("epoch", epoch, "best", best, "best_epoch", bestEpoch));
                if (lr == 0.005) {
                    hanging = true;
                    return;
                }
                if (misfortune(killsAfterEpoch)) {
                    end(137, "killed");
                    return;
                }
                if (misfortune(executorLossesAfterEpoch)) {
                    future.completeExceptionally(new IllegalStateException("wrapped",
                            new RuntimeException("Lost executor 1 on node-b: worker lost")));
                    onEnd.run();
                    return;
                }
                boolean stop = !ignoreStop && Storage.exists(file(TrialFiles.STOP_REQUEST));
                if (stop || epoch >= epochs) {
                    Json.writeAtomically(file(TrialFiles.RESULT), new TrialResult(stop
                            ? TrialStatus.EARLY_TERMINATED : TrialStatus.COMPLETED, bestEpoch, best, epoch, 1, null));
                    if (lingering.contains(trial.id())) {
                        hanging = true;
                        return;
                    }
                    end(0, "done");
                    return;
                }
            }
        }

        private boolean misfortune(Map<String, Integer> left) {
            int n = left.getOrDefault(trial.id(), 0);
            if (n > 0) {
                left.put(trial.id(), n - 1);
                return true;
            }
            return false;
        }

        void end(int exitCode, String log) {
            future.complete(new TrialExit(exitCode, log, started.toEpochMilli(), clock.millis(), "node-a", "1",
                    null, "cpu", null));
            onEnd.run();
        }
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
            Run run = new Run(trial, Json.read(specUri, TrialSpec.class), onEnd);
            runs.add(run);
            launches.add(trial.id());
            mostAtOnce = Math.max(mostAtOnce, runs.size());
            return run.future;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void cancel(Trial trial) {
        for (Run r : runs) {
            if (r.trial == trial && !r.future.isDone()) {
                cancelled.add(trial.id());
                r.future.completeExceptionally(new IllegalStateException("Job group trial-" + trial.id()
                        + " cancelled"));
                r.onEnd.run();
            }
        }
    }

    @Override
    public boolean endLeftoverProcess(String trialDir) {
        return leftovers.remove(trialDir);
    }

    @Override
    public void close() {
        for (Run r : List.copyOf(runs)) {
            cancel(r.trial);
        }
        runs.clear();
    }
}
