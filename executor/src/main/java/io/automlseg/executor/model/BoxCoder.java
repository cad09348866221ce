package io.automlseg.executor.model;

/**
 * torchvision BoxCoder: encodes ground-truth boxes relative to reference boxes as weighted (dx, dy, dw, dh) and
 * decodes predicted deltas, clamping dw/dh at log(1000/16). Float32 arithmetic like the torch version.
 */
final class BoxCoder {
    static final float CLAMP = (float) Math.log(1000.0 / 16);

    private final float wx;
    private final float wy;
    private final float ww;
    private final float wh;

    BoxCoder(float wx, float wy, float ww, float wh) {
        this.wx = wx;
        this.wy = wy;
        this.ww = ww;
        this.wh = wh;
    }

    /** Targets for boxes {@code gt[gtIndex[i]]} against {@code reference[refIndex[i]]}, flat {@code [n*4]}. */
    float[] encode(float[] gt, int[] gtIndex, float[] reference, int[] refIndex) {
        int n = gtIndex.length;
        float[] out = new float[4 * n];
        for (int i = 0; i < n; i++) {
            int r = 4 * refIndex[i];
            int g = 4 * gtIndex[i];
            float pw = reference[r + 2] - reference[r];
            float ph = reference[r + 3] - reference[r + 1];
            float pcx = reference[r] + 0.5f * pw;
            float pcy = reference[r + 1] + 0.5f * ph;
            float gw = gt[g + 2] - gt[g];
            float gh = gt[g + 3] - gt[g + 1];
            float gcx = gt[g] + 0.5f * gw;
            float gcy = gt[g + 1] + 0.5f * gh;
            out[4 * i] = wx * (gcx - pcx) / pw;
            out[4 * i + 1] = wy * (gcy - pcy) / ph;
            out[4 * i + 2] = ww * (float) Math.log(gw / pw);
            out[4 * i + 3] = wh * (float) Math.log(gh / ph);
        }
        return out;
    }

    /** Decodes {@code deltas[d*4..]} against {@code reference[r*4..]} into {@code out[o*4..]}. */
    void decode(float[] deltas, int d, float[] reference, int r, float[] out, int o) {
        float width = reference[4 * r + 2] - reference[4 * r];
        float height = reference[4 * r + 3] - reference[4 * r + 1];
        float cx = reference[4 * r] + 0.5f * width;
        float cy = reference[4 * r + 1] + 0.5f * height;
        float dx = deltas[4 * d] / wx;
        float dy = deltas[4 * d + 1] / wy;
        float dw = Math.min(deltas[4 * d + 2] / ww, CLAMP);
        float dh = Math.min(deltas[4 * d + 3] / wh, CLAMP);
        float pcx = dx * width + cx;
        float pcy = dy * height + cy;
        float pw = (float) Math.exp(dw) * width;
        float ph = (float) Math.exp(dh) * height;
        float halfW = 0.5f * pw;
        float halfH = 0.5f * ph;
        out[4 * o] = pcx - halfW;
        out[4 * o + 1] = pcy - halfH;
        out[4 * o + 2] = pcx + halfW;
        out[4 * o + 3] = pcy + halfH;
    }
}
