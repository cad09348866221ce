package io.automlseg.executor.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.trial.TrialStatus;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.model.NetworkWeights;
import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trial is reproducible from its random_seed, and a trial resumed from its checkpoint continues exactly where it
 * stopped: same losses and weights as a run that was never interrupted.
 */
class CheckpointResumeTest {

    private static Map<String, Object> params(int epochs, int seed) {
        Map<String, Object> p = new HashMap<>();
        p.put("number_of_epochs", epochs);
        p.put("random_seed", seed);
        p.put("optimizer", "adam"); // moments and per-parameter step counts must survive the restart
        p.put("learning_rate", 0.0005);
        p.put("validation_metric_type", "voc");
        p.put("box_score_threshold", 0.0);
        return p;
    }

    private static EpochReport report(TrialSpec spec, int epoch) throws Exception {
        return Json.read(TrialFiles.resolve(spec.trialDir(), TrialFiles.epochReport(epoch)), EpochReport.class);
    }

    private static Map<String, NetworkWeights.Tensor> checkpointWeights(TrialSpec spec) throws Exception {
        return TinyTrials.weights(Path.of(spec.trialDir(), TrialFiles.CHECKPOINT_DIR, Checkpoint.WEIGHTS));
    }

    @Test
    void resumedTrialMatchesAnUninterruptedOneAndTheSeedDecides(@TempDir Path dir) throws Exception {
        TrialSpec whole = TinyTrials.spec(dir, "whole", params(2, 5));
        TinyTrials.Run wholeRun = TinyTrials.run(whole);
        assertEquals(TrialStatus.COMPLETED, wholeRun.result().status(), wholeRun.log());

        // The same trial lost after epoch 1, then started again with the full number of epochs.
        TrialSpec first = TinyTrials.spec(dir, "resumed", params(1, 5));
        TinyTrials.run(first);
        assertTrue(Files.exists(Path.of(first.trialDir(), TrialFiles.CHECKPOINT_DIR, Checkpoint.COMPLETE_MARKER)));
        byte[] epoch1Report = Files.readAllBytes(Path.of(first.trialDir(), TrialFiles.epochReport(1)));
        TrialSpec again = TinyTrials.spec(dir, "resumed", params(2, 5));
        TinyTrials.Run resumed = TinyTrials.run(again);

        assertTrue(resumed.log().contains("resuming from the checkpoint after epoch 1"), resumed.log());
        assertFalse(resumed.log().contains("epoch 1/2"), resumed.log());
        assertTrue(resumed.log().contains("epoch 2/2"), resumed.log());
        assertEquals(2, resumed.result().epochsRun());
        assertArrayEquals(epoch1Report, Files.readAllBytes(Path.of(again.trialDir(), TrialFiles.epochReport(1))),
                "reports of finished epochs stay");
        for (int epoch = 1; epoch <= 2; epoch++) {
            assertEquals(report(whole, epoch).trainLoss(), report(again, epoch).trainLoss(), "epoch " + epoch);
            assertEquals(report(whole, epoch).losses(), report(again, epoch).losses(), "epoch " + epoch);
        }
        Map<String, NetworkWeights.Tensor> a = checkpointWeights(whole);
        Map<String, NetworkWeights.Tensor> b = checkpointWeights(again);
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).values(), b.get(name).values(), name);
        }
        Checkpoint.State state = Checkpoint.find(again.trialDir()).orElseThrow();
        assertEquals(2, state.epoch());
        assertEquals(2, state.optimizerStep());

        // Another seed gives another trial.
        TrialSpec other = TinyTrials.spec(dir, "other", params(1, 6));
        TinyTrials.run(other);
        assertNotEquals(report(whole, 1).trainLoss(), report(other, 1).trainLoss());
        Map<String, NetworkWeights.Tensor> c = checkpointWeights(other);
        assertFalse(java.util.Arrays.equals(a.get("backbone.body.conv1.weight").values(),
                c.get("backbone.body.conv1.weight").values()));
    }
}
