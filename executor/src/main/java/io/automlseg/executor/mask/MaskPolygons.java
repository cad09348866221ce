package io.automlseg.executor.mask;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Mask to polygons as the reference product writes predictions: binarise, pad by one pixel, trace iso-contours at
 * 0.5 by marching squares (the segment table, scan order and joining rules of scikit-image's
 * {@code find_contours} with its defaults), simplify each contour with Ramer–Douglas–Peucker at tolerance 0, 1,
 * 2, ... (at most 25 rounds, tolerance 0 changes nothing) while it has more points than allowed, round coordinates
 * up to whole pixels, undo the padding and divide by the image width/height. Every contour becomes its own polygon
 * (holes and separate blobs included); contours of fewer than three points are dropped.
 *
 * <p>Output polygons are flat {@code [x1, y1, x2, y2, ...]} in [0, 1]; traced contours are closed, so the last
 * point repeats the first, as in the reference output.
 */
public final class MaskPolygons {
    public static final int DEFAULT_MAX_POINTS = 100;
    public static final float DEFAULT_PIXEL_SCORE_THRESHOLD = 0.5f;
    static final int MAX_SIMPLIFICATION_ROUNDS = 25;
    private static final int PADDING = 1;

    private MaskPolygons() {}

    /** Polygons of a row-major probability mask, pixels strictly above {@code threshold} being the object. */
    public static List<double[]> fromProbabilities(float[] probabilities, int height, int width, float threshold,
                                                   int maxPoints) {
        checkSize(probabilities.length, height, width);
        byte[] mask = new byte[probabilities.length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = probabilities[i] > threshold ? (byte) 1 : (byte) 0;
        }
        return fromMask(mask, height, width, maxPoints);
    }

    /** Polygons of a row-major byte mask (nonzero = object) with at most 100 points each where possible. */
    public static List<double[]> fromMask(byte[] mask, int height, int width) {
        return fromMask(mask, height, width, DEFAULT_MAX_POINTS);
    }

    /**
     * Polygons of a row-major byte mask (nonzero = object). {@code maxPoints} is the point budget per polygon
     * ({@code max_number_of_polygon_points}); 0 or less disables simplification.
     */
    public static List<double[]> fromMask(byte[] mask, int height, int width, int maxPoints) {
        List<double[]> polygons = pixelPolygons(mask, height, width, maxPoints);
        for (double[] polygon : polygons) {
            for (int i = 0; i < polygon.length; i += 2) {
                polygon[i] /= width;
                polygon[i + 1] /= height;
            }
        }
        return polygons;
    }

    /**
     * The same polygons before normalisation: flat {@code [x1, y1, ...]} in pixels, where pixel (x, y) spans
     * [x, x + 1] x [y, y + 1]. Coordinates are whole numbers.
     */
    public static List<double[]> pixelPolygons(byte[] mask, int height, int width, int maxPoints) {
        checkSize(mask.length, height, width);
        List<double[]> polygons = new ArrayList<>();
        for (double[] contour : traceContours(mask, height, width)) {
            double[] points = contour;
            if (maxPoints > 0) {
                for (int round = 0; points.length / 2 > maxPoints && round < MAX_SIMPLIFICATION_ROUNDS; round++) {
                    points = simplify(points, round);
                }
            }
            if (points.length < 6) {
                continue;
            }
            double[] polygon = new double[points.length];
            for (int i = 0; i < points.length; i += 2) {
                // Contour points are (row, col) in padded coordinates.
                polygon[i] = Math.ceil(points[i + 1]) - PADDING;
                polygon[i + 1] = Math.ceil(points[i]) - PADDING;
            }
            polygons.add(polygon);
        }
        return polygons;
    }

    private static void checkSize(int length, int height, int width) {
        if (height < 1 || width < 1 || length != (long) height * width) {
            throw new IllegalArgumentException(
                    "mask has " + length + " values but the image is " + height + "x" + width);
        }
    }

