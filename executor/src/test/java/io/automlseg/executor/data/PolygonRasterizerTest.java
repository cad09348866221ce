package io.automlseg.executor.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.io.Json;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolygonRasterizerTest {

    /** Area and box that pycocotools computed for the polygons of the shared COCO evaluation cases. */
    @Test
    void agreesWithPycocotoolsOnReferencePolygons() throws Exception {
        JsonNode vectors = vectors();
        int checked = 0;
        for (JsonNode v : vectors.get("polygons")) {
            int h = v.get("h").asInt();
            int w = v.get("w").asInt();
            List<double[]> parts = new ArrayList<>();
            for (JsonNode p : v.get("polygons")) {
                double[] xy = new double[p.size()];
                for (int i = 0; i < xy.length; i++) {
                    xy[i] = p.get(i).asDouble();
                }
                parts.add(xy);
            }
            int[] rle = PolygonRasterizer.rle(parts, h, w);
            assertEquals(v.get("area").asDouble(), (double) Rle.area(rle), "area of case " + checked);
            double[] box = Rle.bbox(rle, h);
            for (int i = 0; i < 4; i++) {
                assertEquals(v.get("bbox").get(i).asDouble(), box[i], "bbox of case " + checked);
            }
            checked++;
        }
        assertTrue(checked > 500, "expected the reference vectors, got " + checked);
    }

    @Test
    void compressedStringsRoundTripAndMatchReferenceAreas() throws Exception {
        for (JsonNode v : vectors().get("crowd")) {
            String s = v.get("counts").asText();
            int[] counts = Rle.fromCompressedString(s);
            assertEquals(v.get("area").asDouble(), (double) Rle.area(counts));
            assertArrayEquals(new double[] {v.get("bbox").get(0).asDouble(), v.get("bbox").get(1).asDouble(),
                    v.get("bbox").get(2).asDouble(), v.get("bbox").get(3).asDouble()}, Rle.bbox(counts, v.get("h").asInt()));
            assertEquals(s, Rle.toCompressedString(counts));
            long total = 0;
            for (int c : counts) {
                total += c;
            }
            assertEquals((long) v.get("h").asInt() * v.get("w").asInt(), total);
        }
    }

    /**
     * Square with corners (0,0) and (2,2) on a 4x4 image. Upsampled, the top edge crosses the column centres at
     * u = 2 and 7 (columns 0 and 1, y clamps to 0); the bottom edge at y = 10 gives ceil(10.5/5 - .5) = 2. So the
     * toggles are at column-major indices 0, 2, 4, 6 and the counts are [0, 2, 2, 2, 10].
     */
    @Test
    void squareByHand() {
        int[] rle = PolygonRasterizer.rle(new double[] {0, 0, 0, 2, 2, 2, 2, 0}, 4, 4);
        assertArrayEquals(new int[] {0, 2, 2, 2, 10}, rle);
        byte[] mask = Rle.toMask(rle, 4, 4);
        byte[] expected = {
            1, 1, 0, 0,
            1, 1, 0, 0,
            0, 0, 0, 0,
            0, 0, 0, 0};
        assertArrayEquals(expected, mask);
    }

    /** The direction of the outline does not matter. */
    @Test
    void clockwiseAndCounterClockwiseAgree() {
        double[] ccw = {0.7, 0.4, 6.2, 1.1, 3.3, 5.9};
        double[] cw = {3.3, 5.9, 6.2, 1.1, 0.7, 0.4};
        assertArrayEquals(PolygonRasterizer.rle(ccw, 7, 8), PolygonRasterizer.rle(cw, 7, 8));
    }

    /**
     * A polygon along the whole image border covers every pixel: the top edge toggles at y = 0 of each column and the
     * bottom edge at ceil(15.5/5 - .5) = 3 = h, so the zero-length runs merge into a single run of 9.
     */
    @Test
    void onBorderPolygonCoversTheImage() {
        assertArrayEquals(new int[] {0, 9}, PolygonRasterizer.rle(new double[] {0, 0, 3, 0, 3, 3, 0, 3}, 3, 3));
        // beyond the border it is clipped to the image
        assertArrayEquals(new int[] {0, 9}, PolygonRasterizer.rle(new double[] {-2, -2, 5, -2, 5, 5, -2, 5}, 3, 3));
    }

    /**
     * Triangle (0,0), (4,0), (0,4) on a 4x4 image: pixel centres strictly inside (x + y &lt; 3) must be on, those
     * strictly outside (x + y &gt; 3) off; the centres exactly on the hypotenuse are the rasteriser's choice (covered
     * by the reference vectors above).
     */
    @Test
    void triangleKeepsItsInteriorAndIsInsideItsBox() {
        byte[] mask = PolygonRasterizer.mask(List.<double[]>of(new double[] {0, 0, 4, 0, 0, 4}), 4, 4);
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

    @Test
    void partsAreMergedByUnion() {
        double[] left = {0, 0, 0, 2, 2, 2, 2, 0};
        double[] overlapping = {1, 0, 1, 2, 3, 2, 3, 0};
        int[] union = PolygonRasterizer.rle(List.of(left, overlapping), 4, 4);
        // columns 0..2, rows 0..1: the overlap is counted once
        assertEquals(6, Rle.area(union));
        assertArrayEquals(new double[] {0, 0, 3, 2}, Rle.bbox(union, 4));
    }

    @Test
    void normalisedObjectsAreScaledByTheImageSize() {
        ObjectAnnotation obj = new ObjectAnnotation("can", false, List.of(new double[] {0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0}));
        byte[] mask = PolygonRasterizer.mask(obj, 4, 8);
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

    @Test
    void maskEncodingRoundTrips() {
        byte[] mask = new byte[5 * 3];
        mask[0] = 1;
        mask[4] = 1;
        mask[7] = 1;
        mask[14] = 1;
        int[] counts = Rle.fromMask(mask, 5, 3);
        assertArrayEquals(mask, Rle.toMask(counts, 5, 3));
        assertEquals(4, Rle.area(counts));
    }

    private static JsonNode vectors() throws Exception {
        try (InputStream in = PolygonRasterizerTest.class.getResourceAsStream("/data/coco-vectors.json")) {
            return Json.MAPPER.readTree(in);
        }
    }
}
