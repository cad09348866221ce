package io.automlseg.executor.mask;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** Binary masks as row-major {@code boolean[width * height]}: connected parts, holes, pixel counts. */
public final class BinaryMasks {
    private BinaryMasks() {}

    /** The mask as row-major 0/1 bytes, the form {@link Rle#encode(byte[], int, int)} and {@link MaskPolygons} take. */
    public static byte[] toBytes(boolean[] mask) {
        byte[] bytes = new byte[mask.length];
        for (int i = 0; i < mask.length; i++) {
            bytes[i] = mask[i] ? (byte) 1 : (byte) 0;
        }
        return bytes;
    }

    private static final int[] DX = {1, 0, -1, 0};
    private static final int[] DY = {0, 1, 0, -1};

    /** The 4-connected components of a mask, in the order their first pixel appears (row-major). */
    public static List<boolean[]> components(boolean[] mask, int width, int height) {
        int[] label = new int[mask.length];
        List<boolean[]> parts = new ArrayList<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || label[start] != 0) {
                continue;
            }
            boolean[] part = new boolean[mask.length];
            parts.add(part);
            label[start] = parts.size();
            queue.add(start);
            while (!queue.isEmpty()) {
                int p = queue.poll();
                part[p] = true;
                int x = p % width, y = p / width;
                for (int d = 0; d < 4; d++) {
                    int nx = x + DX[d], ny = y + DY[d];
                    if (nx >= 0 && ny >= 0 && nx < width && ny < height) {
                        int q = ny * width + nx;
                        if (mask[q] && label[q] == 0) {
                            label[q] = parts.size();
                            queue.add(q);
                        }
                    }
                }
            }
        }
        return parts;
    }

    /** Whether some background pixel is enclosed by the mask (not reachable from the image border). */
    public static boolean hasHoles(boolean[] mask, int width, int height) {
        boolean[] outside = outside(mask, width, height);
        for (int i = 0; i < mask.length; i++) {
            if (!mask[i] && !outside[i]) {
                return true;
            }
        }
        return false;
    }

    /** Number of foreground pixels. */
    public static int count(boolean[] mask) {
        int n = 0;
        for (boolean b : mask) {
            if (b) {
                n++;
            }
        }
        return n;
    }

    /** Background reachable from the border; 8-connected, the dual of 4-connected parts. */
    private static boolean[] outside(boolean[] mask, int width, int height) {
        boolean[] seen = new boolean[mask.length];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int x = 0; x < width; x++) {
            seed(mask, seen, queue, x);
            seed(mask, seen, queue, (height - 1) * width + x);
        }
        for (int y = 0; y < height; y++) {
            seed(mask, seen, queue, y * width);
            seed(mask, seen, queue, y * width + width - 1);
        }
        while (!queue.isEmpty()) {
            int p = queue.poll();
            int x = p % width, y = p / width;
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    int nx = x + dx, ny = y + dy;
                    if (nx >= 0 && ny >= 0 && nx < width && ny < height) {
                        seed(mask, seen, queue, ny * width + nx);
                    }
                }
            }
        }
        return seen;
    }

    private static void seed(boolean[] mask, boolean[] seen, ArrayDeque<Integer> queue, int p) {
        if (!mask[p] && !seen[p]) {
            seen[p] = true;
            queue.add(p);
        }
    }
}
