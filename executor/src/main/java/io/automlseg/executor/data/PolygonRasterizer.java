package io.automlseg.executor.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns polygons into binary masks exactly as pycocotools' {@code rleFrPoly} does, so training targets and the COCO
 * evaluation see the same pixels as the reference tools: vertices are upsampled by 5 with C truncation, the outline
 * is walked one upsampled step at a time, only crossings of pixel-column centres are kept, and those toggle points
 * become a column-major RLE. The parts of one object are merged by union.
 */
public final class PolygonRasterizer {
    private static final double SCALE = 5;

    private PolygonRasterizer() {}

    /** RLE counts (column-major, pycocotools layout) of one polygon {@code [x1, y1, x2, y2, ...]} in pixels. */
    public static int[] rle(double[] xy, int height, int width) {
        int k = xy.length / 2;
        if (k == 0) {
            return new int[] {height * width};
        }
        int[] x = new int[k + 1];
        int[] y = new int[k + 1];
        for (int j = 0; j < k; j++) {
            // (int) truncates toward zero like the C cast, also for negative coordinates
            x[j] = (int) (SCALE * xy[2 * j] + .5);
            y[j] = (int) (SCALE * xy[2 * j + 1] + .5);
        }
        x[k] = x[0];
        y[k] = y[0];

        // dense outline in the upsampled grid
        int m = 0;
        for (int j = 0; j < k; j++) {
            m += Math.max(Math.abs(x[j] - x[j + 1]), Math.abs(y[j] - y[j + 1])) + 1;
        }
        int[] u = new int[m];
        int[] v = new int[m];
        m = 0;
        for (int j = 0; j < k; j++) {
            int xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
            int dx = Math.abs(xe - xs);
            int dy = Math.abs(ys - ye);
            // walk the longer axis forwards; flip restores the original point order
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
                double s = dx == 0 ? 0 : (double) (ye - ys) / dx;
                for (int d = 0; d <= dx; d++) {
                    int t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = (int) (ys + s * t + .5);
                    m++;
                }
            } else {
                double s = (double) (xe - xs) / dy;
                for (int d = 0; d <= dy; d++) {
                    int t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = (int) (xs + s * t + .5);
                    m++;
                }
            }
        }

        // keep the points where the outline crosses a pixel-column centre, back in pixel units
        int total = m;
        long[] toggles = new long[total + 1];
        int n = 0;
        for (int j = 1; j < total; j++) {
            if (u[j] == u[j - 1]) {
                continue;
            }
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = (xd + .5) / SCALE - .5;
            if (Math.floor(xd) != xd || xd < 0 || xd > width - 1) {
                continue;
            }
            double yd = Math.min(v[j], v[j - 1]);
            yd = (yd + .5) / SCALE - .5;
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

        // successive differences are the runs; a zero-length run joins its neighbours
        int[] counts = new int[n];
        long prev = 0;
        int c = 0;
        for (int j = 0; j < n; j++) {
            long run = toggles[j] - prev;
            prev = toggles[j];
            if (j == 0 || run > 0) {
                counts[c++] = (int) run;
            } else if (++j < n) {
                counts[c - 1] += (int) (toggles[j] - prev);
                prev = toggles[j];
            }
        }
        return Arrays.copyOf(counts, c);
    }

    /** Union of several polygon parts in pixels, as pycocotools' annToRLE ({@code frPyObjects} then {@code merge}). */
    public static int[] rle(List<double[]> parts, int height, int width) {
        List<int[]> rles = new ArrayList<>(parts.size());
        for (double[] p : parts) {
            rles.add(rle(p, height, width));
        }
        if (rles.isEmpty()) {
            return new int[] {height * width};
        }
        return Rle.union(rles, height, width);
    }

    /** RLE of an object whose parts are normalised to [0, 1], scaled by the image size first (as the reference). */
    public static int[] rle(ObjectAnnotation object, int height, int width) {
        return rle(toPixels(object.polygons(), height, width), height, width);
    }

    /** Row-major {@code height*width} 0/1 mask of an object with normalised parts. */
    public static byte[] mask(ObjectAnnotation object, int height, int width) {
        return Rle.toMask(rle(object, height, width), height, width);
    }

    /** Row-major 0/1 mask of pixel-coordinate parts. */
    public static byte[] mask(List<double[]> parts, int height, int width) {
        return Rle.toMask(rle(parts, height, width), height, width);
    }

    /** Scales normalised parts to pixels: x by width, y by height. */
    public static List<double[]> toPixels(List<double[]> normalized, int height, int width) {
        List<double[]> out = new ArrayList<>(normalized.size());
        for (double[] p : normalized) {
            double[] q = new double[p.length];
            for (int i = 0; i + 1 < p.length; i += 2) {
                q[i] = p[i] * width;
                q[i + 1] = p[i + 1] * height;
            }
            out.add(q);
        }
        return out;
    }
}
