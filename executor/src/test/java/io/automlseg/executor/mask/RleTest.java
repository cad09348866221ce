package io.automlseg.executor.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    @Test
    void compressedStringHandlesLargeAndNegativeDeltas() {
        int[] counts = {100000, 3, 7, 250000, 1, 123456, 40, 0, 0};
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        Rle rle = Rle.ofCounts(1, total, counts);
        assertArrayEquals(counts, RleCodec.fromCompressedString(rle.toCompressedString(), 1, total).counts());
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
    void iouMatchesPixelCountsIncludingCrowd() {
        Random random = new Random(11);
        for (int trial = 0; trial < 300; trial++) {
            int h = 1 + random.nextInt(30);
            int w = 1 + random.nextInt(30);
            byte[] a = randomMask(random, h, w);
            byte[] b = randomMask(random, h, w);
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
            byte[] a = randomMask(random, h, w);
            byte[] b = randomMask(random, h, w);
            byte[] c = randomMask(random, h, w);
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

    @Test
    void polygonOfAHandTracedSquare() {
        // Upsampled edges of [0,2]x[0,2] cross column centres x = 0.5, 1.5 at y = 0 (top) and y = 2 (bottom):
        // toggles at indices 0, 2, 4, 6 of a 4x4 column-major image, then the end at 16.
        Rle square = PolygonRaster.fromPolygon(new double[] {0, 0, 2, 0, 2, 2, 0, 2}, 4, 4);
        assertArrayEquals(new int[] {0, 2, 2, 2, 10}, square.counts());
        assertArrayEquals(new byte[] {
            1, 1, 0, 0,
            1, 1, 0, 0,
            0, 0, 0, 0,
            0, 0, 0, 0}, square.decode());
        // Orientation does not matter.
        assertEquals(square, PolygonRaster.fromPolygon(new double[] {0, 0, 0, 2, 2, 2, 2, 0}, 4, 4));
    }

    @Test
    void normalisedPartsAreScaledAndXored() {
        // 10 x 20 image; parts [0,4]x[0,4] and [2,6]x[2,6] in pixels overlap on [2,4]x[2,4], which XOR removes.
        double[] a = {0, 0, 0.2, 0, 0.2, 0.4, 0, 0.4};
        double[] b = {0.1, 0.2, 0.3, 0.2, 0.3, 0.6, 0.1, 0.6};
        Rle mask = PolygonRaster.fromNormalizedPolygons(List.of(a, b), 10, 20);
        assertEquals(16 + 16 - 2 * 4, mask.area());
        byte[] pixels = mask.decode();
        assertEquals(0, pixels[3 * 20 + 3]);
        assertEquals(1, pixels[20 + 1]);
        assertEquals(1, pixels[5 * 20 + 5]);
        assertEquals(0, PolygonRaster.fromNormalizedPolygons(List.of(), 10, 20).area());
    }

    @Test
    void integerRectanglesCoverTheirPixels() {
        Random random = new Random(17);
        for (int trial = 0; trial < 100; trial++) {
            int h = 2 + random.nextInt(30);
            int w = 2 + random.nextInt(30);
            int x0 = random.nextInt(w - 1);
            int x1 = x0 + 1 + random.nextInt(w - x0);
            int y0 = random.nextInt(h - 1);
            int y1 = y0 + 1 + random.nextInt(h - y0);
            byte[] mask = new byte[h * w];
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    mask[y * w + x] = 1;
                }
            }
            Rle rle = PolygonRaster.fromPolygon(new double[] {x0, y0, x1, y0, x1, y1, x0, y1}, h, w);
            assertEquals(Rle.encode(mask, h, w), rle);
        }
    }

    @Test
    void polygonPixelCountFollowsItsArea() {
        Random random = new Random(23);
        for (int trial = 0; trial < 100; trial++) {
            int h = 40 + random.nextInt(40);
            int w = 40 + random.nextInt(40);
            // A convex polygon: points on an ellipse in angle order.
            int k = 3 + random.nextInt(10);
            double cx = w / 2.0;
            double cy = h / 2.0;
            double rx = 5 + random.nextDouble() * (w / 2.0 - 6);
            double ry = 5 + random.nextDouble() * (h / 2.0 - 6);
            double[] angles = new double[k];
            for (int i = 0; i < k; i++) {
                angles[i] = random.nextDouble() * 2 * Math.PI;
            }
            java.util.Arrays.sort(angles);
            double[] xy = new double[2 * k];
            for (int i = 0; i < k; i++) {
                xy[2 * i] = cx + rx * Math.cos(angles[i]);
                xy[2 * i + 1] = cy + ry * Math.sin(angles[i]);
            }
            double twiceArea = 0;
            double perimeter = 0;
            for (int i = 0; i < k; i++) {
                int j = (i + 1) % k;
                twiceArea += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
                perimeter += Math.hypot(xy[2 * j] - xy[2 * i], xy[2 * j + 1] - xy[2 * i + 1]);
            }
            long pixels = PolygonRaster.fromPolygon(xy, h, w).area();
            assertEquals(Math.abs(twiceArea) / 2, pixels, perimeter / 2 + 2, "trial " + trial);
        }
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

    /**
     * Area and box that pycocotools computed (rleFrPoly, parts merged as its annToRLE does) for the polygons of the
     * shared COCO evaluation cases.
     */
    @Test
    void agreesWithPycocotoolsOnReferencePolygons() throws IOException {
        JsonNode vectors = read("/rle/coco-vectors.json");
        int checked = 0;
        for (JsonNode v : vectors.get("polygons")) {
            int h = v.get("h").asInt();
            int w = v.get("w").asInt();
            List<Rle> parts = new ArrayList<>();
            for (JsonNode p : v.get("polygons")) {
                double[] xy = new double[p.size()];
                for (int i = 0; i < xy.length; i++) {
                    xy[i] = p.get(i).asDouble();
                }
                parts.add(PolygonRaster.fromPolygon(xy, h, w));
            }
            Rle rle = RleOverlap.union(parts);
            assertEquals(v.get("area").asDouble(), (double) rle.area(), "area of case " + checked);
            double[] box = rle.toBbox();
            for (int i = 0; i < 4; i++) {
                assertEquals(v.get("bbox").get(i).asDouble(), box[i], "bbox of case " + checked);
            }
            checked++;
        }
        assertTrue(checked > 500, "expected the reference vectors, got " + checked);
    }

    /** Crowd regions of the same cases: pycocotools' compressed strings, with the area and box it computed. */
    @Test
    void compressedStringsRoundTripAndMatchReferenceAreas() throws IOException {
        int checked = 0;
        for (JsonNode v : read("/rle/coco-vectors.json").get("crowd")) {
            String s = v.get("counts").asText();
            int h = v.get("h").asInt();
            int w = v.get("w").asInt();
            Rle rle = RleCodec.fromCompressedString(s, h, w);
            assertEquals(v.get("area").asDouble(), (double) rle.area());
            assertArrayEquals(new double[] {v.get("bbox").get(0).asDouble(), v.get("bbox").get(1).asDouble(),
                    v.get("bbox").get(2).asDouble(), v.get("bbox").get(3).asDouble()}, rle.toBbox());
            assertEquals(s, rle.toCompressedString());
            long total = 0;
            for (int c : rle.counts()) {
                total += c;
            }
            assertEquals((long) h * w, total);
            checked++;
        }
        assertTrue(checked > 50, "crowd vectors checked: " + checked);
    }

    @Test
    void decodesHandEncodedStrings() {
        // Worked out by hand from the format: small runs are one character each (48 + value); the fourth run is
        // stored as the difference to the second; 100 needs two 5-bit groups; a negative difference sets bit 0x10.
        assertArrayEquals(new int[] {1, 2, 3, 4}, RleCodec.fromCompressedString("1232", 1, 10).counts());
        assertArrayEquals(new int[] {5, 1, 2, 0}, RleCodec.fromCompressedString("512O", 2, 4).counts());
        assertArrayEquals(new int[] {100}, RleCodec.fromCompressedString("T3", 10, 10).counts());
    }

    @Test
    void decodesAStringWrittenByPycocotools() {
        // A 50 x 70 mask as pycocotools encodes it (published in a public README); the runs must cover the image.
        String s = "0g05b08J4M2N2NA^O1`0OCO=0E090H080IO68DH;>@C>a0_O_O`0j0OWOF<:CM72I24NL43JM92FN;1ENKO72L0LO91J0MO92INO"
                + "0NO122OO0M031O000NO31OO11MO40N011MO41MO21L06OL021L06OL021L06OL021L060J040L060J040L060J040L060J040L06"
                + "0J040L060J040L060KO31L060KO31L06OL021L06OL021L06OL021MO41MO21MO40N100NO310O00M0310O00NO1220NO92IONO9"
                + "1KOMO72M0<1EO:2GN63KM34OLM73JF<;=1G_O_Ob0=AC`07EH=1IO71H090F0:1DO>1_O1b0>2N2N3L6H]O";
        Rle rle = RleCodec.fromCompressedString(s, 50, 70);
        int[] counts = rle.counts();
        long odd = 0;
        for (int i = 0; i < counts.length; i++) {
            assertTrue(counts[i] >= 0);
            odd += (i & 1) == 1 ? counts[i] : 0;
        }
        int on = 0;
        for (byte b : rle.decode()) {
            on += b;
        }
        assertEquals(odd, on);
        assertEquals(odd, rle.area());
        assertTrue(on > 0 && on < 50 * 70);
        assertEquals(s, rle.toCompressedString());
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

    /** The direction of the outline does not matter. */
    @Test
    void clockwiseAndCounterClockwiseTrianglesAgree() {
        double[] ccw = {0.7, 0.4, 6.2, 1.1, 3.3, 5.9};
        double[] cw = {3.3, 5.9, 6.2, 1.1, 0.7, 0.4};
        assertEquals(PolygonRaster.fromPolygon(ccw, 7, 8), PolygonRaster.fromPolygon(cw, 7, 8));
    }

    /**
     * A polygon along the whole image border covers every pixel: the top edge toggles at y = 0 of each column and the
     * bottom edge at ceil(15.5/5 - .5) = 3 = h, so the zero-length runs merge into a single run of 9.
     */
    @Test
    void onBorderPolygonCoversTheImage() {
        assertArrayEquals(new int[] {0, 9}, PolygonRaster.fromPolygon(new double[] {0, 0, 3, 0, 3, 3, 0, 3}, 3, 3).counts());
        // beyond the border it is clipped to the image
        assertArrayEquals(new int[] {0, 9}, PolygonRaster.fromPolygon(new double[] {-2, -2, 5, -2, 5, 5, -2, 5}, 3, 3).counts());
    }

    /**
     * Triangle (0,0), (4,0), (0,4) on a 4x4 image: pixel centres strictly inside (x + y &lt; 3) must be on, those
     * strictly outside (x + y &gt; 3) off; the centres exactly on the hypotenuse are the rasteriser's choice (covered
     * by the reference vectors above).
     */
    @Test
    void triangleKeepsItsInterior() {
        byte[] mask = PolygonRaster.fromPolygon(new double[] {0, 0, 4, 0, 0, 4}, 4, 4).decode();
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                if (x + y < 3) {
                    assertEquals(1, mask[y * 4 + x], "interior pixel " + x + "," + y);
                }
                if (x + y > 3) {
                    assertEquals(0, mask[y * 4 + x], "exterior pixel " + x + "," + y);
                }
            }
        }
    }

    /** Overlapping parts: pycocotools' merge counts the overlap once; the reference product's XOR removes it. */
    @Test
    void overlappingPartsUnionAndXor() {
        double[] left = {0, 0, 0, 2, 2, 2, 2, 0};
        double[] overlapping = {1, 0, 1, 2, 3, 2, 3, 0};
        Rle a = PolygonRaster.fromPolygon(left, 4, 4);
        Rle b = PolygonRaster.fromPolygon(overlapping, 4, 4);
        Rle union = RleOverlap.union(List.of(a, b));
        // columns 0..2, rows 0..1: the overlap is counted once
        assertEquals(6, union.area());
        assertArrayEquals(new double[] {0, 0, 3, 2}, union.toBbox());
        // XOR keeps columns 0 and 2 only
        Rle xor = PolygonRaster.fromNormalizedPolygons(List.of(scale(left, 0.25), scale(overlapping, 0.25)), 4, 4);
        assertArrayEquals(new byte[] {
            1, 0, 1, 0,
            1, 0, 1, 0,
            0, 0, 0, 0,
            0, 0, 0, 0}, xor.decode());
    }

    @Test
    void normalisedObjectsAreScaledByTheImageSize() {
        byte[] mask = PolygonRaster.fromNormalizedPolygons(List.of(new double[] {0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0}), 4, 8).decode();
        // the top-left quarter: 4 columns x 2 rows
        int on = 0;
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                boolean inside = x < 4 && y < 2;
                assertEquals(inside ? 1 : 0, mask[y * 8 + x], "pixel " + x + "," + y);
                on += mask[y * 8 + x];
            }
        }
        assertEquals(8, on);
    }

    private static double[] scale(double[] xy, double factor) {
        double[] out = new double[xy.length];
        for (int i = 0; i < xy.length; i++) {
            out[i] = xy[i] * factor;
        }
        return out;
    }

    /** Boxes that pycocotools computed from the detection RLEs, and crowd GT areas/boxes, must be reproduced. */
    @Test
    void agreesWithPycocotoolsOnReferenceFiles() throws IOException {
        int checked = 0;
        int crowd = 0;
        for (String dir : List.of("dev-basic", "dev-crowd")) {
            JsonNode gt = read("/coco-eval/" + dir + "/gt.json");
            JsonNode dt = read("/coco-eval/" + dir + "/dt.json");
            Map<Integer, int[]> sizes = new HashMap<>();
            for (JsonNode image : gt.get("images")) {
                sizes.put(image.get("id").asInt(), new int[] {image.get("height").asInt(), image.get("width").asInt()});
            }
            for (JsonNode d : dt) {
                checkAgainst(d, sizes.get(d.get("image_id").asInt()), null);
                checked++;
            }
            for (JsonNode g : gt.get("annotations")) {
                if (g.get("iscrowd").asInt() == 1) {
                    checkAgainst(g, sizes.get(g.get("image_id").asInt()), g.get("area").asDouble());
                    crowd++;
                }
            }
        }
        assertTrue(checked > 500, "detections checked: " + checked);
        assertTrue(crowd > 50, "crowd regions checked: " + crowd);
    }

    private static void checkAgainst(JsonNode annotation, int[] size, Double area) {
        JsonNode segmentation = annotation.get("segmentation");
        String counts = segmentation.get("counts").asText();
        int h = segmentation.get("size").get(0).asInt();
        int w = segmentation.get("size").get(1).asInt();
        assertArrayEquals(size, new int[] {h, w});
        Rle rle = RleCodec.fromCompressedString(counts, h, w);
        double[] expected = new double[4];
        for (int i = 0; i < 4; i++) {
            expected[i] = annotation.get("bbox").get(i).asDouble();
        }
        assertArrayEquals(expected, rle.toBbox(), 0.0, counts);
        if (area != null) {
            assertEquals(area, (double) rle.area(), 0.0);
        }
        // Decoding to pixels and encoding again reproduces the exact string.
        Rle again = Rle.encode(rle.decode(), h, w);
        assertEquals(counts, again.toCompressedString());
    }

    private static JsonNode read(String resource) throws IOException {
        try (InputStream in = RleTest.class.getResourceAsStream(resource)) {
            return Json.MAPPER.readTree(in);
        }
    }
}
