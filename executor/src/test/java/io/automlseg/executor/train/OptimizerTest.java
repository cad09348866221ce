package io.automlseg.executor.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.automlseg.executor.model.NetworkWeights;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two update steps of each optimizer on a parameter whose gradient is known, against values worked out by hand. */
class OptimizerTest {

    /** Runs two steps of loss = 0.5 * p (gradient 0.5) from p = 1 and returns p after each step. */
    private static double[] twoSteps(Optimizer optimizer, double lr) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray p = manager.create(new float[] {1f});
            p.setRequiresGradient(true);
            double[] out = new double[2];
            for (int step = 0; step < 2; step++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(p.mul(0.5f).sum());
                }
                JniUtils.setGradMode(false);
                optimizer.step(Map.of("p", p), lr);
                resetGradient(p);
                out[step] = p.getFloat();
            }
            return out;
        }
    }

    @Test
    void sgdWithNesterovMomentumAndWeightDecayFollowsTorch() {
        // step 1: d = 0.5 + 0.1*1 = 0.6, buf = 0.6, d = 0.6 + 0.9*0.6 = 1.14, p = 1 - 0.1*1.14
        // step 2: d = 0.5 + 0.1*0.886 = 0.5886, buf = 0.9*0.6 + 0.5886 = 1.1286, d = 0.5886 + 0.9*1.1286, p -= 0.1*d
        double[] p = twoSteps(new SgdOptimizer(0.9, true, 0.1, 5.0), 0.1);
        assertEquals(0.886, p[0], 1e-6);
        assertEquals(0.725566, p[1], 1e-6);
    }

    @Test
    void sgdWithoutNesterovUsesTheBuffer() {
        // step 1: buf = 0.5, p = 1 - 0.05; step 2: buf = 0.45 + 0.5 = 0.95, p = 0.95 - 0.095
        double[] p = twoSteps(new SgdOptimizer(0.9, false, 0.0, 5.0), 0.1);
        assertEquals(0.95, p[0], 1e-6);
        assertEquals(0.855, p[1], 1e-6);
    }

    @Test
    void sgdMomentumFollowsTorchWhenTheLearningRateChangesAndCheckpointsTorchsBuffer() {
        // lr 0.1 then 0.05, wd 0.1, momentum 0.9. step 1: d = 0.5 + 0.1*1 = 0.6, buf = 0.6, p = 1 - 0.06 = 0.94;
        // step 2: d = 0.5 + 0.094 = 0.594, buf = 0.54 + 0.594 = 1.134, p = 0.94 - 0.05*1.134 = 0.8833;
        // after a restart from the checkpointed buffer, step 3 at lr 0.05: d = 0.5 + 0.08833 = 0.58833,
        // buf = 1.0206 + 0.58833 = 1.60893, p = 0.8833 - 0.0804465 = 0.8028535.
        try (NDManager manager = NDManager.newBaseManager(); NDManager scratch = manager.newSubManager()) {
            NDArray p = manager.create(new float[] {1f});
            p.setRequiresGradient(true);
            SgdOptimizer sgd = new SgdOptimizer(0.9, false, 0.1, 0);
            double[] lr = {0.1, 0.05};
            for (double rate : lr) {
                halfGradient(p);
                sgd.step(Map.of("p", p), rate);
                resetGradient(p);
            }
            assertEquals(0.8833, p.getFloat(), 1e-6);
            Map<String, NDArray> state = sgd.state(scratch);
            assertEquals(1.134, state.get("momentum_buffer/p").getFloat(), 1e-6);

            SgdOptimizer restarted = new SgdOptimizer(0.9, false, 0.1, 0);
            NDArray buf = state.get("momentum_buffer/p");
            restarted.restore(Map.of("momentum_buffer/p", new NetworkWeights.Tensor(buf.getShape(),
                    buf.toFloatArray())), manager);
            halfGradient(p);
            restarted.step(Map.of("p", p), 0.05);
            assertEquals(0.8028535, p.getFloat(), 1e-6);
        }
    }

    /** Resets a bare array's gradient (the trainer releases a model's): the next backward starts from 0. */
    private static void resetGradient(NDArray p) {
        JniUtils.zeroGrad((PtNDArray) p);
    }

    /** Accumulates the gradient of loss = 0.5 * p (0.5) on p, leaving autograd recording off for the update. */
    private static void halfGradient(NDArray p) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(p.mul(0.5f).sum());
        }
        JniUtils.setGradMode(false);
    }

    @Test
    void adamTakesBiasCorrectedStepsOfTheLearningRate() {
        // With a constant gradient, bias-corrected m/sqrt(v) is 1, so each step moves p by lr (up to eps).
        double[] p = twoSteps(new AdamOptimizer(0.9, 0.999, 0.0, false, false, 5.0), 0.1);
        assertEquals(0.9, p[0], 1e-6);
        assertEquals(0.8, p[1], 1e-6);
    }

    @Test
    void adamwDecaysWeightsBeforeTheStepAndAdamAddsDecayToTheGradient() {
        // AdamW: p = 1*(1 - 0.1*0.1) - 0.1 = 0.89
        assertEquals(0.89, twoSteps(new AdamOptimizer(0.9, 0.999, 0.1, true, false, 5.0), 0.1)[0], 1e-6);
        // Adam with L2: the first step of Adam is lr * sign(g) whatever g's size: 1 - 0.1
        assertEquals(0.9, twoSteps(new AdamOptimizer(0.9, 0.999, 0.1, false, false, 5.0), 0.1)[0], 1e-6);
    }

    @Test
    void amsGradKeepsTheLargestSecondMoment() {
        // beta1 0, beta2 0.5: gradients 1 then 0.1. Step 2 of Adam divides by sqrt(v2/0.75) with
        // v2 = 0.5*0.5 + 0.5*0.01 = 0.255; AMSGrad keeps v = max(0.5, 0.255) = 0.5.
        double adam = stepsWithGradients(new AdamOptimizer(0.0, 0.5, 0.0, false, false, 5.0), 1f, 0.1f);
        double ams = stepsWithGradients(new AdamOptimizer(0.0, 0.5, 0.0, false, true, 5.0), 1f, 0.1f);
        double firstStep = 1 - 0.1; // lr * g / sqrt(g^2) after bias correction
        assertEquals(firstStep - 0.1 * 0.1 / Math.sqrt(0.255 / 0.75), adam, 1e-5);
        assertEquals(firstStep - 0.1 * 0.1 / Math.sqrt(0.5 / 0.75), ams, 1e-5);
    }

    @Test
    void adamAddsEpsAfterTheBiasCorrectedSquareRoot() {
        // A gradient of eps's size: bias-corrected m = g, sqrt(v) = g, so the first step is lr * g / (g + eps) = lr / 2
        // (eps added before the correction would give lr * 0.03).
        assertEquals(0.95, stepsWithGradients(new AdamOptimizer(0.9, 0.999, 0.0, false, false, 5.0), 1e-8f), 1e-5);
        assertEquals(0.95, stepsWithGradients(new AdamOptimizer(0.9, 0.999, 0.0, false, true, 5.0), 1e-8f), 1e-5);
    }

    /** Steps from p = 1 with loss g_i * p at step i (so the gradient is g_i) and lr 0.1; returns the final p. */
    private static double stepsWithGradients(Optimizer optimizer, float... gradients) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray p = manager.create(new float[] {1f});
            p.setRequiresGradient(true);
            for (float g : gradients) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(p.mul(g).sum());
                }
                JniUtils.setGradMode(false);
                optimizer.step(Map.of("p", p), 0.1);
                resetGradient(p);
            }
            return p.getFloat();
        }
    }

    @Test
    void globalNormClippingScalesAllGradientsTogetherAndReportsNonFiniteNorms() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(new float[] {1f, 1f});
            NDArray b = manager.create(new float[] {1f});
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                // Gradients (3, 4) and (12): global norm 13.
                gc.backward(a.mul(manager.create(new float[] {3f, 4f})).sum().add(b.mul(12f).sum()));
            }
            JniUtils.setGradMode(false);
            Map<String, NDArray> params = Map.of("a", a, "b", b);
            assertEquals(13.0, Gradients.clipTotalNorm(params, 6.5), 1e-5);
            assertEquals(1.5, a.getGradient().getFloat(0), 1e-5);
            assertEquals(2.0, a.getGradient().getFloat(1), 1e-5);
            assertEquals(6.0, b.getGradient().getFloat(0), 1e-5);
            assertEquals(6.5, Gradients.clipTotalNorm(params, 100), 1e-4, "below the limit nothing changes");

            resetGradient(a);
            resetGradient(b);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(a.mul(Float.NaN).sum().add(b.sum()));
            }
            JniUtils.setGradMode(false);
            assertTrue(Double.isNaN(Gradients.clipTotalNorm(params, 10)), "a NaN gradient makes the norm NaN");
        }
    }

    @Test
    void schedulesFollowTheReferenceDefinitions() {
        LearningRateSchedule cosine = LearningRateSchedule.warmupCosine(0.01, 10, 110, 0.45);
        assertEquals(0.001, cosine.at(0), 1e-12);
        assertEquals(0.01, cosine.at(9), 1e-12);
        assertEquals(0.01, cosine.at(10), 1e-12);
        assertEquals(0.01 * 0.5 * (1 + Math.cos(Math.PI * 0.45 * 2 * 0.5)), cosine.at(60), 1e-12);
        LearningRateSchedule step = LearningRateSchedule.stepDecay(0.01, 4, 5, 0.5);
        assertEquals(0.01, step.at(19), 1e-12);
        assertEquals(0.005, step.at(20), 1e-12);
        assertEquals(0.0025, step.at(40), 1e-12);
    }
}
