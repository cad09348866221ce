package io.automlseg.executor.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;

/** NetworkWeights.releaseGradients: torch's zero_grad(set_to_none=True) for the model's trainable parameters. */
class GradientReleaseTest {

    @Test
    void releasedParametersKeepTheirValuesAndStartTheNextBackwardWithoutAGradient() {
        try (NDManager manager = NDManager.newBaseManager(); NetworkWeights store = new NetworkWeights(manager)) {
            store.addParameter("w", new float[] {1f, 2f, 3f}, new Shape(3));
            store.addParameter("frozen", new float[] {5f}, new Shape(1));
            store.setTrainable(name -> name.equals("frozen"), false);
            NDArray frozen = store.get("frozen");
            backward(store, 2f); // d/dw of sum(w^2) = 2w
            NDArray before = store.get("w");
            assertArrayEquals(new float[] {2f, 4f, 6f}, before.getGradient().toFloatArray());

            store.releaseGradients();

            NDArray after = store.get("w");
            assertSame(before, after, "the model's arrays stay the same objects");
            assertSame(frozen, store.get("frozen"));
            assertFalse(frozen.hasGradient(), "a frozen parameter stays frozen");
            System.gc(); // a chance to free the initial values' direct buffer, which the storage still uses
            assertTrue(after.hasGradient(), "the new leaf is trainable");
            assertArrayEquals(new float[] {1f, 2f, 3f}, after.toFloatArray());
            // An in-place update (as the optimizer makes) reaches what the model reads next.
            JniUtils.setGradMode(false);
            after.subi(1f);
            assertArrayEquals(new float[] {0f, 1f, 2f}, store.get("w").toFloatArray());
            // The next gradient is this backward's alone, not added to the released one.
            backward(store, 1f); // d/dw of sum(w) = 1
            assertArrayEquals(new float[] {1f, 1f, 1f}, store.get("w").getGradient().toFloatArray());
        }
    }

    /** Backward of sum(w^power) for power 1 or 2, leaving recording off. */
    private static void backward(NetworkWeights store, float power) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray w = store.get("w");
            gc.backward(power == 2f ? w.mul(w).sum() : w.sum());
        }
        JniUtils.setGradMode(false);
    }
}
