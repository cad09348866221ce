package io.automlseg.executor.mask;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Polygons to masks exactly as pycocotools rasterises them ({@code rleFrPoly}), so training targets and evaluation
 * see the same pixels as the reference product.
 */
public final class PolygonRaster {
    private PolygonRaster() {}

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
            mask = mask == null ? rle : RleOverlap.xor(mask, rle);
        }
        return mask != null ? mask : Rle.ofValidCounts(height, width, new int[] {height * width});
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
        return Rle.ofValidCounts(height, width, counts.toArray());
    }
}
