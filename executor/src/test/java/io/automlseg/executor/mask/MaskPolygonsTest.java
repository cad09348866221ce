package io.automlseg.executor.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.mask.Rle;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaskPolygonsTest {

    private static byte[] rectangle(int h, int w, int rowFrom, int rowTo, int colFrom, int colTo, byte[] into) {
        byte[] mask = into != null ? into : new byte[h * w];
        for (int y = rowFrom; y <= rowTo; y++) {
            for (int x = colFrom; x <= colTo; x++) {
                mask[y * w + x] = 1;
            }
        }
        return mask;
    }

    static byte[] disk(int h, int w, double cx, double cy, double r) {
        byte[] mask = new byte[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if ((x + 0.5 - cx) * (x + 0.5 - cx) + (y + 0.5 - cy) * (y + 0.5 - cy) <= r * r) {
                    mask[y * w + x] = 1;
                }
            }
        }
        return mask;
    }

    /** Shoelace area in pixels of a normalised polygon. */
    private static double area(double[] polygon, int h, int w) {
        double twice = 0;
        int n = polygon.length / 2;
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            twice += polygon[2 * i] * w * polygon[2 * j + 1] * h - polygon[2 * j] * w * polygon[2 * i + 1] * h;
        }
        return Math.abs(twice) / 2;
    }

    /** Rasterises a normalised polygon by testing pixel centres (even-odd rule). */
    private static byte[] rasterise(double[] polygon, int h, int w) {
        byte[] mask = new byte[h * w];
        int n = polygon.length / 2;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double px = x + 0.5;
                double py = y + 0.5;
                boolean inside = false;
                for (int i = 0, j = n - 1; i < n; j = i++) {
                    double xi = polygon[2 * i] * w;
                    double yi = polygon[2 * i + 1] * h;
                    double xj = polygon[2 * j] * w;
                    double yj = polygon[2 * j + 1] * h;
                    if ((yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi) {
                        inside = !inside;
                    }
                }
                mask[y * w + x] = inside ? (byte) 1 : (byte) 0;
            }
        }
        return mask;
    }

    private static double iou(byte[] a, byte[] b) {
        int inter = 0;
        int union = 0;
        for (int i = 0; i < a.length; i++) {
            inter += a[i] & b[i];
            union += a[i] | b[i];
        }
        return (double) inter / union;
    }

    /**
     * Contours that scikit-image 0.19.3 ({@code measure.find_contours(padded, 0.5)}, the reference product's call)
     * returned for random masks, a checkerboard (every square a saddle) and a ring with an island; values were
     * computed once with Debian's python3-skimage.
     */
    @Test
    void tracesExactlyTheContoursOfScikitImage() throws Exception {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/mask-polygons/skimage-contours.json")) {
            cases = Json.MAPPER.readTree(in);
        }
        int contours = 0;
        for (JsonNode c : cases) {
            int h = c.get("height").asInt();
            int w = c.get("width").asInt();
            byte[] mask = new byte[h * w];
            for (int y = 0; y < h; y++) {
                String row = c.get("rows").get(y).asText();
                for (int x = 0; x < w; x++) {
                    mask[y * w + x] = (byte) (row.charAt(x) - '0');
                }
            }
            List<double[]> traced = MaskPolygons.traceContours(mask, h, w);
            JsonNode expected = c.get("contours");
            assertEquals(expected.size(), traced.size(), c.get("name").asText());
            for (int i = 0; i < expected.size(); i++) {
                double[] values = new double[expected.get(i).size()];
                for (int k = 0; k < values.length; k++) {
                    values[k] = expected.get(i).get(k).asDouble();
                }
                assertArrayEquals(values, traced.get(i), c.get("name").asText() + " contour " + i);
                contours++;
            }
        }
        assertTrue(contours > 100, "contours compared: " + contours);
    }

    @Test
    void singlePixelGivesTheHandTracedContour() {
        byte[] mask = new byte[9];
        mask[0] = 1;
        // scikit-image on the padded 5x5 array: (1.5,1) (1,0.5) (0.5,1) (1,1.5) (1.5,1) as (row, col); rounded up and
        // shifted back by the padding: x,y = (0,1) (0,0) (0,0) (1,0) (0,1), divided by 3.
        List<double[]> polygons = MaskPolygons.fromMask(mask, 3, 3);
        assertEquals(1, polygons.size());
        double t = 1.0 / 3;
        assertArrayEquals(new double[] {0, t, 0, 0, 0, 0, t, 0, 0, t}, polygons.get(0), 1e-15);
        assertArrayEquals(new double[] {1.5, 1, 1, 0.5, 0.5, 1, 1, 1.5, 1.5, 1},
                MaskPolygons.traceContours(mask, 3, 3).get(0));
    }

    @Test
    void rectangleBecomesItsPixelCornerOutlineLessTheRoundedCorner() {
        int h = 50;
        int w = 60;
        // 10 x 15 pixels: 51 contour points, no simplification.
        byte[] mask = rectangle(h, w, 10, 19, 5, 19, null);
        List<double[]> polygons = MaskPolygons.fromMask(mask, h, w);
        assertEquals(1, polygons.size());
        double[] polygon = polygons.get(0);
        assertEquals(51, polygon.length / 2);
        // Pixel (r, c) spans [c, c + 1] x [r, r + 1]. Rounding contour points up keeps three corners exact but
        // turns the bottom-right one into a half-pixel diagonal cut.
        assertEquals(10 * 15 - 0.5, area(polygon, h, w), 1e-9);
        double minX = 1;
        double maxX = 0;
        double minY = 1;
        double maxY = 0;
        for (int i = 0; i < polygon.length; i += 2) {
            minX = Math.min(minX, polygon[i]);
            maxX = Math.max(maxX, polygon[i]);
            minY = Math.min(minY, polygon[i + 1]);
            maxY = Math.max(maxY, polygon[i + 1]);
        }
        assertEquals(5.0 / w, minX, 1e-15);
        assertEquals(20.0 / w, maxX, 1e-15);
        assertEquals(10.0 / h, minY, 1e-15);
        assertEquals(20.0 / h, maxY, 1e-15);
        // Closed, as traced.
        assertEquals(polygon[0], polygon[polygon.length - 2]);
        assertEquals(polygon[1], polygon[polygon.length - 1]);
    }

    @Test
    void simplifiedRectangleKeepsTheReferenceRoundingQuirk() {
        int h = 50;
        int w = 60;
        // 20 x 30 pixels trace to 101 points, one over the budget: one round at tolerance 1. The contour starts and
        // ends at the bottom-right cut (padded row 30.5, col 35); the right side at col 35.5 is within 1 of the
        // kept corner points at col 35, so it goes, and rounding up puts the right edge at x = 34, not 35.
        byte[] mask = rectangle(h, w, 10, 29, 5, 34, null);
        assertEquals(101, MaskPolygons.traceContours(mask, h, w).get(0).length / 2);
        double[] polygon = MaskPolygons.fromMask(mask, h, w).get(0);
        double[] pixels = new double[polygon.length];
        for (int i = 0; i < polygon.length; i += 2) {
            pixels[i] = polygon[i] * w;
            pixels[i + 1] = polygon[i + 1] * h;
        }
        assertArrayEquals(new double[] {34, 30, 5, 30, 5, 10, 34, 10, 34, 30}, pixels, 1e-9);
    }

    @Test
    void maskTouchingTheImageBorderIsTracedThanksToPadding() {
        int h = 8;
        int w = 8;
        byte[] mask = new byte[h * w];
        java.util.Arrays.fill(mask, (byte) 1);
        List<double[]> polygons = MaskPolygons.fromMask(mask, h, w);
        assertEquals(1, polygons.size());
        assertEquals(64 - 0.5, area(polygons.get(0), h, w), 1e-9);
    }

    @Test
    void diskPolygonCoversTheDisk() {
        int h = 120;
        int w = 160;
        byte[] mask = disk(h, w, 70, 60, 40);
        List<double[]> polygons = MaskPolygons.fromMask(mask, h, w);
        assertEquals(1, polygons.size());
        double[] polygon = polygons.get(0);
        assertTrue(polygon.length / 2 <= MaskPolygons.DEFAULT_MAX_POINTS, "points: " + polygon.length / 2);
        double iou = iou(mask, rasterise(polygon, h, w));
        assertTrue(iou > 0.95, "IoU " + iou);
        int pixels = 0;
        for (byte b : mask) {
            pixels += b;
        }
        assertEquals(pixels, area(polygon, h, w), 0.05 * pixels);
        // A tight budget still keeps the shape.
        double[] coarse = MaskPolygons.fromMask(mask, h, w, 12).get(0);
        assertTrue(coarse.length / 2 <= 12 && coarse.length / 2 >= 3, "points: " + coarse.length / 2);
        double coarseIou = iou(mask, rasterise(coarse, h, w));
        assertTrue(coarseIou > 0.85, "IoU " + coarseIou);
    }

    @Test
    void polygonsRasteriseBackToTheMaskAsTheReferenceReadsThem() {
        int h = 120;
        int w = 160;
        byte[] mask = disk(h, w, 50, 50, 30);
        byte[] second = disk(h, w, 120, 80, 25);
        for (int i = 0; i < mask.length; i++) {
            mask[i] |= second[i];
        }
        List<double[]> polygons = MaskPolygons.fromMask(mask, h, w);
        assertEquals(2, polygons.size());
        // Training data polygons are scaled by the image size and rasterised like pycocotools, parts XOR-ed.
        Rle back = null;
        for (double[] polygon : polygons) {
            double[] pixels = new double[polygon.length];
            for (int i = 0; i < polygon.length; i += 2) {
                pixels[i] = polygon[i] * w;
                pixels[i + 1] = polygon[i + 1] * h;
            }
            Rle part = PolygonRaster.fromPolygon(pixels, h, w);
            back = back == null ? part : RleOverlap.xor(back, part);
        }
        double iou = RleOverlap.iou(back, Rle.encode(mask, h, w), false);
        assertTrue(iou > 0.9, "IoU " + iou);
    }

    @Test
    void twoBlobsGiveTwoPolygonsTopLeftFirst() {
        int h = 40;
        int w = 40;
        byte[] mask = rectangle(h, w, 20, 30, 2, 8, null);
        rectangle(h, w, 3, 9, 25, 35, mask);
        List<double[]> polygons = MaskPolygons.fromMask(mask, h, w);
        assertEquals(2, polygons.size());
        // The upper blob's first segment is met first in the row-major scan.
        assertEquals(7 * 11 - 0.5, area(polygons.get(0), h, w), 1e-9);
        assertEquals(11 * 7 - 0.5, area(polygons.get(1), h, w), 1e-9);
        assertTrue(polygons.get(0)[1] < 0.5 && polygons.get(1)[1] > 0.5);
    }

    @Test
    void holeIsItsOwnPolygon() {
        int h = 30;
        int w = 30;
        byte[] mask = rectangle(h, w, 5, 24, 5, 24, null);
        for (int y = 10; y <= 19; y++) {
            for (int x = 10; x <= 19; x++) {
                mask[y * w + x] = 0;
            }
        }
        List<double[]> polygons = MaskPolygons.fromMask(mask, h, w);
        assertEquals(2, polygons.size());
        // Each contour loses half a pixel at its bottom-right corner (see the rectangle case).
        assertEquals(400 - 0.5, area(polygons.get(0), h, w), 1e-9);
        assertEquals(100 - 0.5, area(polygons.get(1), h, w), 1e-9);
    }

    @Test
    void pointBudgetIsRespected() {
        int h = 300;
        int w = 300;
        // A jagged star: many contour points before simplification.
        byte[] mask = new byte[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double angle = Math.atan2(y - 150, x - 150);
                double radius = 90 + 40 * Math.sin(7 * angle);
                if (Math.hypot(x - 150, y - 150) <= radius) {
                    mask[y * w + x] = 1;
                }
            }
        }
        int raw = MaskPolygons.traceContours(mask, h, w).get(0).length / 2;
        assertTrue(raw > 500, "raw points " + raw);
        for (int budget : new int[] {100, 40}) {
            List<double[]> polygons = MaskPolygons.fromMask(mask, h, w, budget);
            assertEquals(1, polygons.size());
            assertTrue(polygons.get(0).length / 2 <= budget, "points " + polygons.get(0).length / 2);
            double iou = iou(mask, rasterise(polygons.get(0), h, w));
            assertTrue(iou > (budget == 100 ? 0.95 : 0.85), "budget " + budget + " IoU " + iou);
        }
        // A budget the last round's tolerance (24 px) cannot reach leaves what all the rounds leave: the star's arms.
        double[] rounds = MaskPolygons.traceContours(mask, h, w).get(0);
        for (int round = 0; round < MaskPolygons.MAX_SIMPLIFICATION_ROUNDS; round++) {
            rounds = MaskPolygons.simplify(rounds, round);
        }
        List<double[]> tight = MaskPolygons.fromMask(mask, h, w, 4);
        assertTrue(tight.get(0).length / 2 > 4, "points " + tight.get(0).length / 2);
        assertEquals(rounds.length, tight.get(0).length);
        // No budget: nothing is simplified.
        assertEquals(raw, MaskPolygons.fromMask(mask, h, w, 0).get(0).length / 2);
    }

    @Test
    void simplifierFollowsRamerDouglasPeucker() {
        double[] line = {0, 0, 5, 4, 11, 5.5, 17.3, 3.2, 27.8, 0.1};
        assertArrayEquals(new double[] {0, 0, 5, 4, 11, 5.5, 27.8, 0.1}, MaskPolygons.simplify(line, 1.0));
        assertArrayEquals(new double[] {0, 0, 27.8, 0.1}, MaskPolygons.simplify(line, 30.0));
        assertArrayEquals(line, MaskPolygons.simplify(line, 0.0));
        // Collinear middle point at distance 0 goes at any positive tolerance.
        assertArrayEquals(new double[] {8, 100, 12, 100}, MaskPolygons.simplify(new double[] {8, 100, 9, 100, 12, 100}, 1.0));
    }

    @Test
    void probabilitiesAreThresholdedStrictly() {
        float[] probabilities = new float[25];
        probabilities[12] = 0.5f;
        assertTrue(MaskPolygons.fromProbabilities(probabilities, 5, 5, 0.5f, 100).isEmpty());
        probabilities[12] = 0.51f;
        assertEquals(1, MaskPolygons.fromProbabilities(probabilities, 5, 5, 0.5f, 100).size());
        assertTrue(MaskPolygons.fromMask(new byte[25], 5, 5).isEmpty());
    }

    @Test
    void fullSizeMasksAreFast() {
        int h = 600;
        int w = 800;
        byte[] mask = disk(h, w, 400, 300, 200);
        // Best of several runs, so a busy machine does not fail the test.
        double ms = Double.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            MaskPolygons.fromMask(mask, h, w);
            ms = Math.min(ms, (System.nanoTime() - start) / 1e6);
        }
        assertTrue(ms < 100, "ms per mask " + ms);
    }
}
