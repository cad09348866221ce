package io.automlseg.driver.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.automlseg.executor.data.LoadOptions;
import io.automlseg.executor.data.MLTable;
import io.automlseg.executor.data.MLTableReader;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.mask.BinaryMasks;
import io.automlseg.executor.mask.PolygonRaster;
import io.automlseg.executor.mask.Rle;
import io.automlseg.executor.mask.RleOverlap;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticShapesTest {
    private static final SyntheticShapes.Options SMALL = SyntheticShapes.Options.defaults().withCount(8).withImageSize(96);

    @TempDir
    Path tmp;

    /** Files under a folder, without the .crc side files Hadoop's local file system writes. */
    static Map<String, byte[]> tree(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().endsWith(".crc"))::iterator) {
                files.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    /** The JSONL lines of a generated folder, parsed as they are written. */
    static List<JsonNode> jsonLines(Path folder) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(folder.resolve(MlTableFolder.JSONL_FILE))) {
            lines.add(Json.MAPPER.readTree(line));
        }
        return lines;
    }

    private static byte[] bytes(boolean[] mask) {
        byte[] out = new byte[mask.length];
        for (int i = 0; i < mask.length; i++) {
            out[i] = mask[i] ? (byte) 1 : (byte) 0;
        }
        return out;
    }

    @Test
    void sameSeedGivesIdenticalBytesAndAnotherSeedDoesNot() throws IOException {
        for (String format : List.of("png", "jpg")) {
            SyntheticShapes.Options opts = SMALL.withImageFormat(format);
            SyntheticShapes.generate(opts, tmp.resolve(format + "-a").toString());
            SyntheticShapes.generate(opts, tmp.resolve(format + "-b").toString());
            SyntheticShapes.generate(opts.withSeed(opts.seed() + 1), tmp.resolve(format + "-c").toString());
            Map<String, byte[]> a = tree(tmp.resolve(format + "-a"));
            Map<String, byte[]> b = tree(tmp.resolve(format + "-b"));
            Map<String, byte[]> c = tree(tmp.resolve(format + "-c"));
            assertEquals(8 + 2, a.size(), "MLTable, JSONL and 8 images");
            assertEquals(a.keySet(), b.keySet());
            for (String name : a.keySet()) {
                assertArrayEquals(a.get(name), b.get(name), name);
            }
            assertFalse(java.util.Arrays.equals(a.get("annotations.jsonl"), c.get("annotations.jsonl")));
        }
    }

    @Test
    void jsonlLinesDescribeTheImagesWithValidPolygons() throws IOException {
        String folder = tmp.resolve("set").toString();
        SyntheticShapes.Summary summary = SyntheticShapes.generate(SMALL.withCount(12), folder);
        List<JsonNode> lines = jsonLines(tmp.resolve("set"));
        assertEquals(12, lines.size());
        int objects = 0;
        for (int n = 0; n < lines.size(); n++) {
            JsonNode json = lines.get(n);
            String source = "line " + (n + 1);
            String url = json.get("image_url").asText();
            assertTrue(url.matches("images/\\d{6}\\.png"), url);
            BufferedImage img = ImageIO.read(tmp.resolve("set").resolve(url).toFile());
            assertEquals(img.getWidth(), json.get("image_details").get("width").asInt());
            assertEquals(img.getHeight(), json.get("image_details").get("height").asInt());
            assertEquals("png", json.get("image_details").get("format").asText());
            JsonNode labels = json.get("label");
            assertTrue(labels.size() >= 1 && labels.size() <= 4, source);
            for (JsonNode object : labels) {
                objects++;
                assertTrue(SyntheticShapes.CLASSES.contains(object.get("label").asText()));
                assertEquals(0, object.get("isCrowd").asInt());
                assertTrue(object.get("polygon").size() >= 1);
                for (JsonNode part : object.get("polygon")) {
                    assertTrue(part.size() >= 6 && part.size() % 2 == 0, source + ": " + part);
                    for (JsonNode v : part) {
                        assertTrue(v.asDouble() >= 0 && v.asDouble() <= 1, source + ": " + v);
                    }
                }
            }
        }
        assertEquals(summary.objects(), objects);
        // The validating reader of the trials accepts every line and every object.
        var read = MLTableReader.read(folder, LoadOptions.training());
        assertEquals(12, read.records().size());
        assertTrue(read.report().isEmpty(), () -> read.report().examples().toString());
        assertEquals(objects, read.records().stream().mapToInt(r -> r.objects().size()).sum());
    }

    @Test
    void labelsTraceTheVisibleMasksWhichDoNotOverlap() {
        SyntheticShapes.Options opts = SMALL.withImageSize(128);
        double iouSum = 0;
        int objects = 0;
        for (int i = 0; i < 10; i++) {
            SyntheticShapes.RenderedImage image = SyntheticShapes.render(opts, i);
            boolean[] taken = new boolean[128 * 128];
            for (SyntheticShapes.RenderedObject o : image.objects()) {
                // Rasterised as the reference (and the trials) read labels: pycocotools per part, parts XOR-ed.
                Rle traced = PolygonRaster.fromPolygons(o.pixelPolygons(), 128, 128);
                double iou = RleOverlap.iou(traced, Rle.encode(bytes(o.visibleMask()), 128, 128), false);
                assertTrue(iou > 0.9, "image " + i + " " + o.label() + " IoU " + iou);
                iouSum += iou;
                objects++;
                for (double[] part : o.pixelPolygons()) {
                    assertTrue(part.length >= 8, "a closed part with three corners at least");
                    assertEquals(part[0], part[part.length - 2]);
                    assertEquals(part[1], part[part.length - 1]);
                }
                for (int p = 0; p < taken.length; p++) {
                    assertFalse(taken[p] && o.visibleMask()[p], "visible masks overlap in image " + i);
                    taken[p] |= o.visibleMask()[p];
                }
                // Objects are large: the biggest part covers a good share of the image side.
                assertTrue(BinaryMasks.count(o.visibleMask()) >= 0.3 * 0.25 * 0.25 * 128 * 128 / 4);
            }
        }
        // Pixel errors are confined to the outline: a few percent of the object at most, on average.
        assertTrue(iouSum / objects > 0.97, "mean IoU " + iouSum / objects);
    }

    @Test
    void occlusionSplitsSomeObjectsIntoSeveralParts() throws IOException {
        String folder = tmp.resolve("multi").toString();
        SyntheticShapes.Summary summary = SyntheticShapes.generate(SMALL.withCount(30).withImageSize(128), folder);
        assertTrue(summary.multiPartObjects() > 0, "no multi-part object in 30 images");
        long multiInJsonl = jsonLines(tmp.resolve("multi")).stream()
                .flatMap(l -> java.util.stream.StreamSupport.stream(l.get("label").spliterator(), false))
                .filter(o -> o.get("polygon").size() > 1)
                .count();
        assertEquals(summary.multiPartObjects(), multiInJsonl);
        assertEquals(SyntheticShapes.CLASSES.size(), summary.objectsPerClass().size(), "all classes drawn");
    }

    @Test
    void mlTableDescriptorParsesAsTheReferenceForm() throws IOException {
        String folder = tmp.resolve("yaml").toString();
        SyntheticShapes.generate(SMALL.withCount(1), folder);
        JsonNode root = new YAMLMapper().readTree(tmp.resolve("yaml").resolve("MLTable").toFile());
        assertEquals("./annotations.jsonl", root.get("paths").get(0).get("file").asText());
        JsonNode read = root.get("transformations").get(0).get("read_json_lines");
        assertEquals("utf8", read.get("encoding").asText());
        assertEquals("error", read.get("invalid_lines").asText());
        assertFalse(read.get("include_path_column").asBoolean(true));
        JsonNode convert = root.get("transformations").get(1).get("convert_column_types").get(0);
        assertEquals("image_url", convert.get("columns").asText());
        assertEquals("stream_info", convert.get("column_type").asText());
        assertEquals(List.of(tmp.resolve("yaml").resolve("annotations.jsonl").toString()),
                MLTable.read(folder).dataFiles().stream().map(u -> u.replaceFirst("^file:", "")).toList());
    }

    @Test
    void splitFoldersContinueTheSameImageSequence() throws IOException {
        String root = tmp.resolve("split").toString();
        Map<String, SyntheticShapes.Summary> out = SyntheticShapes.generateSplit(SMALL.withCount(5), 3, root);
        assertEquals(5, out.get("train").images());
        assertEquals(3, out.get("validation").images());
        SyntheticShapes.generate(SMALL.withCount(8), tmp.resolve("whole").toString());
        Map<String, byte[]> whole = tree(tmp.resolve("whole"));
        Map<String, byte[]> validation = tree(tmp.resolve("split").resolve("validation"));
        assertEquals(3 + 2, validation.size());
        for (int i = 5; i < 8; i++) {
            String name = String.format("images/%06d.png", i);
            assertArrayEquals(whole.get(name), validation.get(name), name);
        }
        List<String> wholeLines = Files.readAllLines(tmp.resolve("whole").resolve("annotations.jsonl"));
        List<String> validationLines = Files.readAllLines(tmp.resolve("split/validation/annotations.jsonl"));
        assertEquals(wholeLines.subList(5, 8), validationLines);
        assertEquals(Json.MAPPER.readTree(wholeLines.get(0)), Json.MAPPER.readTree(
                Files.readAllLines(tmp.resolve("split/train/annotations.jsonl")).get(0)));
    }

    @Test
    void badOptionsAreRejectedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SMALL.withClasses(List.of("circle", "hexagon")));
        assertTrue(e.getMessage().contains("hexagon"));
        assertThrows(IllegalArgumentException.class, () -> SMALL.withObjects(3, 2));
        assertThrows(IllegalArgumentException.class, () -> SMALL.withImageFormat("gif"));
    }
}
