package io.automlseg.executor.model;

/** Pastes a 28x28 box-relative mask into the full image, exactly as torchvision's paste_masks_in_image. */
public final class MaskPaster {
    private MaskPaster() {}

    /** Returns row-major {@code height*width} probabilities. */
    public static float[] paste(float[] mask28, float[] box, int height, int width) {
        throw new UnsupportedOperationException("written by the model work");
    }
}
