package io.automlseg.executor.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

public class RleTest {
    /** Random blobs: a few filled rectangles, so runs cross columns and touch image borders sometimes. */
    public static byte[] randomMask(Random random, int height, int width) {
        byte[] mask = new byte[height * width];
        int blobs = random.nextInt(4);
        for (int b = 0; b < blobs; b++) {
            int y0 = random.nextInt(height);
            int x0 = random.nextInt(width);
            int y1 = Math.min(height, y0 + 1 + random.nextInt(height));
            int x1 = Math.min(width, x0 + 1 + random.nextInt(width));
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    mask[y * width + x] = 1;
                }
            }
        }
        // Salt so that masks are not only rectangles.
        for (int i = 0; i < mask.length / 10; i++) {
            mask[random.nextInt(mask.length)] ^= 1;
        }
        return mask;
    }

    @Test
    void encodesColumnMajorRunsStartingWithBackground() {
        // 2x2 [[0,1],[1,1]]: column 0 is (0,1), column 1 is (1,1).
        Rle rle = Rle.encode(new byte[] {0, 1, 1, 1}, 2, 2);
        assertArrayEquals(new int[] {1, 3}, rle.counts());
        assertEquals("13", rle.toCompressedString());
        assertEquals(3, rle.area());
        // Foreground first: the leading background run is empty.
        assertArrayEquals(new int[] {0, 4}, Rle.encode(new byte[] {1, 1, 1, 1}, 2, 2).counts());
        assertArrayEquals(new int[] {4}, Rle.encode(new byte[4], 2, 2).counts());
    }

    @Test
    void probabilitiesAreForegroundStrictlyAboveTheThreshold() {
        // 2x3 row-major: only 0.6 and 0.9 are above 0.5; 0.5 itself is background.
        Rle rle = Rle.encode(new float[] {0.6f, 0.5f, 0.1f, 0.0f, 0.9f, 0.5f}, 2, 3, 0.5f);
        assertArrayEquals(new byte[] {1, 0, 0, 0, 1, 0}, rle.decode());
        assertEquals(Rle.encode(new byte[] {1, 0, 0, 0, 1, 0}, 2, 3), rle);
        assertThrows(IllegalArgumentException.class, () -> Rle.encode(new float[5], 2, 3, 0.5f));
    }

    @Test
    void roundTripsRandomMasks() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int h = 1 + random.nextInt(40);
            int w = 1 + random.nextInt(40);
            byte[] mask = randomMask(random, h, w);
            Rle rle = Rle.encode(mask, h, w);
            assertArrayEquals(mask, rle.decode());
            int pixels = 0;
            for (byte b : mask) {
                pixels += b;
            }
            assertEquals(pixels, rle.area());
            assertArrayEquals(bruteForceBbox(mask, h, w), rle.toBbox());
            Rle parsed = RleCodec.fromCompressedString(rle.toCompressedString(), h, w);
            assertEquals(rle, parsed);
        }
    }

    /** pycocotools' box rule: min/max of foreground, full height when a foreground run wraps to the next column. */
    private static double[] bruteForceBbox(byte[] mask, int h, int w) {
        int xs = w;
        int ys = h;
        int xe = -1;
        int ye = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (mask[y * w + x] != 0) {
                    xs = Math.min(xs, x);
                    xe = Math.max(xe, x);
                    ys = Math.min(ys, y);
                    ye = Math.max(ye, y);
                }
            }
        }
        if (xe < 0) {
            return new double[4];
        }
        for (int x = 0; x + 1 < w; x++) {
            if (mask[(h - 1) * w + x] != 0 && mask[x + 1] != 0) {
                ys = 0;
                ye = h - 1;
            }
        }
        return new double[] {xs, ys, xe - xs + 1, ye - ys + 1};
    }

    @Test
    void rejectsMismatchedSizesAndBadStrings() {
        Rle a = Rle.encode(new byte[6], 2, 3);
        Rle b = Rle.encode(new byte[6], 3, 2);
        assertThrows(IllegalArgumentException.class, () -> RleOverlap.iou(a, b, false));
        assertThrows(IllegalArgumentException.class, () -> Rle.encode(new byte[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> RleCodec.fromCompressedString("13", 3, 3));
        assertThrows(IllegalArgumentException.class, () -> RleCodec.fromCompressedString("1 3", 2, 2));
    }

    @Test
    void runsGoDownColumnsFirst() {
        assertArrayEquals(new byte[] {0, 1, 0, 1, 0, 0}, Rle.ofCounts(2, 3, new int[] {1, 2, 3}).decode());
        byte[] mask = new byte[5 * 3];
        mask[0] = 1;
        mask[4] = 1;
        mask[7] = 1;
        mask[14] = 1;
        Rle rle = Rle.encode(mask, 5, 3);
        assertArrayEquals(mask, rle.decode());
        assertEquals(4, rle.area());
    }

    @Test
    void runsThatDoNotCoverTheImageAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Rle.ofCounts(2, 3, new int[] {1, 2}));
        assertTrue(e.getMessage().contains("2x3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Rle.ofCounts(2, 3, new int[] {1, -2, 7}));
    }

    static JsonNode read(String resource) throws IOException {
        try (InputStream in = RleTest.class.getResourceAsStream(resource)) {
            return Json.MAPPER.readTree(in);
        }
    }
}
