package io.automlseg.executor.model;

import java.util.List;

/**
 * GeneralizedRCNNTransform in Java: normalise, resize (bilinear, align_corners=False, no antialias, scale recomputed
 * from the output size), zero-pad the batch bottom/right to a multiple of 32; targets resized alongside (boxes scaled
 * per axis, masks nearest); detections scaled back to the original size.
 */
final class ImageTransform {
    static final int SIZE_DIVISIBLE = 32;

    private ImageTransform() {}

    /** A padded, normalised batch ({@code N x 3 x paddedHeight x paddedWidth}) and each image's resized size. */
    record Batch(float[] pixels, int count, int paddedHeight, int paddedWidth, int[] heights, int[] widths,
                 int[] originalHeights, int[] originalWidths) {}

    /** Resized ground truth of one image: boxes in resized pixels and masks at the resized size. */
    record ResizedTarget(float[][] boxes, int[] labels, byte[][] masks, int height, int width) {}

    /** torchvision's resize scale (float32 arithmetic) for an image of {@code h x w}. */
    static float scale(int h, int w, int minSize, int maxSize) {
        float minSide = Math.min(h, w);
        float maxSide = Math.max(h, w);
        return Math.min((float) minSize / minSide, (float) maxSize / maxSide);
    }

    static int resizedLength(int length, float scale) {
        return (int) Math.floor((double) length * (double) scale);
    }

    static Batch batch(List<InputImage> images, ModelConfig config) {
        int n = images.size();
        int[] heights = new int[n];
        int[] widths = new int[n];
        int[] oh = new int[n];
        int[] ow = new int[n];
        float[][] resized = new float[n][];
        float[] mean = config.imageMean();
        float[] std = config.imageStd();
        int maxH = 0;
        int maxW = 0;
        for (int i = 0; i < n; i++) {
            InputImage image = images.get(i);
            oh[i] = image.height();
            ow[i] = image.width();
            float s = scale(image.height(), image.width(), config.minSize(), config.maxSize());
            heights[i] = resizedLength(image.height(), s);
            widths[i] = resizedLength(image.width(), s);
            float[] normalised = normalise(image.chw(), image.height() * image.width(), mean, std);
            resized[i] = resizeBilinear(normalised, 3, image.height(), image.width(), heights[i], widths[i]);
            maxH = Math.max(maxH, heights[i]);
            maxW = Math.max(maxW, widths[i]);
        }
        int ph = (int) Math.ceil(maxH / (double) SIZE_DIVISIBLE) * SIZE_DIVISIBLE;
        int pw = (int) Math.ceil(maxW / (double) SIZE_DIVISIBLE) * SIZE_DIVISIBLE;
        float[] pixels = new float[n * 3 * ph * pw];
        for (int i = 0; i < n; i++) {
            int h = heights[i];
            int w = widths[i];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(resized[i], (c * h + y) * w, pixels, ((i * 3 + c) * ph + y) * pw, w);
                }
            }
        }
        return new Batch(pixels, n, ph, pw, heights, widths, oh, ow);
    }

    private static float[] normalise(float[] chw, int plane, float[] mean, float[] std) {
        float[] out = new float[chw.length];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                out[c * plane + p] = (chw[c * plane + p] - mean[c]) / std[c];
            }
        }
        return out;
    }

    /** torch upsample_bilinear2d, align_corners=False, no antialias, scale = in/out. */
    static float[] resizeBilinear(float[] src, int channels, int h, int w, int oh, int ow) {
        if (oh == h && ow == w) {
            return src.clone();
        }
        float scaleH = (float) h / oh;
        float scaleW = (float) w / ow;
        int[] y0 = new int[oh];
        int[] y1 = new int[oh];
        float[] ly = new float[oh];
        for (int y = 0; y < oh; y++) {
            float real = Math.max(scaleH * (y + 0.5f) - 0.5f, 0f);
            int lo = Math.min((int) real, h - 1);
            y0[y] = lo;
            y1[y] = lo < h - 1 ? lo + 1 : lo;
            ly[y] = Math.min(Math.max(real - lo, 0f), 1f);
        }
        int[] x0 = new int[ow];
        int[] x1 = new int[ow];
        float[] lx = new float[ow];
        for (int x = 0; x < ow; x++) {
            float real = Math.max(scaleW * (x + 0.5f) - 0.5f, 0f);
            int lo = Math.min((int) real, w - 1);
            x0[x] = lo;
            x1[x] = lo < w - 1 ? lo + 1 : lo;
            lx[x] = Math.min(Math.max(real - lo, 0f), 1f);
        }
        float[] out = new float[channels * oh * ow];
        for (int c = 0; c < channels; c++) {
            int base = c * h * w;
            for (int y = 0; y < oh; y++) {
                int r0 = base + y0[y] * w;
                int r1 = base + y1[y] * w;
                float b = ly[y];
                float a = 1f - b;
                int o = (c * oh + y) * ow;
                for (int x = 0; x < ow; x++) {
                    float d = lx[x];
                    float e = 1f - d;
                    out[o + x] = a * (e * src[r0 + x0[x]] + d * src[r0 + x1[x]])
                            + b * (e * src[r1 + x0[x]] + d * src[r1 + x1[x]]);
                }
            }
        }
        return out;
    }

    /** torch nearest interpolation (legacy 'nearest'): source = min(floor(dst * (in/out)), in-1). */
    static byte[] resizeNearest(byte[] src, int h, int w, int oh, int ow) {
        if (oh == h && ow == w) {
            return src.clone();
        }
        int[] cols = new int[ow];
        for (int x = 0; x < ow; x++) {
            cols[x] = nearestIndex(x, w, ow);
        }
        byte[] out = new byte[oh * ow];
        for (int y = 0; y < oh; y++) {
            int sy = nearestIndex(y, h, oh);
            for (int x = 0; x < ow; x++) {
                out[y * ow + x] = src[sy * w + cols[x]];
            }
        }
        return out;
    }

    private static int nearestIndex(int dst, int in, int out) {
        if (out == in) {
            return dst;
        }
        if (out == 2 * in) {
            return dst >> 1;
        }
        float scale = (float) in / out;
        return Math.min((int) Math.floor(dst * scale), in - 1);
    }

    static ResizedTarget resizeTarget(TrainingTarget target, InputImage image, int height, int width) {
        float ratioH = (float) height / (float) image.height();
        float ratioW = (float) width / (float) image.width();
        int n = target.size();
        float[][] boxes = new float[n][4];
        byte[][] masks = new byte[n][];
        for (int i = 0; i < n; i++) {
            float[] b = target.boxes()[i];
            boxes[i][0] = b[0] * ratioW;
            boxes[i][1] = b[1] * ratioH;
            boxes[i][2] = b[2] * ratioW;
            boxes[i][3] = b[3] * ratioH;
            masks[i] = resizeNearest(target.masks()[i], image.height(), image.width(), height, width);
        }
        return new ResizedTarget(boxes, target.labels().clone(), masks, height, width);
    }

    /** Scales boxes from the resized image back to the original one (in place). */
    static void scaleBoxesBack(float[][] boxes, int resizedH, int resizedW, int originalH, int originalW) {
        float ratioH = (float) originalH / (float) resizedH;
        float ratioW = (float) originalW / (float) resizedW;
        for (float[] b : boxes) {
            b[0] *= ratioW;
            b[1] *= ratioH;
            b[2] *= ratioW;
            b[3] *= ratioH;
        }
    }
}
