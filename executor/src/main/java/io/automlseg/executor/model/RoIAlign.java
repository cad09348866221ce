package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * torchvision.ops.roi_align with {@code aligned=False}. DJL has no such op, so the sampling plan (which feature
 * pixels and bilinear weights make each output bin) is computed in Java as a sparse matrix {@code bins x rows}, and
 * the pooling is one sparse-dense product with the channel-last feature table: gradients reach the features through
 * PyTorch's sparse matmul backward, without materialising a gathered copy of every tap.
 */
final class RoIAlign {
    private RoIAlign() {}

    /**
     * The sparse sampling matrix in COO form: entry {@code e} adds {@code weights[e] * table[rows[e]]} to output bin
     * {@code bins[e]}.
     */
    record Plan(long[] binOf, long[] rows, float[] weights, int entries, int bins) {}

    /** Where one RoI samples: its feature map inside the table and its box in that map's coordinates. */
    interface Source {
        int rowOffset(int roi);
        int height(int roi);
        int width(int roi);
        float scale(int roi);
    }

    /**
     * Builds the plan for {@code rois} boxes (flat, input-image coordinates) pooled to {@code out x out}.
     *
     * @param samplingRatio grid points per bin and axis; <= 0 means adaptive {@code ceil(roi/out)}
     */
    static Plan plan(float[] boxes, int rois, Source source, int out, int samplingRatio) {
        int bins = rois * out * out;
        long[] binOf = new long[Math.max(16, bins * 8)];
        long[] rows = new long[binOf.length];
        float[] weights = new float[binOf.length];
        int entries = 0;
        int[] scratchRows = new int[64];
        float[] scratchWeights = new float[64];
        for (int r = 0; r < rois; r++) {
            float scale = source.scale(r);
            int height = source.height(r);
            int width = source.width(r);
            int offset = source.rowOffset(r);
            float startW = boxes[4 * r] * scale;
            float startH = boxes[4 * r + 1] * scale;
            float endW = boxes[4 * r + 2] * scale;
            float endH = boxes[4 * r + 3] * scale;
            float roiW = Math.max(endW - startW, 1f);
            float roiH = Math.max(endH - startH, 1f);
            float binH = roiH / out;
            float binW = roiW / out;
            int gridH = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiH / out);
            int gridW = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiW / out);
            float count = Math.max(gridH * gridW, 1);
            int needed = gridH * gridW * 4;
            if (needed > scratchRows.length) {
                scratchRows = new int[needed];
                scratchWeights = new float[needed];
            }
            // The sampling points are a grid: each row's y taps serve every bin of that row, each column's x taps
            // every bin of that column, so they are worked out once per RoI.
            Taps ys = Taps.of(startH, binH, gridH, out, height);
            Taps xs = Taps.of(startW, binW, gridW, out, width);
            float f = 1f / count;
            for (int ph = 0; ph < out; ph++) {
                for (int pw = 0; pw < out; pw++) {
                    int n = 0;
                    for (int iy = 0; iy < gridH; iy++) {
                        int ty = ph * gridH + iy;
                        if (!ys.inside[ty]) {
                            continue;
                        }
                        float ly = ys.fraction[ty];
                        float hy = 1f - ly;
                        int lowRow = ys.low[ty] * width;
                        int highRow = ys.high[ty] * width;
                        for (int ix = 0; ix < gridW; ix++) {
                            int tx = pw * gridW + ix;
                            if (!xs.inside[tx]) {
                                continue;
                            }
                            float lx = xs.fraction[tx];
                            float hx = 1f - lx;
                            n = merge(lowRow + xs.low[tx], hy * hx * f, scratchRows, scratchWeights, n);
                            n = merge(lowRow + xs.high[tx], hy * lx * f, scratchRows, scratchWeights, n);
                            n = merge(highRow + xs.low[tx], ly * hx * f, scratchRows, scratchWeights, n);
                            n = merge(highRow + xs.high[tx], ly * lx * f, scratchRows, scratchWeights, n);
                        }
                    }
                    if (entries + n > binOf.length) {
                        int grown = Math.max(binOf.length * 2, entries + n);
                        binOf = java.util.Arrays.copyOf(binOf, grown);
                        rows = java.util.Arrays.copyOf(rows, grown);
                        weights = java.util.Arrays.copyOf(weights, grown);
                    }
                    int bin = (r * out + ph) * out + pw;
                    for (int e = 0; e < n; e++) {
                        binOf[entries] = bin;
                        rows[entries] = offset + scratchRows[e];
                        weights[entries] = scratchWeights[e];
                        entries++;
                    }
                }
            }
        }
        return new Plan(binOf, rows, weights, entries, bins);
    }

    /**
     * The bilinear neighbours of one RoI's sampling coordinates along one axis, indexed {@code bin * grid + point}:
     * whether the coordinate lies in [-1, size] (roi_align skips points outside), the low and high pixel, and the
     * weight of the high one.
     */
    private record Taps(boolean[] inside, int[] low, int[] high, float[] fraction) {
        static Taps of(float start, float binSize, int grid, int out, int size) {
            int n = out * grid;
            Taps taps = new Taps(new boolean[n], new int[n], new int[n], new float[n]);
            for (int bin = 0; bin < out; bin++) {
                for (int i = 0; i < grid; i++) {
                    int t = bin * grid + i;
                    float v = start + bin * binSize + (i + .5f) * binSize / grid;
                    taps.inside[t] = !(v < -1.0f || v > size);
                    long a = axis(v, size);
                    taps.low[t] = RoIAlign.low(a);
                    taps.high[t] = RoIAlign.high(a, size);
                    taps.fraction[t] = RoIAlign.fraction(a);
                }
            }
            return taps;
        }
    }

    /**
     * roi_align's neighbours along one axis for a coordinate in [-1, size]: negative coordinates clamp to 0 and the
     * last pixel takes both neighbours. Packed as (low index << 32 | float bits of the weight of the high neighbour),
     * so the hot loops allocate nothing.
     */
    private static long axis(float v, int size) {
        if (v <= 0) {
            v = 0;
        }
        int lo = (int) v;
        float fraction = lo >= size - 1 ? 0f : v - lo;
        if (lo >= size - 1) {
            lo = size - 1;
        }
        return ((long) lo << 32) | (Float.floatToRawIntBits(fraction) & 0xffffffffL);
    }

    private static int low(long axis) {
        return (int) (axis >>> 32);
    }

    private static int high(long axis, int size) {
        return Math.min(low(axis) + 1, size - 1);
    }

    private static float fraction(long axis) {
        return Float.intBitsToFloat((int) axis);
    }

    private static int merge(int row, float weight, int[] rows, float[] weights, int n) {
        for (int i = 0; i < n; i++) {
            if (rows[i] == row) {
                weights[i] += weight;
                return n;
            }
        }
        rows[n] = row;
        weights[n] = weight;
        return n + 1;
    }

    /**
     * Pools with a plan: the sparse plan times {@code table} ({@code rows x C}, channel-last), returned as
     * {@code (rois, C, out, out)}.
     */
    static NDArray apply(NDArray table, Plan plan, int rois, int out, NDManager manager) {
        long channels = table.getShape().get(1);
        if (rois == 0) {
            return manager.zeros(new Shape(0, channels, out, out));
        }
        int e = plan.entries();
        long[] coordinates = new long[2 * e];
        System.arraycopy(plan.binOf(), 0, coordinates, 0, e);
        System.arraycopy(plan.rows(), 0, coordinates, e, e);
        // The sparse tensor aliases these host-backed arrays: they stay open with the caller's manager until backward.
        NDArray indices = Ops.upload(manager, coordinates).reshape(2, e);
        NDArray values = Ops.upload(manager, java.util.Arrays.copyOf(plan.weights(), e), new Shape(e));
        // The channel-last product goes as soon as its channel-first copy exists (backward needs neither).
        try (NDScope product = new NDScope()) {
            NDArray matrix = JniUtils.createSparseCoo((PtNDArray) indices, (PtNDArray) values,
                    new Shape(plan.bins(), table.getShape().get(0)));
            NDArray pooled = matrix.matMul(table) // (bins, C)
                    .reshape(rois, out, out, channels).transpose(0, 3, 1, 2).reshape(rois, channels * out * out)
                    .reshape(rois, channels, out, out);
            NDScope.unregister(pooled);
            return pooled;
        }
    }

    /**
     * Java roi_align of one single-channel map (e.g. a ground-truth mask) for one box, sampling ratio adaptive if
     * {@code samplingRatio <= 0}; returns {@code out*out} values row-major.
     */
    static float[] alignSingle(byte[] map, int height, int width, float[] box, float scale, int out, int samplingRatio) {
        float startW = box[0] * scale;
        float startH = box[1] * scale;
        float roiW = Math.max(box[2] * scale - startW, 1f);
        float roiH = Math.max(box[3] * scale - startH, 1f);
        float binH = roiH / out;
        float binW = roiW / out;
        int gridH = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiH / out);
        int gridW = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiW / out);
        float count = Math.max(gridH * gridW, 1);
        float[] result = new float[out * out];
        Taps ys = Taps.of(startH, binH, gridH, out, height);
        Taps xs = Taps.of(startW, binW, gridW, out, width);
        for (int ph = 0; ph < out; ph++) {
            for (int iy = 0; iy < gridH; iy++) {
                int ty = ph * gridH + iy;
                if (!ys.inside[ty]) {
                    continue;
                }
                float ly = ys.fraction[ty];
                float hy = 1f - ly;
                int r0 = ys.low[ty] * width;
                int r1 = ys.high[ty] * width;
                for (int pw = 0; pw < out; pw++) {
                    float sum = 0f;
                    for (int ix = 0; ix < gridW; ix++) {
                        int t = pw * gridW + ix;
                        if (!xs.inside[t]) {
                            continue;
                        }
                        float lx = xs.fraction[t];
                        float hx = 1f - lx;
                        sum += hy * hx * map[r0 + xs.low[t]] + hy * lx * map[r0 + xs.high[t]]
                                + ly * hx * map[r1 + xs.low[t]] + ly * lx * map[r1 + xs.high[t]];
                    }
                    result[ph * out + pw] += sum;
                }
            }
        }
        for (int i = 0; i < result.length; i++) {
            result[i] /= count;
        }
        return result;
    }
}
