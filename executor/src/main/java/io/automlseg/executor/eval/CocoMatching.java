package io.automlseg.executor.eval;

import io.automlseg.executor.eval.CocoDataset.Annotation;
import java.util.List;

/** COCOeval's {@code evaluateImg}: greedy matching of one (image, category) pair at every IoU threshold. */
final class CocoMatching {
    private CocoMatching() {}

    /**
     * Outcome of one (image, category) for one area range, detections in score order (at most 100): per detection a
     * bit per IoU threshold for "true positive" and for "false positive" (a detection with neither is ignored), and
     * the number of ground truths that are not ignored.
     */
    record ImageResult(double[] scores, short[] truePositive, short[] falsePositive, int groundTruthCounted) {}

    /** Greedy matching of score-ordered detections to ground truth at each IoU threshold (evaluateImg). */
    static ImageResult evaluateImage(List<Annotation> gtInFileOrder, List<Annotation> dt, double[][] iousAll,
            double[] range) {
        int g = gtInFileOrder.size();
        // Non-ignored ground truth first, stable.
        int[] order = new int[g];
        int n = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < g; i++) {
                if (ignored(gtInFileOrder.get(i), range) == (pass == 1)) {
                    order[n++] = i;
                }
            }
        }
        boolean[] gtIgnore = new boolean[g];
        for (int i = 0; i < g; i++) {
            gtIgnore[i] = ignored(gtInFileOrder.get(order[i]), range);
        }
        int d = dt.size();
        int t = CocoEvaluator.IOU_THRESHOLDS.length;
        long[][] dtMatch = new long[t][d];
        boolean[][] dtIgnore = new boolean[t][d];
        long[][] gtMatch = new long[t][g];
        if (d > 0 && g > 0) {
            for (int ti = 0; ti < t; ti++) {
                for (int di = 0; di < d; di++) {
                    double best = Math.min(CocoEvaluator.IOU_THRESHOLDS[ti], 1 - 1e-10);
                    int match = -1;
                    for (int gi = 0; gi < g; gi++) {
                        Annotation gt = gtInFileOrder.get(order[gi]);
                        if (gtMatch[ti][gi] != 0 && !gt.crowd()) {
                            continue;
                        }
                        if (match > -1 && !gtIgnore[match] && gtIgnore[gi]) {
                            break;
                        }
                        double iou = iousAll[di][order[gi]];
                        if (iou < best) {
                            continue;
                        }
                        best = iou;
                        match = gi;
                    }
                    if (match == -1) {
                        continue;
                    }
                    dtIgnore[ti][di] = gtIgnore[match];
                    dtMatch[ti][di] = gtInFileOrder.get(order[match]).id();
                    gtMatch[ti][match] = dt.get(di).id();
                }
            }
        }
        double[] scores = new double[d];
        short[] truePositive = new short[d];
        short[] falsePositive = new short[d];
        for (int di = 0; di < d; di++) {
            Annotation det = dt.get(di);
            scores[di] = det.score();
            boolean outside = det.area() < range[0] || det.area() > range[1];
            for (int ti = 0; ti < t; ti++) {
                boolean matched = dtMatch[ti][di] != 0;
                if (dtIgnore[ti][di] || (!matched && outside)) {
                    continue;
                }
                if (matched) {
                    truePositive[di] |= (short) (1 << ti);
                } else {
                    falsePositive[di] |= (short) (1 << ti);
                }
            }
        }
        int counted = 0;
        for (boolean ignore : gtIgnore) {
            if (!ignore) {
                counted++;
            }
        }
        return new ImageResult(scores, truePositive, falsePositive, counted);
    }

    private static boolean ignored(Annotation gt, double[] range) {
        return gt.crowd() || gt.area() < range[0] || gt.area() > range[1];
    }
}
