package io.automlseg.executor.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.automlseg.executor.model.NetworkWeights;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stochastic gradient descent as torch.optim.SGD (dampening 0): L2 weight decay added to the gradient, a momentum
 * buffer initialised with the first gradient, and optional Nesterov momentum.
 */
public final class SgdOptimizer extends ParameterwiseOptimizer {
    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;
    private final Map<String, NDArray> momentumBuffers = new LinkedHashMap<>();

    public SgdOptimizer(double momentum, boolean nesterov, double weightDecay, double clipValue) {
        super(clipValue);
        this.momentum = momentum;
        this.nesterov = nesterov && momentum > 0;
        this.weightDecay = weightDecay;
    }

    @Override
    void update(String name, NDArray param, NDArray d, double learningRate) {
        // Every temporary of a parameter's size costs a fresh allocation per step, so the update works in place on
        // the gradient copy d: x/a + y then *a equals x + a*y.
        if (weightDecay != 0) {
            d.divi(weightDecay).addi(param).muli(weightDecay); // d + wd * param
        }
        if (momentum != 0) {
            NDArray buf = momentumBuffers.get(name);
            if (buf == null) {
                buf = keep(d.duplicate());
                momentumBuffers.put(name, buf);
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
    }

    private static final String BUFFER = "momentum_buffer/";

    @Override
    public Map<String, NDArray> state(NDManager scratch) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        momentumBuffers.forEach((name, buf) -> out.put(BUFFER + name, buf));
        return out;
    }

    @Override
    public void restore(Map<String, NetworkWeights.Tensor> state, NDManager manager) {
        momentumBuffers.values().forEach(NDArray::close);
        momentumBuffers.clear();
        state.forEach((key, t) -> {
            if (key.startsWith(BUFFER)) {
                momentumBuffers.put(key.substring(BUFFER.length()), manager.create(t.values(), t.shape()));
            }
        });
    }
}
