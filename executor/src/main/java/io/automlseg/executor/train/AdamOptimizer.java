package io.automlseg.executor.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.HashMap;
import java.util.Map;

/**
 * Adam and AdamW as torch.optim.Adam / AdamW: bias-corrected moments, eps 1e-8 added after the bias-corrected square
 * root, optional AMSGrad (the running maximum of the second moment). Adam adds L2 decay to the gradient; AdamW decays
 * the weights directly.
 */
public final class AdamOptimizer implements Optimizer {
    private static final double EPS = 1e-8;
    private final double beta1;
    private final double beta2;
    private final double weightDecay;
    private final boolean decoupled;
    private final boolean amsGrad;
    private final double clipValue;
    private final Map<String, NDArray[]> state = new HashMap<>();
    private final Map<String, Integer> steps = new HashMap<>();

    public AdamOptimizer(double beta1, double beta2, double weightDecay, boolean decoupled, boolean amsGrad, double clipValue) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.amsGrad = amsGrad;
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
                NDArray g = clipValue > 0 ? grad.clip(-clipValue, clipValue) : grad.duplicate();
                if (weightDecay != 0) {
                    if (decoupled) {
                        param.muli(1.0 - learningRate * weightDecay);
                    } else {
                        g.addi(param.mul(weightDecay));
                    }
                }
                NDArray[] s = state.get(e.getKey());
                if (s == null) {
                    s = new NDArray[] {param.zerosLike(), param.zerosLike(), amsGrad ? param.zerosLike() : null};
                    for (NDArray a : s) {
                        if (a != null) {
                            NDScope.unregister(a);
                        }
                    }
                    state.put(e.getKey(), s);
                }
                int t = steps.merge(e.getKey(), 1, Integer::sum);
                NDArray m = s[0].muli(beta1).addi(g.mul(1.0 - beta1));
                NDArray v = s[1].muli(beta2).addi(g.mul(g).muli(1.0 - beta2));
                double correction1 = 1.0 - Math.pow(beta1, t);
                double correction2 = 1.0 - Math.pow(beta2, t);
                NDArray second = v;
                if (amsGrad) {
                    // Element-wise running maximum, kept in place: max(a, b) = a + relu(b - a).
                    s[2].addi(v.sub(s[2]).clip(0, Double.MAX_VALUE));
                    second = s[2];
                }
                NDArray denom = second.sqrt().divi(Math.sqrt(correction2)).addi(EPS);
                param.subi(m.div(denom).muli(learningRate / correction1));
                Gradients.zero(param);
            }
        }
    }
}
