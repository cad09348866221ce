package io.automlseg.executor.model;

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
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // stable sort by descending score (torch sorts descending; ties are rare for float scores)
        java.util.Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        boolean[] suppressed = new boolean[n];
        int[] keep = new int[n];
        int kept = 0;
        float[] areas = new float[n];
        for (int i = 0; i < n; i++) {
            areas[i] = BoxOps.area(boxes, i);
        }
        for (int oi = 0; oi < n; oi++) {
            int i = order[oi];
            if (suppressed[i]) {
                continue;
            }
            keep[kept++] = i;
            float x1 = boxes[4 * i], y1 = boxes[4 * i + 1], x2 = boxes[4 * i + 2], y2 = boxes[4 * i + 3];
            for (int oj = oi + 1; oj < n; oj++) {
                int j = order[oj];
                if (suppressed[j] || (keys != null && keys[j] != keys[i])) {
                    continue;
                }
                float w = Math.min(x2, boxes[4 * j + 2]) - Math.max(x1, boxes[4 * j]);
                float h = Math.min(y2, boxes[4 * j + 3]) - Math.max(y1, boxes[4 * j + 1]);
                if (w <= 0 || h <= 0) {
                    continue;
                }
                float inter = w * h;
                float iou = inter / (areas[i] + areas[j] - inter);
                if (iou > iouThreshold) {
                    suppressed[j] = true;
                }
            }
        }
        return java.util.Arrays.copyOf(keep, kept);
    }

    static int[] nms(float[] boxes, float[] scores, int n, float iouThreshold) {
        return batched(boxes, scores, null, n, iouThreshold);
    }
}
