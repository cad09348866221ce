package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;

/** Small functional layers over named weights: convolution and linear, optionally followed by ReLU. */
final class Ops {
    private Ops() {}

    static NDArray conv(ParameterStore store, String name, NDArray x, int stride, int padding) {
        NDArray weight = store.get(name + ".weight");
        NDArray bias = store.contains(name + ".bias") ? store.get(name + ".bias") : null;
        return Conv2d.conv2d(x, weight, bias, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    static NDArray linear(ParameterStore store, String name, NDArray x) {
        return Linear.linear(x, store.get(name + ".weight"), store.get(name + ".bias")).singletonOrThrow();
    }

    static NDArray relu(NDArray x) {
        return x.getNDArrayInternal().relu();
    }
}
