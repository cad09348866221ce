package io.automlseg.executor.model;

/**
 * Ground truth of one training image, in the original image's pixel coordinates.
 *
 * @param boxes {@code [n][4]} as {@code x1, y1, x2, y2}
 * @param labels {@code [n]} class indices 1..K (0 is background)
 * @param masks {@code [n][height*width]} row-major binary masks (0 or 1)
 */
public record TrainingTarget(float[][] boxes, int[] labels, byte[][] masks) {
    public int size() {
        return labels.length;
    }
}
