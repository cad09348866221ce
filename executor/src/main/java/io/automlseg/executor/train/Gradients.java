package io.automlseg.executor.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.Map;
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

    /**
     * Scales all gradients down together when their global L2 norm exceeds {@code maxNorm} (as
     * torch.nn.utils.clip_grad_norm_), and returns the norm before scaling. Must run with autograd recording off.
     */
    static double clipTotalNorm(Map<String, NDArray> parameters, double maxNorm) {
        try (NDScope scope = new NDScope()) {
            NDList squares = new NDList();
            for (NDArray p : parameters.values()) {
                NDArray g = of(p);
                if (g != null) {
                    squares.add(g.square().sum());
                }
            }
            if (squares.isEmpty()) {
                return 0;
            }
            // One device-to-host copy per step, not one per parameter; the per-parameter sums are added in double,
            // as they were on the host.
            double sumOfSquares = NDArrays.stack(squares).toType(DataType.FLOAT64, false).sum().getDouble();
            double norm = Math.sqrt(sumOfSquares);
            if (maxNorm > 0 && norm > maxNorm) {
                double factor = maxNorm / (norm + 1e-6);
                for (NDArray p : parameters.values()) {
                    NDArray g = of(p);
                    if (g != null) {
                        g.muli(factor);
                    }
                }
            }
            return norm;
        }
    }

    /** Sets the accumulated gradient back to zero for the next accumulation window. */
    static void zero(NDArray parameter) {
        if (parameter instanceof PtNDArray pt && parameter.hasGradient()) {
            JniUtils.zeroGrad(pt);
        }
    }
}
