package io.automlseg.driver.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskOutlinesTest {

    private static boolean[] mask(int w, int h, String... rows) {
        boolean[] m = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                m[y * w + x] = rows[y].charAt(x) == '#';
            }
        }
        return m;
    }

    @Test
    void rectangleOutlineRasterizesBackExactly() {
        boolean[] m = mask(6, 5,
                "......",
                ".####.",
                ".####.",
                ".####.",
                "......");
        List<double[]> outlines = MaskOutlines.outlines(m, 6, 5, 0, 100, 1);
        assertEquals(1, outlines.size());
        assertArrayEquals(m, MaskOutlines.rasterize(outlines, 6, 5));
    }

    @Test
    void diagonalContactSplitsIntoTwoParts() {
        boolean[] m = mask(4, 4,
                "##..",
                "##..",
                "..##",
                "..##");
        List<double[]> outlines = MaskOutlines.outlines(m, 4, 4, 0, 100, 1);
        assertEquals(2, outlines.size());
        assertArrayEquals(m, MaskOutlines.rasterize(outlines, 4, 4));
    }

    @Test
    void holesAreDetectedAndFilledInTheOutline() {
        boolean[] ring = mask(5, 5,
                "#####",
                "#...#",
                "#.#.#",
                "#...#",
                "#####");
        assertTrue(MaskOutlines.hasHoles(ring, 5, 5));
        assertEquals(2, MaskOutlines.components(ring, 5, 5).size());
        boolean[] outer = MaskOutlines.components(ring, 5, 5).get(0);
        List<double[]> outlines = MaskOutlines.outlines(outer, 5, 5, 0, 100, 1);
        assertEquals(1, outlines.size());
        boolean[] filled = MaskOutlines.rasterize(outlines, 5, 5);
        assertEquals(25, MaskOutlines.count(filled));
        // A background pocket open to the border through a diagonal gap is no hole.
        boolean[] open = mask(4, 4,
                "###.",
                "#..#",
                "#..#",
                "####");
        assertFalse(MaskOutlines.hasHoles(open, 4, 4));
    }

    @Test
    void randomBlobsRoundTripExactlyWithoutSimplification() {
        Random rnd = new Random(11);
        int w = 23, h = 17;
        for (int trial = 0; trial < 200; trial++) {
            boolean[] m = new boolean[w * h];
            for (int i = 0; i < m.length; i++) {
                m[i] = rnd.nextDouble() < 0.55;
            }
            List<boolean[]> parts = MaskOutlines.components(m, w, h);
            List<double[]> outlines = MaskOutlines.outlines(m, w, h, 0, 100_000, 1);
            assertEquals(parts.size(), outlines.size());
            for (int p = 0; p < parts.size(); p++) {
                boolean[] expected = MaskOutlines.fillHoles(parts.get(p), w, h);
                assertArrayEquals(expected, MaskOutlines.rasterize(List.of(outlines.get(p)), w, h),
                        "trial " + trial + " part " + p);
                double[] poly = outlines.get(p);
                assertTrue(poly.length >= 6);
                for (int i = 0; i < poly.length; i++) {
                    assertTrue(poly[i] >= 0 && poly[i] <= (i % 2 == 0 ? w : h));
                }
            }
        }
    }

    @Test
    void simplificationKeepsTheShapeAndRespectsThePointLimit() {
        int s = 64;
        boolean[] disk = new boolean[s * s];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                double dx = x + 0.5 - 32, dy = y + 0.5 - 30;
                disk[y * s + x] = dx * dx + dy * dy < 25 * 25;
            }
        }
        double[] fine = MaskOutlines.outlines(disk, s, s, 0.7, 1000, 1).get(0);
        double[] coarse = MaskOutlines.outlines(disk, s, s, 0.7, 12, 1).get(0);
        assertTrue(fine.length / 2 <= 100, "points " + fine.length / 2);
        assertTrue(coarse.length / 2 <= 12 && coarse.length / 2 >= 3);
        assertTrue(iou(disk, MaskOutlines.rasterize(List.of(fine), s, s)) > 0.97);
        assertTrue(iou(disk, MaskOutlines.rasterize(List.of(coarse), s, s)) > 0.85);
    }

    static double iou(boolean[] a, boolean[] b) {
        int inter = 0, union = 0;
        for (int i = 0; i < a.length; i++) {
            inter += a[i] && b[i] ? 1 : 0;
            union += a[i] || b[i] ? 1 : 0;
        }
        return union == 0 ? 1 : inter / (double) union;
    }
}
