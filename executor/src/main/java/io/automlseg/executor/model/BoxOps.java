package io.automlseg.executor.model;

/** Box helpers on flat {@code [n*4]} x1,y1,x2,y2 float arrays (torchvision.ops.boxes semantics, no +1). */
final class BoxOps {
    private BoxOps() {}

    static float area(float[] boxes, int i) {
        return (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]);
    }

    /** IoU matrix {@code [a][b]} as box_iou, row-major {@code na x nb}. */
    static float[] iou(float[] a, int na, float[] b, int nb) {
        float[] out = new float[na * nb];
        float[] areaB = new float[nb];
        for (int j = 0; j < nb; j++) {
            areaB[j] = area(b, j);
        }
        for (int i = 0; i < na; i++) {
            float ax1 = a[4 * i], ay1 = a[4 * i + 1], ax2 = a[4 * i + 2], ay2 = a[4 * i + 3];
            float areaA = (ax2 - ax1) * (ay2 - ay1);
            int row = i * nb;
            for (int j = 0; j < nb; j++) {
                float w = Math.min(ax2, b[4 * j + 2]) - Math.max(ax1, b[4 * j]);
                float h = Math.min(ay2, b[4 * j + 3]) - Math.max(ay1, b[4 * j + 1]);
                float inter = Math.max(w, 0f) * Math.max(h, 0f);
                out[row + j] = inter / (areaA + areaB[j] - inter);
            }
        }
        return out;
    }

    /** clip_boxes_to_image: x into [0, width], y into [0, height] (in place). */
    static void clip(float[] boxes, int n, int height, int width) {
        for (int i = 0; i < n; i++) {
            boxes[4 * i] = Math.min(Math.max(boxes[4 * i], 0f), width);
            boxes[4 * i + 1] = Math.min(Math.max(boxes[4 * i + 1], 0f), height);
            boxes[4 * i + 2] = Math.min(Math.max(boxes[4 * i + 2], 0f), width);
            boxes[4 * i + 3] = Math.min(Math.max(boxes[4 * i + 3], 0f), height);
        }
    }

    /** remove_small_boxes: true where both sides are at least {@code minSize}. */
    static boolean isLargeEnough(float[] boxes, int i, float minSize) {
        return boxes[4 * i + 2] - boxes[4 * i] >= minSize && boxes[4 * i + 3] - boxes[4 * i + 1] >= minSize;
    }

    static float[] flatten(float[][] boxes) {
        float[] out = new float[boxes.length * 4];
        for (int i = 0; i < boxes.length; i++) {
            System.arraycopy(boxes[i], 0, out, 4 * i, 4);
        }
        return out;
    }
}
