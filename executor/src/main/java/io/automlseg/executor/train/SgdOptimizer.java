package io.automlseg.executor.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.HashMap;
import java.util.Map;

/**
 * Stochastic gradient descent as torch.optim.SGD (dampening 0): L2 weight decay added to the gradient, a momentum
 * buffer initialised with the first gradient, and optional Nesterov momentum.
 */
public final class SgdOptimizer implements Optimizer {
    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;
    private final double clipValue;
    private final Map<String, NDArray> momentumBuffers = new HashMap<>();

    public SgdOptimizer(double momentum, boolean nesterov, double weightDecay, double clipValue) {
        this.momentum = momentum;
        this.nesterov = nesterov && momentum > 0;
        this.weightDecay = weightDecay;
        this.clipValue = clipValue;
    }

    @Override
    public void step(Map<String, NDArray> parameters, double learningRate) {
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray param = e.getValue();
            try (NDScope scope = new NDScope()) {
                NDArray grad = Gradients.of(param);
                if (grad == null) {
                    continue;
                }
                // Every temporary of a parameter's size costs a fresh allocation (page faults included) per step, so
                // the update is rearranged to work in place on one copy of the gradient; x/a+y then *a equals x+a*y.
                NDArray d = clipValue > 0 ? grad.clip(-clipValue, clipValue) : grad.duplicate();
                if (weightDecay != 0) {
                    d.divi(weightDecay).addi(param).muli(weightDecay); // d + wd * param
                }
                if (momentum != 0) {
                    NDArray buf = momentumBuffers.get(e.getKey());
                    if (buf == null) {
                        buf = d.duplicate();
                        NDScope.unregister(buf);
                        momentumBuffers.put(e.getKey(), buf);
                    } else {
                        buf.muli(momentum).addi(d);
                    }
                    if (nesterov) {
                        d.divi(momentum).addi(buf).muli(momentum * learningRate); // lr * (d + momentum * buf)
                    } else {
                        d = buf.mul(learningRate);
                    }
                } else {
                    d.muli(learningRate);
                }
                param.subi(d);
                Gradients.zero(param);
            }
        }
    }
}
