package io.automlseg.executor.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResNetBackboneTest {

    /** The downsample shortcut subsamples and then applies a stride-1 1x1 conv; that is the stride-2 1x1 conv. */
    @Test
    void subsampledOneByOneConvolutionEqualsTheStridedOne() {
        Random rng = new Random(4);
        try (NDManager manager = NDManager.newBaseManager(); NetworkWeights store = new NetworkWeights(manager)) {
            store.conv(rng, "shortcut", 8, 5, 1, false);
            for (int side : new int[] {7, 8}) {
                NDArray x = manager.create(NetworkWeights.normal(rng, 2 * 5 * side * side, 1), new Shape(2, 5, side, side));
                NDArray strided = Ops.conv(store, "shortcut", x, 2, 0);
                NDArray subsampled = Ops.conv(store, "shortcut", x.get(":, :, ::2, ::2"), 1, 0);
                assertEquals(strided.getShape(), subsampled.getShape());
                assertArrayEquals(strided.toFloatArray(), subsampled.toFloatArray(), 1e-5f);
            }
        }
    }

    /**
     * Bottleneck backbones train: libtorch 2.7.1 died with SIGFPE in oneDNN's strided 1x1 backward on this machine's
     * AVX-512 CPU, killing r50/r101/r152 trials at their first backward pass.
     */
    @Test
    void bottleneckBackboneBackwardReachesTheShortcuts() {
        ModelConfig config = ModelConfig.builder().modelName("maskrcnn_resnet50_fpn").numClasses(3)
                .norm(ModelConfig.NormKind.BATCH).build();
        Random rng = new Random(5);
        try (NDManager manager = NDManager.newBaseManager(); NetworkWeights store = new NetworkWeights(manager)) {
            ResNetBackbone.register(store, config, rng);
            try (NDManager step = manager.newSubManager();
                 GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray x = step.create(NetworkWeights.normal(rng, 2 * 3 * 64 * 64, 1), new Shape(2, 3, 64, 64));
                NDArray[] c = ResNetBackbone.forward(store, config, x, true);
                assertEquals(new Shape(2, 2048, 2, 2), c[3].getShape());
                NDArray total = c[0].mean();
                for (int i = 1; i < 4; i++) {
                    total = total.add(c[i].mean());
                }
                gc.backward(total);
            }
            for (int layer = 2; layer <= 4; layer++) {
                try (NDArray grad = store.get("backbone.body.layer" + layer + ".0.downsample.0.weight").getGradient()) {
                    assertTrue(grad.abs().sum().getFloat() > 0, "layer" + layer + " shortcut got no gradient");
                }
            }
        }
    }
}
