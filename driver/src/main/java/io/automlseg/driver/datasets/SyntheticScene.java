package io.automlseg.driver.datasets;

import io.automlseg.driver.datasets.SyntheticShapes.Options;
import io.automlseg.driver.datasets.SyntheticShapes.RenderedImage;
import io.automlseg.driver.datasets.SyntheticShapes.RenderedObject;
import io.automlseg.executor.mask.BinaryMasks;
import io.automlseg.executor.mask.MaskPolygons;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builds one scene from its own random stream. */
final class SyntheticScene {
    private final Options opts;
    private final int index;
    private final int s;
    private final Random rnd;
    private final int minPartPixels;
    private final ScenePainter painter;

    SyntheticScene(Options opts, int index) {
        this.opts = opts;
        this.index = index;
        this.s = opts.imageSize();
        this.rnd = new Random(SyntheticShapes.imageSeed(opts.seed(), index));
        this.minPartPixels = Math.max(12, (int) Math.round(40.0 * s * s / (160.0 * 160.0)));
        this.painter = new ScenePainter(s, rnd);
    }

    RenderedImage build() {
        double[][] background = {painter.randomColour(0.05, 0.6, 0.15, 0.95), null};
        background[1] = painter.nearColour(background[0]);
        double[] r = new double[s * s], g = new double[s * s], b = new double[s * s];
        painter.paintBackground(background, r, g, b);

        int wanted = opts.minObjects() + rnd.nextInt(opts.maxObjects() - opts.minObjects() + 1);
        List<PlacedObject> placed = new ArrayList<>();
        for (int k = 0; k < wanted; k++) {
            PlacedObject p = place(placed, background);
            if (p != null) {
                placed.add(p);
            }
        }
        double[] colour = new double[3];
        for (PlacedObject p : placed) {
            painter.paintObject(p, r, g, b, colour);
        }
        int[] rgb = painter.addGrainAndPack(r, g, b);

        List<RenderedObject> objects = new ArrayList<>();
        for (PlacedObject p : placed) {
            objects.add(new RenderedObject(p.shape.label(), p.visible, outlines(p.visible, s)));
        }
        return new RenderedImage(index, s, rgb, objects);
    }

    /** Tries a few random placements of one new object; null if none keeps every label clean. */
    private PlacedObject place(List<PlacedObject> placed, double[][] background) {
        for (int attempt = 0; attempt < 40; attempt++) {
            String label = opts.classes().get(rnd.nextInt(opts.classes().size()));
            PlacedObject target = !placed.isEmpty() && rnd.nextDouble() < 0.4
                    ? placed.get(rnd.nextInt(placed.size()))
                    : null;
            SceneShape shape = target == null ? freeShape(label) : overlappingShape(label, target.shape);
            double[] colour = painter.objectColour(background, placed);
            if (shape == null || colour == null) {
                continue;
            }
            boolean[] full = withoutCrumbs(shape.rasterize(s));
            if (BinaryMasks.count(full) < 4 * minPartPixels) {
                continue;
            }
            List<boolean[]> newVisible = occlude(placed, full);
            if (newVisible == null) {
                continue;
            }
            for (int i = 0; i < placed.size(); i++) {
                placed.get(i).visible = newVisible.get(i);
            }
            return new PlacedObject(shape, full, colour, rnd);
        }
        return null;
    }

    /** Visible masks of the earlier objects under a new one, or null if one would become unlearnable. */
    private List<boolean[]> occlude(List<PlacedObject> placed, boolean[] top) {
        List<boolean[]> out = new ArrayList<>();
        for (PlacedObject p : placed) {
            boolean[] vis = p.visible.clone();
            for (int i = 0; i < vis.length; i++) {
                vis[i] &= !top[i];
            }
            int visible = BinaryMasks.count(vis);
            if (visible < 0.3 * BinaryMasks.count(p.full)) {
                return null;
            }
            if (visible < BinaryMasks.count(p.visible) && BinaryMasks.hasHoles(vis, s, s)) {
                return null;
            }
            List<boolean[]> parts = BinaryMasks.components(vis, s, s);
            if (parts.size() > 3) {
                return null;
            }
            for (boolean[] part : parts) {
                if (BinaryMasks.count(part) < minPartPixels || interior(part) < minPartPixels / 3) {
                    return null;
                }
            }
            out.add(vis);
        }
        return out;
    }

    /**
     * The mask without pieces too small to label: the thin tips of a star can leave pixels touching the body only
     * at a corner, which would otherwise count as separate parts.
     */
    private boolean[] withoutCrumbs(boolean[] mask) {
        boolean[] out = new boolean[mask.length];
        for (boolean[] part : BinaryMasks.components(mask, s, s)) {
            if (BinaryMasks.count(part) >= minPartPixels) {
                for (int i = 0; i < out.length; i++) {
                    out[i] |= part[i];
                }
            }
        }
        return out;
    }

    /** Pixels of a part whose four neighbours are in it too: small for slivers one or two pixels wide. */
    private int interior(boolean[] part) {
        int n = 0;
        for (int y = 1; y < s - 1; y++) {
            for (int x = 1; x < s - 1; x++) {
                int p = y * s + x;
                if (part[p] && part[p - 1] && part[p + 1] && part[p - s] && part[p + s]) {
                    n++;
                }
            }
        }
        return n;
    }

