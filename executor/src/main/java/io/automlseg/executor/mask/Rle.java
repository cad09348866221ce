package io.automlseg.executor.mask;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * A binary mask as COCO run-length encoding: run lengths over the pixels in column-major order (index
 * {@code x * height + y}), alternating background/foreground and starting with a (possibly empty) background run.
 * Semantics follow pycocotools' maskApi so areas, boxes, IoUs and compressed strings agree with the reference
 * evaluator bit for bit. Immutable; area and box are computed once on demand.
 */
public final class Rle {
    private final int height;
    private final int width;
    private final int[] counts;
    private volatile long area = -1;
    private volatile int[] box; // xs, ys, xe (exclusive), ye (exclusive) of foreground, all 0 when empty

    private Rle(int height, int width, int[] counts) {
        this.height = height;
        this.width = width;
        this.counts = counts;
    }

    /** Wraps uncompressed counts as found in COCO {@code {"size": [h, w], "counts": [...]}}. */
    public static Rle ofCounts(int height, int width, int[] counts) {
        long total = 0;
        for (int c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("RLE counts must be non-negative, got " + c);
            }
            total += c;
        }
        if (total != (long) height * width) {
            throw new IllegalArgumentException(
                    "RLE counts sum to " + total + " but the mask has " + height + "x" + width + " pixels");
        }
        return new Rle(height, width, counts.clone());
    }

    /** Encodes a row-major mask ({@code mask[y * width + x]}, nonzero = foreground). */
    public static Rle encode(byte[] mask, int height, int width) {
        checkSize(mask.length, height, width);
        return encode(p -> mask[p] != 0, height, width);
    }

    /** Encodes row-major probabilities, foreground where the value is strictly above {@code threshold}. */
    public static Rle encode(float[] probabilities, int height, int width, float threshold) {
        checkSize(probabilities.length, height, width);
        return encode(p -> probabilities[p] > threshold, height, width);
    }

    /** Encodes the row-major pixels {@code p} (index {@code y * width + x}) for which {@code foreground} holds. */
    private static Rle encode(IntPredicate foreground, int height, int width) {
        int pixels = height * width;
        IntBuffer runs = new IntBuffer(16);
        boolean current = false;
        int run = 0;
        for (int x = 0; x < width; x++) {
            for (int p = x; p < pixels; p += width) {
                boolean on = foreground.test(p);
                if (on != current) {
                    runs.add(run);
                    run = 0;
                    current = on;
                }
                run++;
            }
        }
        runs.add(run);
        return new Rle(height, width, runs.toArray());
    }

    private static void checkSize(int length, int height, int width) {
        if (height < 0 || width < 0 || length != (long) height * width) {
            throw new IllegalArgumentException(
                    "mask has " + length + " values but the image is " + height + "x" + width);
        }
    }

    /** The row-major 0/1 mask. */
    public byte[] decode() {
        byte[] mask = new byte[height * width];
        int position = 0;
        for (int i = 0; i < counts.length; i++) {
            int end = position + counts[i];
            if ((i & 1) == 1 && end > position) {
                // Walk down the columns without a division per pixel.
                int x = position / height;
                int y = position - x * height;
                for (int k = position; k < end; k++) {
                    mask[y * width + x] = 1;
                    if (++y == height) {
                        y = 0;
                        x++;
                    }
                }
            }
            position = end;
        }
        return mask;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** A copy of the run lengths. */
    public int[] counts() {
        return counts.clone();
    }

    /** Number of foreground pixels. */
    public long area() {
        if (area < 0) {
            long sum = 0;
            for (int i = 1; i < counts.length; i += 2) {
                sum += counts[i];
            }
            area = sum;
        }
        return area;
    }

    /**
     * Box {@code [x, y, w, h]} of the foreground as pycocotools' {@code toBbox}: a run spanning several columns
     * widens the box to the full image height; an empty mask gives zeros.
     */
    public double[] toBbox() {
        int[] b = box();
        return new double[] {b[0], b[1], b[2] - b[0], b[3] - b[1]};
    }

    /** xs, ys, xe, ye (exclusive) of the foreground, as {@link RleOverlap#iou} rejects non-touching pairs. */
    int[] box() {
        if (box == null) {
            box = computeBox();
        }
        return box;
    }

    private int[] computeBox() {
        int m = (counts.length / 2) * 2; // a trailing background run does not matter
        if (m == 0 || height == 0) {
            return new int[4];
        }
        long xs = width;
        long ys = height;
        long xe = 0;
        long ye = 0;
        long position = 0;
        long runStartColumn = 0;
        for (int j = 0; j < m; j++) {
            position += counts[j];
            // Pixel just before the boundary for foreground ends (j odd), the first foreground pixel otherwise.
            long t = position - (j & 1);
            long y = t % height;
            long x = (t - y) / height;
            if ((j & 1) == 0) {
                runStartColumn = x;
            } else if (runStartColumn < x) {
                ys = 0;
                ye = height - 1;
            }
            xs = Math.min(xs, x);
            xe = Math.max(xe, x);
            ys = Math.min(ys, y);
            ye = Math.max(ye, y);
        }
        return new int[] {(int) xs, (int) ys, (int) xe + 1, (int) ye + 1};
    }

    void checkSameSize(Rle other) {
        if (height != other.height || width != other.width) {
            throw new IllegalArgumentException("masks of different sizes: " + height + "x" + width + " and "
                    + other.height + "x" + other.width);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rle r && r.height == height && r.width == width && Arrays.equals(r.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * height + width) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Rle[" + height + "x" + width + ", area " + area() + "]";
    }

    /** Pixels in both masks; see {@link RleOverlap#intersectionArea}. */
    public long intersectionArea(Rle other) {
        return RleOverlap.intersectionArea(this, other);
    }

    /** The compressed string of pycocotools; see {@link RleCodec#toCompressedString}. */
    public String toCompressedString() {
        return RleCodec.toCompressedString(this);
    }

    /** The run lengths themselves, for this package's codecs and set operations: callers must not change them. */
    int[] runs() {
        return counts;
    }

    /** A mask from run lengths already known to be valid (non-negative, summing to the pixel count). */
    static Rle ofValidCounts(int height, int width, int[] counts) {
        return new Rle(height, width, counts);
    }
}
