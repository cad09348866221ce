package io.automlseg.executor.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.model.Detections;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoringFormatTest {
    private static final int H = 40;
    private static final int W = 50;

    private static byte[] rectangle(int rowFrom, int rowTo, int colFrom, int colTo) {
        byte[] mask = new byte[H * W];
        for (int y = rowFrom; y <= rowTo; y++) {
            for (int x = colFrom; x <= colTo; x++) {
                mask[y * W + x] = 1;
            }
        }
        return mask;
    }

    /** Two detections (box x1,y1,x2,y2 in pixels) whose pasted masks are given directly. */
    private static Detections detections() {
        return new Detections(
                new float[][] {{5, 4, 25, 20}, {30, 10, 45, 35}},
                new int[] {2, 1},
                new float[] {0.9f, 0.35f},
                new float[][] {new float[28 * 28], new float[28 * 28]},
                H, W);
    }

    private static List<byte[]> masks() {
        byte[] second = rectangle(12, 20, 31, 40);
        // The second object has two separate parts: two polygons.
        byte[] extra = rectangle(26, 33, 33, 43);
        for (int i = 0; i < second.length; i++) {
            second[i] |= extra[i];
        }
        return List.of(rectangle(5, 18, 6, 23), second);
    }

    @Test
    void convertsDetectionsToNormalisedRecords() {
        ScoredImage image = ScoringFormat.toScoredImage("img7.jpg", detections(), masks(), List.of("can", "carton"), 100);
        assertEquals("img7.jpg", image.filename());
        assertEquals(2, image.boxes().size());

        ScoredImage.Detection first = image.boxes().get(0);
        assertEquals("carton", first.label());
        assertEquals(0.9, first.score());
        assertEquals(new ScoredImage.Box(5.0 / W, 4.0 / H, 25.0 / W, 20.0 / H), first.box());
        assertEquals(1, first.polygon().size());
        assertPolygonWithin(first.polygon().get(0), 6, 5, 24, 19);

        ScoredImage.Detection second = image.boxes().get(1);
        assertEquals("can", second.label());
        assertEquals(0.35, second.score());
        assertEquals(2, second.polygon().size());
        assertPolygonWithin(second.polygon().get(0), 31, 12, 41, 21);
        assertPolygonWithin(second.polygon().get(1), 33, 26, 44, 34);
    }

    /** All points of a normalised polygon lie in the pixel rectangle [x0, x1] x [y0, y1]; it has 3+ points. */
    private static void assertPolygonWithin(double[] polygon, double x0, double y0, double x1, double y1) {
        assertTrue(polygon.length >= 6);
        for (int i = 0; i < polygon.length; i += 2) {
            double x = polygon[i] * W;
            double y = polygon[i + 1] * H;
            assertTrue(x >= x0 - 1e-9 && x <= x1 + 1e-9 && y >= y0 - 1e-9 && y <= y1 + 1e-9,
                    "point " + x + "," + y);
        }
    }

    @Test
    void writesTheReferenceJsonShape() throws Exception {
        ScoredImage image = ScoringFormat.toScoredImage("a/b.png", detections(), masks(), List.of("can", "carton"), 100);
        String line = ScoringFormat.toJsonLine(image);
        assertFalse(line.contains("\n"));
        JsonNode node = Json.MAPPER.readTree(line);
        assertEquals(List.of("filename", "boxes"), fieldNames(node));
        JsonNode box = node.get("boxes").get(0);
        assertEquals(List.of("box", "label", "score", "polygon"), fieldNames(box));
        assertEquals(List.of("topX", "topY", "bottomX", "bottomY"), fieldNames(box.get("box")));
        assertEquals(0.1, box.get("box").get("topX").asDouble(), 1e-15);
        assertEquals("0.9", box.get("score").asText());
        assertTrue(box.get("polygon").isArray() && box.get("polygon").get(0).isArray());

        ScoredImage back = ScoringFormat.fromJsonLine(line, "predictions.jsonl:1");
        assertEquals(image.filename(), back.filename());
        for (int i = 0; i < image.boxes().size(); i++) {
            ScoredImage.Detection expected = image.boxes().get(i);
            ScoredImage.Detection actual = back.boxes().get(i);
            assertEquals(expected.box(), actual.box());
            assertEquals(expected.label(), actual.label());
            assertEquals(expected.score(), actual.score());
            assertEquals(expected.polygon().size(), actual.polygon().size());
            for (int p = 0; p < expected.polygon().size(); p++) {
                assertArrayEquals(expected.polygon().get(p), actual.polygon().get(p));
            }
        }
    }

    @Test
    void onlineAnswerHasNoFilename() throws Exception {
        ScoredImage image = ScoringFormat.toScoredImage(null, detections(), masks(), List.of("can", "carton"), 100);
        JsonNode node = Json.MAPPER.readTree(ScoringFormat.toJsonLine(image));
        assertEquals(List.of("boxes"), fieldNames(node));
    }

    @Test
    void reportsBadInputClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScoringFormat.toScoredImage("x.jpg", detections(), masks(), List.of("can"), 100));
        assertTrue(e.getMessage().contains("label 2"), e.getMessage());
        IllegalArgumentException parse = assertThrows(IllegalArgumentException.class,
                () -> ScoringFormat.fromJsonLine("{\"boxes\": 3", "out.jsonl:4"));
        assertTrue(parse.getMessage().startsWith("out.jsonl:4"), parse.getMessage());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
