package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
            for (int ph = 0; ph < out; ph++) {
                for (int pw = 0; pw < out; pw++) {
                    int n = 0;
                    for (int iy = 0; iy < gridH; iy++) {
                        float y = startH + ph * binH + (iy + .5f) * binH / gridH;
                        for (int ix = 0; ix < gridW; ix++) {
                            float x = startW + pw * binW + (ix + .5f) * binW / gridW;
                            n = addBilinear(y, x, height, width, 1f / count, scratchRows, scratchWeights, n);
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

    /** Adds the 4 bilinear taps of point (y, x) with factor {@code f}, merging taps on pixels already listed. */
    private static int addBilinear(float y, float x, int height, int width, float f, int[] rows, float[] weights, int n) {
        if (y < -1.0f || y > height || x < -1.0f || x > width) {
            return n;
        }
        long yAxis = axis(y, height);
        long xAxis = axis(x, width);
        int yLow = low(yAxis);
        int yHigh = high(yAxis, height);
        int xLow = low(xAxis);
        int xHigh = high(xAxis, width);
        float ly = fraction(yAxis);
        float lx = fraction(xAxis);
        float hy = 1f - ly;
        float hx = 1f - lx;
        n = merge(yLow * width + xLow, hy * hx * f, rows, weights, n);
        n = merge(yLow * width + xHigh, hy * lx * f, rows, weights, n);
        n = merge(yHigh * width + xLow, ly * hx * f, rows, weights, n);
        n = merge(yHigh * width + xHigh, ly * lx * f, rows, weights, n);
        return n;
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
        NDArray matrix = JniUtils.createSparseCoo((PtNDArray) indices, (PtNDArray) values,
                new Shape(plan.bins(), table.getShape().get(0)));
        NDArray pooled = matrix.matMul(table); // (bins, C)
        return pooled.reshape(rois, out, out, channels).transpose(0, 3, 1, 2);
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
        // Sample coordinates are separable: precompute the x taps once per (pw, ix).
        int nx = out * gridW;
        int[] xLow = new int[nx];
        int[] xHigh = new int[nx];
        float[] lxs = new float[nx];
        boolean[] xValid = new boolean[nx];
        for (int pw = 0; pw < out; pw++) {
            for (int ix = 0; ix < gridW; ix++) {
                int t = pw * gridW + ix;
                float x = startW + pw * binW + (ix + .5f) * binW / gridW;
                xValid[t] = !(x < -1.0f || x > width);
                long a = axis(x, width);
                xLow[t] = low(a);
                xHigh[t] = high(a, width);
                lxs[t] = fraction(a);
            }
        }
        for (int ph = 0; ph < out; ph++) {
            for (int iy = 0; iy < gridH; iy++) {
                float y = startH + ph * binH + (iy + .5f) * binH / gridH;
                if (y < -1.0f || y > height) {
                    continue;
                }
                long a = axis(y, height);
                int yLow = low(a);
                int yHigh = high(a, height);
                float ly = fraction(a);
                float hy = 1f - ly;
                int r0 = yLow * width;
                int r1 = yHigh * width;
                for (int pw = 0; pw < out; pw++) {
                    float sum = 0f;
                    for (int ix = 0; ix < gridW; ix++) {
                        int t = pw * gridW + ix;
                        if (!xValid[t]) {
                            continue;
                        }
                        float lx = lxs[t];
                        float hx = 1f - lx;
                        sum += hy * hx * map[r0 + xLow[t]] + hy * lx * map[r0 + xHigh[t]]
                                + ly * hx * map[r1 + xLow[t]] + ly * lx * map[r1 + xHigh[t]];
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
