package io.automlseg.driver.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.automlseg.driver.datasets.DataSetException;
import io.automlseg.driver.datasets.MaskOutlines;
import io.automlseg.driver.datasets.MlTableFolder;
import io.automlseg.executor.io.Json;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoConverterTest {
    @TempDir
    Path tmp;

    private static void writeImage(Path file, int w, int h) throws IOException {
        Files.createDirectories(file.getParent());
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
    }

    /** Column-major runs of a row-major mask, background first: the uncompressed COCO form. */
    static List<Long> runs(boolean[] mask, int w, int h) {
        List<Long> counts = new ArrayList<>();
        boolean value = false;
        long run = 0;
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                if (mask[y * w + x] != value) {
                    counts.add(run);
                    run = 0;
                    value = !value;
                }
                run++;
            }
        }
        counts.add(run);
        return counts;
    }

    /** The compressed COCO string of a list of runs (the inverse of the decoder, written from the format). */
    static String compress(List<Long> counts) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < counts.size(); i++) {
            long x = counts.get(i) - (i > 2 ? counts.get(i - 2) : 0);
            boolean more = true;
            while (more) {
                long c = x & 0x1f;
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                sb.append((char) (c + 48));
            }
        }
        return sb.toString();
    }

    private static boolean[] box(int w, int h, int x0, int y0, int x1, int y1) {
        boolean[] m = new boolean[w * h];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                m[y * w + x] = true;
            }
        }
        return m;
    }

    private static boolean[] or(boolean[] a, boolean[] b) {
        boolean[] m = a.clone();
        for (int i = 0; i < m.length; i++) {
            m[i] |= b[i];
        }
        return m;
    }

    /** A COCO file with one annotation per line, so line numbers in messages are predictable (annotation i is on line 9 + i). */
    private Path handmadeCoco(List<String> annotations) throws IOException {
        Path dir = tmp.resolve("coco");
        writeImage(dir.resolve("images/a.png"), 40, 20);
        writeImage(dir.resolve("images/b.png"), 30, 30);
        writeImage(dir.resolve("c.png"), 16, 12);
        Files.writeString(dir.resolve("SOURCE.md"), "test data\n");
        String text = "{\n"
                + "\"images\": [\n"
                + "{\"id\": 10, \"file_name\": \"a.png\", \"width\": 40, \"height\": 20},\n"
                + "{\"id\": 11, \"file_name\": \"b.png\", \"width\": 30, \"height\": 30},\n"
                + "{\"id\": 12, \"file_name\": \"c.png\"}\n"
                + "],\n"
                + "\"categories\": [{\"id\": 1, \"name\": \"cat\"}, {\"id\": 2, \"name\": \"dog\"}, {\"id\": 3, \"name\": \"unused\"}],\n"
                + "\"annotations\": [\n"
                + String.join(",\n", annotations) + "\n"
                + "]\n"
                + "}\n";
        Path file = dir.resolve("coco.json");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void cocoWithPolygonsAndRlesConvertsToAnMlTableAndBack() throws IOException {
        boolean[] twoBlocks = or(box(30, 30, 5, 10, 15, 20), box(30, 30, 20, 0, 25, 5));
        boolean[] smallBlock = box(16, 12, 2, 3, 9, 11);
        List<String> annotations = List.of(
                "{\"id\": 101, \"image_id\": 10, \"category_id\": 2, \"iscrowd\": 0, \"bbox\": [0.1, 0.5, 0.2, 0.4],"
                        + " \"segmentation\": [[0.1, 0.5, 0.3, 0.5, 0.3, 0.9]]}",
                "{\"id\": 100, \"image_id\": 10, \"category_id\": 1, \"iscrowd\": 0, \"bbox\": [4, 2, 16, 8],"
                        + " \"segmentation\": [[4, 2, 20, 2, 20, 10, 4, 10]]}",
                "{\"id\": 102, \"image_id\": 11, \"category_id\": 2, \"iscrowd\": 1,"
                        + " \"segmentation\": {\"size\": [30, 30], \"counts\": " + runs(twoBlocks, 30, 30) + "}}",
                "{\"id\": 103, \"image_id\": 11, \"category_id\": 1, \"iscrowd\": 0, \"bbox\": [-2, 0, 33, 15],"
                        + " \"segmentation\": [[-2, 0, 31, 0, 31, 15], [1, 1, 2, 2]]}",
                "{\"id\": 104, \"image_id\": 12, \"category_id\": 1, \"iscrowd\": 0, \"bbox\": [1, 1, 5, 5]}",
                "{\"id\": 105, \"image_id\": 12, \"category_id\": 1, \"iscrowd\": 0,"
                        + " \"segmentation\": {\"size\": [12, 16], \"counts\": \"" + compress(runs(smallBlock, 16, 12))
                        + "\"}}");
        Path coco = handmadeCoco(annotations);
        String out = tmp.resolve("mltable").toString();

        CocoConverter.Report report = CocoConverter.cocoToMlTable(coco.toString(), null, out, true);
        assertEquals(3, report.images());
        assertEquals(5, report.objects());
        assertEquals(List.of("cat", "dog"), report.labels());
        assertEquals(List.of("unused"), report.unusedCategories());
        assertEquals(1, report.skippedObjects());
        assertEquals(1, report.droppedSegments());
        assertEquals(3, report.clampedCoordinates());
        assertTrue(Files.exists(tmp.resolve("mltable/SOURCE.md")), "provenance note travels with the copy");

        List<MlTableFolder.Line> lines = MlTableFolder.readLines(out);
        assertEquals(3, lines.size());
        JsonNode a = lines.get(0).json();
        assertEquals("images/a.png", a.get("image_url").asText());
        assertTrue(Files.exists(tmp.resolve("mltable/images/a.png")));
        assertEquals("png", a.get("image_details").get("format").asText());
        assertEquals("dog", a.get("label").get(0).get("label").asText());
        assertPolygon(new double[] {0.1, 0.5, 0.3, 0.5, 0.3, 0.9}, a.get("label").get(0).get("polygon").get(0));
        assertPolygon(new double[] {0.1, 0.1, 0.5, 0.1, 0.5, 0.5, 0.1, 0.5}, a.get("label").get(1).get("polygon").get(0));

        JsonNode b = lines.get(1).json();
        JsonNode crowd = b.get("label").get(0);
        assertEquals(1, crowd.get("isCrowd").asInt());
        assertEquals(2, crowd.get("polygon").size(), "two separate blocks give two parts");
        assertArrayEquals(twoBlocks, MaskOutlines.rasterize(pixels(crowd.get("polygon"), 30, 30), 30, 30));
        assertPolygon(new double[] {0, 0, 1, 0, 1, 0.5}, b.get("label").get(1).get("polygon").get(0));
        assertEquals(1, b.get("label").get(1).get("polygon").size(), "the 1.5-point segment is dropped");

        JsonNode c = lines.get(2).json();
        assertEquals(16, c.get("image_details").get("width").asInt(), "size read from the file when COCO lacks it");
        assertEquals(12, c.get("image_details").get("height").asInt());
        assertEquals(1, c.get("label").size());
        assertArrayEquals(smallBlock, MaskOutlines.rasterize(pixels(c.get("label").get(0).get("polygon"), 16, 12), 16, 12));

        // And back: first-seen order makes "dog" category 1.
        String back = tmp.resolve("mltable/back.json").toString();
        CocoConverter.Report reverse = CocoConverter.mlTableToCoco(out, back, CocoConverter.CategoryOrder.FIRST_SEEN);
        assertEquals(5, reverse.objects());
        JsonNode json = Json.MAPPER.readTree(Files.readAllBytes(Path.of(back)));
        assertEquals("dog", json.get("categories").get(0).get("name").asText());
        assertEquals(1, json.get("categories").get(0).get("id").asInt());
        assertEquals("images/a.png", json.get("images").get(0).get("file_name").asText());
        assertEquals(40, json.get("images").get(0).get("width").asInt());
        JsonNode rect = json.get("annotations").get(1);
        assertEquals(2, rect.get("category_id").asInt());
        assertPolygon(new double[] {4, 2, 20, 2, 20, 10, 4, 10}, rect.get("segmentation").get(0));
        assertEquals(128.0, rect.get("area").asDouble(), 1e-9);
        assertPolygon(new double[] {4, 2, 16, 8}, rect.get("bbox"));
        JsonNode crowdBack = json.get("annotations").get(2);
        assertEquals(1, crowdBack.get("iscrowd").asInt());
        double traced = 0;
        for (JsonNode part : crowdBack.get("segmentation")) {
            double[] p = new double[part.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = part.get(i).asDouble();
            }
            traced += Math.abs(CocoConverter.shoelace(p));
        }
        assertEquals(traced, crowdBack.get("area").asDouble(), 1e-6);
        // Outlines run through pixel-edge midpoints, so corners are cut a little: close to the 125 mask pixels.
        assertEquals(125.0, traced, 125.0 * 0.15);

        CocoConverter.mlTableToCoco(out, back, CocoConverter.CategoryOrder.SORTED);
        json = Json.MAPPER.readTree(Files.readAllBytes(Path.of(back)));
        assertEquals("cat", json.get("categories").get(0).get("name").asText());
    }

    private static void assertPolygon(double[] expected, JsonNode actual) {
        assertEquals(expected.length, actual.size(), actual.toString());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual.get(i).asDouble(), 1e-9, actual.toString());
        }
    }

    private static List<double[]> pixels(JsonNode polygon, int w, int h) {
        List<double[]> parts = new ArrayList<>();
        for (JsonNode part : polygon) {
            double[] p = new double[part.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = part.get(i).asDouble() * (i % 2 == 0 ? w : h);
            }
            parts.add(p);
        }
        return parts;
    }

    @Test
    void badAnnotationsAreReportedWithFileLineAndField() throws IOException {
        Path coco = handmadeCoco(List.of(
                "{\"id\": 1, \"image_id\": 10, \"category_id\": 1, \"segmentation\": [[1, 1, 5, 1, 5, 5]]}",
                "{\"id\": 2, \"image_id\": 99, \"category_id\": 1, \"segmentation\": [[1, 1, 5, 1, 5, 5]]}"));
        DataSetException e = assertThrows(DataSetException.class, () ->
                CocoConverter.cocoToMlTable(coco.toString(), null, tmp.resolve("o1").toString(), false));
        assertTrue(e.getMessage().contains("coco.json:10:"), e.getMessage());
        assertTrue(e.getMessage().contains("annotations[1] (id 2)"), e.getMessage());
        assertTrue(e.getMessage().contains("'image_id'"), e.getMessage());

        Path odd = handmadeCoco(List.of(
                "{\"id\": 7, \"image_id\": 10, \"category_id\": 1, \"segmentation\": [[1, 1, 5, 1, 5]]}"));
        e = assertThrows(DataSetException.class, () ->
                CocoConverter.cocoToMlTable(odd.toString(), null, tmp.resolve("o2").toString(), false));
        assertTrue(e.getMessage().contains("coco.json:9:") && e.getMessage().contains("'segmentation[0]'")
                && e.getMessage().contains("odd"), e.getMessage());

        Path missing = handmadeCoco(List.of());
        Files.delete(missing.getParent().resolve("c.png"));
        e = assertThrows(DataSetException.class, () ->
                CocoConverter.cocoToMlTable(missing.toString(), null, tmp.resolve("o3").toString(), false));
        assertTrue(e.getMessage().contains("coco.json:5:") && e.getMessage().contains("'file_name'")
                && e.getMessage().contains("c.png"), e.getMessage());
    }

    // ---------------------------------------------------------------- real and committed data

    /** The repository root: the nearest folder above the working directory holding the parent pom and driver/. */
    static Path repoRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("driver"))) {
                return d;
            }
        }
        return null;
    }

    /** {@code <repo root>/../shared/datasets/uj-staple-pantry-valid}, or the same under a further ancestor. */
    static Path pantry() {
        Path root = repoRoot();
        for (Path d = root == null ? null : root.getParent(); d != null; d = d.getParent()) {
            Path c = d.resolve("shared/datasets/uj-staple-pantry-valid");
            if (Files.exists(c.resolve("annotations.json"))) {
                return c;
            }
        }
        return null;
    }

    @Test
    void realPantrySubsetRoundTrips() throws IOException {
        Path pantry = pantry();
        assumeTrue(pantry != null, "real data set not found beside the repository");
        ObjectNode full = (ObjectNode) Json.MAPPER.readTree(pantry.resolve("annotations.json").toFile());
        ArrayNode images = Json.MAPPER.createArrayNode();
        Set<Long> keep = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            images.add(full.get("images").get(i));
            keep.add(full.get("images").get(i).get("id").asLong());
        }
        ArrayNode annotations = Json.MAPPER.createArrayNode();
        for (JsonNode a : full.get("annotations")) {
            if (keep.contains(a.get("image_id").asLong())) {
                annotations.add(a);
            }
        }
        ObjectNode reduced = full.deepCopy();
        reduced.set("images", images);
        reduced.set("annotations", annotations);
        Path coco = tmp.resolve("reduced/annotations.json");
        Files.createDirectories(coco.getParent());
        Json.MAPPER.writeValue(coco.toFile(), reduced);

        String out = tmp.resolve("pantry-mltable").toString();
        CocoConverter.Report report = CocoConverter.cocoToMlTable(coco.toString(),
                pantry.resolve("images").toString(), out, true);
        assertEquals(5, report.images());
        assertEquals(annotations.size(), report.objects());
        String back = tmp.resolve("pantry-mltable/coco.json").toString();
        CocoConverter.mlTableToCoco(out, back, CocoConverter.CategoryOrder.SORTED);
        JsonNode result = Json.MAPPER.readTree(Path.of(back).toFile());

        Map<Long, String> originalNames = new HashMap<>();
        full.get("categories").forEach(c -> originalNames.put(c.get("id").asLong(), c.get("name").asText()));
        Map<Long, String> backNames = new HashMap<>();
        result.get("categories").forEach(c -> backNames.put(c.get("id").asLong(), c.get("name").asText()));
        assertEquals(annotations.size(), result.get("annotations").size());
        for (int i = 0; i < 5; i++) {
            JsonNode before = images.get(i), after = result.get("images").get(i);
            assertEquals("images/" + before.get("file_name").asText(), after.get("file_name").asText());
            assertEquals(before.get("width").asInt(), after.get("width").asInt());
            assertEquals(before.get("height").asInt(), after.get("height").asInt());
            assertTrue(Files.exists(tmp.resolve("pantry-mltable").resolve(after.get("file_name").asText())));
        }
        Map<Long, Integer> backImageIndex = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            backImageIndex.put(images.get(i).get("id").asLong(), i + 1);
        }
        // Annotations come back grouped by image in the original image order; within an image, in file order.
        List<JsonNode> expectedOrder = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long id = images.get(i).get("id").asLong();
            annotations.forEach(a -> {
                if (a.get("image_id").asLong() == id) {
                    expectedOrder.add(a);
                }
            });
        }
        for (int k = 0; k < expectedOrder.size(); k++) {
            JsonNode before = expectedOrder.get(k), after = result.get("annotations").get(k);
            assertEquals(originalNames.get(before.get("category_id").asLong()),
                    backNames.get(after.get("category_id").asLong()));
            assertEquals((int) backImageIndex.get(before.get("image_id").asLong()), after.get("image_id").asInt());
            assertEquals(before.get("iscrowd").asInt(), after.get("iscrowd").asInt());
            JsonNode image = images.get(after.get("image_id").asInt() - 1);
            int w = image.get("width").asInt(), h = image.get("height").asInt();
            JsonNode segBefore = before.get("segmentation"), segAfter = after.get("segmentation");
            assertEquals(segBefore.size(), segAfter.size());
            double area = 0;
            for (int p = 0; p < segBefore.size(); p++) {
                double[] expected = new double[segBefore.get(p).size()];
                for (int i = 0; i < expected.length; i++) {
                    double v = segBefore.get(p).get(i).asDouble();
                    expected[i] = Math.max(0, Math.min(i % 2 == 0 ? w : h, v));
                    assertEquals(expected[i], segAfter.get(p).get(i).asDouble(), 2e-3);
                }
                area += Math.abs(CocoConverter.shoelace(expected));
            }
            assertEquals(area, after.get("area").asDouble(), 1e-6 * area + 0.1);
        }
    }

    @Test
    void wholeRealDataSetConvertsWithAbsoluteImageUris() throws IOException {
        Path pantry = pantry();
        assumeTrue(pantry != null, "real data set not found beside the repository");
        String out = tmp.resolve("pantry-all").toString();
        CocoConverter.Report report = CocoConverter.cocoToMlTable(
                pantry.resolve("annotations.json").toString(), null, out, false);
        JsonNode coco = Json.MAPPER.readTree(pantry.resolve("annotations.json").toFile());
        assertEquals(coco.get("images").size(), report.images());
        assertEquals(coco.get("annotations").size(), report.objects());
        Set<Long> used = new HashSet<>();
        coco.get("annotations").forEach(a -> used.add(a.get("category_id").asLong()));
        assertEquals(used.size(), report.labels().size());
        assertEquals(coco.get("categories").size() - used.size(), report.unusedCategories().size());
        List<MlTableFolder.Line> lines = MlTableFolder.readLines(out);
        assertEquals(report.images(), lines.size());
        String url = lines.get(0).json().get("image_url").asText();
        assertTrue(url.startsWith("file:/"), url);
        assertTrue(Files.exists(Path.of(java.net.URI.create(url.replace(" ", "%20")))));
    }

    @Test
    void committedSyntheticSampleRoundTripsThroughCoco() throws IOException {
        Path root = repoRoot();
        assumeTrue(root != null && Files.exists(root.resolve("datasets/synthetic-shapes/validation/MLTable")));
        String folder = root.resolve("datasets/synthetic-shapes/validation").toString();
        String coco = tmp.resolve("synthetic/coco.json").toString();
        CocoConverter.Report toCoco = CocoConverter.mlTableToCoco(folder, coco, CocoConverter.CategoryOrder.SORTED);
        JsonNode json = Json.MAPPER.readTree(Path.of(coco).toFile());
        boolean multiPart = false;
        for (JsonNode a : json.get("annotations")) {
            multiPart |= a.get("segmentation").size() > 1;
            assertTrue(a.get("area").asDouble() > 0);
            JsonNode bbox = a.get("bbox");
            assertTrue(bbox.get(0).asDouble() >= 0 && bbox.get(0).asDouble() + bbox.get(2).asDouble() <= 160);
        }
        assertTrue(multiPart, "multi-part objects survive as several segmentation polygons");
        String again = tmp.resolve("synthetic/mltable").toString();
        CocoConverter.Report back = CocoConverter.cocoToMlTable(coco, root.resolve(
                "datasets/synthetic-shapes/validation").toString(), again, true);
        assertEquals(toCoco.objects(), back.objects());
        List<MlTableFolder.Line> original = MlTableFolder.readLines(folder);
        List<MlTableFolder.Line> roundTrip = MlTableFolder.readLines(again);
        assertEquals(original.size(), roundTrip.size());
        for (int i = 0; i < original.size(); i++) {
            JsonNode x = original.get(i).json(), y = roundTrip.get(i).json();
            assertEquals(x.get("image_url").asText(), y.get("image_url").asText());
            assertEquals(x.get("label").size(), y.get("label").size());
            for (int k = 0; k < x.get("label").size(); k++) {
                JsonNode ox = x.get("label").get(k), oy = y.get("label").get(k);
                assertEquals(ox.get("label").asText(), oy.get("label").asText());
                for (int p = 0; p < ox.get("polygon").size(); p++) {
                    for (int v = 0; v < ox.get("polygon").get(p).size(); v++) {
                        assertEquals(ox.get("polygon").get(p).get(v).asDouble(),
                                oy.get("polygon").get(p).get(v).asDouble(), 1e-5);
                    }
                }
            }
        }
    }
}
