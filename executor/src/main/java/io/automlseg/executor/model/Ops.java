package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;

/** Small functional layers over named weights: convolution and linear, optionally followed by ReLU. */
public final class Ops {
    private Ops() {}

    static NDArray conv(NetworkWeights store, String name, NDArray x, int stride, int padding) {
        NDArray weight = store.get(name + ".weight");
        NDArray bias = store.contains(name + ".bias") ? store.get(name + ".bias") : null;
        return Conv2d.conv2d(x, weight, bias, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    static NDArray linear(NetworkWeights store, String name, NDArray x) {
        return Linear.linear(x, store.get(name + ".weight"), store.get(name + ".bias")).singletonOrThrow();
    }

    /**
     * Copies host data into a tensor owned by {@code manager} and outside any NDScope. DJL backs such tensors with
     * a Java direct buffer, so they must stay open until backward has run (the autograd graph reads them); the
     * caller's step manager closes them.
     */
    static NDArray upload(NDManager manager, float[] data, Shape shape) {
        NDArray array = manager.create(data, shape);
        NDScope.unregister(array);
        return array;
    }

    static NDArray upload(NDManager manager, float[] data) {
        return upload(manager, data, new Shape(data.length));
    }

    static NDArray upload(NDManager manager, long[] data) {
        NDArray array = manager.create(data);
        NDScope.unregister(array);
        return array;
    }

    /**
     * {@code x * factor} with a scalar that PyTorch allocates. DJL's {@code mul(Number)} and {@code div(Number)} wrap
     * the scalar around a Java direct buffer and close it right after the op, yet autograd keeps that scalar for
     * backward: once the garbage collector frees the buffer, the gradient reads whatever memory took its place (seen as
     * sudden gradients of 1e17 with finite losses). Use this for every scaling that backward passes through.
     */
    public static NDArray scale(NDArray x, float factor) {
        try (NDArray scalar = x.getManager().full(new Shape(), factor, x.getDataType())) {
            return x.mul(scalar);
        }
    }

    static NDArray relu(NDArray x) {
        return x.getNDArrayInternal().relu();
    }

    /**
     * ReLU of a temporary, which is closed: backward reads the ReLU's output, not its input, so the input's memory
     * goes now instead of at the end of the forward pass (as Python's reference counting lets torchvision do).
     */
    static NDArray reluOfTemporary(NDArray x) {
        NDArray y = relu(x);
        x.close();
        return y;
    }
}
