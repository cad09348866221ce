package io.automlseg.executor.eval;

import java.util.List;
import java.util.Map;

/**
 * A trial's validation metrics for one epoch.
 *
 * @param metrics {@code mean_average_precision}; with VOC {@code precision} and {@code recall}; with COCO the twelve
 *     mask statistics {@code coco_ap} ... {@code coco_ar_large} ({@link CocoEvaluation#METRIC_NAMES}, -1 where
 *     undefined). Undefined VOC values and an undefined {@code mean_average_precision} are left out.
 * @param perLabelMetrics label name to {@code precision}, {@code recall}, {@code average_precision} (VOC) and
 *     {@code coco_ap}, {@code coco_ap50} (COCO), undefined values left out
 * @param logLines a readable account for the trial log: the COCO summary in pycocotools' layout and a per-label
 *     table
 */
public record ValidationResult(Map<String, Double> metrics, Map<String, Map<String, Double>> perLabelMetrics,
        List<String> logLines) {}
