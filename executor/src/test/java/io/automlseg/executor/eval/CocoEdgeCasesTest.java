package io.automlseg.executor.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.eval.CocoEvaluator.IouType;
import io.automlseg.executor.io.Json;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Edge cases with the statistics and per-category AP that pycocotools 2.0.11 computed for them once
 * ({@code scripts/reference/coco_edge_cases.py} wrote the files; see its comments for what each case exercises).
 */
class CocoEdgeCasesTest {
    private static final double TOLERANCE = 1e-9;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "no-detections,segm", "no-detections,bbox",
        "categories-without-ground-truth,segm", "categories-without-ground-truth,bbox",
        "crowd-only-images,segm", "crowd-only-images,bbox",
        "tiny-and-huge-objects,segm", "tiny-and-huge-objects,bbox",
        "tied-scores,segm", "tied-scores,bbox",
        "beyond-max-detections,segm", "beyond-max-detections,bbox",
        "polygons-on-the-border,segm", "polygons-on-the-border,bbox"})
    void matchesPycocotools(String caseName, String iouType) throws Exception {
        String dir = Path.of(getClass().getResource("/coco-eval/edge-cases/" + caseName).toURI()).toString();
        CocoDataset gt = CocoDataset.load(dir + "/gt.json");
        CocoDataset dt = gt.loadResults(dir + "/dt.json");
        JsonNode expected = Json.MAPPER.readTree(Path.of(dir, "expected.json").toFile()).get(iouType);
        CocoEvaluation result = new CocoEvaluator(IouType.valueOf(iouType.toUpperCase())).evaluate(gt, dt);
        for (int i = 0; i < 12; i++) {
            assertEquals(expected.get("stats").get(i).asDouble(), result.stats()[i], TOLERANCE,
                    caseName + " " + iouType + " " + CocoEvaluation.STAT_NAMES[i]);
        }
        check(expected.get("per_category"), result.averagePrecisionPerCategory(), caseName + " AP");
        check(expected.get("per_category_50"), result.averagePrecision50PerCategory(), caseName + " AP50");
    }

    private static void check(JsonNode expected, Map<Long, Double> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        expected.fields().forEachRemaining(e -> assertEquals(e.getValue().asDouble(),
                actual.get(Long.parseLong(e.getKey())), TOLERANCE, what + " of category " + e.getKey()));
    }
}
