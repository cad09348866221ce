package io.automlseg.executor.model;

/**
 * An image as the model takes it: RGB, channel-major ({@code [3][height][width]} flattened), values in [0, 1],
 * at its original size. Resizing and normalisation happen inside the model, as in torchvision.
 */
public record InputImage(float[] chw, int height, int width) {
    public InputImage {
        if (chw.length != 3L * height * width) {
            throw new IllegalArgumentException("pixel array has " + chw.length + " values, expected 3x" + height + "x" + width);
        }
    }
}
