package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * torchvision.ops.roi_align with {@code aligned=False}. DJL has no such op, so the sampling plan (which feature
 * pixels and bilinear weights make each output bin) is computed in Java, and the pooling itself is a row gather from
 * channel-last features plus a small weighted sum, so gradients reach the features through the gather.
 */
final class RoIAlign {
    private RoIAlign() {}

    /**
     * Per output bin up to {@code k} (row, weight) pairs into a channel-last feature table; unused slots have weight 0.
     */
    record Plan(long[] rows, float[] weights, int bins, int k) {}

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
        // First pass: the merged entries of every bin, kept in growable scratch arrays.
        int maxEntries = 0;
        int[][] binRows = new int[bins][];
        float[][] binWeights = new float[bins][];
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
                    int bin = (r * out + ph) * out + pw;
                    int[] rowsOfBin = new int[n];
                    float[] weightsOfBin = new float[n];
                    for (int e = 0; e < n; e++) {
                        rowsOfBin[e] = offset + scratchRows[e];
                        weightsOfBin[e] = scratchWeights[e];
                    }
                    binRows[bin] = rowsOfBin;
                    binWeights[bin] = weightsOfBin;
                    maxEntries = Math.max(maxEntries, n);
                }
            }
        }
        int k = Math.max(maxEntries, 1);
        long[] rows = new long[bins * k];
        float[] weights = new float[bins * k];
        for (int b = 0; b < bins; b++) {
            int[] br = binRows[b];
            for (int e = 0; e < br.length; e++) {
                rows[b * k + e] = br[e];
                weights[b * k + e] = binWeights[b][e];
            }
        }
        return new Plan(rows, weights, bins, k);
    }

    /** Adds the 4 bilinear taps of point (y, x) with factor {@code f}, merging taps on pixels already listed. */
    private static int addBilinear(float y, float x, int height, int width, float f, int[] rows, float[] weights, int n) {
        if (y < -1.0f || y > height || x < -1.0f || x > width) {
            return n;
        }
        if (y <= 0) {
            y = 0;
        }
        if (x <= 0) {
            x = 0;
        }
        int yLow = (int) y;
        int yHigh;
        if (yLow >= height - 1) {
            yHigh = yLow = height - 1;
            y = yLow;
        } else {
            yHigh = yLow + 1;
        }
        int xLow = (int) x;
        int xHigh;
        if (xLow >= width - 1) {
            xHigh = xLow = width - 1;
            x = xLow;
        } else {
            xHigh = xLow + 1;
        }
        float ly = y - yLow;
        float lx = x - xLow;
        float hy = 1f - ly;
        float hx = 1f - lx;
        n = merge(yLow * width + xLow, hy * hx * f, rows, weights, n);
        n = merge(yLow * width + xHigh, hy * lx * f, rows, weights, n);
        n = merge(yHigh * width + xLow, ly * hx * f, rows, weights, n);
        n = merge(yHigh * width + xHigh, ly * lx * f, rows, weights, n);
        return n;
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
     * Pools with a plan: gathers rows of {@code table} ({@code rows x C}, channel-last) and returns
     * {@code (rois, C, out, out)}.
     */
    static NDArray apply(NDArray table, Plan plan, int rois, int out, NDManager manager) {
        long channels = table.getShape().get(1);
        if (rois == 0) {
            return manager.zeros(new Shape(0, channels, out, out));
        }
        NDArray index = manager.create(plan.rows());
        NDArray weights = manager.create(plan.weights(), new Shape(plan.bins(), 1, plan.k()));
        NDArray gathered = table.get(index).reshape(plan.bins(), plan.k(), channels);
        NDArray pooled = weights.matMul(gathered); // (bins, 1, C)
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
                if (x <= 0) {
                    x = 0;
                }
                int lo = (int) x;
                int hi;
                if (lo >= width - 1) {
                    hi = lo = width - 1;
                    x = lo;
                } else {
                    hi = lo + 1;
                }
                xLow[t] = lo;
                xHigh[t] = hi;
                lxs[t] = x - lo;
            }
        }
        for (int ph = 0; ph < out; ph++) {
            for (int iy = 0; iy < gridH; iy++) {
                float y = startH + ph * binH + (iy + .5f) * binH / gridH;
                if (y < -1.0f || y > height) {
                    continue;
                }
                if (y <= 0) {
                    y = 0;
                }
                int yLow = (int) y;
                int yHigh;
                if (yLow >= height - 1) {
                    yHigh = yLow = height - 1;
                    y = yLow;
                } else {
                    yHigh = yLow + 1;
                }
                float ly = y - yLow;
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
