package io.automlseg.executor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fused group norm matches the textbook formula, in value and in the gradient it sends back to its input. */
class GroupNormTest {
    @Test
    void matchesDefinitionForwardAndBackward() {
        Random rng = new Random(3);
        int n = 2, c = 64, h = 5, w = 7;
        float[] data = new float[n * c * h * w];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (rng.nextGaussian() * 3 + (i % 11));
        }
        float[] upstream = new float[data.length];
        for (int i = 0; i < upstream.length; i++) {
            upstream[i] = (float) rng.nextGaussian();
        }
        ModelConfig config = ModelConfig.builder().modelName("maskrcnn_resnet18_fpn").numClasses(2)
                .norm(ModelConfig.NormKind.GROUP).build();
        int groups = config.groupNormGroups();
        try (NDManager manager = NDManager.newBaseManager()) {
            NetworkWeights store = new NetworkWeights(manager);
            float[] gamma = new float[c];
            float[] beta = new float[c];
            for (int i = 0; i < c; i++) {
                gamma[i] = 0.5f + i / 64f;
                beta[i] = i / 32f - 1f;
            }
            store.addParameter("gn.weight", gamma, new Shape(c));
            store.addParameter("gn.bias", beta, new Shape(c));
            NDArray x = manager.create(data, new Shape(n, c, h, w));
            NDArray up = manager.create(upstream, new Shape(n, c, h, w));
            x.setRequiresGradient(true);
            float[] fused;
            float[] fusedGrad;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = Norms.apply(store, "gn", x, config, true);
                fused = y.toFloatArray();
                gc.backward(y.mul(up).sum());
            }
            fusedGrad = x.getGradient().toFloatArray();
            JniUtils.zeroGrad((PtNDArray) x); // gradients accumulate across backward passes
            float[] plain;
            float[] plainGrad;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray grouped = x.reshape(n, groups, -1);
                NDArray centred = grouped.sub(grouped.mean(new int[] {2}, true));
                NDArray variance = centred.square().mean(new int[] {2}, true);
                NDArray y = centred.div(variance.add(Norms.EPS).sqrt()).reshape(n, c, h, w)
                        .mul(store.get("gn.weight").reshape(1, c, 1, 1)).add(store.get("gn.bias").reshape(1, c, 1, 1));
                plain = y.toFloatArray();
                gc.backward(y.mul(up).sum());
            }
            plainGrad = x.getGradient().toFloatArray();
            for (int i = 0; i < data.length; i++) {
                assertEquals(plain[i], fused[i], 1e-4, "value " + i);
                assertEquals(plainGrad[i], fusedGrad[i], 1e-3, "gradient " + i);
            }
        }
    }
}
