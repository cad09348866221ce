package io.automlseg.executor.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Trains r18 from scratch on two tiny synthetic images and checks that it learns them. */
class MaskRCNNLearningTest {

    /** One SGD step: forward inside a collector, backward, then update every trainable weight (which zeroes its grad). */
    static float step(MaskRCNN model, NDManager manager, Optimizer optimizer, List<SyntheticScenes.Scene> scenes, Random rng) {
        try (NDManager scope = manager.newSubManager()) {
            float total;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Map<String, NDArray> losses = model.losses(scope,
                        scenes.stream().map(SyntheticScenes.Scene::image).toList(),
                        scenes.stream().map(SyntheticScenes.Scene::target).toList(), rng);
                NDArray sum = null;
                for (NDArray loss : losses.values()) {
                    sum = sum == null ? loss : sum.add(loss);
                }
                total = sum.getFloat();
                gc.backward(sum);
            }
            for (Map.Entry<String, NDArray> e : model.parameters().trainableParameters().entrySet()) {
                try (NDArray grad = e.getValue().getGradient()) {
                    optimizer.update(e.getKey(), e.getValue(), grad);
                }
            }
            return total;
        }
    }

    static List<SyntheticScenes.Scene> scenes() {
        return List.of(
                SyntheticScenes.scene(128, 128, new int[][] {{0, 14, 20, 60, 70, 1}, {1, 70, 60, 118, 112, 2}}, 11),
                SyntheticScenes.scene(128, 128, new int[][] {{1, 30, 10, 90, 64, 2}, {0, 20, 80, 100, 118, 1}}, 12));
    }

    static ModelConfig config(ModelConfig.NormKind norm) {
        return ModelConfig.builder().modelName("maskrcnn_resnet18_fpn").numClasses(3).norm(norm)
                .minSize(128).maxSize(128)
                .rpnPreNmsTopN(300, 300).rpnPostNmsTopN(200, 100)
                .boxBatchSizePerImage(32).build();
    }

    static Optimizer optimizer(float lr) {
        // linear warm-up as in torchvision's reference recipe: from-scratch training diverges without it
        Tracker warmUp = Tracker.warmUp().optWarmUpBeginValue(lr * 0.01f).optWarmUpSteps(15)
                .setMainTracker(Tracker.fixed(lr)).build();
        return Optimizer.sgd().setLearningRateTracker(warmUp).optMomentum(0.9f).optWeightDecays(1e-4f)
                .optClipGrad(10f).build();
    }

    @Test
    void lossFallsAndObjectsAreDetected() {
        List<SyntheticScenes.Scene> scenes = scenes();
        Random rng = new Random(5);
        try (NDManager manager = NDManager.newBaseManager();
             MaskRCNN model = MaskRCNN.create(config(ModelConfig.NormKind.valueOf(System.getProperty("learning.norm", "GROUP"))), manager, 42)) {
            // 0.005 diverged after step 34 on some CPUs (the same seed, other rounding); 0.003 learns with a margin
            Optimizer sgd = optimizer(0.003f);
            int steps = 40;
            float first = 0;
            float lastAverage = 0;
            long start = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                float loss = step(model, manager, sgd, scenes, rng);
                if (s < 3) {
                    first += loss / 3;
                }
                if (s >= steps - 5) {
                    lastAverage += loss / 5;
                }
                System.out.printf("step %d loss %.4f%n", s, loss);
            }
            System.out.printf("learning test: %.2f s/step%n", (System.nanoTime() - start) / 1e9 / steps);
            assertTrue(lastAverage < 0.5f * first, "loss did not fall enough: " + first + " -> " + lastAverage);

            model.setTraining(false);
            List<Detections> detections = model.detect(manager, scenes.stream().map(SyntheticScenes.Scene::image).toList());
            for (int img = 0; img < scenes.size(); img++) {
                TrainingTarget target = scenes.get(img).target();
                Detections d = detections.get(img);
                for (int g = 0; g < target.size(); g++) {
                    float best = 0;
                    for (int i = 0; i < d.size(); i++) {
                        float[] iou = BoxOps.iou(target.boxes()[g], 1, d.boxes()[i], 1);
                        best = Math.max(best, iou[0]);
                    }
                    System.out.printf("image %d object %d best IoU %.3f (%d detections)%n", img, g, best, d.size());
                    assertTrue(best > 0.5f, "object " + g + " of image " + img + " not found, best IoU " + best);
                }
            }
        }
    }
}
