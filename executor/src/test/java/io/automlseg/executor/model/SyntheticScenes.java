package io.automlseg.executor.model;

import java.util.Random;

/** Tiny synthetic instance-segmentation images: bright rectangles and disks on dark noise. */
final class SyntheticScenes {
    private SyntheticScenes() {}

    record Scene(InputImage image, TrainingTarget target) {}

    /**
     * @param objects list of {kind(0 rect, 1 disk), x1, y1, x2, y2, label}
     */
    static Scene scene(int height, int width, int[][] objects, long seed) {
        Random rng = new Random(seed);
        float[] chw = new float[3 * height * width];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = 0.1f + 0.1f * rng.nextFloat();
        }
        float[][] boxes = new float[objects.length][];
        int[] labels = new int[objects.length];
        byte[][] masks = new byte[objects.length][];
        float[][] colours = {{0.9f, 0.2f, 0.2f}, {0.2f, 0.9f, 0.3f}, {0.3f, 0.4f, 0.95f}};
        for (int o = 0; o < objects.length; o++) {
            int[] ob = objects[o];
            int x1 = ob[1], y1 = ob[2], x2 = ob[3], y2 = ob[4];
            byte[] mask = new byte[height * width];
            float cx = (x1 + x2) / 2f, cy = (y1 + y2) / 2f, rx = (x2 - x1) / 2f, ry = (y2 - y1) / 2f;
            int minX = width, minY = height, maxX = -1, maxY = -1;
            for (int y = y1; y < y2; y++) {
                for (int x = x1; x < x2; x++) {
                    boolean inside = ob[0] == 0
                            || Math.pow((x + 0.5 - cx) / rx, 2) + Math.pow((y + 0.5 - cy) / ry, 2) <= 1;
                    if (inside) {
                        mask[y * width + x] = 1;
                        float[] c = colours[(ob[5] - 1) % colours.length];
                        for (int ch = 0; ch < 3; ch++) {
                            chw[(ch * height + y) * width + x] = c[ch] + 0.05f * rng.nextFloat();
                        }
                        minX = Math.min(minX, x);
                        minY = Math.min(minY, y);
                        maxX = Math.max(maxX, x);
                        maxY = Math.max(maxY, y);
                    }
                }
            }
            boxes[o] = new float[] {minX, minY, maxX + 1, maxY + 1};
            labels[o] = ob[5];
            masks[o] = mask;
        }
        return new Scene(new InputImage(chw, height, width), new TrainingTarget(boxes, labels, masks));
    }
}
