package io.automlseg.executor.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /**
     * Mask of one annotated object as the reference product builds it from JSONL: each part
     * {@code [x1, y1, ...]} normalised by the image size is scaled to pixels and rasterised with
     * {@link #fromPolygon}; parts are combined by XOR (so overlapping parts cut holes).
     */
    public static Rle fromNormalizedPolygons(List<double[]> parts, int height, int width) {
        List<double[]> pixelParts = new ArrayList<>(parts.size());
        for (double[] part : parts) {
            double[] pixels = new double[part.length];
            for (int i = 0; i + 1 < part.length; i += 2) {
                pixels[i] = part[i] * width;
                pixels[i + 1] = part[i + 1] * height;
            }
            pixelParts.add(pixels);
        }
        return fromPolygons(pixelParts, height, width);
    }

    /** Mask of an object whose parts are in pixel coordinates: each part by {@link #fromPolygon}, XOR-ed. */
    public static Rle fromPolygons(List<double[]> parts, int height, int width) {
        Rle mask = null;
        for (double[] part : parts) {
            Rle rle = fromPolygon(part, height, width);
            mask = mask == null ? rle : xor(mask, rle);
        }
        return mask != null ? mask : new Rle(height, width, new int[] {height * width});
    }

    /**
     * Rasterises one polygon {@code [x1, y1, x2, y2, ...]} in pixel coordinates exactly as pycocotools'
     * {@code rleFrPoly}: vertices upsampled by 5 (C truncation of {@code 5x + 0.5}), edges walked along their longer
     * axis, and the column crossings mapped back to pixel boundaries. Pixel (x, y) spans [x, x + 1] x [y, y + 1].
     */
    public static Rle fromPolygon(double[] xy, int height, int width) {
        if (xy.length % 2 != 0) {
            throw new IllegalArgumentException("polygon has an odd number of coordinates: " + xy.length);
        }
        final double scale = 5;
        int k = xy.length / 2;
        int[] x = new int[k + 1];
        int[] y = new int[k + 1];
        for (int j = 0; j < k; j++) {
            x[j] = (int) (scale * xy[2 * j] + 0.5);
            y[j] = (int) (scale * xy[2 * j + 1] + 0.5);
        }
        if (k > 0) {
            x[k] = x[0];
            y[k] = y[0];
        }
        // Dense boundary points on the upsampled grid.
        int m = 0;
        for (int j = 0; j < k; j++) {
            m += Math.max(Math.abs(x[j] - x[j + 1]), Math.abs(y[j] - y[j + 1])) + 1;
        }
        int[] u = new int[m];
        int[] v = new int[m];
        m = 0;
        for (int j = 0; j < k; j++) {
            int xs = x[j];
            int xe = x[j + 1];
            int ys = y[j];
            int ye = y[j + 1];
            int dx = Math.abs(xe - xs);
            int dy = Math.abs(ys - ye);
            // Walk each edge in increasing major coordinate, but emit points in the edge's own direction.
            boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) {
                int t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            if (dx >= dy) {
                double slope = dx == 0 ? 0 : (double) (ye - ys) / dx;
                for (int d = 0; d <= dx; d++) {
                    int t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = (int) (ys + slope * t + 0.5);
                    m++;
                }
            } else {
                double slope = (double) (xe - xs) / dy;
                for (int d = 0; d <= dy; d++) {
                    int t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = (int) (xs + slope * t + 0.5);
                    m++;
                }
            }
        }
        // Where the boundary crosses a pixel column centre, the first pixel below it toggles.
        long[] toggles = new long[m + 1];
        int n = 0;
        for (int j = 1; j < m; j++) {
            if (u[j] == u[j - 1]) {
                continue;
            }
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = (xd + 0.5) / scale - 0.5;
            if (Math.floor(xd) != xd || xd < 0 || xd > width - 1) {
                continue;
            }
            double yd = Math.min(v[j], v[j - 1]);
            yd = (yd + 0.5) / scale - 0.5;
            if (yd < 0) {
                yd = 0;
            } else if (yd > height) {
                yd = height;
            }
            yd = Math.ceil(yd);
            toggles[n++] = (long) xd * height + (long) yd;
        }
        toggles[n++] = (long) height * width;
        Arrays.sort(toggles, 0, n);
        IntBuffer counts = new IntBuffer(n);
        long previous = 0;
        for (int j = 0; j < n; j++) {
            long t = toggles[j];
            toggles[j] = t - previous;
            previous = t;
        }
        // Two toggles at one pixel cancel: an empty run merges its neighbours.
        int j = 0;
        counts.add((int) toggles[j++]);
        while (j < n) {
            if (toggles[j] > 0) {
                counts.add((int) toggles[j++]);
            } else {
                j++;
                if (j < n) {
                    counts.set(counts.size() - 1, counts.get(counts.size() - 1) + (int) toggles[j++]);
                }
            }
        }
        return new Rle(height, width, counts.toArray());
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

    private int[] box() {
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

    /** Pixels in both masks. */
    public long intersectionArea(Rle other) {
        checkSameSize(other);
        int[] a = counts;
        int[] b = other.counts;
        if (a.length == 0 || b.length == 0) {
            return 0;
        }
        int ia = 0;
        int ib = 0;
        long ra = a[0];
        long rb = b[0];
        boolean va = false;
        boolean vb = false;
        long intersection = 0;
        while (true) {
            long step = Math.min(ra, rb);
            if (va && vb) {
                intersection += step;
            }
            ra -= step;
            rb -= step;
            if (ra == 0) {
                if (++ia == a.length) {
                    break;
                }
                ra = a[ia];
                va = !va;
            }
            if (rb == 0) {
                if (++ib == b.length) {
                    break;
                }
                rb = b[ib];
                vb = !vb;
            }
        }
        return intersection;
    }

    /**
     * Mask IoU of a detection with a ground truth as pycocotools' {@code iou}: intersection over union, or over the
     * detection's area when the ground truth is a crowd region. Pairs whose boxes do not overlap, and empty masks,
     * give 0.
     */
    public static double iou(Rle detection, Rle groundTruth, boolean crowd) {
        detection.checkSameSize(groundTruth);
        int[] d = detection.box();
        int[] g = groundTruth.box();
        // Quick reject on boxes: most pairs in an image do not touch.
        if (d[2] <= g[0] || g[2] <= d[0] || d[3] <= g[1] || g[3] <= d[1]) {
            return 0;
        }
        long intersection = detection.intersectionArea(groundTruth);
        if (intersection == 0) {
            return 0;
        }
        long union = crowd ? detection.area() : detection.area() + groundTruth.area() - intersection;
        return (double) intersection / union;
    }

    /** Union of masks of one size (pycocotools {@code merge} without intersect). */
    public static Rle union(List<Rle> masks) {
        if (masks.isEmpty()) {
            throw new IllegalArgumentException("union of no masks");
        }
        Rle result = masks.get(0);
        for (int i = 1; i < masks.size(); i++) {
            result = combine(result, masks.get(i), false);
        }
        return result;
    }

    /** Symmetric difference, as the reference's mask tools combine the segments of one polygon instance. */
    public static Rle xor(Rle a, Rle b) {
        return combine(a, b, true);
    }

    private static Rle combine(Rle first, Rle second, boolean exclusive) {
        first.checkSameSize(second);
        int[] a = first.counts;
        int[] b = second.counts;
        IntBuffer out = new IntBuffer(Math.max(a.length, b.length) + 2);
        if (a.length == 0 || b.length == 0) {
            return new Rle(first.height, first.width, (a.length == 0 ? b : a).clone());
        }
        int ia = 0;
        int ib = 0;
        long ra = a[0];
        long rb = b[0];
        boolean va = false;
        boolean vb = false;
        boolean current = false;
        long run = 0;
        while (true) {
            long step = Math.min(ra, rb);
            if (step > 0) {
                boolean on = exclusive ? va ^ vb : va | vb;
                if (on != current) {
                    out.add((int) run);
                    run = 0;
                    current = on;
                }
                run += step;
            }
            ra -= step;
            rb -= step;
            boolean endA = false;
            boolean endB = false;
            if (ra == 0) {
                if (++ia == a.length) {
                    endA = true;
                } else {
                    ra = a[ia];
                    va = !va;
                }
            }
            if (rb == 0) {
                if (++ib == b.length) {
                    endB = true;
                } else {
                    rb = b[ib];
                    vb = !vb;
                }
            }
            if (endA || endB) {
                break;
            }
        }
        out.add((int) run);
        return new Rle(first.height, first.width, out.toArray());
    }

    /**
     * The compressed string of pycocotools ({@code rleToString}): each count, from the fourth on as the difference
     * to the count two places earlier, written as 5-bit groups with a continuation bit, offset by '0'.
     */
    public String toCompressedString() {
        StringBuilder s = new StringBuilder(counts.length * 2);
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
                s.append((char) (c + 48));
            }
        }
        return s.toString();
    }

    /** Parses a pycocotools compressed string ({@code rleFrString}). */
    public static Rle fromCompressedString(String s, int height, int width) {
        if (height < 0 || width < 0) {
            throw new IllegalArgumentException("RLE size must not be negative: " + height + "x" + width);
        }
        // One pass: decode, check and sum; the array is trimmed once at the end.
        int[] counts = new int[Math.max(4, s.length())];
        int m = 0;
        long total = 0;
        int p = 0;
        int n = s.length();
        while (p < n) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= n) {
                    throw new IllegalArgumentException("truncated compressed RLE string at character " + p);
                }
                int c = s.charAt(p) - 48;
                if (c < 0 || c > 63) {
                    throw new IllegalArgumentException(
                            "invalid character '" + s.charAt(p) + "' in compressed RLE string at position " + p);
                }
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (m > 2) {
                x += counts[m - 2];
            }
            if (x < 0 || x > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("RLE counts must be non-negative, got " + x);
            }
            counts[m++] = (int) x;
            total += x;
        }
        if (total != (long) height * width) {
            throw new IllegalArgumentException(
                    "RLE counts sum to " + total + " but the mask has " + height + "x" + width + " pixels");
        }
        return new Rle(height, width, Arrays.copyOf(counts, m));
    }

    private void checkSameSize(Rle other) {
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

    /** Growable int array, so encoding does not box. */
    private static final class IntBuffer {
        private int[] data;
        private int size;

        IntBuffer(int capacity) {
            data = new int[Math.max(4, capacity)];
        }

        void add(int value) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = value;
        }

        int get(int i) {
            return data[i];
        }

        void set(int i, int value) {
            data[i] = value;
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
