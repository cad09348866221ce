package io.automlseg.executor.eval;

import java.util.Arrays;

/**
 * COCOeval's {@code accumulate} and {@code summarize}: per category the precision envelope sampled at the recall
 * thresholds and the recall reached, then the means that make the summary statistics.
 */
final class CocoAccumulator {
    private static final double EPS = Math.ulp(1.0);

    private CocoAccumulator() {}

    /**
     * Precision at the recall thresholds and final recall of one category, per IoU threshold, area range and
     * detection cap; {@code results[i][a]} is image i's (in id order) for area range a. The score order depends on
     * the cap only, so it is shared by the area ranges.
     */
    static void accumulate(CocoMatching.ImageResult[][] results, int ki, double[][][][][] precision,
            double[][][][] recall) {
        if (results.length == 0) {
            return;
        }
        int t = CocoEvaluator.IOU_THRESHOLDS.length;
        for (int mi = 0; mi < CocoEvaluator.MAX_DETECTIONS.length; mi++) {
            int maxDet = CocoEvaluator.MAX_DETECTIONS[mi];
            // Concatenate the first maxDet detections of each image (images in id order), then stable sort by score.
            int nd = 0;
            for (CocoMatching.ImageResult[] e : results) {
                nd += Math.min(maxDet, e[0].scores().length);
            }
            int[] image = new int[nd];
            int[] detection = new int[nd];
            double[] scores = new double[nd];
            for (int e = 0, i = 0; e < results.length; e++) {
                int count = Math.min(maxDet, results[e][0].scores().length);
                for (int j = 0; j < count; j++, i++) {
                    image[i] = e;
                    detection[i] = j;
                    scores[i] = results[e][0].scores()[j];
                }
            }
            int[] order = stableOrderByDescendingScore(scores);
            double[][] rc = new double[t][nd];
            double[][] pr = new double[t][nd];
            for (int ai = 0; ai < CocoEvaluator.AREA_RANGES.length; ai++) {
                int npig = 0;
                for (CocoMatching.ImageResult[] e : results) {
                    npig += e[ai].groundTruthCounted();
                }
                if (npig == 0) {
                    continue;
                }
                long[] tp = new long[t];
                long[] fp = new long[t];
                for (int i = 0; i < nd; i++) {
                    CocoMatching.ImageResult e = results[image[order[i]]][ai];
                    int j = detection[order[i]];
                    int tpBits = e.truePositive()[j];
                    int fpBits = e.falsePositive()[j];
                    for (int ti = 0; ti < t; ti++) {
                        tp[ti] += (tpBits >> ti) & 1;
                        fp[ti] += (fpBits >> ti) & 1;
                        rc[ti][i] = (double) tp[ti] / npig;
                        pr[ti][i] = (double) tp[ti] / ((double) fp[ti] + (double) tp[ti] + EPS);
                    }
                }
                for (int ti = 0; ti < t; ti++) {
                    double[] r = rc[ti];
                    double[] p = pr[ti];
                    recall[ti][ki][ai][mi] = nd > 0 ? r[nd - 1] : 0;
                    for (int i = nd - 1; i > 0; i--) {
                        if (p[i] > p[i - 1]) {
                            p[i - 1] = p[i];
                        }
                    }
                    int i = 0;
                    for (int ri = 0; ri < CocoEvaluator.RECALL_THRESHOLDS.length; ri++) {
                        // searchsorted left: first index with rc >= threshold (rc is non-decreasing).
                        while (i < nd && r[i] < CocoEvaluator.RECALL_THRESHOLDS[ri]) {
                            i++;
                        }
                        precision[ti][ri][ki][ai][mi] = i < nd ? p[i] : 0;
                    }
                }
            }
        }
    }

    /** Indices sorted by descending score, equal scores in index order: numpy's mergesort on -score. */
    static int[] stableOrderByDescendingScore(double[] scores) {
        int n = scores.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] buffer = new int[n];
        // Bottom-up merge sort; "-a < -b" is how numpy compares the negated scores.
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, n);
                int i = lo;
                int j = mid;
                int o = lo;
                while (i < mid && j < hi) {
                    // Take from the right run only when strictly before: keeps ties in index order.
                    buffer[o++] = -scores[order[j]] < -scores[order[i]] ? order[j++] : order[i++];
                }
                while (i < mid) {
                    buffer[o++] = order[i++];
                }
                while (j < hi) {
                    buffer[o++] = order[j++];
                }
                System.arraycopy(buffer, lo, order, lo, hi - lo);
            }
        }
        return order;
    }

    static double meanPrecision(double[][][][][] precision, int ti, int ai, int mi) {
        double sum = 0;
        long n = 0;
        for (int t = 0; t < precision.length; t++) {
            if (ti >= 0 && t != ti) {
                continue;
            }
            for (double[][][] byRecall : precision[t]) {
                for (double[][] byCategory : byRecall) {
                    double p = byCategory[ai][mi];
                    if (p > -1) {
                        sum += p;
                        n++;
                    }
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    static double meanRecall(double[][][][] recall, int ai, int mi) {
        double sum = 0;
        long n = 0;
        for (double[][][] byCategory : recall) {
            for (double[][] byArea : byCategory) {
                double v = byArea[ai][mi];
                if (v > -1) {
                    sum += v;
                    n++;
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    static void fill(double[][][][][] precision, double[][][][] recall) {
        for (double[][][][] a : precision) {
            for (double[][][] b : a) {
                for (double[][] c : b) {
                    for (double[] d : c) {
                        java.util.Arrays.fill(d, -1);
                    }
                }
            }
        }
        for (double[][][] a : recall) {
            for (double[][] b : a) {
                for (double[] c : b) {
                    java.util.Arrays.fill(c, -1);
                }
            }
        }
    }

    /** Mean precision of one category (all areas, 100 detections) at IoU threshold {@code ti}, or all if -1. */
    static double categoryPrecision(double[][][][][] precision, int ki, int ti) {
        double sum = 0;
        int n = 0;
        for (int t = 0; t < precision.length; t++) {
            if (ti >= 0 && t != ti) {
                continue;
            }
            for (double[][][] byCategory : precision[t]) {
                double p = byCategory[ki][0][CocoEvaluator.MAX_DETECTIONS.length - 1];
                if (p > -1) {
                    sum += p;
                    n++;
                }
            }
        }
        return n == 0 ? -1.0 : sum / n;
    }
}
