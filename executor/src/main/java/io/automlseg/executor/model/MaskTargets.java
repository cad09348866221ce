package io.automlseg.executor.model;

/**
 * Mask targets as torchvision's project_masks_on_boxes: roi_align (aligned=False, adaptive sampling, scale 1) of the
 * matched ground-truth mask (at resized-image resolution) inside each positive proposal, to 28x28 soft values.
 */
final class MaskTargets {
    static final int SIZE = 28;

    private MaskTargets() {}

    static float[] target(byte[] mask, int height, int width, float[] proposal) {
        return RoIAlign.alignSingle(mask, height, width, proposal, 1f, SIZE, -1);
    }
}
