package io.automlseg.executor.eval;

import java.util.Map;

/**
 * Outcome of {@link CocoEvaluator}: the twelve COCO summary statistics in pycocotools' order (AP@[.5:.95], AP@.5,
 * AP@.75, AP small/medium/large, AR@1, AR@10, AR@100, AR small/medium/large; -1 where undefined) and AP@[.5:.95]
 * per category id (-1 for a category without ground truth), ordered by category id.
 */
public record CocoEvaluation(double[] stats, Map<Long, Double> averagePrecisionPerCategory) {
    public static final String[] STAT_NAMES = {"AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100",
        "ARs", "ARm", "ARl"};

    public double averagePrecision() {
        return stats[0];
    }
}
