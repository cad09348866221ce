package io.automlseg.executor.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** NetworkWeights.assign: loaded values overwrite a parameter in place, on any thread, and it stays trainable. */
class WeightAssignmentTest {

    @Test
    void aTrainableParameterTakesNewValuesOnAThreadWithGradientsOnAndKeepsLearning() throws Exception {
        try (NDManager manager = NDManager.newBaseManager(); NetworkWeights store = new NetworkWeights(manager)) {
            store.addParameter("w", new float[] {1f, 2f, 3f}, new Shape(3));
            NDArray before = store.get("w");
            // As on a Spark task's thread: libtorch's gradient mode is per thread and on by default, where a
            // trainable leaf refuses in-place writes.
            CompletableFuture.runAsync(() -> {
                JniUtils.setGradMode(true);
                try {
                    store.assign("w", new NetworkWeights.Tensor(new Shape(3), new float[] {4f, 5f, 6f}));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).get();
            assertSame(before, store.get("w"), "the model's array is the same object");
            assertArrayEquals(new float[] {4f, 5f, 6f}, store.get("w").toFloatArray());
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray w = store.get("w");
                gc.backward(w.mul(w).sum());
            }
            JniUtils.setGradMode(false);
            assertArrayEquals(new float[] {8f, 10f, 12f}, store.get("w").getGradient().toFloatArray());
        }
    }

    @Test
    void aShapeThatDiffersNamesTheWeight() {
        try (NDManager manager = NDManager.newBaseManager(); NetworkWeights store = new NetworkWeights(manager)) {
            store.addParameter("head.weight", new float[4], new Shape(2, 2));
            IOException e = assertThrows(IOException.class,
                    () -> store.assign("head.weight", new NetworkWeights.Tensor(new Shape(4), new float[4])));
            assertTrue(e.getMessage().contains("'head.weight'") && e.getMessage().contains("(4)"), e.getMessage());
        }
    }
}
