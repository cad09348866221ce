package io.automlseg.executor.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Intersection, IoU (also over a crowd region), union and xor against pixel-by-pixel counts. */
class RleOverlapTest {
    @Test
    void iouMatchesPixelCountsIncludingCrowd() {
        Random random = new Random(11);
        for (int trial = 0; trial < 300; trial++) {
            int h = 1 + random.nextInt(30);
            int w = 1 + random.nextInt(30);
            byte[] a = RleTest.randomMask(random, h, w);
            byte[] b = RleTest.randomMask(random, h, w);
            long inter = 0;
            long areaA = 0;
            long areaB = 0;
            for (int i = 0; i < a.length; i++) {
                inter += a[i] & b[i];
                areaA += a[i];
                areaB += b[i];
            }
            double expected = inter == 0 ? 0 : (double) inter / (areaA + areaB - inter);
            double expectedCrowd = inter == 0 ? 0 : (double) inter / areaA;
            Rle ra = Rle.encode(a, h, w);
            Rle rb = Rle.encode(b, h, w);
            assertEquals(inter, ra.intersectionArea(rb));
            assertEquals(expected, RleOverlap.iou(ra, rb, false), 1e-15);
            assertEquals(expectedCrowd, RleOverlap.iou(ra, rb, true), 1e-15);
        }
    }

    @Test
    void unionAndXorMatchPixelwiseOperations() {
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int h = 1 + random.nextInt(25);
            int w = 1 + random.nextInt(25);
            byte[] a = RleTest.randomMask(random, h, w);
            byte[] b = RleTest.randomMask(random, h, w);
            byte[] c = RleTest.randomMask(random, h, w);
            byte[] or = new byte[a.length];
            byte[] xor = new byte[a.length];
            for (int i = 0; i < a.length; i++) {
                or[i] = (byte) (a[i] | b[i] | c[i]);
                xor[i] = (byte) (a[i] ^ b[i]);
            }
            Rle ra = Rle.encode(a, h, w);
            Rle rb = Rle.encode(b, h, w);
            Rle rc = Rle.encode(c, h, w);
            // Canonical runs: equal to encoding the combined mask directly.
            assertEquals(Rle.encode(or, h, w), RleOverlap.union(List.of(ra, rb, rc)));
            assertEquals(Rle.encode(xor, h, w), RleOverlap.xor(ra, rb));
        }
    }
}
