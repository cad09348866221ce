package io.automlseg.executor.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialResult;
import io.automlseg.executor.trial.TrialSpec;
import io.automlseg.executor.trial.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trial the sweep asks to stop gives up the epoch it is training, within the poll interval, instead of training it
 * to its end. Without evaluations (validation_metric_type none) the only place the request can be seen is during an
 * epoch, so a stop at all shows the in-epoch look.
 */
class StopRequestTest {
    @TempDir
    Path dir;

    @Test
    void aStopRequestedWhileAnEpochTrainsEndsTheTrialWithoutFinishingThatEpoch() throws Exception {
        int epochs = 40; // about half a second each: 20 s if the request were not seen
        TrialSpec spec = TinyTrials.spec(dir, "trial-1", Map.of("number_of_epochs", epochs, "training_batch_size", 1));
        Storage.writeString(TrialFiles.resolve(spec.trialDir(), TrialFiles.STOP_REQUEST), "test\n");

        TinyTrials.Run run = TinyTrials.run(spec);
        TrialResult result = run.result();

        assertEquals(TrialStatus.EARLY_TERMINATED, result.status(), run.log());
        assertTrue(result.epochsRun() < epochs, "stopped long before the end: " + result.epochsRun());
        assertTrue(run.log().contains("stop requested by the sweep's early termination policy during epoch "
                + (result.epochsRun() + 1) + ": the epoch is given up after 1 of 2 batches"), run.log());
        Path trial = Path.of(spec.trialDir());
        assertFalse(Files.exists(trial.resolve(TrialFiles.epochReport(result.epochsRun() + 1))),
                "no report of the given-up epoch");
        if (result.epochsRun() > 0) {
            assertEquals(result.epochsRun(), Checkpoint.find(spec.trialDir()).orElseThrow().epoch(),
                    "the last checkpoint is of the last whole epoch");
        }
    }

    @Test
    void theRequestIsLookedForAtMostOncePerPollIntervalWhileTraining() throws Exception {
        StopRequest request = new StopRequest(dir.toString());
        Files.writeString(dir.resolve(TrialFiles.STOP_REQUEST), "now\n");
        assertFalse(request.requestedWhileTraining(), "not before the interval has passed");
        assertTrue(request.requested(), "after an evaluation: at once");
    }
}
