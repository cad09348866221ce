package io.automlseg.driver.convert;

import static io.automlseg.driver.convert.CocoConverterTest.jsonLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.automlseg.executor.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The converter on real and committed data: the pantry photos, whole and as a subset, and the shipped sample. */
class CocoRealDataTest {
    @TempDir
    Path tmp;

    /** The repository root: the nearest folder above the working directory holding the parent pom and driver/. */
    static Path repoRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("driver"))) {
                return d;
            }
        }
        return null;
    }

    /** The real photos committed under {@code datasets/uj-staple-pantry-valid} (with their SOURCE.md). */
    static Path pantry() {
        Path c = repoRoot().resolve("datasets/uj-staple-pantry-valid");
        assertTrue(Files.exists(c.resolve("annotations.json")), "missing " + c);
        return c;
    }

    @Test
    void realPantrySubsetRoundTrips() throws IOException {
        Path pantry = pantry();
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
                area += Math.abs(MlTableToCoco.shoelace(expected));
            }
            assertEquals(area, after.get("area").asDouble(), 1e-6 * area + 0.1);
        }
    }

    @Test
    void wholeRealDataSetConvertsWithAbsoluteImageUris() throws IOException {
        Path pantry = pantry();
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
        List<JsonNode> lines = jsonLines(out);
        assertEquals(report.images(), lines.size());
        String url = lines.get(0).get("image_url").asText();
        assertTrue(url.startsWith("file:/"), url);
        assertTrue(Files.exists(Path.of(java.net.URI.create(url.replace(" ", "%20")))));
    }

    @Test
    void committedSyntheticSampleRoundTripsThroughCoco() throws IOException {
        Path root = repoRoot();
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
        List<JsonNode> original = jsonLines(folder);
        List<JsonNode> roundTrip = jsonLines(again);
        assertEquals(original.size(), roundTrip.size());
        for (int i = 0; i < original.size(); i++) {
            JsonNode x = original.get(i), y = roundTrip.get(i);
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
