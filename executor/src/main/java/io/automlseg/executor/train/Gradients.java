package io.automlseg.executor.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.Map;

/** Reading and clipping the gradients that PyTorch accumulates on parameters across backward passes. */
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
     * torch.nn.utils.clip_grad_norm_), and returns the norm before scaling. Must run with autograd recording off. The
     * per-parameter norms stay on the device and are read back once, as one stacked norm (torch's own formula), not
     * once per parameter.
     */
    static double clipTotalNorm(Map<String, NDArray> parameters, double maxNorm) {
        try (NDScope scope = new NDScope()) {
            NDList norms = new NDList();
            for (NDArray p : parameters.values()) {
                NDArray g = of(p);
                if (g != null) {
                    norms.add(g.norm());
                }
            }
            if (norms.isEmpty()) {
                return 0;
            }
            double norm = NDArrays.stack(norms).norm().getFloat();
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
}
