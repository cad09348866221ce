package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/**
 * torchvision MaskRCNNHeads (4 x conv3x3 256 + ReLU) and MaskRCNNPredictor (2x2 stride-2 transposed conv + ReLU,
 * 1x1 class logits). DJL's PyTorch engine has no transposed convolution; with kernel = stride = 2 the output
 * pixels do not overlap, so it is one matrix product followed by a pixel shuffle. The weight keeps torch's
 * ConvTranspose2d layout (in, out, 2, 2).
 */
final class MaskHead {
    static final int MASK_POOL = 14;
    static final int LAYERS = 4;
    private static final String HEAD = "roi_heads.mask_head.";
    private static final String PREDICTOR = "roi_heads.mask_predictor.";

    private MaskHead() {}

    static void register(NetworkWeights store, int numClasses, Random rng) {
        int c = FeaturePyramidNetwork.OUT_CHANNELS;
        for (int i = 0; i < LAYERS; i++) {
            store.conv(rng, HEAD + i + ".0", c, c, 3, true);
        }
        long[] deconv = {c, c, 2, 2};
        store.addParameter(PREDICTOR + "conv5_mask.weight", NetworkWeights.kaimingNormalFanOut(rng, deconv), new Shape(deconv));
        store.addParameter(PREDICTOR + "conv5_mask.bias", new float[c], new Shape(c));
        store.conv(rng, PREDICTOR + "mask_fcn_logits", numClasses, c, 1, true);
    }

    /** Mask logits {@code (R, K, 28, 28)} for pooled features {@code (R, 256, 14, 14)}. */
    static NDArray forward(NetworkWeights store, NDArray pooled) {
        NDArray x = pooled;
        for (int i = 0; i < LAYERS; i++) {
            x = Ops.relu(Ops.conv(store, HEAD + i + ".0", x, 1, 1));
        }
        x = Ops.relu(transposedConv2x2(x, store.get(PREDICTOR + "conv5_mask.weight"), store.get(PREDICTOR + "conv5_mask.bias")));
        return Ops.conv(store, PREDICTOR + "mask_fcn_logits", x, 1, 0);
    }

    /** ConvTranspose2d(kernel 2, stride 2, padding 0): out[n,o,2h+i,2w+j] = sum_c x[n,c,h,w] W[c,o,i,j] + b[o]. */
    static NDArray transposedConv2x2(NDArray x, NDArray weight, NDArray bias) {
        Shape s = x.getShape();
        long n = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
        long out = weight.getShape().get(1);
        NDArray rows = x.transpose(0, 2, 3, 1).reshape(n * h * w, c);
        NDArray y = rows.matMul(weight.reshape(c, out * 4));
        y = y.reshape(n, h, w, out, 2, 2).transpose(0, 3, 1, 4, 2, 5).reshape(n, out, 2 * h, 2 * w);
        return y.add(bias.reshape(1, out, 1, 1));
    }
}
