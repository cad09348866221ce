package io.automlseg.executor.train;

import ai.djl.ndarray.NDArray;
import java.util.HashMap;
import java.util.Map;

/**
 * Adam and AdamW as torch.optim.Adam / AdamW: bias-corrected moments, eps 1e-8 added after the bias-corrected square
 * root, optional AMSGrad (the running maximum of the second moment). Adam adds L2 decay to the gradient; AdamW decays
 * the weights directly.
 */
public final class AdamOptimizer extends ParameterwiseOptimizer {
    private static final double EPS = 1e-8;
    private final double beta1;
    private final double beta2;
    private final double weightDecay;
    private final boolean decoupled;
    private final boolean amsGrad;
    private final Map<String, NDArray[]> moments = new HashMap<>();
    private final Map<String, Integer> steps = new HashMap<>();

    public AdamOptimizer(double beta1, double beta2, double weightDecay, boolean decoupled, boolean amsGrad, double clipValue) {
        super(clipValue);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.amsGrad = amsGrad;
    }

    @Override
    void update(String name, NDArray param, NDArray g, double learningRate) {
        if (weightDecay != 0) {
            if (decoupled) {
                param.muli(1.0 - learningRate * weightDecay);
            } else {
                g.addi(param.mul(weightDecay));
            }
        }
        NDArray[] s = moments.computeIfAbsent(name, k -> new NDArray[] {
            keep(param.zerosLike()), keep(param.zerosLike()), amsGrad ? keep(param.zerosLike()) : null});
        int t = steps.merge(name, 1, Integer::sum);
        NDArray m = s[0].muli(beta1).addi(g.mul(1.0 - beta1));
        NDArray v = s[1].muli(beta2).addi(g.mul(g).muli(1.0 - beta2));
        double correction1 = 1.0 - Math.pow(beta1, t);
        double correction2 = 1.0 - Math.pow(beta2, t);
        NDArray second = v;
        if (amsGrad) {
            // Element-wise running maximum, kept in place: max(a, b) = a + relu(b - a).
            s[2].addi(v.sub(s[2]).maximum(0f));
            second = s[2];
        }
        NDArray denom = second.sqrt().divi(Math.sqrt(correction2)).addi(EPS);
        param.subi(m.div(denom).muli(learningRate / correction1));
    }
}
