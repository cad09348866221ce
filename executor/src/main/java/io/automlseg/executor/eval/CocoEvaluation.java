package io.automlseg.executor.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Outcome of {@link CocoEvaluator}: the twelve COCO summary statistics in pycocotools' order (AP@[.5:.95], AP@.5,
 * AP@.75, AP small/medium/large, AR@1, AR@10, AR@100, AR small/medium/large; -1 where undefined) and, per category
 * id in ascending order, AP@[.5:.95] and AP@.5 (all areas, 100 detections; -1 for a category without ground truth).
 */
public record CocoEvaluation(double[] stats, Map<Long, Double> averagePrecisionPerCategory,
        Map<Long, Double> averagePrecision50PerCategory) {
    public static final String[] STAT_NAMES = {"AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100",
        "ARs", "ARm", "ARl"};
    /** The statistics' names in a trial's metrics (all for masks), in {@link #stats} order. */
    public static final String[] METRIC_NAMES = {"coco_ap", "coco_ap50", "coco_ap75", "coco_ap_small",
        "coco_ap_medium", "coco_ap_large", "coco_ar1", "coco_ar10", "coco_ar100", "coco_ar_small", "coco_ar_medium",
        "coco_ar_large"};

    public double averagePrecision() {
        return stats[0];
    }

    /** The twelve lines pycocotools' {@code summarize()} prints, in its layout. */
    public List<String> summaryLines() {
        List<String> lines = new ArrayList<>(12);
        for (int i = 0; i < 12; i++) {
            boolean precision = i < 6;
            String iou = i == 1 ? "0.50" : i == 2 ? "0.75" : "0.50:0.95";
            String area = switch (i) {
                case 3, 9 -> "small";
                case 4, 10 -> "medium";
                case 5, 11 -> "large";
                default -> "all";
            };
            int maxDets = i == 6 ? 1 : i == 7 ? 10 : 100;
            lines.add(String.format(Locale.ROOT, " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %.3f",
                    precision ? "Average Precision" : "Average Recall", precision ? "(AP)" : "(AR)", iou, area,
                    maxDets, stats[i]));
        }
        return lines;
    }
}