    private SceneShape freeShape(String label) {
        double extent = s * (0.25 + rnd.nextDouble() * 0.35);
        SceneShape probe = makeShape(label, 0, 0, extent, false);
        double margin = probe.radius();
        if (2 * margin >= s) {
            return null;
        }
        double cx = margin + rnd.nextDouble() * (s - 2 * margin);
        double cy = margin + rnd.nextDouble() * (s - 2 * margin);
        return makeShape(label, cx, cy, extent, false, probe);
    }

    /**
     * A shape overlapping an earlier one: a long bar across its middle (which splits it into parts) when the class
     * is a rectangle, else a shape centred near its edge (a partial occlusion).
     */
    private SceneShape overlappingShape(String label, SceneShape target) {
        double angle = rnd.nextDouble() * 2 * StrictMath.PI;
        boolean bar = label.equals("rectangle");
        double extent = bar
                ? Math.min(0.85 * s, target.extent() * (1.15 + rnd.nextDouble() * 0.3))
                : s * (0.25 + rnd.nextDouble() * 0.35);
        double offset = bar ? rnd.nextDouble() * 0.12 * target.extent()
                : (0.3 + rnd.nextDouble() * 0.25) * (target.extent() + extent);
        double cx = target.cx() + offset * StrictMath.cos(angle);
        double cy = target.cy() + offset * StrictMath.sin(angle);
        SceneShape shape = makeShape(label, cx, cy, extent, bar);
        double m = shape.radius();
        if (cx - m < 0 || cy - m < 0 || cx + m > s || cy + m > s) {
            return null;
        }
        return shape;
    }

    private SceneShape makeShape(String label, double cx, double cy, double extent, boolean bar) {
        return makeShape(label, cx, cy, extent, bar, null);
    }

    /** Draws the shape's random proportions, or reuses those of {@code like} at a new centre. */
    private SceneShape makeShape(String label, double cx, double cy, double extent, boolean bar, SceneShape like) {
        if (like != null) {
            double[] poly = like.polygon() == null ? null : like.polygon().clone();
            if (poly != null) {
                for (int i = 0; i < poly.length; i += 2) {
                    poly[i] += cx - like.cx();
                    poly[i + 1] += cy - like.cy();
                }
            }
            return new SceneShape(label, cx, cy, like.extent(), like.radius(), like.rx(), like.ry(), like.rotation(),
                    poly);
        }
        double rot = rnd.nextDouble() * 2 * StrictMath.PI;
        switch (label) {
            case "circle" -> {
                double rx = extent / 2, ry = rx * (0.8 + rnd.nextDouble() * 0.2);
                return new SceneShape(label, cx, cy, extent, rx, rx, ry, rot, null);
            }
            case "rectangle" -> {
                double aspect = bar ? 2.8 + rnd.nextDouble() * 1.2 : 1 + rnd.nextDouble() * 1.8;
                double hl = extent / 2, hs = extent / aspect / 2;
                double[] poly = new double[8];
                double[][] corners = {{-hl, -hs}, {hl, -hs}, {hl, hs}, {-hl, hs}};
                for (int i = 0; i < 4; i++) {
                    poly[2 * i] = cx + corners[i][0] * StrictMath.cos(rot) - corners[i][1] * StrictMath.sin(rot);
                    poly[2 * i + 1] = cy + corners[i][0] * StrictMath.sin(rot) + corners[i][1] * StrictMath.cos(rot);
                }
                return new SceneShape(label, cx, cy, extent, StrictMath.hypot(hl, hs), 0, 0, rot, poly);
            }
            case "triangle" -> {
                double radius = extent / StrictMath.sqrt(3);
                double[] poly = new double[6];
                for (int i = 0; i < 3; i++) {
                    double a = rot + i * 2 * StrictMath.PI / 3 + (rnd.nextDouble() - 0.5) * 0.4;
                    poly[2 * i] = cx + radius * StrictMath.cos(a);
                    poly[2 * i + 1] = cy + radius * StrictMath.sin(a);
                }
                return new SceneShape(label, cx, cy, extent, radius, 0, 0, rot, poly);
            }
            default -> {
                double outer = extent / 2, inner = outer * (0.4 + rnd.nextDouble() * 0.15);
                double[] poly = new double[20];
                for (int i = 0; i < 10; i++) {
                    double a = rot + i * StrictMath.PI / 5;
                    double rad = i % 2 == 0 ? outer : inner;
                    poly[2 * i] = cx + rad * StrictMath.cos(a);
                    poly[2 * i + 1] = cy + rad * StrictMath.sin(a);
                }
                return new SceneShape(label, cx, cy, extent, outer, 0, 0, rot, poly);
            }
        }
    }

    /**
     * Label polygons of a visible mask in pixels: its contours as the reference traces masks ({@link MaskPolygons},
     * unsimplified, so on pixel corners), then Douglas-Peucker at {@value SyntheticShapes#POLYGON_TOLERANCE} px. The reference's
     * own rounds (tolerance 1, 2, ... down to 100 points) would cost labels about twice the pixel error, and the
     * exact contours five times the file size.
     */
    static List<double[]> outlines(boolean[] mask, int size) {
        byte[] bytes = BinaryMasks.toBytes(mask);
        List<double[]> parts = new ArrayList<>();
        for (double[] contour : MaskPolygons.pixelPolygons(bytes, size, size, 0)) {
            double[] simplified = MaskPolygons.simplify(contour, SyntheticShapes.POLYGON_TOLERANCE);
            // Closed: three corners and the first again, or the part would have no area.
            parts.add(simplified.length >= 8 ? simplified : contour);
        }
        return parts;
    }
}
