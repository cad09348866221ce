package io.automlseg.executor.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.automlseg.executor.model.NetworkWeights;
import io.automlseg.executor.trial.TrainingParameters;
import java.util.Map;

/**
 * Updates parameters in place from their gradients, with PyTorch's semantics for each algorithm (DJL's PyTorch
 * engine has no Nesterov momentum and no AMSGrad, so the updates are written here).
 */
public interface Optimizer {

    /**
     * One update of every parameter that has a gradient. Must run with autograd recording off (outside a gradient
     * collector). The gradients may be overwritten; resetting them for the next step is the caller's
     * ({@code NetworkWeights.releaseGradients}).
     *
     * @param parameters trainable parameters by name (names key the optimizer's state)
     * @param learningRate learning rate of this step
     */
    void step(Map<String, NDArray> parameters, double learningRate);

    /**
     * The state that must survive a restart (momentum buffers, moments, step counts) as named arrays, for
     * checkpoints. Arrays are the optimizer's own or temporaries made in {@code scratch}: write them out, then close
     * {@code scratch}, never the arrays themselves.
     */
    Map<String, NDArray> state(NDManager scratch);

    /** Replaces the state with one read back from {@link #state()}'s names, creating arrays in {@code manager}. */
    void restore(Map<String, NetworkWeights.Tensor> state, NDManager manager);

    static Optimizer of(TrainingParameters p) {
        double clip = p.gradientClipValue();
        return switch (p.optimizer()) {
            case "sgd" -> new SgdOptimizer(p.momentum(), p.nesterov(), p.weightDecay(), clip);
            case "adam" -> new AdamOptimizer(p.beta1(), p.beta2(), p.weightDecay(), false, p.amsGradient(), clip);
            case "adamw" -> new AdamOptimizer(p.beta1(), p.beta2(), p.weightDecay(), true, p.amsGradient(), clip);
            default -> throw new IllegalArgumentException(
                    "optimizer: unknown value '" + p.optimizer() + "' (expected sgd, adam or adamw)");
        };
    }
}
