package io.automlseg.executor.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Map;

/**
 * The loop every optimizer here shares: for each parameter with a gradient, the gradient (value-clipped where asked)
 * is handed to {@link #update} and temporaries are freed. The gradient is handed over as it is, not copied: the
 * caller drops it after the step ({@code NetworkWeights.releaseGradients}), so the update may work in place on it
 * and a copy would only cost a pass over every parameter and an allocation per step. State that must outlive a
 * step (momentum, moments) is created by the subclass and taken out of the step's scope with {@link #keep}.
 */
abstract class ParameterwiseOptimizer implements Optimizer {
    private final double clipValue;

    ParameterwiseOptimizer(double clipValue) {
        this.clipValue = clipValue;
    }

    @Override
    public final void step(Map<String, NDArray> parameters, double learningRate) {
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray param = e.getValue();
            try (NDScope scope = new NDScope()) {
                NDArray grad = Gradients.of(param);
                if (grad == null) {
                    continue;
                }
                NDArray g = clipValue > 0 ? grad.clip(-clipValue, clipValue) : grad;
                update(e.getKey(), param, g, learningRate);
            }
        }
    }

    /** Updates {@code param} in place from its (clipped) gradient {@code g}, which it may overwrite. */
    abstract void update(String name, NDArray param, NDArray g, double learningRate);

    /** Keeps an array created during a step alive after it, as optimizer state. */
    static NDArray keep(NDArray state) {
        NDScope.unregister(state);
        return state;
    }
}
