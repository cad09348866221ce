package io.automlseg.executor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The losses' gradients stay exact when the garbage collector runs between forward and backward, as it does in a
 * real training step. DJL's {@code mul(Number)} scalar lives in a Java buffer that it frees at once while autograd
 * still needs it; after a collection that memory holds something else and the gradient turns into garbage (this is
 * what made training diverge with 1e17 gradients and finite losses).
 */
class LossGradientTest {
    @Test
    void smoothL1AndCrossEntropyGradientsSurviveACollectionBeforeBackward() {
        float beta = Losses.BOX_BETA;
        float[] prediction = {0.01f, -0.05f, 0.5f, -2f, 0.1f, 0.2f, 0.3f, -0.4f};
        float[] target = {0f, 0f, 0f, 0f, 0.12f, 0.5f, -0.3f, -0.39f};
        float[] logits = {2f, -1f, 0.5f, 0.3f, 0.2f, -0.7f};
        int[] labels = {0, 2};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray p = manager.create(prediction, new Shape(2, 4));
            NDArray z = manager.create(logits, new Shape(2, 3));
            p.setRequiresGradient(true);
            z.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray box = Ops.scale(Losses.smoothL1Sum(p, manager.create(target, new Shape(2, 4)), beta), 1f / 8);
                NDArray classes = Losses.crossEntropyMean(z, labels, manager);
                NDArray total = box.add(classes);
                List<ByteBuffer> filler = overwriteFreedNativeMemory();
                collector.backward(total);
                Reference.reachabilityFence(filler); // the overwritten memory stays taken until backward has run
            }
            float[] gp = p.getGradient().toFloatArray();
            for (int i = 0; i < prediction.length; i++) {
                double d = prediction[i] - target[i];
                double expected = (Math.abs(d) < beta ? d / beta : Math.signum(d)) / 8;
                assertEquals(expected, gp[i], 1e-6, "smooth-L1 gradient " + i);
            }
            float[] gz = z.getGradient().toFloatArray();
            for (int row = 0; row < 2; row++) {
                double max = Math.max(logits[3 * row], Math.max(logits[3 * row + 1], logits[3 * row + 2]));
                double sum = 0;
                for (int k = 0; k < 3; k++) {
                    sum += Math.exp(logits[3 * row + k] - max);
                }
                for (int k = 0; k < 3; k++) {
                    double softmax = Math.exp(logits[3 * row + k] - max) / sum;
                    double expected = (softmax - (labels[row] == k ? 1 : 0)) / 2;
                    assertEquals(expected, gz[3 * row + k], 1e-6, "cross-entropy gradient " + row + "," + k);
                }
            }
        }
    }

    /** Lets the collector free unreachable direct buffers, then fills many small new ones so freed memory is reused. */
    private static List<ByteBuffer> overwriteFreedNativeMemory() {
        List<ByteBuffer> filler = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(50); // the Cleaner thread frees direct buffers after the collection
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < 2000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4 * (1 + i % 4)).order(ByteOrder.nativeOrder());
                while (b.remaining() >= 4) {
                    b.putFloat(1e30f);
                }
                filler.add(b);
            }
        }
        return filler;
    }
}
