package io.automlseg.executor.model;

/**
 * What the model found in one image, in that image's original pixel coordinates, best score first.
 *
 * @param boxes {@code [n][4]} as {@code x1, y1, x2, y2}
 * @param labels {@code [n]} class indices 1..K
 * @param scores {@code [n]} class scores
 * @param masks {@code [n][28*28]} mask probabilities of the predicted class, in box coordinates
 * @param imageHeight original image height
 * @param imageWidth original image width
 */
public record Detections(float[][] boxes, int[] labels, float[] scores, float[][] masks, int imageHeight, int imageWidth) {

    public int size() {
        return labels.length;
    }

    /** Probability mask of detection {@code i} pasted into the full image, row-major {@code height*width}. */
    public float[] pastedMask(int i) {
        return MaskPaster.paste(masks[i], boxes[i], imageHeight, imageWidth);
    }

    /** Binary mask of detection {@code i} at image size: pixels with probability above {@code threshold}. */
    public byte[] binaryMask(int i, float threshold) {
        float[] probabilities = pastedMask(i);
        byte[] mask = new byte[probabilities.length];
        for (int p = 0; p < probabilities.length; p++) {
            mask[p] = probabilities[p] > threshold ? (byte) 1 : (byte) 0;
        }
        return mask;
    }
}
