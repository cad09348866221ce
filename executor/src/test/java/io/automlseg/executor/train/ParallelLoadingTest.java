package io.automlseg.executor.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.io.Json;
import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialSpec;
import io.automlseg.executor.trial.TrialStatus;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code number_of_workers} changes where batches are prepared, not what they hold: a trial with augmentations and
 * two workers has the losses of the same trial loading on its training thread, and leaves no loader threads behind.
 */
class ParallelLoadingTest {

    private static Map<String, Object> params(int workers) {
        // One image per batch: two batches, so a worker prepares the second while the first trains.
        return Map.of("number_of_workers", workers, "training_batch_size", 1, "number_of_epochs", 1,
                "apply_automl_train_augmentations", true, "random_seed", 11);
    }

    private static EpochReport report(TrialSpec spec, int epoch) throws Exception {
        return Json.read(TrialFiles.resolve(spec.trialDir(), TrialFiles.epochReport(epoch)), EpochReport.class);
    }

    @Test
    void twoWorkersTrainTheSameTrialAsNone(@TempDir Path dir) throws Exception {
        TrialSpec inline = TinyTrials.spec(dir, "inline", params(0));
        TinyTrials.Run inlineRun = TinyTrials.run(inline);
        TrialSpec parallel = TinyTrials.spec(dir, "parallel", params(2));
        TinyTrials.Run parallelRun = TinyTrials.run(parallel);

        assertEquals(TrialStatus.COMPLETED, inlineRun.result().status(), inlineRun.log());
        assertEquals(TrialStatus.COMPLETED, parallelRun.result().status(), parallelRun.log());
        for (int epoch = 1; epoch <= 1; epoch++) {
            EpochReport a = report(inline, epoch);
            EpochReport b = report(parallel, epoch);
            assertEquals(a.trainLoss(), b.trainLoss(), "epoch " + epoch);
            assertEquals(a.losses(), b.losses(), "epoch " + epoch);
            assertNotNull(b.dataWaitSeconds());
            assertTrue(b.dataWaitSeconds() >= 0 && b.dataWaitSeconds() <= b.seconds(), b.toString());
        }
        assertTrue(parallelRun.log().contains("waiting for data"), parallelRun.log());
        assertFalse(BatchLoaderTest.loaderThreadsAlive(), "the loader's threads end with the epoch");
    }
}
