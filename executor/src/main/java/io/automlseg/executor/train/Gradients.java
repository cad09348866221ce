package io.automlseg.executor.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** Reading and resetting the gradients that PyTorch accumulates on parameters across backward passes. */
final class Gradients {
    private Gradients() {}

    /** The parameter's gradient, or null when no backward pass reached it (frozen or unused in this step). */
    static NDArray of(NDArray parameter) {
        if (!parameter.hasGradient()) {
            return null;
        }
        try {
            NDArray grad = parameter.getGradient();
            return grad.isEmpty() ? null : grad;
        } catch (RuntimeException undefined) {
            return null;
        }
    }

    /** Sets the accumulated gradient back to zero for the next accumulation window. */
    static void zero(NDArray parameter) {
        if (parameter instanceof PtNDArray pt && parameter.hasGradient()) {
            JniUtils.zeroGrad(pt);
        }
    }
}
