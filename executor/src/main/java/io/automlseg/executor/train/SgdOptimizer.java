package io.automlseg.executor.train;

import ai.djl.ndarray.NDArray;
import java.util.HashMap;
import java.util.Map;

/**
 * Stochastic gradient descent as torch.optim.SGD (dampening 0): L2 weight decay added to the gradient, a momentum
 * buffer initialised with the first gradient, and optional Nesterov momentum.
 */
public final class SgdOptimizer extends ParameterwiseOptimizer {
    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;
    private final Map<String, NDArray> momentumBuffers = new HashMap<>();

    public SgdOptimizer(double momentum, boolean nesterov, double weightDecay, double clipValue) {
        super(clipValue);
        this.momentum = momentum;
        this.nesterov = nesterov && momentum > 0;
        this.weightDecay = weightDecay;
    }

    @Override
    void update(String name, NDArray param, NDArray d, double learningRate) {
        if (weightDecay != 0) {
            d.addi(param.mul(weightDecay));
        }
        if (momentum != 0) {
            NDArray buf = momentumBuffers.get(name);
            if (buf == null) {
                buf = keep(d.duplicate());
                momentumBuffers.put(name, buf);
            } else {
                buf.muli(momentum).addi(d);
            }
            d = nesterov ? d.addi(buf.mul(momentum)) : buf;
        }
        param.subi(d.mul(learningRate));
    }
}
