package io.automlseg.driver.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.datasets.DataSetException;
import io.automlseg.driver.datasets.MlTableFolder;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LoadOptions;
import io.automlseg.executor.data.MLTableReader;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.mask.PolygonRaster;
import io.automlseg.executor.mask.Rle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /** The COCO RLE of a row-major mask. */
    static Rle rle(boolean[] mask, int w, int h) {
        byte[] bytes = new byte[mask.length];
        for (int i = 0; i < mask.length; i++) {
            bytes[i] = mask[i] ? (byte) 1 : (byte) 0;
        }
        return Rle.encode(bytes, h, w);
    }

    /** The JSONL lines of an MLTable folder the converter wrote, as written. */
    static List<JsonNode> jsonLines(String folder) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(folder).resolve(MlTableFolder.JSONL_FILE))) {
            lines.add(Json.MAPPER.readTree(line));
        }
        return lines;
    }

    /**
     * The mask the reference (and the trials) rasterise from an object's normalised parts, as booleans. Polygons
     * traced from a mask follow its pixel edges except for a half-pixel diagonal cut at the contour's start, a
     * convex bottom-right corner for these blocks (see MaskPolygonsTest): that corner pixel is lost.
     */
    private static boolean[] rasterised(JsonNode polygon, int w, int h) {
        List<double[]> parts = new ArrayList<>();
        for (JsonNode part : polygon) {
            double[] p = new double[part.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = part.get(i).asDouble();
            }
            parts.add(p);
        }
        byte[] bytes = PolygonRaster.fromNormalizedPolygons(parts, h, w).decode();
        boolean[] mask = new boolean[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            mask[i] = bytes[i] != 0;
        }
        return mask;
    }

    private static boolean[] without(boolean[] mask, int w, int... xy) {
        boolean[] m = mask.clone();
        for (int i = 0; i < xy.length; i += 2) {
            m[xy[i + 1] * w + xy[i]] = false;
        }
        return m;
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
                        + " \"segmentation\": {\"size\": [30, 30], \"counts\": "
                        + Arrays.toString(rle(twoBlocks, 30, 30).counts()) + "}}",
                "{\"id\": 103, \"image_id\": 11, \"category_id\": 1, \"iscrowd\": 0, \"bbox\": [-2, 0, 33, 15],"
                        + " \"segmentation\": [[-2, 0, 31, 0, 31, 15], [1, 1, 2, 2]]}",
                "{\"id\": 104, \"image_id\": 12, \"category_id\": 1, \"iscrowd\": 0, \"bbox\": [1, 1, 5, 5]}",
                "{\"id\": 105, \"image_id\": 12, \"category_id\": 1, \"iscrowd\": 0,"
                        + " \"segmentation\": {\"size\": [12, 16], \"counts\": \""
                        + rle(smallBlock, 16, 12).toCompressedString() + "\"}}");
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

        List<JsonNode> lines = jsonLines(out);
        assertEquals(3, lines.size());
        JsonNode a = lines.get(0);
        assertEquals("images/a.png", a.get("image_url").asText());
        assertTrue(Files.exists(tmp.resolve("mltable/images/a.png")));
        assertEquals("png", a.get("image_details").get("format").asText());
        assertEquals("dog", a.get("label").get(0).get("label").asText());
        assertPolygon(new double[] {0.1, 0.5, 0.3, 0.5, 0.3, 0.9}, a.get("label").get(0).get("polygon").get(0));
        assertPolygon(new double[] {0.1, 0.1, 0.5, 0.1, 0.5, 0.5, 0.1, 0.5}, a.get("label").get(1).get("polygon").get(0));

        JsonNode b = lines.get(1);
        JsonNode crowd = b.get("label").get(0);
        assertEquals(1, crowd.get("isCrowd").asInt());
        assertEquals(2, crowd.get("polygon").size(), "two separate blocks give two parts");
        assertArrayEquals(without(twoBlocks, 30, 14, 19, 24, 4), rasterised(crowd.get("polygon"), 30, 30));
        assertPolygon(new double[] {0, 0, 1, 0, 1, 0.5}, b.get("label").get(1).get("polygon").get(0));
        assertEquals(1, b.get("label").get(1).get("polygon").size(), "the 1.5-point segment is dropped");

        JsonNode c = lines.get(2);
        assertEquals(16, c.get("image_details").get("width").asInt(), "size read from the file when COCO lacks it");
        assertEquals(12, c.get("image_details").get("height").asInt());
        assertEquals(1, c.get("label").size());
        assertArrayEquals(without(smallBlock, 16, 8, 10), rasterised(c.get("label").get(0).get("polygon"), 16, 12));

        // The trials' validating reader accepts everything written.
        var read = MLTableReader.read(out, LoadOptions.validation());
        assertTrue(read.report().isEmpty(), () -> read.report().summary());
        assertEquals(3, read.records().size());
        assertEquals(5, read.records().stream().mapToInt(r -> r.objects().size()).sum());
        ImageRecord first = read.records().get(0);
        assertEquals(40, first.width());
        assertEquals(20, first.height());
        assertArrayEquals(new double[] {0.1, 0.1, 0.5, 0.1, 0.5, 0.5, 0.1, 0.5}, first.objects().get(1).polygons().get(0),
                1e-9);
        assertTrue(read.records().get(1).objects().get(0).crowd());

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
            traced += Math.abs(MlTableToCoco.shoelace(p));
        }
        assertEquals(traced, crowdBack.get("area").asDouble(), 1e-6);
        // Outlines follow the pixel edges but for one half-pixel corner cut per block: 100 + 25 mask pixels less 2 x 0.5.
        assertEquals(124.0, traced, 1e-9);

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

    @Test
    void imagesWithoutObjectsKeepAnEmptyLabelListAndEmptyFilesAreNamed() throws IOException {
        Path coco = handmadeCoco(List.of(
                "{\"id\": 1, \"image_id\": 10, \"category_id\": 1, \"segmentation\": [[1, 1, 5, 1, 5, 5]]}"));
        String out = tmp.resolve("sparse").toString();
        CocoConverter.Report report = CocoConverter.cocoToMlTable(coco.toString(), null, out, false);
        assertEquals(3, report.images());
        assertEquals(1, report.objects());
        List<JsonNode> lines = jsonLines(out);
        assertEquals(0, lines.get(1).get("label").size());
        assertTrue(lines.get(1).get("label").isArray());
        List<ImageRecord> records = MLTableReader.read(out, LoadOptions.validation()).records();
        assertEquals(List.of(1, 0, 0), records.stream().map(r -> r.objects().size()).toList());

        Path empty = tmp.resolve("empty.json");
        Files.writeString(empty, "{\"images\": [], \"categories\": []}");
        DataSetException e = assertThrows(DataSetException.class,
                () -> CocoConverter.cocoToMlTable(empty.toString(), null, tmp.resolve("o").toString(), false));
        assertTrue(e.getMessage().contains("empty.json") && e.getMessage().contains("'images'"), e.getMessage());
    }

    /** The COCO file is read by the evaluator's reader: broken JSON and misshapen lists name the file and line. */
    @Test
    void brokenCocoFilesNameFileAndLine() throws IOException {
        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "{\"images\": [\n  {\"id\": 1,, \"file_name\": \"a.png\"}]}");
        DataSetException e = assertThrows(DataSetException.class,
                () -> CocoConverter.cocoToMlTable(broken.toString(), null, tmp.resolve("o1").toString(), false));
        assertTrue(e.getMessage().contains("broken.json: line 2, invalid JSON"), e.getMessage());

        Path notList = tmp.resolve("not-list.json");
        Files.writeString(notList, "{\"images\": [],\n \"annotations\": {\"id\": 1}}");
        e = assertThrows(DataSetException.class,
                () -> CocoConverter.cocoToMlTable(notList.toString(), null, tmp.resolve("o2").toString(), false));
        assertTrue(e.getMessage().contains("not-list.json: line 2, field 'annotations' is not a list"), e.getMessage());

        Path notObject = tmp.resolve("not-object.json");
        Files.writeString(notObject, "{\"images\": [\n  \"a.png\"]}");
        e = assertThrows(DataSetException.class,
                () -> CocoConverter.cocoToMlTable(notObject.toString(), null, tmp.resolve("o3").toString(), false));
        assertTrue(e.getMessage().contains("not-object.json: line 2, images[0] is not a JSON object"), e.getMessage());
    }

    /** MLTable to COCO reads through the validating reader: strict, it names every problem; lenient, it counts them. */
    @Test
    void badMlTableLinesAreNamedOrSkippedAndCounted() throws IOException {
        Path folder = tmp.resolve("bad-mltable");
        writeImage(folder.resolve("images/a.png"), 10, 10);
        Files.writeString(folder.resolve("MLTable"), MlTableFolder.descriptor(MlTableFolder.JSONL_FILE));
        Files.writeString(folder.resolve(MlTableFolder.JSONL_FILE), String.join("\n",
                "{\"image_url\": \"images/a.png\", \"label\": [{\"label\": \"cat\", \"polygon\": "
                        + "[[0.1, 0.1, 0.5, 0.1, 0.5, 0.5], [0.2, 0.2]]}, {\"label\": \"dog\", \"polygon\": [[0.1, 0.1, 1.5, 0.1, 0.5, 0.5]]}]}",
                "{\"image_url\": \"images/a.png\", \"label\": [{\"label\": \"dog\", \"isCrowd\": \"true\", \"polygon\": "
                        + "[[0, 0, 1, 0, 1, 1]]}]}",
                "not json") + "\n");
        String coco = tmp.resolve("bad-mltable/coco.json").toString();
        DataSetException e = assertThrows(DataSetException.class, () ->
                CocoConverter.mlTableToCoco(folder.toString(), coco, CocoConverter.CategoryOrder.SORTED, false));
        assertTrue(e.getMessage().contains("annotations.jsonl line 1, field label[0].polygon[1]"), e.getMessage());
        assertTrue(e.getMessage().contains("annotations.jsonl line 1, field label[1].polygon[0][2]"), e.getMessage());
        assertTrue(e.getMessage().contains("annotations.jsonl line 3"), e.getMessage());

        CocoConverter.Report report = CocoConverter.mlTableToCoco(folder.toString(), coco,
                CocoConverter.CategoryOrder.SORTED, true);
        assertEquals(2, report.images());
        assertEquals(2, report.objects());
        assertEquals(1, report.skippedImages());
        assertEquals(1, report.skippedObjects());
        assertEquals(2, report.droppedSegments(), "the short part of 'cat', the out-of-range part of 'dog'");
        assertEquals(3, report.warnings().size());
        JsonNode json = Json.MAPPER.readTree(Path.of(coco).toFile());
        assertEquals(1, json.get("annotations").get(0).get("segmentation").size());
        assertEquals(1, json.get("annotations").get(1).get("iscrowd").asInt());
        assertEquals(10, json.get("images").get(0).get("width").asInt(), "size read from the image file");
        assertEquals("images/a.png", json.get("images").get(0).get("file_name").asText());

        // An image that is missing and has no image_details cannot be sized: named, not a stack trace.
        Files.writeString(folder.resolve(MlTableFolder.JSONL_FILE), "{\"image_url\": \"images/gone.png\", \"label\": []}\n");
        e = assertThrows(DataSetException.class, () ->
                CocoConverter.mlTableToCoco(folder.toString(), coco, CocoConverter.CategoryOrder.SORTED, true));
        assertTrue(e.getMessage().contains("annotations.jsonl:1") && e.getMessage().contains("gone.png"), e.getMessage());
    }
}
