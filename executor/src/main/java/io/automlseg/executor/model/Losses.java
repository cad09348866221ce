package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** The loss functions Mask R-CNN needs and DJL's PyTorch engine lacks as ops, written with autograd-capable NDArray math. */
final class Losses {
    /** torchvision's smooth-L1 beta for both box losses. */
    static final float BOX_BETA = 1f / 9f;

    private Losses() {}

    /** Sum of smooth-L1: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta. */
    static NDArray smoothL1Sum(NDArray prediction, NDArray target, float beta) {
        NDArray diff = prediction.sub(target).abs();
        NDArray quadratic = Ops.scale(diff.square(), 0.5f / beta);
        NDArray linear = diff.sub(0.5f * beta);
        return NDArrays.where(diff.lt(beta), quadratic, linear).sum();
    }

    /** Mean binary cross-entropy with logits, stable form relu(x) - x z + log(1 + exp(-|x|)); targets may be soft. */
    static NDArray bceWithLogitsMean(NDArray logits, NDArray targets) {
        NDArray softplus = logits.abs().neg().exp().add(1f).log();
        return Ops.relu(logits).sub(logits.mul(targets)).add(softplus).mean();
    }

    /** Mean softmax cross-entropy of logits {@code (n, k)} against integer labels. */
    static NDArray crossEntropyMean(NDArray logits, int[] labels, NDManager manager) {
        int k = (int) logits.getShape().get(1);
        float[] oneHot = new float[labels.length * k];
        for (int i = 0; i < labels.length; i++) {
            oneHot[i * k + labels[i]] = 1f;
        }
        NDArray picked = logits.logSoftmax(1).mul(Ops.upload(manager, oneHot, new Shape(labels.length, k))).sum();
        return Ops.scale(picked, -1f / labels.length);
    }
}
