package io.automlseg.executor.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Polygons rasterised as pycocotools' rleFrPoly: hand-checked shapes and pycocotools' own output. */
class PolygonRasterTest {
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

    /**
     * Area and box that pycocotools computed (rleFrPoly, parts merged as its annToRLE does) for the polygons of the
     * shared COCO evaluation cases.
     */
    @Test
    void agreesWithPycocotoolsOnReferencePolygons() throws IOException {
        JsonNode vectors = RleTest.read("/rle/coco-vectors.json");
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

    private static double[] scale(double[] xy, double factor) {
        double[] out = new double[xy.length];
        for (int i = 0; i < xy.length; i++) {
            out[i] = xy[i] * factor;
        }
        return out;
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

    /** Boxes that pycocotools computed from the detection RLEs, and crowd GT areas/boxes, must be reproduced. */
    @Test
    void agreesWithPycocotoolsOnReferenceFiles() throws IOException {
        int checked = 0;
        int crowd = 0;
        for (String dir : List.of("dev-basic", "dev-crowd")) {
            JsonNode gt = RleTest.read("/coco-eval/" + dir + "/gt.json");
            JsonNode dt = RleTest.read("/coco-eval/" + dir + "/dt.json");
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
}
