package io.automlseg.executor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class MaskRCNNForwardTest {

    private static ModelConfig tinyConfig(ModelConfig.NormKind norm) {
        return ModelConfig.builder().modelName("maskrcnn_resnet18_fpn").numClasses(4).norm(norm)
                .minSize(96).maxSize(128).build();
    }

    @Test
    void trainingLossesAreFiniteAndGradientsReachTheBackbone() {
        SyntheticScenes.Scene a = SyntheticScenes.scene(96, 128, new int[][] {{0, 10, 12, 50, 60, 1}, {1, 60, 30, 110, 80, 2}}, 1);
        SyntheticScenes.Scene b = SyntheticScenes.scene(96, 128, new int[][] {{1, 20, 20, 70, 70, 3}}, 2);
        for (ModelConfig.NormKind norm : new ModelConfig.NormKind[] {ModelConfig.NormKind.BATCH, ModelConfig.NormKind.GROUP}) {
            try (NDManager manager = NDManager.newBaseManager();
                 MaskRCNN model = MaskRCNN.create(tinyConfig(norm), manager, 7)) {
                try (NDManager step = manager.newSubManager();
                     GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    Map<String, NDArray> losses = model.losses(step, List.of(a.image(), b.image()),
                            List.of(a.target(), b.target()), new Random(3));
                    assertEquals(MaskRCNN.LOSS_NAMES, List.copyOf(losses.keySet()));
                    NDArray total = null;
                    for (Map.Entry<String, NDArray> e : losses.entrySet()) {
                        float v = e.getValue().getFloat();
                        assertTrue(Float.isFinite(v) && v >= 0, e.getKey() + " = " + v);
                        total = total == null ? e.getValue() : total.add(e.getValue());
                    }
                    gc.backward(total);
                }
                NDArray stem = model.parameters().get("backbone.body.conv1.weight");
                try (NDArray grad = stem.getGradient()) {
                    assertTrue(grad.abs().sum().getFloat() > 0, "no gradient reached the stem");
                }
                NDArray deconv = model.parameters().get("roi_heads.mask_predictor.conv5_mask.weight");
                try (NDArray grad = deconv.getGradient()) {
                    assertTrue(grad.abs().sum().getFloat() > 0, "no gradient reached the mask predictor");
                }
            }
        }
    }

    @Test
    void detectReturnsDetectionsInOriginalCoordinates() {
        SyntheticScenes.Scene a = SyntheticScenes.scene(96, 128, new int[][] {{0, 10, 12, 50, 60, 1}}, 1);
        SyntheticScenes.Scene b = SyntheticScenes.scene(80, 100, new int[][] {{1, 20, 20, 70, 70, 3}}, 2);
        ModelConfig config = tinyConfig(ModelConfig.NormKind.GROUP).toBuilder().boxScoreThreshold(0f).build();
        try (NDManager manager = NDManager.newBaseManager();
             MaskRCNN model = MaskRCNN.create(config, manager, 7)) {
            List<Detections> detections = model.detect(manager, List.of(a.image(), b.image()));
            assertEquals(2, detections.size());
            Detections d = detections.get(1);
            assertEquals(80, d.imageHeight());
            assertEquals(100, d.imageWidth());
            assertTrue(d.size() > 0 && d.size() <= 100, "detections: " + d.size());
            for (int i = 0; i < d.size(); i++) {
                float[] box = d.boxes()[i];
                assertTrue(box[0] >= 0 && box[2] <= 100 + 1e-3 && box[1] >= 0 && box[3] <= 80 + 1e-3);
                assertTrue(d.labels()[i] >= 1 && d.labels()[i] < 4);
                assertEquals(28 * 28, d.masks()[i].length);
                if (i > 0) {
                    assertTrue(d.scores()[i] <= d.scores()[i - 1]);
                }
            }
            assertEquals(80 * 100, d.pastedMask(0).length);
        }
    }
}
