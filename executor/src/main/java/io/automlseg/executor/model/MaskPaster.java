package io.automlseg.executor.model;

/**
 * Pastes a 28x28 box-relative mask into the full image, exactly as torchvision's paste_masks_in_image (padding 1):
 * the mask is zero-padded to 30x30, the box enlarged about its centre by 30/28 and truncated to integers, the mask
 * resized bilinearly (align_corners=False) to the box size and copied into a zero canvas.
 */
public final class MaskPaster {
    private static final int PADDING = 1;

    private MaskPaster() {}

    /** Returns row-major {@code height*width} probabilities. */
    public static float[] paste(float[] mask, float[] box, int height, int width) {
        int m = (int) Math.round(Math.sqrt(mask.length));
        if (m * m != mask.length) {
            throw new IllegalArgumentException("mask must be square, got " + mask.length + " values");
        }
        int padded = m + 2 * PADDING;
        float[] paddedMask = new float[padded * padded];
        for (int y = 0; y < m; y++) {
            System.arraycopy(mask, y * m, paddedMask, (y + PADDING) * padded + PADDING, m);
        }
        float scale = (float) ((double) padded / m);
        float wHalf = (box[2] - box[0]) * 0.5f;
        float hHalf = (box[3] - box[1]) * 0.5f;
        float xc = (box[2] + box[0]) * 0.5f;
        float yc = (box[3] + box[1]) * 0.5f;
        wHalf *= scale;
        hHalf *= scale;
        // .to(torch.int64) truncates toward zero
        long x0 = (long) (xc - wHalf);
        long y0 = (long) (yc - hHalf);
        long x1 = (long) (xc + wHalf);
        long y1 = (long) (yc + hHalf);
        int w = (int) Math.max(x1 - x0 + 1, 1);
        int h = (int) Math.max(y1 - y0 + 1, 1);
        float[] resized = ImageTransform.resizeBilinear(paddedMask, 1, padded, padded, h, w);
        float[] canvas = new float[height * width];
        long cx0 = Math.max(x0, 0);
        long cx1 = Math.min(x1 + 1, width);
        long cy0 = Math.max(y0, 0);
        long cy1 = Math.min(y1 + 1, height);
        for (long y = cy0; y < cy1; y++) {
            for (long x = cx0; x < cx1; x++) {
                canvas[(int) (y * width + x)] = resized[(int) ((y - y0) * w + (x - x0))];
            }
        }
        return canvas;
    }
}
