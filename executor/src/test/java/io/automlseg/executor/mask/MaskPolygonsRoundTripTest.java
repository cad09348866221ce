package io.automlseg.executor.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Polygons traced from a mask rasterise back to it, as the reference rasteriser reads them. */
class MaskPolygonsRoundTripTest {

    private static byte[] mask(String... rows) {
        int h = rows.length;
        int w = rows[0].length();
        byte[] m = new byte[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                m[y * w + x] = rows[y].charAt(x) == '#' ? (byte) 1 : (byte) 0;
            }
        }
        return m;
    }

    /**
     * What the reference rasteriser gives back for the unsimplified polygons of a mask. Rounding contour points up
     * puts every point on a pixel corner, so edges run along pixel edges, except at corners where the contour cut
     * diagonally between two edge midpoints (convex bottom-right corners, concave top-left ones): there the edge
     * is one diagonal step whose middle is the pixel centre. That centre lies exactly on the outline, and rleFrPoly
     * (like the reference) turns such pixels over. So the strict, true statement is: the mask, with exactly the
     * pixels halved by such a diagonal step flipped.
     */
    private static void assertRasterisesBackUpToDiagonalCuts(byte[] mask, int h, int w, String what) {
        List<double[]> polygons = MaskPolygons.fromMask(mask, h, w, 0);
        byte[] expected = mask.clone();
        boolean[] halved = new boolean[h * w];
        for (double[] polygon : polygons) {
            assertTrue(polygon.length >= 6, what);
            for (int i = 0; i < polygon.length; i++) {
                assertTrue(polygon[i] >= 0 && polygon[i] <= 1, what);
            }
            for (int i = 0; i + 3 < polygon.length; i += 2) {
                double x0 = Math.rint(polygon[i] * w);
                double y0 = Math.rint(polygon[i + 1] * h);
                double x1 = Math.rint(polygon[i + 2] * w);
                double y1 = Math.rint(polygon[i + 3] * h);
                assertTrue(Math.abs(x1 - x0) == 0 || Math.abs(y1 - y0) == 0
                        || Math.abs(x1 - x0) == 1 && Math.abs(y1 - y0) == 1, what + ": edges are axis-parallel or one diagonal step");
                if (Math.abs(x1 - x0) == 1 && Math.abs(y1 - y0) == 1) {
                    halved[(int) Math.min(y0, y1) * w + (int) Math.min(x0, x1)] = true;
                }
            }
        }
        for (int i = 0; i < expected.length; i++) {
            if (halved[i]) {
                expected[i] ^= 1;
            }
        }
        assertArrayEquals(expected, PolygonRaster.fromNormalizedPolygons(polygons, h, w).decode(), what);
    }

    @Test
    void rectangleRasterisesBackLessItsCutCorner() {
        byte[] m = mask(
                "......",
                ".####.",
                ".####.",
                ".####.",
                "......");
        assertEquals(1, MaskPolygons.fromMask(m, 5, 6, 0).size());
        assertRasterisesBackUpToDiagonalCuts(m, 5, 6, "rectangle");
        byte[] back = PolygonRaster.fromNormalizedPolygons(MaskPolygons.fromMask(m, 5, 6, 0), 5, 6).decode();
        m[3 * 6 + 4] = 0; // the bottom-right corner pixel
        assertArrayEquals(m, back);
    }

    @Test
    void diagonalContactGivesTwoPolygons() {
        byte[] m = mask(
                "##..",
                "##..",
                "..##",
                "..##");
        assertEquals(2, MaskPolygons.fromMask(m, 4, 4, 0).size());
        assertRasterisesBackUpToDiagonalCuts(m, 4, 4, "diagonal contact");
    }

    @Test
    void ringWithAnIslandRasterisesBackThroughXor() {
        byte[] ring = mask(
                "#####",
                "#...#",
                "#.#.#",
                "#...#",
                "#####");
        // outer outline, hole, island: the XOR of the parts is the ring with its island
        assertEquals(3, MaskPolygons.fromMask(ring, 5, 5, 0).size());
        assertRasterisesBackUpToDiagonalCuts(ring, 5, 5, "ring");
    }

    @Test
    void randomMasksRasteriseBackUpToDiagonalCuts() {
        java.util.Random random = new java.util.Random(11);
        for (int trial = 0; trial < 300; trial++) {
            int h = 1 + random.nextInt(30);
            int w = 1 + random.nextInt(30);
            double density = random.nextDouble();
            byte[] m = new byte[h * w];
            for (int i = 0; i < m.length; i++) {
                m[i] = random.nextDouble() < density ? (byte) 1 : (byte) 0;
            }
            assertRasterisesBackUpToDiagonalCuts(m, h, w, "trial " + trial);
        }
    }
}
