package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

import java.util.Random;

/**
 * torchvision FeaturePyramidNetwork with LastLevelMaxPool: P2..P5 (256 channels) plus "pool" (P6, every other pixel
 * of P5). Weights under {@code backbone.fpn.inner_blocks.i.0} (1x1 lateral) and {@code layer_blocks.i.0} (3x3 out).
 */
final class FeaturePyramidNetwork {
    static final int OUT_CHANNELS = 256;
    private static final String PREFIX = "backbone.fpn.";

    private FeaturePyramidNetwork() {}

    static void register(NetworkWeights store, int[] inChannels, Random rng) {
        // torchvision order: all lateral (inner) blocks, then all output (layer) blocks
        for (int i = 0; i < inChannels.length; i++) {
            addConv(store, rng, PREFIX + "inner_blocks." + i + ".0", OUT_CHANNELS, inChannels[i], 1);
        }
        for (int i = 0; i < inChannels.length; i++) {
            addConv(store, rng, PREFIX + "layer_blocks." + i + ".0", OUT_CHANNELS, OUT_CHANNELS, 3);
        }
    }

    /** kaiming_uniform_(a=1) weight, zero bias, as torchvision initialises the FPN convs. */
    private static void addConv(NetworkWeights store, Random rng, String name, int out, int in, int k) {
        long[] shape = {out, in, k, k};
        store.addParameter(name + ".weight", NetworkWeights.kaimingUniformFanIn(rng, shape, 1.0), new Shape(shape));
        store.addParameter(name + ".bias", new float[out], new Shape(out));
    }

    /** Returns P2, P3, P4, P5, P6 ("0","1","2","3","pool"). */
    static NDArray[] forward(NetworkWeights store, NDArray[] c) {
        int levels = c.length;
        NDArray[] results = new NDArray[levels + 1];
        NDArray lastInner = Ops.conv(store, PREFIX + "inner_blocks." + (levels - 1) + ".0", c[levels - 1], 1, 0);
        results[levels - 1] = Ops.conv(store, PREFIX + "layer_blocks." + (levels - 1) + ".0", lastInner, 1, 1);
        for (int i = levels - 2; i >= 0; i--) {
            // The lateral, the upsampled top-down map and the level above's sum go once this level's sum exists.
            try (NDScope level = new NDScope()) {
                NDArray lateral = Ops.conv(store, PREFIX + "inner_blocks." + i + ".0", c[i], 1, 0);
                NDArray above = lastInner;
                lastInner = lateral.add(upsampleNearest(above, lateral.getShape()));
                results[i] = Ops.conv(store, PREFIX + "layer_blocks." + i + ".0", lastInner, 1, 1);
                NDScope.unregister(lastInner, results[i]);
                above.close();
            }
        }
        results[levels] = Pool.maxPool2d(results[levels - 1], new Shape(1, 1), new Shape(2, 2), new Shape(0, 0), false);
        return results;
    }

    /** Nearest resize to the lateral's exact size; with inputs padded to a multiple of 32 this is exactly x2. */
    static NDArray upsampleNearest(NDArray x, Shape target) {
        Shape s = x.getShape();
        long n = s.get(0), ch = s.get(1), h = s.get(2), w = s.get(3);
        long th = target.get(2), tw = target.get(3);
        if (th == 2 * h && tw == 2 * w) {
            return x.reshape(n, ch, h, 1, w, 1).broadcast(n, ch, h, 2, w, 2).reshape(n, ch, th, tw);
        }
        // General case: torch nearest picks source index floor(dst * in / out).
        long[] rows = new long[(int) th];
        for (int i = 0; i < th; i++) {
            rows[i] = Math.min((long) Math.floor(i * ((float) h / th)), h - 1);
        }
        long[] cols = new long[(int) tw];
        for (int j = 0; j < tw; j++) {
            cols[j] = Math.min((long) Math.floor(j * ((float) w / tw)), w - 1);
        }
        NDArray r = Ops.upload(x.getManager(), rows);
        NDArray cIdx = Ops.upload(x.getManager(), cols);
        return x.get(new ai.djl.ndarray.index.NDIndex(":, :, {}", r)).get(new ai.djl.ndarray.index.NDIndex(":, :, :, {}", cIdx));
    }
}
