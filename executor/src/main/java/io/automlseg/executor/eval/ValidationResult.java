package io.automlseg.executor.eval;

import java.util.Map;

/**
 * A trial's validation metrics for one epoch.
 *
 * @param metrics {@code mean_average_precision}, {@code precision}, {@code recall} (undefined values left out)
 * @param perLabelMetrics label name to {@code precision}, {@code recall}, {@code average_precision}
 */
public record ValidationResult(Map<String, Double> metrics, Map<String, Map<String, Double>> perLabelMetrics) {}
