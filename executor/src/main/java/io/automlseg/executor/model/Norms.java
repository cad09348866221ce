package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.BatchNorm;

/**
 * The backbone's normalisation layers (BatchNorm2d, FrozenBatchNorm2d, GroupNorm) as functions over the named
 * weights {@code prefix.weight}, {@code prefix.bias} and, for the batch norms, {@code prefix.running_mean/var}.
 */
final class Norms {
    static final float EPS = 1e-5f;
    /** DJL's momentum is the weight of the old running value: 0.9 here equals torch's default momentum 0.1. */
    private static final float DJL_MOMENTUM = 0.9f;

    private Norms() {}

    /** Registers the weights of one norm layer over {@code channels} channels (weight 1, bias 0, stats 0/1). */
    static void register(NetworkWeights store, String prefix, int channels, ModelConfig.NormKind kind) {
        Shape shape = new Shape(channels);
        switch (kind) {
            case BATCH -> {
                store.addParameter(prefix + ".weight", NetworkWeights.filled(channels, 1f), shape);
                store.addParameter(prefix + ".bias", new float[channels], shape);
                store.addBuffer(prefix + ".running_mean", new float[channels], shape);
                store.addBuffer(prefix + ".running_var", NetworkWeights.filled(channels, 1f), shape);
            }
            case FROZEN_BATCH -> {
                // torchvision's FrozenBatchNorm2d keeps all four tensors as buffers.
                store.addBuffer(prefix + ".weight", NetworkWeights.filled(channels, 1f), shape);
                store.addBuffer(prefix + ".bias", new float[channels], shape);
                store.addBuffer(prefix + ".running_mean", new float[channels], shape);
                store.addBuffer(prefix + ".running_var", NetworkWeights.filled(channels, 1f), shape);
            }
            case GROUP -> {
                store.addParameter(prefix + ".weight", NetworkWeights.filled(channels, 1f), shape);
                store.addParameter(prefix + ".bias", new float[channels], shape);
            }
        }
    }

    /** Normalises NCHW {@code x}; {@code training} selects batch statistics (and updates running ones) for BATCH. */
    static NDArray apply(NetworkWeights store, String prefix, NDArray x, ModelConfig config, boolean training) {
        NDArray weight = store.get(prefix + ".weight");
        NDArray bias = store.get(prefix + ".bias");
        long channels = x.getShape().get(1);
        switch (config.norm()) {
            case BATCH:
                // A frozen layer (layers_to_freeze) keeps its running statistics too: it normalises with them and
                // does not update them, so its output is the same function throughout training.
                return BatchNorm.batchNorm(x, store.get(prefix + ".running_mean"), store.get(prefix + ".running_var"),
                        weight, bias, 1, DJL_MOMENTUM, EPS, training && store.isTrainable(prefix + ".weight"))
                        .singletonOrThrow();
            case FROZEN_BATCH: {
                NDArray scale = weight.div(store.get(prefix + ".running_var").add(EPS).sqrt());
                NDArray shift = bias.sub(store.get(prefix + ".running_mean").mul(scale));
                return x.mul(scale.reshape(1, channels, 1, 1)).add(shift.reshape(1, channels, 1, 1));
            }
            case GROUP: {
                // DJL has no GroupNorm. Group norm is batch norm (batch statistics, biased variance) over a
                // (1, N*groups, rest) view, so PyTorch's fused batch-norm kernel and backward do the work; the running
                // statistics it updates are throwaway, and the per-channel affine follows.
                Shape shape = x.getShape();
                long groups = shape.get(0) * config.groupNormGroups();
                NDManager m = x.getManager();
                Shape groupShape = new Shape(groups);
                NDArray normed = BatchNorm.batchNorm(x.reshape(1, groups, -1), m.zeros(groupShape), m.ones(groupShape),
                        m.ones(groupShape), m.zeros(groupShape), 1, DJL_MOMENTUM, EPS, true).singletonOrThrow()
                        .reshape(shape);
                return normed.mul(weight.reshape(1, channels, 1, 1)).add(bias.reshape(1, channels, 1, 1));
            }
            default:
                throw new IllegalStateException(config.norm().toString());
        }
    }
}
