package io.automlseg.driver.bench;

import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialResult;
import io.automlseg.executor.trial.TrialStatus;
import io.automlseg.executor.trial.TrialSpec;
import java.util.Map;

/**
 * SCHEDULER BENCHMARK trial body: follows the trial protocol (epoch reports, STOP request, model, result.json) but
 * sleeps instead of training, so a sweep of it measures only the sweep machinery. Each epoch sleeps
 * {@code -Dautomlseg.bench.epochSeconds} (default 1) and reports the scripted metric
 * {@code mean_average_precision = learning_rate * 100 * epoch / number_of_epochs}.
 */
public final class SleepTrialMain {
    public static final String EPOCH_SECONDS = "automlseg.bench.epochSeconds";

    private SleepTrialMain() {}

    public static void main(String[] args) throws Exception {
        System.exit(runTrial(args[0]));
    }

    /** Runs one benchmark trial in the calling thread; returns the process exit code it stands for. */
    public static int runTrial(String specUri) throws Exception {
        TrialSpec spec = Json.read(specUri, TrialSpec.class);
        double lr = ((Number) spec.parameters().get("learning_rate")).doubleValue();
        int epochs = ((Number) spec.parameters().get("number_of_epochs")).intValue();
        long sleepMillis = (long) (Double.parseDouble(System.getProperty(EPOCH_SECONDS, "1")) * 1000);
        String dir = spec.trialDir();
        long start = System.nanoTime();
        double best = Double.NaN;
        int bestEpoch = 0;
        int epoch = 0;
        TrialStatus status = TrialStatus.COMPLETED;
        while (epoch < epochs) {
            epoch++;
            Thread.sleep(sleepMillis);
            double map = lr * 100 * epoch / epochs;
            Json.writeAtomically(TrialFiles.resolve(dir, TrialFiles.epochReport(epoch)), new EpochReport(epoch,
                    1.0 / epoch, Map.of(), Map.of("mean_average_precision", map), null, lr, sleepMillis / 1000.0, 0));
            if (Double.isNaN(best) || map >= best) {
                best = map;
                bestEpoch = epoch;
                Storage.writeString(TrialFiles.resolve(dir, TrialFiles.MODEL_DIR + "/weights.txt"), "epoch " + epoch);
            }
            if (Storage.exists(TrialFiles.resolve(dir, TrialFiles.STOP_REQUEST))) {
                status = TrialStatus.EARLY_TERMINATED;
                break;
            }
        }
        Json.writeAtomically(TrialFiles.resolve(dir, TrialFiles.RESULT), new TrialResult(status, bestEpoch, best,
                epoch, (System.nanoTime() - start) / 1e9, null));
        return 0;
    }
}