    /**
     * Iso-contours at 0.5 of the mask padded by one background pixel, each as flat {@code [row, col, ...]} in padded
     * coordinates, in the order scikit-image returns them.
     */
    static List<double[]> traceContours(byte[] mask, int height, int width) {
        int rowMin = height;
        int rowMax = -1;
        int colMin = width;
        int colMax = -1;
        for (int y = 0; y < height; y++) {
            int base = y * width;
            for (int x = 0; x < width; x++) {
                if (mask[base + x] != 0) {
                    rowMin = Math.min(rowMin, y);
                    rowMax = y;
                    colMin = Math.min(colMin, x);
                    colMax = Math.max(colMax, x);
                }
            }
        }
        if (rowMax < 0) {
            return List.of();
        }
        // Only squares touching a foreground pixel have segments; scanning just those keeps the row-major order.
        // With padding, padded pixel (r, c) is mask pixel (r - 1, c - 1), and a square at (r0, c0) touches padded
        // rows r0, r0 + 1: so r0 runs over [rowMin, rowMax + 1] and likewise for columns.
        // Window of the padded grid holding those squares' corners: padded rows rowMin..rowMax+2, same for columns.
        int rows = rowMax - rowMin + 3;
        int stride = colMax - colMin + 3;
        byte[] window = new byte[rows * stride];
        for (int y = rowMin; y <= rowMax; y++) {
            int source = y * width + colMin;
            int target = (y - rowMin + 1) * stride + 1;
            for (int i = 0; i <= colMax - colMin; i++) {
                window[target + i] = mask[source + i] != 0 ? (byte) 1 : (byte) 0;
            }
        }
        Assembler assembler = new Assembler();
        for (int wr = 0; wr < rows - 1; wr++) {
            int r0 = wr + rowMin;
            int upper = wr * stride;
            int lower = upper + stride;
            for (int wc = 0; wc < stride - 1; wc++) {
                int squareCase = window[upper + wc] | window[upper + wc + 1] << 1
                        | window[lower + wc] << 2 | window[lower + wc + 1] << 3;
                if (squareCase == 0 || squareCase == 15) {
                    continue;
                }
                int c0 = wc + colMin;
                // Binary values cut every crossed edge at its middle: points are kept in doubled coordinates.
                long top = key(2 * r0, 2 * c0 + 1);
                long bottom = key(2 * r0 + 2, 2 * c0 + 1);
                long left = key(2 * r0 + 1, 2 * c0);
                long right = key(2 * r0 + 1, 2 * c0 + 2);
                switch (squareCase) {
                    case 1 -> assembler.add(top, left);
                    case 2 -> assembler.add(right, top);
                    case 3 -> assembler.add(right, left);
                    case 4 -> assembler.add(left, bottom);
                    case 5 -> assembler.add(top, bottom);
                    case 6 -> { // low values connected: lines like '\'
                        assembler.add(right, top);
                        assembler.add(left, bottom);
                    }
                    case 7 -> assembler.add(right, bottom);
                    case 8 -> assembler.add(bottom, right);
                    case 9 -> { // low values connected: lines like '/'
                        assembler.add(top, left);
                        assembler.add(bottom, right);
                    }
                    case 10 -> assembler.add(bottom, top);
                    case 11 -> assembler.add(bottom, left);
                    case 12 -> assembler.add(left, right);
                    case 13 -> assembler.add(top, right);
                    case 14 -> assembler.add(left, top);
                    default -> throw new IllegalStateException("square case " + squareCase);
                }
            }
        }
        return assembler.contours();
    }

    private static long key(int doubledRow, int doubledCol) {
        return ((long) doubledRow << 32) | (doubledCol & 0xffffffffL);
    }

    /**
     * Ramer–Douglas–Peucker on flat {@code [a, b, ...]} points as the reference's simplification library does it:
     * tolerance 0 or less returns the points unchanged; the split point is the farthest from the segment joining the
     * ends (point-to-segment distance, the later point on ties) and is kept when strictly farther than
     * {@code epsilon}. Also used on pixel polygons by data generators that want a finer tolerance than the rounds.
     */
    public static double[] simplify(double[] points, double epsilon) {
        int n = points.length / 2;
        if (epsilon <= 0 || n < 3) {
            return points;
        }
        boolean[] keep = new boolean[n];
        keep[0] = true;
        keep[n - 1] = true;
        int[] stack = new int[2 * n];
        int top = 0;
        stack[top++] = 0;
        stack[top++] = n - 1;
        while (top > 0) {
            int last = stack[--top];
            int first = stack[--top];
            if (last - first < 2) {
                continue;
            }
            int farthest = first;
            double farthestDistance = 0;
            for (int i = first + 1; i < last; i++) {
                double d = segmentDistance(points, i, first, last);
                if (d >= farthestDistance) {
                    farthest = i;
                    farthestDistance = d;
                }
            }
            if (farthestDistance > epsilon) {
                keep[farthest] = true;
                stack[top++] = first;
                stack[top++] = farthest;
                stack[top++] = farthest;
                stack[top++] = last;
            }
        }
        int kept = 0;
        for (boolean k : keep) {
            if (k) {
                kept++;
            }
        }
        double[] out = new double[2 * kept];
        int o = 0;
        for (int i = 0; i < n; i++) {
            if (keep[i]) {
                out[o++] = points[2 * i];
                out[o++] = points[2 * i + 1];
            }
        }
        return out;
    }

