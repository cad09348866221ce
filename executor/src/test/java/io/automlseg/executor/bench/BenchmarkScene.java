package io.automlseg.executor.bench;

import io.automlseg.executor.model.InputImage;
import io.automlseg.executor.model.TrainingTarget;

/**
 * The speed benchmark's input, defined by formulas so that {@code scripts/bench/torchvision_speed.py} builds exactly
 * the same images and targets without sharing a random generator: pixel values are a multiplicative hash of
 * (image, channel, row, column) in [0, 1), and image {@code i} holds {@code objects} ellipses with boxes
 * {@code x1 = 24 + 64j + 16i}, {@code y1 = 32 + 56j + 8i}, width {@code 48 + 16j}, height {@code 40 + 20j} (scaled to
 * the image side / 256) and label {@code 1 + (3i + j) mod (classes - 1)}.
 */
public final class BenchmarkScene {
    private BenchmarkScene() {}

    /** Pixel value of image {@code i}, channel {@code c}, row {@code y}, column {@code x}. */
    static float pixel(int i, int c, int y, int x) {
        long h = ((long) x * 7 + (long) y * 13 + (long) c * 29 + (long) i * 31) * 2654435761L & 0xffffffffL;
        return (float) (h / 4294967296.0);
    }

    public static InputImage image(int i, int size) {
        float[] chw = new float[3 * size * size];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    chw[(c * size + y) * size + x] = pixel(i, c, y, x);
                }
            }
        }
        return new InputImage(chw, size, size);
    }

    /** Box {@code [x1, y1, x2, y2]} of object {@code j} of image {@code i}. */
    static int[] box(int i, int j, int size) {
        double s = size / 256.0;
        int x1 = (int) Math.floor((24 + 64 * j + 16 * i) * s);
        int y1 = (int) Math.floor((32 + 56 * j + 8 * i) * s);
        int x2 = Math.min(size, x1 + (int) Math.floor((48 + 16 * j) * s));
        int y2 = Math.min(size, y1 + (int) Math.floor((40 + 20 * j) * s));
        return new int[] {x1, y1, x2, y2};
    }

    public static TrainingTarget target(int i, int size, int objects, int classes) {
        float[][] boxes = new float[objects][];
        int[] labels = new int[objects];
        byte[][] masks = new byte[objects][];
        for (int j = 0; j < objects; j++) {
            int[] b = box(i, j, size);
            boxes[j] = new float[] {b[0], b[1], b[2], b[3]};
            labels[j] = 1 + (3 * i + j) % (classes - 1);
            byte[] mask = new byte[size * size];
            double cx = (b[0] + b[2]) / 2.0;
            double cy = (b[1] + b[3]) / 2.0;
            double rx = (b[2] - b[0]) / 2.0;
            double ry = (b[3] - b[1]) / 2.0;
            for (int y = b[1]; y < b[3]; y++) {
                for (int x = b[0]; x < b[2]; x++) {
                    double dx = (x + 0.5 - cx) / rx;
                    double dy = (y + 0.5 - cy) / ry;
                    if (dx * dx + dy * dy <= 1) {
                        mask[y * size + x] = 1;
                    }
                }
            }
            masks[j] = mask;
        }
        return new TrainingTarget(boxes, labels, masks);
    }
}
