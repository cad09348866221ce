package io.automlseg.executor.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.ObjectAnnotation;
import io.automlseg.executor.model.Detections;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What each {@code validation_metric_type} reports, on a 100 x 100 image with hand-placed detections: a detection's
 * 28 x 28 mask is all ones, so once pasted it covers its box (to within a pixel of the paste's bilinear edge).
 */
class ValidationScorerTest {
    private static final List<String> LABELS = List.of("can", "box");

    /** Normalised square polygon from (x0, y0) to (x1, y1), in pixels of the 100 x 100 image. */
    private static ObjectAnnotation square(String label, boolean crowd, double x0, double y0, double x1, double y1) {
        return new ObjectAnnotation(label, crowd,
                List.of(new double[] {x0 / 100, y0 / 100, x1 / 100, y0 / 100, x1 / 100, y1 / 100, x0 / 100, y1 / 100}));
    }

    private static Detections detections(float[][] boxes, int[] labels, float[] scores) {
        float[][] masks = new float[boxes.length][28 * 28];
        for (float[] m : masks) {
            Arrays.fill(m, 1f);
        }
        return new Detections(boxes, labels, scores, masks, 100, 100);
    }

    private static ImageRecord image(List<ObjectAnnotation> objects) {
        return new ImageRecord("mem://image.jpg", "validation.jsonl line 1", 100, 100, objects);
    }

    /**
     * One "can" (20..60 square) and one "box" crowd region; a can detection covering only the square's top 14 rows
     * (mask IoU about 0.35) and a box detection inside the crowd region. VOC at IoU 0.3 counts the can as found;
     * COCO AP@0.5 does not.
     */
    private static ValidationResult score(String metricType) {
        ValidationScorer scorer = new ValidationScorer(LABELS, metricType, 0.3);
        ImageRecord record = image(List.of(square("can", false, 20, 20, 60, 60), square("box", true, 70, 70, 95, 95)));
        scorer.addImage(record, 100, 100, detections(new float[][] {{20, 20, 60, 34}, {75, 75, 90, 90}},
                new int[] {1, 2}, new float[] {0.9f, 0.8f}));
        return scorer.result();
    }

    @Test
    void vocIsTheReferenceDefaultAndReportsNoCocoStatistics() {
        ValidationResult r = score("voc");
        assertEquals(1.0, r.metrics().get("mean_average_precision"), 1e-12);
        assertFalse(r.metrics().containsKey("coco_ap50"));
        assertEquals(1.0, r.perLabelMetrics().get("can").get("average_precision"), 1e-12);
        // Only a crowd region: AP is undefined for "box" and left out.
        assertFalse(r.perLabelMetrics().get("box").containsKey("average_precision"));
    }

    @Test
    void cocoMeansMaskApAtHalfIouAndLogsAllTwelveStatistics() {
        ValidationResult r = score("coco");
        assertEquals(0.0, r.metrics().get("mean_average_precision"), 1e-12);
        for (String name : CocoEvaluation.METRIC_NAMES) {
            assertTrue(r.metrics().containsKey(name), name);
        }
        assertEquals(0.0, r.metrics().get("coco_ap50"), 1e-12);
        // The can is 40 x 40 = 1600 pixels: medium; nothing small or large has ground truth.
        assertEquals(-1.0, r.metrics().get("coco_ap_small"));
        assertEquals(-1.0, r.metrics().get("coco_ap_large"));
        assertFalse(r.metrics().containsKey("precision"));
        assertEquals(0.0, r.perLabelMetrics().get("can").get("coco_ap50"), 1e-12);
        assertFalse(r.perLabelMetrics().get("box").containsKey("coco_ap"));
        assertTrue(r.logLines().contains(
                " Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.000"), r.logLines()::toString);
    }

    @Test
    void cocoVocComputesBothAndTheVocValueWins() {
        ValidationResult r = score("coco_voc");
        assertEquals(1.0, r.metrics().get("mean_average_precision"), 1e-12);
        assertEquals(0.0, r.metrics().get("coco_ap50"), 1e-12);
        Map<String, Double> can = r.perLabelMetrics().get("can");
        assertEquals(1.0, can.get("average_precision"), 1e-12);
        assertEquals(0.0, can.get("coco_ap50"), 1e-12);
    }

    /**
     * A detection on a crowd region of its own class ranks first; COCO and VOC both ignore it, so the exact can
     * detection alone decides: AP 1. Counted as a false positive it would halve the precision at full recall.
     */
    @Test
    void detectionsOnCrowdRegionsAreNeitherTrueNorFalsePositives() {
        for (String type : List.of("coco", "coco_voc")) {
            ValidationScorer scorer = new ValidationScorer(LABELS, type, 0.5);
            ImageRecord record = image(List.of(square("can", false, 20, 20, 60, 60),
                    square("can", true, 65, 65, 99, 99)));
            scorer.addImage(record, 100, 100, detections(new float[][] {{20, 20, 60, 60}, {70, 70, 95, 95}},
                    new int[] {1, 1}, new float[] {0.9f, 0.95f}));
            ValidationResult r = scorer.result();
            assertEquals(1.0, r.metrics().get("coco_ap50"), 1e-12, type);
            assertEquals(1.0, r.metrics().get("mean_average_precision"), 1e-12, type);
            assertEquals(1.0, r.perLabelMetrics().get("can").get("coco_ap50"), 1e-12, type);
        }
    }

    @Test
    void unknownMetricTypeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ValidationScorer(LABELS, "map", 0.5));
        assertTrue(e.getMessage().contains("'map'"), e.getMessage());
    }
}
