package io.automlseg.executor.eval;

import io.automlseg.executor.mask.Rle;
import io.automlseg.executor.mask.RleOverlap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The reference product's default validation metric ({@code validation_metric_type: voc}) for instance
 * segmentation, fed one image at a time.
 *
 * <p>Per image and class, predictions are taken by descending score (ties in input order), each paired with the
 * same-class ground truth of highest mask IoU (first one on ties). IoU at or above the threshold makes it a true
 * positive if that ground truth is still free, a false positive if it was already taken (no second choice), and
 * neither when the ground truth is a crowd region; a lower IoU makes it a false positive. Per class, the
 * predictions of all images are then ranked by score for an all-point interpolated precision/recall curve whose
 * recall denominator is the number of non-crowd ground truths.
 *
 * <p>Differences to the reference: precision is an exact ratio and means are exact (the reference adds 1e-9 to
 * both denominators, invisible after its rounding to 5 decimals); equal scores keep input order (image order, then
 * prediction order), where the reference's reversed numpy argsort is not specified on ties.
 */
public final class VocEvaluator {
    public static final double DEFAULT_IOU_THRESHOLD = 0.5;
    /** The reference clamps {@code validation_iou_threshold} into this range. */
    public static final double MIN_IOU_THRESHOLD = 0.1;
    public static final double MAX_IOU_THRESHOLD = 1.0;

    private static final byte FALSE_POSITIVE = 0;
    private static final byte TRUE_POSITIVE = 1;
    private static final byte IGNORED = 2;

    private final int numClasses;
    private final double iouThreshold;
    private final ClassRecord[] classes;

    /** Evaluator for labels 1..{@code numClasses} at the default IoU threshold 0.5. */
    public VocEvaluator(int numClasses) {
        this(numClasses, DEFAULT_IOU_THRESHOLD);
    }

