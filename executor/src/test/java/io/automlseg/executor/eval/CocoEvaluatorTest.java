package io.automlseg.executor.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.eval.CocoEvaluator.IouType;
import io.automlseg.executor.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoEvaluatorTest {
    private static final double TOLERANCE = 1e-9;

    private static String resource(String name) throws Exception {
        return Path.of(CocoEvaluatorTest.class.getResource("/coco-eval/" + name).toURI()).toString();
    }

    /** Reference vectors: the twelve statistics pycocotools printed for random polygon / crowd-RLE cases. */
    @ParameterizedTest
    @CsvSource({"dev-basic,segm", "dev-basic,bbox", "dev-crowd,segm", "dev-crowd,bbox"})
    void reproducesPycocotoolsStatistics(String caseName, String iouType) throws Exception {
        CocoDataset gt = CocoDataset.load(resource(caseName + "/gt.json"));
        CocoDataset dt = gt.loadResults(resource(caseName + "/dt.json"));
        JsonNode expected = Json.MAPPER.readTree(Path.of(resource(caseName + "/expected.json")).toFile())
                .get(iouType);
        CocoEvaluation result = new CocoEvaluator(IouType.valueOf(iouType.toUpperCase())).evaluate(gt, dt);
        assertEquals(12, expected.size());
        for (int i = 0; i < 12; i++) {
            assertEquals(expected.get(i).asDouble(), result.stats()[i], TOLERANCE,
                    caseName + " " + iouType + " " + CocoEvaluation.STAT_NAMES[i]);
        }
        // AP@[.5:.95] is the mean over the categories that have ground truth of their own AP.
        double sum = 0;
        int n = 0;
        for (double ap : result.averagePrecisionPerCategory().values()) {
            if (ap > -1) {
                sum += ap;
                n++;
            }
        }
        assertEquals(result.stats()[0], sum / n, 1e-12);
    }

    private static CocoDataset groundTruth(String annotations) throws Exception {
        return CocoDataset.fromJson(Json.MAPPER.readTree("{\"images\": [{\"id\": 1, \"height\": 100, \"width\": 100},"
                + " {\"id\": 2, \"height\": 100, \"width\": 100}],"
                + " \"categories\": [{\"id\": 1, \"name\": \"a\"}, {\"id\": 2, \"name\": \"b\"}],"
                + " \"annotations\": [" + annotations + "]}"), "gt.json");
    }

    private static final String SMALL_SQUARE = "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"iscrowd\": 0,"
            + " \"area\": 400, \"bbox\": [10, 10, 20, 20], \"segmentation\": [[10, 10, 30, 10, 30, 30, 10, 30]]}";

    @Test
    void withoutDetectionsPrecisionAndRecallAreZeroWhereGroundTruthExists() throws Exception {
        CocoDataset gt = groundTruth(SMALL_SQUARE);
        CocoDataset dt = gt.withResults(Json.MAPPER.readTree("[]"), "dt.json");
        for (IouType type : IouType.values()) {
            CocoEvaluation result = new CocoEvaluator(type).evaluate(gt, dt);
            // Only the small range has ground truth; medium and large are undefined.
            assertArrayEquals(new double[] {0, 0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1}, result.stats(), 0.0);
            assertEquals(0.0, result.averagePrecisionPerCategory().get(1L));
            assertEquals(-1.0, result.averagePrecisionPerCategory().get(2L));
        }
    }

    @Test
    void categoryWithoutGroundTruthIsExcludedButOtherImagesCountAsFalsePositives() throws Exception {
        CocoDataset gt = groundTruth(SMALL_SQUARE);
        CocoDataset dt = gt.withResults(Json.MAPPER.readTree("["
                + "{\"image_id\": 2, \"category_id\": 1, \"bbox\": [50, 50, 20, 20], \"score\": 0.95},"
                + "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [10, 10, 20, 20], \"score\": 0.9},"
                + "{\"image_id\": 1, \"category_id\": 2, \"bbox\": [10, 10, 20, 20], \"score\": 0.99}]"), "dt.json");
        for (IouType type : IouType.values()) {
            CocoEvaluation result = new CocoEvaluator(type).evaluate(gt, dt);
            // Category 1: a false positive ranked above the exact match -> precision 1/2 at every recall level.
            assertEquals(0.5, result.stats()[0], 1e-12, type.name());
            assertEquals(0.5, result.averagePrecisionPerCategory().get(1L), 1e-12);
            assertEquals(-1.0, result.averagePrecisionPerCategory().get(2L));
            assertEquals(1.0, result.stats()[6], 1e-12, "AR@1: the detection cap applies per image");
            assertEquals(1.0, result.stats()[8], 1e-12);
        }
    }

    @Test
    void detectionsOnCrowdRegionsAreIgnored() throws Exception {
        CocoDataset gt = groundTruth(SMALL_SQUARE + ", {\"id\": 2, \"image_id\": 1, \"category_id\": 1,"
                + " \"iscrowd\": 1, \"area\": 1600, \"bbox\": [50, 50, 40, 40],"
                + " \"segmentation\": [[50, 50, 90, 50, 90, 90, 50, 90]]}");
        CocoDataset dt = gt.withResults(Json.MAPPER.readTree("["
                + "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [55, 55, 10, 10], \"score\": 0.95},"
                + "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [60, 60, 10, 10], \"score\": 0.94},"
                + "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [10, 10, 20, 20], \"score\": 0.9}]"), "dt.json");
        for (IouType type : IouType.values()) {
            CocoEvaluation result = new CocoEvaluator(type).evaluate(gt, dt);
            // Both small detections lie inside the crowd box (IoU over their own area = 1), so neither is a
            // false positive, and the crowd region may absorb more than one detection.
            assertEquals(1.0, result.stats()[0], 1e-12, type.name());
            assertEquals(1.0, result.stats()[8], 1e-12, type.name());
        }
    }

    @Test
    void rejectsDetectionsOnUnknownImagesNamingFileAndField() throws Exception {
        CocoDataset gt = groundTruth(SMALL_SQUARE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gt.withResults(
                Json.MAPPER.readTree("[{\"image_id\": 7, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 1}]"),
                "dt.json"));
        assertTrue(e.getMessage().contains("dt.json") && e.getMessage().contains("image_id"), e.getMessage());
    }

    @Test
    void badGroundTruthFieldIsReportedWithFileLineAndField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gt.json");
        Files.writeString(file, String.join("\n",
                "{\"images\": [{\"id\": 1, \"height\": 10, \"width\": 10}],",
                " \"categories\": [{\"id\": 1}],",
                " \"annotations\": [",
                "  {\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"area\": 4, \"bbox\": [0, 0, 2, 2]},",
                "  {\"id\": 2, \"image_id\": 1, \"category_id\": 1,",
                "   \"area\": \"big\", \"bbox\": [0, 0, 2, 2]}]}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CocoDataset.load(file.toString()));
        assertTrue(e.getMessage().contains("gt.json: line 6, annotations[1], field 'area'"), e.getMessage());
    }

    /** The score order is numpy's stable mergesort on -score: ties (and -0.0 / 0.0) keep their positions. */
    @Test
    void scoreOrderIsStableLikeNumpysMergesort() {
        java.util.Random random = new java.util.Random(3);
        for (int n : new int[] {0, 1, 2, 7, 100, 1001}) {
            double[] scores = new double[n];
            for (int i = 0; i < n; i++) {
                scores[i] = random.nextInt(5) / 4.0;
            }
            if (n > 2) {
                scores[0] = -0.0;
                scores[1] = 0.0;
            }
            int[] order = CocoAccumulator.stableOrderByDescendingScore(scores);
            assertEquals(n, order.length);
            boolean[] seen = new boolean[n];
            for (int i = 0; i < n; i++) {
                assertFalse(seen[order[i]]);
                seen[order[i]] = true;
                if (i > 0) {
                    double before = scores[order[i - 1]];
                    double now = scores[order[i]];
                    assertTrue(before > now || (before == now && order[i - 1] < order[i]),
                            "position " + i + " of " + n);
                }
            }
        }
    }
}
