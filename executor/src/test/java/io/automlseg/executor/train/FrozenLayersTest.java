package io.automlseg.executor.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.automlseg.executor.trial.TrialStatus;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.model.NetworkWeights;
import io.automlseg.executor.savedmodel.ModelConfigs;
import io.automlseg.executor.trial.TrainingParameters;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** layers_to_freeze: the first N of conv1 (with bn1), layer1..layer4 do not change in training; the rest do. */
class FrozenLayersTest {

    @Test
    void frozenStagesStayBitIdenticalAndTheOthersLearn(@TempDir Path dir) throws Exception {
        // Batch norm, so the running statistics (buffers) of frozen layers are checked too.
        TrialSpec spec = TinyTrials.spec(dir, "t", Map.of("layers_to_freeze", 2, "norm", "batch"));
        TinyTrials.Run run = TinyTrials.run(spec);
        assertEquals(TrialStatus.COMPLETED, run.result().status(), run.log());
        assertTrue(run.log().contains("layers_to_freeze 2"), run.log());

        Map<String, NetworkWeights.Tensor> trained = TinyTrials.weights(
                Path.of(spec.trialDir(), TrialFiles.MODEL_DIR, "weights.params"));
        TrainingParameters params = new TrainingParameters(spec.parameters());
        ModelConfig config = ModelConfigs.fromHyperparameters(params, spec.labels().size() + 1);
        assertEquals(3, config.trainableBackboneLayers());
        List<String> frozenChanged = new ArrayList<>();
        List<String> trainableUnchanged = new ArrayList<>();
        int frozen = 0;
        try (NDManager manager = NDManager.newBaseManager();
                MaskRCNN initial = MaskRCNN.create(config, manager, params.randomSeed())) {
            NetworkWeights store = initial.parameters();
            for (String name : trained.keySet()) {
                boolean same = Arrays.equals(store.get(name).toFloatArray(), trained.get(name).values());
                boolean isFrozen = name.startsWith("backbone.body.conv1.") || name.startsWith("backbone.body.bn1.")
                        || name.startsWith("backbone.body.layer1.");
                if (isFrozen) {
                    frozen++;
                    assertFalse(store.isTrainable(name) && store.parameters().containsKey(name), name);
                    if (!same) {
                        frozenChanged.add(name);
                    }
                } else if (store.parameters().containsKey(name) && same && name.endsWith(".weight")
                        && !name.contains(".bn") && !name.contains("downsample.1")) {
                    // Every convolution and linear layer outside the frozen stages must have learned.
                    trainableUnchanged.add(name);
                }
            }
            assertTrue(frozen > 10, "frozen tensors found: " + frozen);
            assertEquals(List.of(), frozenChanged, "frozen weights that changed");
            assertEquals(List.of(), trainableUnchanged, "trainable convolution/linear weights that did not change");
            // A trainable stage's batch-norm statistics moved, a frozen one's did not.
            float[] before = store.get("backbone.body.layer2.0.bn1.running_mean").toFloatArray();
            float[] after = trained.get("backbone.body.layer2.0.bn1.running_mean").values();
            assertFalse(Arrays.equals(before, after), "layer2 running statistics updated");
            assertArrayEquals(store.get("backbone.body.layer1.0.bn1.running_var").toFloatArray(),
                    trained.get("backbone.body.layer1.0.bn1.running_var").values());
        }
    }
}
