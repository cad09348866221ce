package io.automlseg.executor.model;

/**
 * torchvision AnchorGenerator for the FPN: one size per level (32..512), aspect ratios (0.5, 1, 2) as h/w, anchors
 * at {@code (j*stride, i*stride)} offsets (no half-cell shift), ordered level, row, column, anchor.
 */
final class AnchorGenerator {
    static final int[] SIZES = {32, 64, 128, 256, 512};
    static final float[] ASPECT_RATIOS = {0.5f, 1.0f, 2.0f};

    private AnchorGenerator() {}

    static int anchorsPerLocation() {
        return ASPECT_RATIOS.length;
    }

    /** Rounded (half-to-even) zero-centred base anchors of one size, flat {@code [A*4]}. */
    static float[] baseAnchors(int size) {
        int a = ASPECT_RATIOS.length;
        float[] out = new float[4 * a];
        for (int r = 0; r < a; r++) {
            float hRatio = (float) Math.sqrt(ASPECT_RATIOS[r]);
            float wRatio = 1f / hRatio;
            float ws = wRatio * size;
            float hs = hRatio * size;
            out[4 * r] = (float) Math.rint(-ws / 2f);
            out[4 * r + 1] = (float) Math.rint(-hs / 2f);
            out[4 * r + 2] = (float) Math.rint(ws / 2f);
            out[4 * r + 3] = (float) Math.rint(hs / 2f);
        }
        return out;
    }

    /**
     * Anchors of all levels for a padded batch of {@code paddedH x paddedW}.
     *
     * @param featureSizes per level {h, w}
     * @return flat {@code [total*4]}
     */
    static float[] anchors(int paddedH, int paddedW, int[][] featureSizes) {
        int a = ASPECT_RATIOS.length;
        int total = 0;
        for (int[] fs : featureSizes) {
            total += fs[0] * fs[1] * a;
        }
        float[] out = new float[total * 4];
        int o = 0;
        for (int level = 0; level < featureSizes.length; level++) {
            int fh = featureSizes[level][0];
            int fw = featureSizes[level][1];
            int strideH = paddedH / fh;
            int strideW = paddedW / fw;
            float[] base = baseAnchors(SIZES[level]);
            for (int i = 0; i < fh; i++) {
                float sy = i * strideH;
                for (int j = 0; j < fw; j++) {
                    float sx = j * strideW;
                    for (int k = 0; k < a; k++) {
                        out[o++] = sx + base[4 * k];
                        out[o++] = sy + base[4 * k + 1];
                        out[o++] = sx + base[4 * k + 2];
                        out[o++] = sy + base[4 * k + 3];
                    }
                }
            }
        }
        return out;
    }
}
