package io.automlseg.executor.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.automlseg.executor.trial.TrialStatus;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.model.NetworkWeights;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.trial.PretrainedWeights;
import io.automlseg.executor.trial.StartingWeights;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialSpec;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trial that starts from the pretrained weights the driver handed it: what loads, what starts fresh, what it says. */
class PretrainedStartTest {

    /**
     * Writes the weights of a fresh 91-class ResNet-18 Mask R-CNN with frozen batch norm: whole, or only its
     * backbone under a torchvision classifier's names (conv1.weight, layer1.0.conv1.weight, ..., plus an fc).
     */
    private static Map<String, NetworkWeights.Tensor> writeModel(Path file, boolean backboneOnly) throws Exception {
        ModelConfig config = ModelConfig.builder().modelName("maskrcnn_resnet18_fpn").numClasses(91)
                .norm(ModelConfig.NormKind.FROZEN_BATCH).minSize(64).maxSize(64).build();
        try (NDManager manager = NDManager.newBaseManager();
                MaskRCNN model = MaskRCNN.create(config, manager, 99)) {
            Map<String, NDArray> all = new LinkedHashMap<>(model.parameters().parameters());
            all.putAll(model.parameters().buffers());
            Map<String, NDArray> out = new LinkedHashMap<>();
            all.forEach((name, array) -> {
                if (!backboneOnly) {
                    out.put(name, array);
                } else if (name.startsWith("backbone.body.")) {
                    out.put(name.substring("backbone.body.".length()), array);
                }
            });
            if (backboneOnly) {
                out.put("fc.weight", manager.ones(new ai.djl.ndarray.types.Shape(1000, 512)));
                out.put("fc.bias", manager.zeros(new ai.djl.ndarray.types.Shape(1000)));
            }
            try (OutputStream o = new FileOutputStream(file.toFile())) {
                NetworkWeights.write(o, out);
            }
        }
        return TinyTrials.weights(file);
    }

    private static StartingWeights startingWeights(TrialSpec spec) throws Exception {
        return Json.read(TrialFiles.resolve(spec.trialDir(), TrialFiles.STARTING_WEIGHTS), StartingWeights.class);
    }

    private static TrialSpec withPretrained(TrialSpec spec, PretrainedWeights weights) {
        return new TrialSpec(spec.trialId(), spec.trialDir(), spec.trainManifest(), spec.validationManifest(),
                spec.labels(), spec.parameters(), spec.numThreads(), spec.device(), weights);
    }

    @Test
    void anImageNetBackboneStartsTheBackboneAndTheRestStartsFresh(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("resnet18-00000000.pth");
        Map<String, NetworkWeights.Tensor> source = writeModel(file, true);
        TrialSpec spec = withPretrained(TinyTrials.spec(dir, "imagenet", Map.of()), new PretrainedWeights(
                PretrainedWeights.Kind.IMAGENET, "http://mirror/models/resnet18-00000000.pth", file.toString(),
                "00000000aaaa"));

        TinyTrials.Run run = TinyTrials.run(spec);

        assertEquals(TrialStatus.COMPLETED, run.result().status(), run.log());
        StartingWeights start = startingWeights(spec);
        assertEquals(StartingWeights.From.PRETRAINED_IMAGENET, start.from());
        assertEquals("http://mirror/models/resnet18-00000000.pth", start.source());
        assertEquals("00000000aaaa", start.sha256());
        assertEquals(source.size() - 2, start.loaded(), "every backbone tensor, not the classifier's fc");
        assertEquals(List.of("backbone.fpn", "rpn", "roi_heads"), start.reinitialised());
        SavedModel saved = SavedModel.read(Path.of(spec.trialDir(), TrialFiles.MODEL_DIR).toString());
        assertEquals("frozen_batch", saved.hyperparameters().get("norm"), "pretrained weights keep batch norm frozen");
        assertEquals(2, saved.hyperparameters().get("layers_to_freeze"), "conv1 and layer1 frozen, as the reference");
        Map<String, NetworkWeights.Tensor> trained = TinyTrials.weights(
                Path.of(spec.trialDir(), TrialFiles.MODEL_DIR, SavedModel.WEIGHTS));
        assertArrayEquals(source.get("conv1.weight").values(), trained.get("backbone.body.conv1.weight").values());
        assertArrayEquals(source.get("bn1.running_var").values(), trained.get("backbone.body.bn1.running_var").values());
        assertFalse(java.util.Arrays.equals(source.get("layer4.1.conv2.weight").values(),
                trained.get("backbone.body.layer4.1.conv2.weight").values()), "layer4 trains");
    }

    @Test
    void aCocoModelStartsEverythingButTheClassSpecificLayers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("maskrcnn-00000000.pth");
        Map<String, NetworkWeights.Tensor> source = writeModel(file, false);
        TrialSpec spec = withPretrained(TinyTrials.spec(dir, "coco", Map.of()), new PretrainedWeights(
                PretrainedWeights.Kind.COCO, "http://mirror/models/maskrcnn-00000000.pth", file.toString(), "0000"));

        TinyTrials.Run run = TinyTrials.run(spec);

        assertEquals(TrialStatus.COMPLETED, run.result().status(), run.log());
        StartingWeights start = startingWeights(spec);
        assertEquals(StartingWeights.From.PRETRAINED_COCO, start.from());
        assertEquals(source.size() - 6, start.loaded());
        assertEquals(List.of("roi_heads.box_predictor", "roi_heads.mask_predictor.mask_fcn_logits"),
                start.reinitialised());
        assertTrue(run.log().contains("re-initialised: roi_heads.box_predictor"), run.log());
        Map<String, NetworkWeights.Tensor> trained = TinyTrials.weights(
                Path.of(spec.trialDir(), TrialFiles.MODEL_DIR, SavedModel.WEIGHTS));
        assertEquals(spec.labels().size() + 1, trained.get("roi_heads.box_predictor.cls_score.weight").shape().get(0));
    }

    @Test
    void withoutPretrainedWeightsTheTrialSaysItStartedFromScratch(@TempDir Path dir) throws Exception {
        TrialSpec spec = TinyTrials.spec(dir, "scratch", Map.of("number_of_epochs", 1));
        assertEquals(TrialStatus.COMPLETED, TinyTrials.run(spec).result().status());
        StartingWeights start = startingWeights(spec);
        assertEquals(StartingWeights.From.SCRATCH, start.from());
        assertEquals(List.of("everything"), start.reinitialised());
    }
}