    /** Evaluator for labels 1..{@code numClasses}; the threshold is clamped to [0.1, 1] as the reference does. */
    public VocEvaluator(int numClasses, double iouThreshold) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be at least 1, got " + numClasses);
        }
        if (Double.isNaN(iouThreshold)) {
            throw new IllegalArgumentException("IoU threshold is NaN");
        }
        this.numClasses = numClasses;
        this.iouThreshold = Math.max(MIN_IOU_THRESHOLD, Math.min(MAX_IOU_THRESHOLD, iouThreshold));
        this.classes = new ClassRecord[numClasses];
        for (int c = 0; c < numClasses; c++) {
            classes[c] = new ClassRecord();
        }
    }

    public double iouThreshold() {
        return iouThreshold;
    }

    public int numClasses() {
        return numClasses;
    }

    /**
     * Adds one image with row-major byte masks ({@code height * width}, nonzero = object) for convenience; the
     * masks are run-length encoded first.
     */
    public void addImage(byte[][] gtMasks, int[] gtLabels, boolean[] gtCrowd,
                         byte[][] predMasks, int[] predLabels, float[] predScores, int height, int width) {
        List<Rle> gt = new ArrayList<>(gtMasks.length);
        for (byte[] m : gtMasks) {
            gt.add(Rle.encode(m, height, width));
        }
        List<Rle> pred = new ArrayList<>(predMasks.length);
        for (byte[] m : predMasks) {
            pred.add(Rle.encode(m, height, width));
        }
        addImage(gt, gtLabels, gtCrowd, pred, predLabels, predScores);
    }

    /**
     * Adds one image: its ground truth (masks, labels 1..K, crowd flags) and the model's kept predictions (masks,
     * labels 1..K, scores), all masks of the image's size.
     */
    public void addImage(List<Rle> gtMasks, int[] gtLabels, boolean[] gtCrowd,
                         List<Rle> predMasks, int[] predLabels, float[] predScores) {
        int m = gtMasks.size();
        int n = predMasks.size();
        if (gtLabels.length != m || gtCrowd.length != m) {
            throw new IllegalArgumentException("ground truth: " + m + " masks, " + gtLabels.length + " labels, "
                    + gtCrowd.length + " crowd flags");
        }
        if (predLabels.length != n || predScores.length != n) {
            throw new IllegalArgumentException("predictions: " + n + " masks, " + predLabels.length + " labels, "
                    + predScores.length + " scores");
        }
        checkLabels(gtLabels, "ground truth");
        checkLabels(predLabels, "prediction");
        for (int j = 0; j < n; j++) {
            if (Float.isNaN(predScores[j])) {
                throw new IllegalArgumentException("prediction " + j + " has a NaN score");
            }
        }

        // Prediction order: descending score, input order on ties.
        long[] order = new long[n];
        for (int j = 0; j < n; j++) {
            order[j] = descendingKey(predScores[j], j);
        }
        Arrays.sort(order);

        int[] gtOfClass = new int[m];
        boolean[] taken = new boolean[m];
        for (int c = 1; c <= numClasses; c++) {
            int mc = 0;
            int nonCrowd = 0;
            for (int g = 0; g < m; g++) {
                if (gtLabels[g] == c) {
                    gtOfClass[mc++] = g;
                    if (!gtCrowd[g]) {
                        nonCrowd++;
                    }
                }
            }
            ClassRecord record = classes[c - 1];
            record.nonCrowdGroundTruths += nonCrowd;
            Arrays.fill(taken, false);
            for (long key : order) {
                int j = (int) key;
                if (predLabels[j] != c) {
                    continue;
                }
                byte code = FALSE_POSITIVE;
                if (mc > 0) {
                    int best = gtOfClass[0];
                    double bestIou = RleOverlap.iou(predMasks.get(j), gtMasks.get(best), gtCrowd[best]);
                    for (int k = 1; k < mc; k++) {
                        int g = gtOfClass[k];
                        double iou = RleOverlap.iou(predMasks.get(j), gtMasks.get(g), gtCrowd[g]);
                        if (iou > bestIou) {
                            bestIou = iou;
                            best = g;
                        }
                    }
                    if (bestIou >= iouThreshold) {
                        if (gtCrowd[best]) {
                            code = IGNORED;
                        } else if (!taken[best]) {
                            code = TRUE_POSITIVE;
                            taken[best] = true;
                        }
                    }
                }
                record.add(predScores[j], code);
            }
        }
    }

    private void checkLabels(int[] labels, String what) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 1 || labels[i] > numClasses) {
                throw new IllegalArgumentException(
                        what + " " + i + " has label " + labels[i] + ", expected 1.." + numClasses);
            }
        }
    }

    /**
     * A sort key whose ascending order is descending score, then ascending {@code index}: the score's bits mapped
     * to a signed int ordered like the floats, inverted, in the high half.
     */
    private static long descendingKey(float score, int index) {
        int bits = Float.floatToIntBits(score + 0.0f); // -0.0 sorts with 0.0
        int ascending = bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) ~ascending << 32) | (index & 0xffffffffL);
    }

    /** Metrics over all images added so far. */
    public VocResult result() {
        List<VocResult.LabelMetrics> perLabel = new ArrayList<>(numClasses);
        for (int c = 1; c <= numClasses; c++) {
            perLabel.add(classes[c - 1].metrics(c));
        }
        return new VocResult(meanOfDefined(perLabel, VocResult.LabelMetrics::averagePrecision),
                meanOfDefined(perLabel, VocResult.LabelMetrics::precision),
                meanOfDefined(perLabel, VocResult.LabelMetrics::recall), List.copyOf(perLabel));
    }

    private static double meanOfDefined(List<VocResult.LabelMetrics> perLabel,
                                        ToDoubleFunction<VocResult.LabelMetrics> metric) {
        double sum = 0;
        int count = 0;
        for (VocResult.LabelMetrics metrics : perLabel) {
            double v = metric.applyAsDouble(metrics);
            if (!Double.isNaN(v)) {
                sum += v;
                count++;
            }
        }
        return count == 0 ? 0.0 : sum / count;
    }

    /** Scores and TP/FP/ignored codes of one class's predictions over all images, in arrival order. */
    private static final class ClassRecord {
        long nonCrowdGroundTruths;
        float[] scores = new float[16];
        byte[] codes = new byte[16];
        int size;

        void add(float score, byte code) {
            if (size == scores.length) {
                scores = Arrays.copyOf(scores, size * 2);
                codes = Arrays.copyOf(codes, size * 2);
            }
            scores[size] = score;
            codes[size] = code;
            size++;
        }

        VocResult.LabelMetrics metrics(int label) {
            long m = nonCrowdGroundTruths;
            int n = size;
            if (m == 0) {
                return new VocResult.LabelMetrics(label, n == 0 ? Double.NaN : 0.0, Double.NaN, Double.NaN);
            }
            if (n == 0) {
                return new VocResult.LabelMetrics(label, Double.NaN, 0.0, 0.0);
            }
            long[] order = new long[n];
            for (int i = 0; i < n; i++) {
                order[i] = descendingKey(scores[i], i);
            }
            Arrays.sort(order);
            double[] precision = new double[n];
            double[] recall = new double[n];
            long tp = 0;
            long fp = 0;
            for (int i = 0; i < n; i++) {
                byte code = codes[(int) order[i]];
                if (code == TRUE_POSITIVE) {
                    tp++;
                } else if (code == FALSE_POSITIVE) {
                    fp++;
                }
                precision[i] = tp + fp == 0 ? 0.0 : (double) tp / (tp + fp);
                recall[i] = (double) tp / m;
            }
            // Area under the curve that starts at (recall 0, precision 1), each precision replaced by the best
            // precision at any later point, summed as rectangles over recall increments.
            double ap = 0;
            double envelope = 0;
            for (int i = n - 1; i >= 0; i--) {
                envelope = Math.max(envelope, precision[i]);
                double previousRecall = i == 0 ? 0.0 : recall[i - 1];
                ap += envelope * (recall[i] - previousRecall);
            }
            return new VocResult.LabelMetrics(label, precision[n - 1], recall[n - 1], ap);
        }
    }
}
