package io.automlseg.executor.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.automlseg.executor.trial.TrialStatus;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.model.NetworkWeights;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults that follow the starting weights, and incremental training from an earlier model with other labels. */
class StartingWeightsTest {

    private static void savedModel(String folder, String modelName, List<String> labels, String norm, long seed)
            throws Exception {
        ModelConfig config = ModelConfig.builder().modelName(modelName).numClasses(labels.size() + 1)
                .norm(ModelConfig.NormKind.valueOf(norm.toUpperCase())).minSize(64).maxSize(64).build();
        try (NDManager manager = NDManager.newBaseManager();
                MaskRCNN model = MaskRCNN.create(config, manager, seed)) {
            new SavedModel(modelName, labels, Map.of("model_name", modelName, "norm", norm),
                    SavedModel.inferenceSettings(config), Map.of()).write(folder, model);
        }
    }

    @TempDir
    static Path shared;
    private static String groupNormResnet18;

    /** One saved group-norm resnet18 model for the tests that only read it. */
    private static synchronized String groupNormResnet18() throws Exception {
        if (groupNormResnet18 == null) {
            groupNormResnet18 = shared.resolve("best_model").toString();
            savedModel(groupNormResnet18, "maskrcnn_resnet18_fpn", List.of("a"), "group", 1);
        }
        return groupNormResnet18;
    }

    @Test
    void fromScratchNothingIsAdded() throws Exception {
        assertEquals(Map.of("model_name", "maskrcnn_resnet18_fpn"),
                InitialWeights.effectiveParameters(Map.of("model_name", "maskrcnn_resnet18_fpn")));
    }

    @Test
    void aWeightFileMeansFrozenBatchNormAndTwoFrozenLayers(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("w.npz"), new byte[] {'P', 'K'});
        Map<String, Object> file = InitialWeights.effectiveParameters(Map.of("weights_path", dir.resolve("w.npz").toString()));
        assertEquals("frozen_batch", file.get("norm"));
        assertEquals(2, file.get("layers_to_freeze"));
    }

    @Test
    void givenNormAndFrozenLayersAreKept() throws Exception {
        Map<String, Object> chosen = InitialWeights.effectiveParameters(
                Map.of("weights_path", "w.npz", "norm", "batch", "layers_to_freeze", 0));
        assertEquals("batch", chosen.get("norm"));
        assertEquals(0, chosen.get("layers_to_freeze"));
    }

    @Test
    void incrementalTrainingKeepsTheSourceModelsNorm() throws Exception {
        String model = groupNormResnet18();
        Map<String, Object> incremental = InitialWeights.effectiveParameters(
                Map.of("model_name", "maskrcnn_resnet18_fpn", "checkpoint_path", model));
        assertEquals("group", incremental.get("norm"), "the source model's norm");
    }

    @Test
    void aCheckpointOfAnotherModelIsRefused() throws Exception {
        String model = groupNormResnet18();
        TrialTrainer.TrialFailure wrongModel = assertThrows(TrialTrainer.TrialFailure.class,
                () -> InitialWeights.effectiveParameters(Map.of("model_name", "maskrcnn_resnet34_fpn", "checkpoint_model", model)));
        assertTrue(wrongModel.getMessage().contains("is a maskrcnn_resnet18_fpn"), wrongModel.getMessage());
    }

    @Test
    void aWeightFileAndACheckpointTogetherAreRefused() throws Exception {
        String model = groupNormResnet18();
        assertThrows(TrialTrainer.TrialFailure.class,
                () -> InitialWeights.effectiveParameters(Map.of("weights_path", "w.npz", "checkpoint_model", model)));
    }

    @Test
    void incrementalTrainingFromAModelWithOtherLabels(@TempDir Path dir) throws Exception {
        String source = dir.resolve("earlier/best_model").toString();
        savedModel(source, "maskrcnn_resnet18_fpn", List.of("not-a-shape"), "group", 3);
        TrialSpec spec = TinyTrials.spec(dir, "t", Map.of("checkpoint_model", source));

        TinyTrials.Run run = TinyTrials.run(spec);

        assertEquals(TrialStatus.COMPLETED, run.result().status(), run.log());
        assertTrue(run.log().contains("6 class-specific skipped"), run.log());
        assertTrue(run.log().contains("layers_to_freeze 2"), run.log());
        Map<String, NetworkWeights.Tensor> before = TinyTrials.weights(Path.of(source, "weights.params"));
        Map<String, NetworkWeights.Tensor> after = TinyTrials.weights(
                Path.of(spec.trialDir(), TrialFiles.MODEL_DIR, "weights.params"));
        // Frozen by default from a checkpoint: conv1 and layer1 are the source's, unchanged.
        assertArrayEquals(before.get("backbone.body.conv1.weight").values(), after.get("backbone.body.conv1.weight").values());
        assertArrayEquals(before.get("backbone.body.layer1.1.conv2.weight").values(),
                after.get("backbone.body.layer1.1.conv2.weight").values());
        // Trained from the source's values: close to them, not to a fresh initialisation.
        float[] a = before.get("backbone.body.layer3.0.conv1.weight").values();
        float[] b = after.get("backbone.body.layer3.0.conv1.weight").values();
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += Math.abs(a[i] - b[i]);
            norm += Math.abs(a[i]);
        }
        assertTrue(diff > 0 && diff < 0.2 * norm, diff + " vs " + norm);
        assertEquals(spec.labels().size() + 1, after.get("roi_heads.box_predictor.cls_score.weight").shape().get(0));
        assertEquals("group", SavedModel.read(Path.of(spec.trialDir(), TrialFiles.MODEL_DIR).toString())
                .hyperparameters().get("norm"), "the saved model records the norm it was built with");
    }
}
