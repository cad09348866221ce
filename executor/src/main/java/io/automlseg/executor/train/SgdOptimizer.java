package io.automlseg.executor.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.automlseg.executor.model.NetworkWeights;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stochastic gradient descent as torch.optim.SGD (dampening 0): L2 weight decay added to the gradient, a momentum
 * buffer initialised with the first gradient, and optional Nesterov momentum.
 *
 * <p>Plain momentum runs as DJL's fused update ({@link JniUtils#sgdUpdate}: one native call per parameter instead of
 * some eight element-wise passes, each a JNI call). That update keeps its momentum state multiplied by the learning
 * rate ({@code state = m * state + lr * d; param -= state}), torch keeps it without ({@code buf = m * buf + d;
 * param -= lr * buf}); the two agree when the state is torch's buffer times the learning rate of the last update, so
 * each state carries that factor, a step whose learning rate differs passes {@code m * lr / factor} as the momentum,
 * and checkpoints hold torch's buffer. Nesterov momentum (and a zero learning rate, where the scaled state could not
 * carry the buffer) take the element-wise path on the unscaled buffer.
 */
public final class SgdOptimizer extends ParameterwiseOptimizer {
    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;
    /** Per parameter: the state, which is torch's momentum buffer times {@link #scales}' factor. */
    private final Map<String, NDArray> momentumBuffers = new LinkedHashMap<>();
    private final Map<String, Double> scales = new LinkedHashMap<>();

    public SgdOptimizer(double momentum, boolean nesterov, double weightDecay, double clipValue) {
        super(clipValue);
        this.momentum = momentum;
        this.nesterov = nesterov && momentum > 0;
        this.weightDecay = weightDecay;
    }

    @Override
    void update(String name, NDArray param, NDArray g, double learningRate) {
        if (nesterov || learningRate == 0) {
            elementwise(name, param, g, learningRate);
            return;
        }
        NDArray state = null;
        double carry = 0; // the fused update leaves the state alone when this is 0
        if (momentum != 0) {
            state = momentumBuffers.get(name);
            if (state == null) {
                state = keep(param.zerosLike()); // carry * 0 + lr * d: torch's first buffer d, times lr
                momentumBuffers.put(name, state);
                carry = momentum;
            } else {
                carry = momentum * learningRate / scales.get(name);
            }
            scales.put(name, learningRate);
        }
        JniUtils.sgdUpdate((PtNDArray) param, (PtNDArray) g, (PtNDArray) state, (float) learningRate,
                (float) weightDecay, 1f, -1f, (float) carry); // rescale 1, clip -1 (none: done before)
    }

    /** The update in element-wise steps, working in place on the gradient {@code d} and the unscaled buffer. */
    private void elementwise(String name, NDArray param, NDArray d, double learningRate) {
        // Every temporary of a parameter's size costs a fresh allocation per step: x/a + y then *a equals x + a*y.
        if (weightDecay != 0) {
            d.divi(weightDecay).addi(param).muli(weightDecay); // d + wd * param
        }
        if (momentum != 0) {
            NDArray buf = momentumBuffers.get(name);
            if (buf == null) {
                buf = keep(d.duplicate());
                momentumBuffers.put(name, buf);
            } else {
                double scale = scales.get(name);
                if (scale != 1) {
                    buf.divi(scale);
                }
                buf.muli(momentum).addi(d);
            }
            scales.put(name, 1.0);
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
        momentumBuffers.forEach((name, state) -> {
            double scale = scales.get(name);
            NDArray buf = state;
            if (scale != 1) {
                buf = state.div(scale);
                buf.attach(scratch);
            }
            out.put(BUFFER + name, buf);
        });
        return out;
    }

    @Override
    public void restore(Map<String, NetworkWeights.Tensor> state, NDManager manager) {
        momentumBuffers.values().forEach(NDArray::close);
        momentumBuffers.clear();
        scales.clear();
        state.forEach((key, t) -> {
            if (key.startsWith(BUFFER)) {
                String name = key.substring(BUFFER.length());
                momentumBuffers.put(name, manager.create(t.values(), t.shape()));
                scales.put(name, 1.0);
            }
        });
    }
}