    /** Distance from point {@code p} to the segment from point {@code s} to point {@code e}. */
    private static double segmentDistance(double[] points, int p, int s, int e) {
        double px = points[2 * p];
        double py = points[2 * p + 1];
        double sx = points[2 * s];
        double sy = points[2 * s + 1];
        double ex = points[2 * e];
        double ey = points[2 * e + 1];
        if (sx == ex && sy == ey) {
            return Math.hypot(px - sx, py - sy);
        }
        double dx = ex - sx;
        double dy = ey - sy;
        double squared = dx * dx + dy * dy;
        double r = ((px - sx) * dx + (py - sy) * dy) / squared;
        if (r <= 0) {
            return Math.hypot(px - sx, py - sy);
        }
        if (r >= 1) {
            return Math.hypot(px - ex, py - ey);
        }
        double s2 = ((sy - py) * dx - (sx - px) * dy) / squared;
        return Math.abs(s2) * Math.hypot(dx, dy);
    }

    /**
     * Joins directed segments into contours keyed by their end points, as scikit-image does: a segment extends the
     * contour ending at its start and/or starting at its end; joining two contours keeps the older one, so contours
     * come out in order of their first segment.
     */
    private static final class Assembler {
        private final Map<Long, Chain> starts = new HashMap<>();
        private final Map<Long, Chain> ends = new HashMap<>();
        private final List<Chain> chains = new ArrayList<>();

        void add(long from, long to) {
            Chain tail = starts.remove(to);
            Chain head = ends.remove(from);
            if (tail != null && head != null) {
                if (tail == head) {
                    head.addLast(to); // closes the contour
                } else if (tail.id > head.id) {
                    head.appendAll(tail);
                    chains.set(tail.id, null);
                    starts.put(head.first(), head);
                    ends.put(head.last(), head);
                } else {
                    tail.prependAll(head);
                    starts.remove(head.first());
                    chains.set(head.id, null);
                    starts.put(tail.first(), tail);
                    ends.put(tail.last(), tail);
                }
            } else if (tail == null && head == null) {
                Chain chain = new Chain(chains.size());
                chain.addLast(from);
                chain.addLast(to);
                chains.add(chain);
                starts.put(from, chain);
                ends.put(to, chain);
            } else if (head == null) {
                tail.addFirst(from);
                starts.put(from, tail);
            } else {
                head.addLast(to);
                ends.put(to, head);
            }
        }

        List<double[]> contours() {
            List<double[]> out = new ArrayList<>();
            for (Chain chain : chains) {
                if (chain != null) {
                    out.add(chain.toRowColumn());
                }
            }
            return out;
        }
    }

    /** A double-ended list of point keys. */
    private static final class Chain {
        final int id;
        private long[] data = new long[16];
        private int head = 8; // index of the first element
        private int size;

        Chain(int id) {
            this.id = id;
        }

        long first() {
            return data[head];
        }

        long last() {
            return data[head + size - 1];
        }

        void addLast(long key) {
            ensure(0, 1);
            data[head + size++] = key;
        }

        void addFirst(long key) {
            ensure(1, 0);
            data[--head] = key;
            size++;
        }

        void appendAll(Chain other) {
            ensure(0, other.size);
            System.arraycopy(other.data, other.head, data, head + size, other.size);
            size += other.size;
        }

        void prependAll(Chain other) {
            ensure(other.size, 0);
            head -= other.size;
            System.arraycopy(other.data, other.head, data, head, other.size);
            size += other.size;
        }

        /** Makes room for {@code before} more elements at the front and {@code after} at the back. */
        private void ensure(int before, int after) {
            if (head >= before && head + size + after <= data.length) {
                return;
            }
            int capacity = Math.max(16, 2 * (size + before + after));
            long[] grown = new long[capacity];
            int newHead = before + (capacity - size - before - after) / 2;
            System.arraycopy(data, head, grown, newHead, size);
            data = grown;
            head = newHead;
        }

        double[] toRowColumn() {
            double[] out = new double[2 * size];
            for (int i = 0; i < size; i++) {
                long key = data[head + i];
                out[2 * i] = (key >> 32) / 2.0;
                out[2 * i + 1] = ((int) key) / 2.0;
            }
            return out;
        }
    }
}
