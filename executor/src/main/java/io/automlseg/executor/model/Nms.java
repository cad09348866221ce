package io.automlseg.executor.model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Greedy non-maximum suppression as torchvision.ops.nms / batched_nms: highest score first, a box is suppressed
 * when its IoU with a kept box is strictly greater than the threshold; boxes with different keys never suppress
 * each other.
 */
final class Nms {
    private Nms() {}

    /**
     * @param boxes flat {@code [n*4]}
     * @param keys group per box (level or class); boxes only suppress boxes of the same key
     * @return kept indices in decreasing score order
     */
    static int[] batched(float[] boxes, float[] scores, int[] keys, int n, float iouThreshold) {
        int[] order = byDescendingScore(scores, 0, n);
        // Boxes of different keys never meet, so each key's boxes are suppressed on their own: the pairs compared are
        // the sum of the groups' squares instead of the square of the sum (the RPN has five levels, the box head one
        // group per class), and each group's coordinates lie in score order next to each other.
        int[] groupOf = new int[n];
        int groups = groups(keys, order, n, groupOf);
        int[] groupStart = new int[groups + 1];
        for (int oi = 0; oi < n; oi++) {
            groupStart[groupOf[oi] + 1]++;
        }
        for (int g = 0; g < groups; g++) {
            groupStart[g + 1] += groupStart[g];
        }
        int[] member = new int[n]; // box indices, by group, each group in decreasing score order
        int[] filled = Arrays.copyOf(groupStart, groups);
        for (int oi = 0; oi < n; oi++) {
            member[filled[groupOf[oi]]++] = order[oi];
        }
        boolean[] kept = new boolean[n];
        float[] x1 = new float[n];
        float[] y1 = new float[n];
        float[] x2 = new float[n];
        float[] y2 = new float[n];
        float[] areas = new float[n];
        for (int p = 0; p < n; p++) {
            int i = member[p];
            x1[p] = boxes[4 * i];
            y1[p] = boxes[4 * i + 1];
            x2[p] = boxes[4 * i + 2];
            y2[p] = boxes[4 * i + 3];
            areas[p] = BoxOps.area(boxes, i);
        }
        boolean[] suppressed = new boolean[n];
        for (int g = 0; g < groups; g++) {
            int end = groupStart[g + 1];
            for (int p = groupStart[g]; p < end; p++) {
                if (suppressed[p]) {
                    continue;
                }
                kept[member[p]] = true;
                for (int q = p + 1; q < end; q++) {
                    if (suppressed[q]) {
                        continue;
                    }
                    float w = Math.min(x2[p], x2[q]) - Math.max(x1[p], x1[q]);
                    float h = Math.min(y2[p], y2[q]) - Math.max(y1[p], y1[q]);
                    if (w <= 0 || h <= 0) {
                        continue;
                    }
                    float inter = w * h;
                    if (inter / (areas[p] + areas[q] - inter) > iouThreshold) {
                        suppressed[q] = true;
                    }
                }
            }
        }
        int[] keep = new int[n];
        int count = 0;
        for (int oi = 0; oi < n; oi++) {
            if (kept[order[oi]]) {
                keep[count++] = order[oi];
            }
        }
        return Arrays.copyOf(keep, count);
    }

    static int[] nms(float[] boxes, float[] scores, int n, float iouThreshold) {
        return batched(boxes, scores, null, n, iouThreshold);
    }

    /**
     * Indices (relative to {@code start}) of {@code scores[start..start+n)} by decreasing score, ties in index order
     * (torch sorts descending; ties are rare for float scores). Sorted as primitive longs, without boxing: the
     * score's bits made order-preserving and flipped, then the index.
     */
    static int[] byDescendingScore(float[] scores, int start, int n) {
        long[] keyed = new long[n];
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToIntBits(scores[start + i]);
            int ascending = bits ^ ((bits >> 31) & 0x7fffffff);
            keyed[i] = ((long) ~ascending << 32) | i;
        }
        Arrays.sort(keyed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) keyed[i];
        }
        return order;
    }

    /** Numbers the distinct keys 0..groups-1; {@code groupOf[oi]} is the group of box {@code order[oi]}. */
    private static int groups(int[] keys, int[] order, int n, int[] groupOf) {
        if (keys == null) {
            return n == 0 ? 0 : 1;
        }
        Map<Integer, Integer> number = new HashMap<>();
        for (int oi = 0; oi < n; oi++) {
            groupOf[oi] = number.computeIfAbsent(keys[order[oi]], k -> number.size());
        }
        return number.size();
    }
}
