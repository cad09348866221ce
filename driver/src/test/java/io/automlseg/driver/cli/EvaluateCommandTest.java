package io.automlseg.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.eval.CocoDataset;
import io.automlseg.executor.eval.CocoEvaluation;
import io.automlseg.executor.eval.CocoEvaluator;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.mask.PolygonRaster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
    @TempDir
    Path dir;

    /** Two 100 x 100 images; a "can" square 20..60 on image 1 and a "box" square 10..30 on image 2. */
    private static final String GT = """
            {"images": [{"id": 1, "height": 100, "width": 100}, {"id": 2, "height": 100, "width": 100}],
             "categories": [{"id": 1, "name": "can"}, {"id": 2, "name": "box"}],
             "annotations": [
              {"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 1600, "bbox": [20, 20, 40, 40],
               "segmentation": [[20, 20, 60, 20, 60, 60, 20, 60]]},
              {"id": 2, "image_id": 2, "category_id": 2, "iscrowd": 0, "area": 400, "bbox": [10, 10, 20, 20],
               "segmentation": [[10, 10, 30, 10, 30, 30, 10, 30]]}]}
            """;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** The can's exact mask as a compressed RLE string, the box's as a polygon, a stray can as list counts. */
    private String results() throws Exception {
        String can = PolygonRaster.fromPolygon(new double[] {20, 20, 60, 20, 60, 60, 20, 60}, 100, 100)
                .toCompressedString();
        int[] stray = PolygonRaster.fromPolygon(new double[] {70, 70, 90, 70, 90, 90, 70, 90}, 100, 100)
                .counts();
        StringBuilder counts = new StringBuilder();
        for (int c : stray) {
            counts.append(counts.length() == 0 ? "" : ",").append(c);
        }
        return "[{\"image_id\": 1, \"category_id\": 1, \"score\": 0.9, \"bbox\": [20, 20, 40, 40],"
                + " \"segmentation\": {\"size\": [100, 100], \"counts\": " + Json.MAPPER.writeValueAsString(can) + "}},\n"
                + " {\"image_id\": 2, \"category_id\": 2, \"score\": 0.8, \"bbox\": [10, 10, 20, 20],"
                + " \"segmentation\": [[10, 10, 30, 10, 30, 30, 10, 30]]},\n"
                + " {\"image_id\": 2, \"category_id\": 1, \"score\": 0.95, \"bbox\": [70, 70, 20, 20],"
                + " \"segmentation\": {\"size\": [100, 100], \"counts\": [" + counts + "]}}]";
    }

    @Test
    void printsTheTwelveStatisticsAndWritesThemAsJson() throws Exception {
        Path gt = write("gt.json", GT);
        Path dt = write("dt.json", results());
        for (String type : new String[] {"segm", "bbox"}) {
            Path out = dir.resolve("eval-" + type + ".json");
            CliRun run = CliRun.of("evaluate", "--gt", gt.toString(), "--dt", dt.toString(), "--iou-type", type,
                    "--output-json", out.toString());
            assertEquals(0, run.code(), run.err());
            assertTrue(run.out().contains(
                    " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = "), run.out());
            assertTrue(run.out().contains(" Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000"),
                    run.out());
            assertTrue(run.out().contains("box"), run.out());
            JsonNode json = Json.MAPPER.readTree(out.toFile());
            assertEquals(type, json.get("iou_type").asText());
            assertEquals(12, json.get("stats").size());
            // Each category's object is found exactly by its best detection; the stray can on image 2 ranks first.
            assertEquals(1.0, json.get("per_category").get("2").get("ap").asDouble(), 1e-12);
            assertEquals("can", json.get("per_category").get("1").get("name").asText());
            CocoDataset g = CocoDataset.load(gt.toString());
            CocoEvaluation direct = new CocoEvaluator(CocoEvaluator.IouType.valueOf(type.toUpperCase()))
                    .evaluate(g, g.loadResults(dt.toString()));
            for (int i = 0; i < 12; i++) {
                assertEquals(direct.stats()[i], json.get("stats").get(i).asDouble(), 0.0);
            }
            assertEquals(direct.averagePrecisionPerCategory().get(1L),
                    json.get("per_category").get("1").get("ap").asDouble(), 0.0);
            // A false positive above the only true positive: precision 0.5 at full recall for the can.
            assertEquals(0.5, direct.averagePrecisionPerCategory().get(1L), 1e-12);
        }
    }

    private CliRun runWithResults(String results) throws Exception {
        Path gt = write("gt.json", GT);
        Path dt = write("dt.json", results);
        return CliRun.of("evaluate", "--gt", gt.toString(), "--dt", dt.toString());
    }

    private static void assertBadInput(CliRun run, String... fragments) {
        assertEquals(ExitCodes.BAD_INPUT, run.code(), run.out() + run.err());
        for (String f : fragments) {
            assertTrue(run.err().contains(f), "'" + f + "' missing from: " + run.err());
        }
        assertFalse(run.err().contains("\tat "), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }

    @Test
    void resultOnAnImageMissingFromTheGroundTruthNamesFileLineAndField() throws Exception {
        CliRun run = runWithResults("[\n{\"image_id\": 1, \"category_id\": 1, \"score\": 0.5, \"bbox\": [0, 0, 5, 5]},\n"
                + "{\"image_id\": 7, \"category_id\": 1, \"score\": 0.5, \"bbox\": [0, 0, 5, 5]}]");
        assertBadInput(run, "dt.json", "line 3", "[1]", "image_id", "7");
    }

    @Test
    void resultOfAnUnknownCategoryIsRejected() throws Exception {
        CliRun run = runWithResults("[{\"image_id\": 1, \"category_id\": 9, \"score\": 0.5, \"bbox\": [0, 0, 5, 5]}]");
        assertBadInput(run, "dt.json", "line 1", "category_id", "9");
    }

    @Test
    void mistypedFieldsAreRejected() throws Exception {
        assertBadInput(runWithResults("[{\"image_id\": \"1\", \"category_id\": 1, \"score\": 0.5}]"),
                "dt.json", "line 1", "[0]", "image_id", "not an integer");
        assertBadInput(runWithResults("[{\"image_id\": 1, \"category_id\": 1, \"score\": 0.5, \"bbox\": [0, 0, 5, 5]},\n"
                + " {\"image_id\": 1, \"category_id\": 1, \"score\": 0.5, \"bbox\": [0, 0, 5, 5],\n"
                + "  \"segmentation\": [[1, 2, 3]]}]"), "dt.json", "line 3", "[1]", "segmentation[0]", "even number");
        assertBadInput(runWithResults("[{\"image_id\": 1, \"category_id\": 1, \"score\": 0.5, \"bbox\": [0, 0, 5, 5],"
                + " \"segmentation\": {\"size\": [100, 100], \"counts\": \"0x\"}}]"), "dt.json", "segmentation.counts");
    }

    /** Ground truth and results go through one COCO reader: broken JSON names the file and its line. */
    @Test
    void brokenJsonInEitherFileNamesFileAndLine() throws Exception {
        Path gt = write("gt-broken.json", "{\"images\": [\n{\"id\": 1 \"height\": 10}]}");
        Path dt = write("dt.json", "[]");
        assertBadInput(CliRun.of("evaluate", "--gt", gt.toString(), "--dt", dt.toString()),
                "gt-broken.json", "line 2", "invalid JSON");
        assertBadInput(runWithResults("[{\"image_id\": 1,\n \"category_id\": 1,]"), "dt.json", "line 2",
                "invalid JSON");
    }

    @Test
    void aBoxOfNegativeWidthOrHeightIsRejected() throws Exception {
        assertBadInput(runWithResults("[{\"image_id\": 1, \"category_id\": 1, \"score\": 0.5,\n"
                + " \"bbox\": [4, 4, -2, 5]}]"), "dt.json", "line 2", "bbox", "negative width or height");
        assertBadInput(runWithResults("[{\"image_id\": 1, \"category_id\": 1, \"score\": 0.5, \"bbox\": [4, 4, 2, -0.5]}]"),
                "dt.json", "bbox", "negative");
    }

    @Test
    void missingScoreIsRejected() throws Exception {
        CliRun run = runWithResults("[{\"image_id\": 1, \"category_id\": 1,\n \"bbox\": [0, 0, 5, 5]}]");
        assertBadInput(run, "dt.json", "score");
    }

    @Test
    void rleOfTheWrongSizeIsRejected() throws Exception {
        CliRun run = runWithResults("[{\"image_id\": 1, \"category_id\": 1, \"score\": 0.5, \"bbox\": [0, 0, 5, 5],\n"
                + " \"segmentation\": {\"size\": [10, 10], \"counts\": [100]}}]");
        assertBadInput(run, "dt.json", "line 2", "segmentation.size");
    }

    @Test
    void malformedJsonIsRejectedWithItsLine() throws Exception {
        CliRun run = runWithResults("[{\"image_id\": 1,\n \"category_id\": 1 \"score\": 0.5}]");
        assertBadInput(run, "dt.json", "line 2");
    }

    @Test
    void missingGroundTruthFileAndUnknownIouTypeAreBadInput() throws Exception {
        Path dt = write("dt.json", "[]");
        assertBadInput(CliRun.of("evaluate", "--gt", dir.resolve("nope.json").toString(), "--dt", dt.toString()),
                "nope.json");
        Path gt = write("gt.json", GT);
        assertBadInput(CliRun.of("evaluate", "--gt", gt.toString(), "--dt", dt.toString(), "--iou-type", "keypoints"),
                "--iou-type");
    }
}
