package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDArrays;

/**
 * torchvision MultiScaleRoIAlign over FPN levels "0".."3": each RoI goes to the level given by the FPN level mapper
 * (canonical size 224 at level 4) and is pooled with roi_align at that level's scale. All levels sit in one
 * channel-last table, so a single gather serves every level and the RoI order is kept.
 */
final class MultiScaleRoIAlign {
    private static final int CANONICAL_SCALE = 224;
    private static final int CANONICAL_LEVEL = 4;
    private static final float EPS = 1e-6f;
    /** RoIs per gather when no gradient is needed, to bound memory. */
    private static final int INFERENCE_CHUNK = 256;

    private final NDArray table;
    private final int batch;
    private final int[] heights;
    private final int[] widths;
    private final int[] offsets;
    private final float[] scales;
    private final int kMin;
    private final int kMax;

    /**
     * @param features P2..P5 as (N, C, H, W)
     * @param maxImageHeight largest resized (unpadded) image height in the batch, used to infer level scales
     */
    MultiScaleRoIAlign(NDArray[] features, int maxImageHeight) {
        int levels = features.length;
        heights = new int[levels];
        widths = new int[levels];
        offsets = new int[levels];
        scales = new float[levels];
        batch = (int) features[0].getShape().get(0);
        long channels = features[0].getShape().get(1);
        NDList parts = new NDList();
        int offset = 0;
        for (int l = 0; l < levels; l++) {
            heights[l] = (int) features[l].getShape().get(2);
            widths[l] = (int) features[l].getShape().get(3);
            offsets[l] = offset;
            offset += batch * heights[l] * widths[l];
            double approx = (double) heights[l] / maxImageHeight;
            scales[l] = (float) Math.pow(2, Math.rint(Math.log(approx) / Math.log(2)));
            parts.add(features[l].transpose(0, 2, 3, 1).reshape(-1, channels));
        }
        table = NDArrays.concat(parts, 0);
        kMin = (int) Math.round(-Math.log(scales[0]) / Math.log(2));
        kMax = (int) Math.round(-Math.log(scales[levels - 1]) / Math.log(2));
    }

    /** FPN level index (0 = P2) of each box, as torchvision's LevelMapper. */
    int[] levels(float[] boxes, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            float s = (float) Math.sqrt(BoxOps.area(boxes, i));
            float lvl = (float) Math.floor(CANONICAL_LEVEL + (float) (Math.log(s / (float) CANONICAL_SCALE) / Math.log(2)) + EPS);
            lvl = Math.min(Math.max(lvl, kMin), kMax);
            out[i] = (int) lvl - kMin;
        }
        return out;
    }

    float scale(int level) {
        return scales[level];
    }

    /**
     * Pools boxes (flat, resized-image coordinates) of image {@code imageOfBox[i]} to {@code (n, C, out, out)}.
     *
     * @param withGradient false allows chunking (inference)
     */
    NDArray pool(float[] boxes, int[] imageOfBox, int n, int out, int samplingRatio, NDManager manager, boolean withGradient) {
        int[] level = levels(boxes, n);
        if (withGradient || n <= INFERENCE_CHUNK) {
            return poolRange(boxes, imageOfBox, level, 0, n, out, samplingRatio, manager);
        }
        NDList chunks = new NDList();
        for (int start = 0; start < n; start += INFERENCE_CHUNK) {
            chunks.add(poolRange(boxes, imageOfBox, level, start, Math.min(n, start + INFERENCE_CHUNK), out, samplingRatio, manager));
        }
        return NDArrays.concat(chunks, 0);
    }

    private NDArray poolRange(float[] boxes, int[] imageOfBox, int[] level, int start, int end, int out, int samplingRatio,
                              NDManager manager) {
        RoIAlign.Plan plan = plan(boxes, imageOfBox, level, start, end, out, samplingRatio);
        return RoIAlign.apply(table, plan, end - start, out, manager);
    }

    /** The sampling plan of boxes {@code start..end-1} into this pooler's {@link #table()}. */
    RoIAlign.Plan plan(float[] boxes, int[] imageOfBox, int[] level, int start, int end, int out, int samplingRatio) {
        int count = end - start;
        float[] part = java.util.Arrays.copyOfRange(boxes, 4 * start, 4 * end);
        RoIAlign.Source source = new RoIAlign.Source() {
            @Override
            public int rowOffset(int roi) {
                int l = level[start + roi];
                return offsets[l] + imageOfBox[start + roi] * heights[l] * widths[l];
            }

            @Override
            public int height(int roi) {
                return heights[level[start + roi]];
            }

            @Override
            public int width(int roi) {
                return widths[level[start + roi]];
            }

            @Override
            public float scale(int roi) {
                return scales[level[start + roi]];
            }
        };
        return RoIAlign.plan(part, count, source, out, samplingRatio);
    }

    /** Every level's features, channel-last, one row per pixel: {@code (rows, C)}. */
    NDArray table() {
        return table;
    }
}
