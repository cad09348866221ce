package io.automlseg.driver.spark;

import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.DeviceChoice;
import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialResult;
import io.automlseg.executor.trial.TrialSpec;
import io.automlseg.executor.trial.TrialStatus;
import java.util.Map;

/**
 * Test stand-in for the trial main class, following the trial protocol without training: each "epoch" sleeps
 * ({@code -Dfake.epochSeconds}, default 2), reports {@code mean_average_precision = learning_rate * 100 * epoch /
 * epochs}, saves a tiny model for an improved epoch, a checkpoint after every epoch (and resumes from it when it
 * runs again in the same folder) and checks the STOP request after each evaluation unless
 * {@code -Dfake.ignoreStop=true}. Asked to end by a signal, it takes {@code -Dfake.exitSeconds} (default 0) to do so,
 * as a trial saving its state would. A trial with {@code learning_rate} 0.003 crashes after its first epoch without
 * writing result.json; one with 0.005 hangs after its first epoch.
 */
public final class FakeTrialMain {
    private FakeTrialMain() {}

    public static void main(String[] args) throws Exception {
        TrialSpec spec = Json.read(args[0], TrialSpec.class);
        double lr = ((Number) spec.parameters().get("learning_rate")).doubleValue();
        int epochs = ((Number) spec.parameters().get("number_of_epochs")).intValue();
        long sleepMillis = (long) (Double.parseDouble(System.getProperty("fake.epochSeconds", "2")) * 1000);
        boolean ignoreStop = Boolean.getBoolean("fake.ignoreStop");
        long exitMillis = (long) (Double.parseDouble(System.getProperty("fake.exitSeconds", "0")) * 1000);
        if (exitMillis > 0) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Thread.sleep(exitMillis);
                } catch (InterruptedException ignored) {
                    // Ending anyway.
                }
            }));
        }
        String dir = spec.trialDir();
        System.out.println("fake trial " + spec.trialId() + " lr " + lr + " threads "
                + System.getProperty("ai.djl.pytorch.num_threads") + " OMP " + System.getenv("OMP_NUM_THREADS")
                + " GPUs [" + System.getenv(DeviceChoice.GPU_ENV) + "] malloc mmap threshold "
                + System.getenv("MALLOC_MMAP_THRESHOLD_") + " tunables " + System.getenv("GLIBC_TUNABLES"));
        long start = System.nanoTime();
        double best = Double.NaN;
        int bestEpoch = 0;
        int epoch = 0;
        String checkpoint = TrialFiles.resolve(dir, TrialFiles.CHECKPOINT_DIR + "/state.json");
        if (Storage.exists(checkpoint)) {
            Map<?, ?> saved = Json.read(checkpoint, Map.class);
            epoch = ((Number) saved.get("epoch")).intValue();
            best = ((Number) saved.get("best")).doubleValue();
            bestEpoch = ((Number) saved.get("best_epoch")).intValue();
            System.out.println("resumed from checkpoint at epoch " + epoch);
        }
        System.out.flush();
        TrialStatus status = TrialStatus.COMPLETED;
        while (epoch < epochs) {
            epoch++;
            Thread.sleep(sleepMillis);
            double map = lr * 100 * epoch / epochs;
            Json.writeAtomically(TrialFiles.resolve(dir, TrialFiles.epochReport(epoch)), new EpochReport(epoch,
                    1.0 / epoch, Map.of("loss_mask", 0.5 / epoch), Map.of("mean_average_precision", map), null, lr,
                    sleepMillis / 1000.0, 10));
            System.out.println("epoch " + epoch + " map " + map);
            if (lr == 0.003) {
                System.out.println("fake trial crashing on purpose");
                System.out.flush();
                Runtime.getRuntime().halt(3);
            }
            if (Double.isNaN(best) || map >= best) {
                best = map;
                bestEpoch = epoch;
                Storage.writeString(TrialFiles.resolve(dir, TrialFiles.MODEL_DIR + "/weights.txt"),
                        "trial " + spec.trialId() + " epoch " + epoch + "\n");
            }
            Json.writeAtomically(checkpoint, Map.of("epoch", epoch, "best", best, "best_epoch", bestEpoch));
            if (lr == 0.005) {
                System.out.println("fake trial hanging on purpose");
                System.out.flush();
                Thread.sleep(600_000);
            }
            if (!ignoreStop && Storage.exists(TrialFiles.resolve(dir, TrialFiles.STOP_REQUEST))) {
                status = TrialStatus.EARLY_TERMINATED;
                break;
            }
        }
        Json.writeAtomically(TrialFiles.resolve(dir, TrialFiles.RESULT), new TrialResult(status, bestEpoch, best,
                epoch, (System.nanoTime() - start) / 1e9, null));
        System.exit(0);
    }
}
