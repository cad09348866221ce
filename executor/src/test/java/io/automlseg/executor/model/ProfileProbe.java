package io.automlseg.executor.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Manual probe: -Dprobe=true prints per-loss values and timings. */
@EnabledIfSystemProperty(named = "probe", matches = "true")
class ProfileProbe {
    @Test
    void probe() {
        int size = Integer.getInteger("probe.size", 128);
        List<SyntheticScenes.Scene> scenes = MaskRCNNLearningTest.scenes();
        ModelConfig config = MaskRCNNLearningTest.config(ModelConfig.NormKind.valueOf(System.getProperty("probe.norm", "GROUP")))
                .toBuilder().minSize(size).maxSize(size).build();
        Random rng = new Random(5);
        try (NDManager manager = NDManager.newBaseManager();
             MaskRCNN model = MaskRCNN.create(config, manager, 42)) {
            Optimizer sgd = MaskRCNNLearningTest.optimizer(Float.parseFloat(System.getProperty("probe.lr", "0.01")));
            for (int s = 0; s < Integer.getInteger("probe.steps", 5); s++) {
                long t0 = System.nanoTime();
                try (NDManager scope = manager.newSubManager()) {
                    long t1, t2;
                    StringBuilder sb = new StringBuilder();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        Map<String, NDArray> losses = model.losses(scope,
                                scenes.stream().map(SyntheticScenes.Scene::image).toList(),
                                scenes.stream().map(SyntheticScenes.Scene::target).toList(), rng);
                        t1 = System.nanoTime();
                        NDArray sum = null;
                        for (Map.Entry<String, NDArray> e : losses.entrySet()) {
                            sb.append(String.format(" %s=%.4f", e.getKey(), e.getValue().getFloat()));
                            sum = sum == null ? e.getValue() : sum.add(e.getValue());
                        }
                        gc.backward(sum);
                        t2 = System.nanoTime();
                    }
                    for (Map.Entry<String, NDArray> e : model.parameters().trainableParameters().entrySet()) {
                        try (NDArray grad = e.getValue().getGradient()) {
                            sgd.update(e.getKey(), e.getValue(), grad);
                        }
                    }
                    long t3 = System.nanoTime();
                    System.out.printf("step %d fwd %.2fs bwd %.2fs upd %.2fs%s%n", s, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                            (t3 - t2) / 1e9, sb);
                }
            }
        }
    }
}
