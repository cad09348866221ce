package io.automlseg.driver.datasets;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns binary masks into polygon outlines and back. A mask is a row-major {@code boolean[width * height]}.
 *
 * <p>Outlines follow the pixel edges (through the edge midpoints; coordinates run from 0 to width/height) and are
 * then simplified. Parts are 4-connected components; each part gives one polygon around its outer edge (holes are
 * filled, since the polygon format of the data sets has no holes). Rasterising an outline back with
 * {@link #rasterize} (pixel-centre test) reproduces the part exactly before simplification.
 */
public final class MaskOutlines {
    private static final int[] DX = {1, 0, -1, 0}; // east, south, west, north (y grows downwards)
    private static final int[] DY = {0, 1, 0, -1};

    private MaskOutlines() {}

    /**
     * Outer outlines of the parts of a mask, in pixel coordinates, {@code [x1, y1, x2, y2, ...]} each.
     *
     * @param tolerance Douglas-Peucker distance in pixels (0 keeps every corner)
     * @param maxPoints upper bound on points per outline; the tolerance grows until it holds
     * @param minPixels parts smaller than this are dropped
     */
    public static List<double[]> outlines(
            boolean[] mask, int width, int height, double tolerance, int maxPoints, int minPixels) {
        List<double[]> out = new ArrayList<>();
        for (boolean[] part : components(mask, width, height)) {
            if (count(part) < minPixels) {
                continue;
            }
            double[] ring = traceOuter(fillHoles(part, width, height), width, height);
            out.add(simplifyClosed(ring, tolerance, Math.max(3, maxPoints)));
        }
        return out;
    }

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

    /** The mask with its holes filled. */
    public static boolean[] fillHoles(boolean[] mask, int width, int height) {
        boolean[] outside = outside(mask, width, height);
        boolean[] filled = new boolean[mask.length];
        for (int i = 0; i < mask.length; i++) {
            filled[i] = !outside[i];
        }
        return filled;
    }

    public static int count(boolean[] mask) {
        int n = 0;
        for (boolean b : mask) {
            if (b) {
                n++;
            }
        }
        return n;
    }

    /** Pixels whose centre lies inside at least one polygon (even-odd rule within a polygon). */
    public static boolean[] rasterize(List<double[]> polygons, int width, int height) {
        boolean[] mask = new boolean[width * height];
        for (double[] poly : polygons) {
            int n = poly.length / 2;
            if (n < 3) {
                continue;
            }
            for (int y = 0; y < height; y++) {
                double cy = y + 0.5;
                // Crossings of the scan line through the pixel centres, then fill between pairs.
                double[] xs = new double[n];
                int k = 0;
                for (int i = 0, j = n - 1; i < n; j = i++) {
                    double yi = poly[2 * i + 1], yj = poly[2 * j + 1];
                    if ((yi > cy) != (yj > cy)) {
                        xs[k++] = poly[2 * i] + (cy - yi) * (poly[2 * j] - poly[2 * i]) / (yj - yi);
                    }
                }
                java.util.Arrays.sort(xs, 0, k);
                for (int c = 0; c + 1 < k; c += 2) {
                    int from = (int) Math.max(0, Math.ceil(xs[c] - 0.5));
                    int to = (int) Math.min(width - 1, Math.ceil(xs[c + 1] - 0.5) - 1);
                    for (int x = from; x <= to; x++) {
                        mask[y * width + x] = true;
                    }
                }
            }
        }
        return mask;
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

    /**
     * Walks the pixel edges of one hole-free 4-connected part with the part on the right-hand side and returns the
     * midpoints of the edges walked. Midpoints rather than corners cut each staircase step at 45 degrees, so slanted
     * edges simplify to few points, while every pixel centre stays on its side. Diagonal contacts are cut (turn
     * right), matching 4-connectivity.
     */
    private static double[] traceOuter(boolean[] part, int width, int height) {
        int start = 0;
        while (!part[start]) {
            start++;
        }
        int x0 = start % width, y0 = start / width;
        List<double[]> points = new ArrayList<>();
        int cx = x0, cy = y0, d = 0;
        do {
            points.add(new double[] {cx + DX[d] * 0.5, cy + DY[d] * 0.5});
            cx += DX[d];
            cy += DY[d];
            if (!inside(part, width, height, cx, cy, d, true)) {
                d = (d + 1) % 4;
            } else if (inside(part, width, height, cx, cy, d, false)) {
                d = (d + 3) % 4;
            }
        } while (!(cx == x0 && cy == y0 && d == 0));
        double[] flat = new double[points.size() * 2];
        for (int i = 0; i < points.size(); i++) {
            flat[2 * i] = points.get(i)[0];
            flat[2 * i + 1] = points.get(i)[1];
        }
        return flat;
    }

    /** Whether the pixel ahead-right ({@code right}) or ahead-left of corner (cx, cy) facing d is in the part. */
    private static boolean inside(boolean[] part, int width, int height, int cx, int cy, int d, boolean right) {
        int px, py;
        switch (d) {
            case 0 -> { px = cx; py = right ? cy : cy - 1; }
            case 1 -> { px = right ? cx - 1 : cx; py = cy; }
            case 2 -> { px = cx - 1; py = right ? cy - 1 : cy; }
            default -> { px = right ? cx : cx - 1; py = cy - 1; }
        }
        return px >= 0 && py >= 0 && px < width && py < height && part[py * width + px];
    }

    /** Douglas-Peucker on a closed ring, split at vertex 0 and the vertex farthest from it. */
    static double[] simplifyClosed(double[] pts, double tolerance, int maxPoints) {
        int n = pts.length / 2;
        if (n <= 3) {
            return pts;
        }
        int far = 0;
        double best = -1;
        for (int i = 1; i < n; i++) {
            double dx = pts[2 * i] - pts[0], dy = pts[2 * i + 1] - pts[1];
            double dist = dx * dx + dy * dy;
            if (dist > best) {
                best = dist;
                far = i;
            }
        }
        double tol = tolerance;
        while (true) {
            boolean[] keep = new boolean[n];
            keep[0] = true;
            keep[far] = true;
            mark(pts, 0, far, n, tol, keep);
            mark(pts, far, n, n, tol, keep);
            int kept = 0;
            for (boolean k : keep) {
                if (k) {
                    kept++;
                }
            }
            if (kept < 3) {
                // Too coarse for this part: keep the original corners rather than a degenerate segment.
                return pts;
            }
            if (kept <= maxPoints) {
                double[] out = new double[kept * 2];
                int j = 0;
                for (int i = 0; i < n; i++) {
                    if (keep[i]) {
                        out[j++] = pts[2 * i];
                        out[j++] = pts[2 * i + 1];
                    }
                }
                return out;
            }
            tol = Math.max(tol * 1.5, 0.5);
        }
    }

    /** Marks the vertices kept between ring indices a and b (b may equal n, meaning vertex 0 again). */
    private static void mark(double[] pts, int a, int b, int n, double tol, boolean[] keep) {
        ArrayDeque<int[]> stack = new ArrayDeque<>();
        stack.push(new int[] {a, b});
        while (!stack.isEmpty()) {
            int[] seg = stack.pop();
            int s = seg[0], e = seg[1];
            if (e - s < 2) {
                continue;
            }
            double ax = pts[2 * s], ay = pts[2 * s + 1];
            double bx = pts[2 * (e % n)], by = pts[2 * (e % n) + 1];
            double len = StrictMath.hypot(bx - ax, by - ay);
            int worst = -1;
            double worstDist = -1;
            for (int i = s + 1; i < e; i++) {
                double px = pts[2 * i], py = pts[2 * i + 1];
                double dist = len == 0
                        ? StrictMath.hypot(px - ax, py - ay)
                        : Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / len;
                if (dist > worstDist) {
                    worstDist = dist;
                    worst = i;
                }
            }
            if (worstDist > tol) {
                keep[worst] = true;
                stack.push(new int[] {s, worst});
                stack.push(new int[] {worst, e});
            }
        }
    }
}
