package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

import java.util.Random;

/**
 * torchvision MaskRCNNHeads (4 x conv3x3 256 + ReLU) and MaskRCNNPredictor (2x2 stride-2 transposed conv + ReLU,
 * 1x1 class logits), with torchvision's weight layouts (the transposed conv's is (in, out, 2, 2)).
 *
 * <p>DJL's PyTorch engine has no transposed convolution. With kernel = stride = 2 the output pixels do not overlap,
 * so it is one matrix product over channel-last rows; the ReLU and the 1x1 logits act per pixel, so they stay in
 * those rows too, and only the logits of each RoI's own class are computed (the loss and the masks read no other).
 * The pixel shuffle to 28x28 then moves one channel instead of 256: shuffling the 256-channel map, as the first
 * version did, cost more than the products (a 6-d permute with an inner run of 2).
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

    /**
     * Mask logits {@code (R, 28 * 28)}, row-major, of class {@code classes[r]} for pooled features
     * {@code (R, 256, 14, 14)}.
     *
     * @param classes {@code (R)} int64 class index of each RoI
     */
    static NDArray forward(NetworkWeights store, NDArray pooled, NDArray classes) {
        NDArray x = pooled;
        for (int i = 0; i < LAYERS; i++) {
            x = Ops.reluOfTemporary(Ops.conv(store, HEAD + i + ".0", x, 1, 1));
        }
        return predict(x, store.get(PREDICTOR + "conv5_mask.weight"), store.get(PREDICTOR + "conv5_mask.bias"),
                store.get(PREDICTOR + "mask_fcn_logits.weight"), store.get(PREDICTOR + "mask_fcn_logits.bias"), classes);
    }

    /**
     * MaskRCNNPredictor on features {@code (R, C, h, w)}: the logits {@code (R, 2h * 2w)}, row-major, of class
     * {@code classes[r]} for each RoI.
     *
     * <p>ConvTranspose2d(kernel 2, stride 2) on channel-last rows {@code (R h w, C)}: row {@code 4p + 2i + j} of the
     * product is output pixel {@code (2y+i, 2x+j)} of input pixel p at (y, x), out[o] = sum_c x[c] W[c, o, i, j] + b[o].
     */
    static NDArray predict(NDArray features, NDArray deconvWeight, NDArray deconvBias, NDArray logitsWeight,
                           NDArray logitsBias, NDArray classes) {
        Shape s = features.getShape();
        long rois = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
        long out = deconvWeight.getShape().get(1);
        NDArray rows = features.transpose(0, 2, 3, 1).reshape(rois * h * w, c);
        NDArray byOffset = deconvWeight.transpose(0, 2, 3, 1).reshape(c, 4 * out).transpose(); // (4 out, C)
        NDArray up = Ops.reluOfTemporary(Linear.linear(rows, byOffset, deconvBias.tile(4)).singletonOrThrow());
        NDArray own = logitsWeight.reshape(logitsWeight.getShape().get(0), out).get(classes).reshape(rois, out, 1);
        NDArray ownBias = logitsBias.get(classes).reshape(rois, 1, 1);
        NDArray logits = up.reshape(rois, h * w * 4, out).matMul(own).add(ownBias); // (R, h*w*4, 1) as (h, w, i, j)
        return logits.reshape(rois, h, w, 2, 2).transpose(0, 1, 3, 2, 4).reshape(rois, 4 * h * w);
    }
}
