package io.automlseg.executor.data;

import java.util.Arrays;
import java.util.List;

/**
 * Run-length encoded binary masks in pycocotools' layout, so masks and areas agree with the COCO evaluator: runs over
 * the image in column-major order (pixel index {@code x * height + y}), the first run counting zeros, then alternating.
 * Counts here are canonical: no zero-length run except possibly the first.
 */
public final class Rle {
    private Rle() {}

    /** Number of foreground pixels (sum of the odd runs). */
    public static long area(int[] counts) {
        long a = 0;
        for (int i = 1; i < counts.length; i += 2) {
            a += counts[i];
        }
        return a;
    }

    /** Row-major {@code height*width} mask of 0/1 bytes. */
    public static byte[] toMask(int[] counts, int height, int width) {
        byte[] mask = new byte[height * width];
        long pos = 0;
        for (int i = 0; i < counts.length; i++) {
            long end = pos + counts[i];
            if (end > (long) height * width) {
                throw new IllegalArgumentException("RLE counts cover " + end + " pixels, more than " + height + "x" + width);
            }
            if ((i & 1) == 1 && end > pos) {
                // walk down the columns without a division per pixel
                int x = (int) (pos / height);
                int y = (int) (pos % height);
                for (long p = pos; p < end; p++) {
                    mask[y * width + x] = 1;
                    if (++y == height) {
                        y = 0;
                        x++;
                    }
                }
            }
            pos = end;
        }
        return mask;
    }

    /** Encodes a row-major mask (any non-zero byte is foreground). */
    public static int[] fromMask(byte[] rowMajor, int height, int width) {
        if (rowMajor.length != height * width) {
            throw new IllegalArgumentException("mask has " + rowMajor.length + " pixels, expected " + height + "x" + width);
        }
        IntList runs = new IntList();
        boolean current = false;
        int run = 0;
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                boolean on = rowMajor[y * width + x] != 0;
                if (on != current) {
                    runs.add(run);
                    run = 0;
                    current = on;
                }
                run++;
            }
        }
        runs.add(run);
        return runs.toArray();
    }

    /** Union of masks of the same size (pycocotools {@code merge} with intersect=0). */
    public static int[] union(List<int[]> rles, int height, int width) {
        if (rles.size() == 1) {
            return rles.get(0).clone();
        }
        byte[] acc = new byte[height * width];
        for (int[] r : rles) {
            byte[] m = toMask(r, height, width);
            for (int i = 0; i < acc.length; i++) {
                acc[i] |= m[i];
            }
        }
        return fromMask(acc, height, width);
    }

    /** Bounding box {@code [x, y, w, h]} of the foreground as pycocotools' toBbox (w = xe - xs + 1); zeros if empty. */
    public static double[] bbox(int[] counts, int height) {
        long pos = 0;
        long xs = Long.MAX_VALUE, ys = Long.MAX_VALUE, xe = -1, ye = -1;
        for (int i = 0; i < counts.length; i++) {
            long end = pos + counts[i];
            if ((i & 1) == 1 && counts[i] > 0) {
                long x0 = pos / height, y0 = pos % height;
                long x1 = (end - 1) / height, y1 = (end - 1) % height;
                xs = Math.min(xs, x0);
                xe = Math.max(xe, x1);
                if (x0 != x1) {
                    // the run wraps over a column boundary, so it covers the full height somewhere
                    ys = 0;
                    ye = height - 1;
                } else {
                    ys = Math.min(ys, y0);
                    ye = Math.max(ye, y1);
                }
            }
            pos = end;
        }
        if (xe < 0) {
            return new double[4];
        }
        return new double[] {xs, ys, xe - xs + 1, ye - ys + 1};
    }

    /** pycocotools' compressed string form (LEB128-like, 5 bits per char, deltas against the count two back). */
    public static String toCompressedString(int[] counts) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < counts.length; i++) {
            long x = counts[i];
            if (i > 2) {
                x -= counts[i - 2];
            }
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                sb.append((char) (c + 48));
            }
        }
        return sb.toString();
    }

    public static int[] fromCompressedString(String s) {
        IntList counts = new IntList();
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= s.length()) {
                    throw new IllegalArgumentException("truncated RLE string");
                }
                int c = s.charAt(p) - 48;
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (counts.size() > 2) {
                x += counts.get(counts.size() - 2);
            }
            counts.add((int) x);
        }
        return counts.toArray();
    }

    /** Growable int array, to avoid boxing in the run loops. */
    static final class IntList {
        private int[] values = new int[16];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int get(int i) {
            return values[i];
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
