package io.automlseg.executor.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.mask.Rle;
import io.automlseg.executor.mask.RleTest;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hand-computed cases on a 1 x 20 image where masks are column ranges, so IoUs are easy to count. */
class VocEvaluatorTest {
    private static final double EPS = 1e-12;
    private static final int W = 20;

    /** Mask of columns {@code from..to} inclusive on the 1 x 20 image. */
    private static Rle cols(int from, int to) {
        byte[] mask = new byte[W];
        for (int x = from; x <= to; x++) {
            mask[x] = 1;
        }
        return Rle.encode(mask, 1, W);
    }

    /**
     * Random images (blobs, jittered copies with some wrong labels, crowd regions, four IoU thresholds) scored once
     * by a numpy transcription of the reference evaluator, which adds 1e-9 to precision and mean denominators:
     * hence the 1e-6 tolerance. Undefined values are null there.
     */
    @Test
    void agreesWithTheReferenceComputationOnRandomCases() throws Exception {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/voc-eval/random-cases.json")) {
            cases = Json.MAPPER.readTree(in);
        }
        for (JsonNode c : cases) {
            VocEvaluator evaluator = new VocEvaluator(c.get("numClasses").asInt(), c.get("iouThreshold").asDouble());
            for (JsonNode image : c.get("images")) {
                int h = image.get("height").asInt();
                int w = image.get("width").asInt();
                evaluator.addImage(masks(image.get("gtMasks")), ints(image.get("gtLabels")), bools(image.get("gtCrowd")),
                        masks(image.get("predMasks")), ints(image.get("predLabels")), floats(image.get("predScores")),
                        h, w);
            }
            VocResult result = evaluator.result();
            assertEquals(c.get("meanAveragePrecision").asDouble(), result.meanAveragePrecision(), 1e-6);
            assertEquals(c.get("precision").asDouble(), result.precision(), 1e-6);
            assertEquals(c.get("recall").asDouble(), result.recall(), 1e-6);
            for (int label = 1; label <= c.get("numClasses").asInt(); label++) {
                JsonNode expected = c.get("perLabel").get(label - 1);
                VocResult.LabelMetrics actual = result.label(label);
                assertDefinedEquals(expected.get("averagePrecision"), actual.averagePrecision());
                assertDefinedEquals(expected.get("precision"), actual.precision());
                assertDefinedEquals(expected.get("recall"), actual.recall());
            }
        }
    }

    private static void assertDefinedEquals(JsonNode expected, double actual) {
        if (expected.isNull()) {
            assertTrue(Double.isNaN(actual), "expected undefined, got " + actual);
        } else {
            assertEquals(expected.asDouble(), actual, 1e-6);
        }
    }

    private static byte[][] masks(JsonNode rows) {
        byte[][] out = new byte[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            String bits = rows.get(i).asText();
            out[i] = new byte[bits.length()];
            for (int k = 0; k < bits.length(); k++) {
                out[i][k] = (byte) (bits.charAt(k) - '0');
            }
        }
        return out;
    }

    private static int[] ints(JsonNode values) {
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).asInt();
        }
        return out;
    }

    private static boolean[] bools(JsonNode values) {
        boolean[] out = new boolean[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).asBoolean();
        }
        return out;
    }

    private static float[] floats(JsonNode values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) values.get(i).asDouble();
        }
        return out;
    }

    @Test
    void duplicateOfATakenGroundTruthIsAFalsePositive() {
        VocEvaluator evaluator = new VocEvaluator(1);
        evaluator.addImage(List.of(cols(0, 3), cols(10, 13)), new int[] {1, 1}, new boolean[2],
                List.of(cols(0, 3), cols(0, 3), cols(10, 13)), new int[] {1, 1, 1}, new float[] {0.9f, 0.8f, 0.7f});
        VocResult result = evaluator.result();
        // TP, FP, TP: precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1 -> AP = 1*0.5 + (2/3)*0.5.
        assertEquals(0.5 + 1.0 / 3, result.label(1).averagePrecision(), EPS);
        assertEquals(2.0 / 3, result.label(1).precision(), EPS);
        assertEquals(1.0, result.label(1).recall(), EPS);
        assertEquals(result.label(1).averagePrecision(), result.meanAveragePrecision(), EPS);
    }

    @Test
    void noFallbackToTheSecondBestGroundTruth() {
        VocEvaluator evaluator = new VocEvaluator(1, 0.3);
        // Second prediction: IoU 8/16 with the taken A, 6/18 (above 0.3) with the free B -> still FP.
        evaluator.addImage(List.of(cols(0, 9), cols(10, 19)), new int[] {1, 1}, new boolean[2],
                List.of(cols(0, 9), cols(2, 15)), new int[] {1, 1}, new float[] {0.9f, 0.8f});
        VocResult.LabelMetrics metrics = evaluator.result().label(1);
        assertEquals(0.5, metrics.recall(), EPS);
        assertEquals(0.5, metrics.precision(), EPS);
        assertEquals(0.5, metrics.averagePrecision(), EPS);
    }

    @Test
    void equalIouPairsWithTheFirstGroundTruth() {
        VocEvaluator evaluator = new VocEvaluator(1, 0.3);
        // Second prediction overlaps A and B by 5/15 each: it pairs with A, which is taken.
        evaluator.addImage(List.of(cols(0, 9), cols(10, 19)), new int[] {1, 1}, new boolean[2],
                List.of(cols(0, 9), cols(5, 14)), new int[] {1, 1}, new float[] {0.9f, 0.8f});
        assertEquals(0.5, evaluator.result().label(1).recall(), EPS);
    }

    @Test
    void crowdMatchesAreIgnoredAndCrowdIouUsesPredictionArea() {
        VocEvaluator evaluator = new VocEvaluator(1);
        // Prediction 14..15 inside the crowd region 10..19: plain IoU 0.2, crowd IoU 2/2 = 1 -> ignored.
        evaluator.addImage(List.of(cols(0, 4), cols(10, 19)), new int[] {1, 1}, new boolean[] {false, true},
                List.of(cols(14, 15), cols(0, 4), cols(6, 8)), new int[] {1, 1, 1},
                new float[] {0.9f, 0.8f, 0.7f});
        VocResult.LabelMetrics metrics = evaluator.result().label(1);
        // Ranked: ignored, TP, FP; one non-crowd GT.
        assertEquals(1.0, metrics.recall(), EPS);
        assertEquals(0.5, metrics.precision(), EPS);
        assertEquals(1.0, metrics.averagePrecision(), EPS);
    }

    @Test
    void undefinedValuesAreLeftOutOfTheMeans() {
        VocEvaluator evaluator = new VocEvaluator(5);
        evaluator.addImage(
                List.of(cols(0, 3), cols(5, 8), cols(10, 13), cols(15, 19)),
                new int[] {1, 1, 2, 5}, new boolean[] {false, false, false, true},
                List.of(cols(0, 3), cols(10, 13), cols(15, 19), cols(15, 19)),
                new int[] {1, 3, 3, 5}, new float[] {0.9f, 0.8f, 0.7f, 0.6f});
        VocResult result = evaluator.result();
        // Label 1: one TP of two GT.
        assertEquals(1.0, result.label(1).precision(), EPS);
        assertEquals(0.5, result.label(1).recall(), EPS);
        assertEquals(0.5, result.label(1).averagePrecision(), EPS);
        // Label 2: GT, no prediction.
        assertEquals(0.0, result.label(2).averagePrecision());
        assertEquals(0.0, result.label(2).recall());
        assertTrue(Double.isNaN(result.label(2).precision()));
        // Label 3: predictions, no GT.
        assertTrue(Double.isNaN(result.label(3).averagePrecision()));
        assertTrue(Double.isNaN(result.label(3).recall()));
        assertEquals(0.0, result.label(3).precision());
        // Label 4: nothing at all.
        assertTrue(Double.isNaN(result.label(4).averagePrecision()));
        assertTrue(Double.isNaN(result.label(4).recall()));
        assertTrue(Double.isNaN(result.label(4).precision()));
        // Label 5: only a crowd GT, and a prediction on it (ignored, but still counted as a prediction).
        assertTrue(Double.isNaN(result.label(5).averagePrecision()));
        assertTrue(Double.isNaN(result.label(5).recall()));
        assertEquals(0.0, result.label(5).precision());

        assertEquals((0.5 + 0.0) / 2, result.meanAveragePrecision(), EPS);
        assertEquals((0.5 + 0.0) / 2, result.recall(), EPS);
        assertEquals((1.0 + 0.0 + 0.0) / 3, result.precision(), EPS);
    }

    @Test
    void predictionsOfAllImagesAreRankedTogether() {
        VocEvaluator evaluator = new VocEvaluator(1);
        evaluator.addImage(List.of(cols(0, 4)), new int[] {1}, new boolean[1],
                List.of(cols(0, 4)), new int[] {1}, new float[] {0.6f});
        evaluator.addImage(List.of(cols(10, 14)), new int[] {1}, new boolean[1],
                List.of(cols(0, 4), cols(10, 14)), new int[] {1, 1}, new float[] {0.9f, 0.3f});
        VocResult.LabelMetrics metrics = evaluator.result().label(1);
        // Ranked FP(.9), TP(.6), TP(.3): precision 0, 1/2, 2/3 at recall 0, 1/2, 1 -> AP = 2/3 * 1/2 * 2.
        assertEquals(2.0 / 3, metrics.averagePrecision(), EPS);
        assertEquals(2.0 / 3, metrics.precision(), EPS);
        assertEquals(1.0, metrics.recall(), EPS);
    }

    @Test
    void equalScoresKeepInputOrder() {
        // A false positive before a true positive of equal score halves AP; the other way round AP is 1.
        VocEvaluator fpFirst = new VocEvaluator(1);
        fpFirst.addImage(List.of(cols(0, 4)), new int[] {1}, new boolean[1],
                List.of(cols(10, 14), cols(0, 4)), new int[] {1, 1}, new float[] {0.5f, 0.5f});
        assertEquals(0.5, fpFirst.result().label(1).averagePrecision(), EPS);

        VocEvaluator tpFirst = new VocEvaluator(1);
        tpFirst.addImage(List.of(cols(0, 4)), new int[] {1}, new boolean[1],
                List.of(cols(0, 4), cols(10, 14)), new int[] {1, 1}, new float[] {0.5f, 0.5f});
        assertEquals(1.0, tpFirst.result().label(1).averagePrecision(), EPS);

        // Across images, the earlier image comes first.
        VocEvaluator images = new VocEvaluator(1);
        images.addImage(List.of(), new int[0], new boolean[0],
                List.of(cols(0, 4)), new int[] {1}, new float[] {0.5f});
        images.addImage(List.of(cols(0, 4)), new int[] {1}, new boolean[1],
                List.of(cols(0, 4)), new int[] {1}, new float[] {0.5f});
        assertEquals(0.5, images.result().label(1).averagePrecision(), EPS);
    }

    @Test
    void thresholdIsInclusiveAndClamped() {
        VocEvaluator evaluator = new VocEvaluator(1);
        // IoU exactly 5/10 = 0.5 -> TP.
        evaluator.addImage(List.of(cols(0, 9)), new int[] {1}, new boolean[1],
                List.of(cols(0, 4)), new int[] {1}, new float[] {0.5f});
        assertEquals(1.0, evaluator.result().label(1).recall(), EPS);
        assertEquals(0.1, new VocEvaluator(1, 0.01).iouThreshold());
        assertEquals(1.0, new VocEvaluator(1, 3).iouThreshold());
    }

    @Test
    void emptyEvaluationGivesZeroMeans() {
        VocResult result = new VocEvaluator(2).result();
        assertEquals(0.0, result.meanAveragePrecision());
        assertEquals(2, result.perLabel().size());
    }

    @Test
    void rejectsBadInput() {
        VocEvaluator evaluator = new VocEvaluator(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> evaluator.addImage(
                List.of(cols(0, 1)), new int[] {3}, new boolean[1], List.of(), new int[0], new float[0]));
        assertTrue(e.getMessage().contains("label 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> evaluator.addImage(
                List.of(), new int[0], new boolean[0], List.of(cols(0, 1)), new int[] {1}, new float[0]));
    }

    @Test
    void byteMaskOverloadAgreesAndResultSurvivesJson() throws Exception {
        Random random = new Random(5);
        int h = 30;
        int w = 40;
        VocEvaluator fromRle = new VocEvaluator(3);
        VocEvaluator fromBytes = new VocEvaluator(3);
        for (int image = 0; image < 5; image++) {
            byte[][] gt = new byte[4][];
            byte[][] pred = new byte[6][];
            for (int i = 0; i < gt.length; i++) {
                gt[i] = RleTest.randomMask(random, h, w);
            }
            for (int i = 0; i < pred.length; i++) {
                // Mostly noisy copies of a ground truth, so there are true positives.
                pred[i] = random.nextBoolean() ? gt[random.nextInt(gt.length)].clone() : RleTest.randomMask(random, h, w);
            }
            int[] gtLabels = {1, 2, 3, 1};
            boolean[] crowd = {false, false, random.nextBoolean(), false};
            int[] predLabels = new int[pred.length];
            float[] scores = new float[pred.length];
            for (int i = 0; i < pred.length; i++) {
                predLabels[i] = 1 + random.nextInt(3);
                scores[i] = random.nextFloat();
            }
            fromBytes.addImage(gt, gtLabels, crowd, pred, predLabels, scores, h, w);
            List<Rle> gtRle = new ArrayList<>();
            for (byte[] m : gt) {
                gtRle.add(Rle.encode(m, h, w));
            }
            List<Rle> predRle = new ArrayList<>();
            for (byte[] m : pred) {
                predRle.add(Rle.encode(m, h, w));
            }
            fromRle.addImage(gtRle, gtLabels, crowd, predRle, predLabels, scores);
        }
        VocResult result = fromRle.result();
        assertEquals(result, fromBytes.result());
        assertTrue(result.meanAveragePrecision() > 0);
        VocResult back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(result), VocResult.class);
        assertEquals(result, back);
    }

    @Test
    void fullSizeImageWithHundredPredictionsIsFast() {
        int h = 600;
        int w = 800;
        Random random = new Random(1);
        List<Rle> gt = new ArrayList<>();
        int[] gtLabels = new int[20];
        for (int i = 0; i < 20; i++) {
            gt.add(Rle.encode(disk(h, w, 50 + random.nextInt(700), 50 + random.nextInt(500), 10 + random.nextInt(60)), h, w));
            gtLabels[i] = 1 + i % 4;
        }
        List<Rle> pred = new ArrayList<>();
        int[] predLabels = new int[100];
        float[] scores = new float[100];
        for (int i = 0; i < 100; i++) {
            pred.add(Rle.encode(disk(h, w, 50 + random.nextInt(700), 50 + random.nextInt(500), 10 + random.nextInt(60)), h, w));
            predLabels[i] = 1 + i % 4;
            scores[i] = random.nextFloat();
        }
        VocEvaluator evaluator = new VocEvaluator(4);
        // Best of several images, so a busy machine does not fail the test.
        double msPerImage = Double.MAX_VALUE;
        for (int image = 0; image < 20; image++) {
            long start = System.nanoTime();
            evaluator.addImage(gt, gtLabels, new boolean[20], pred, predLabels, scores);
            msPerImage = Math.min(msPerImage, (System.nanoTime() - start) / 1e6);
        }
        assertEquals(4, evaluator.result().perLabel().size());
        // Matching must be negligible next to a forward pass (seconds on CPU).
        assertTrue(msPerImage < 50, "ms per image: " + msPerImage);
    }

    static byte[] disk(int h, int w, int cx, int cy, int r) {
        byte[] mask = new byte[h * w];
        for (int y = Math.max(0, cy - r); y <= Math.min(h - 1, cy + r); y++) {
            for (int x = Math.max(0, cx - r); x <= Math.min(w - 1, cx + r); x++) {
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) {
                    mask[y * w + x] = 1;
                }
            }
        }
        return mask;
    }
}
