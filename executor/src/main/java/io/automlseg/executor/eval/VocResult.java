package io.automlseg.executor.eval;

import java.util.List;

/**
 * VOC-style validation metrics, as the reference product logs them: {@code mean_average_precision},
 * {@code precision}, {@code recall} and {@code per_label_metrics}. A value that is undefined for a label is
 * {@link Double#NaN} (the reference writes -1); the means skip undefined values and are 0 when no label has one.
 *
 * @param perLabel one entry per label 1..K, in label order
 */
public record VocResult(double meanAveragePrecision, double precision, double recall, List<LabelMetrics> perLabel) {

    /**
     * @param label class index 1..K
     * @param precision precision with all kept predictions of the label (NaN when it has ground truth but no
     *     prediction, or neither)
     * @param recall recall with all kept predictions (NaN when the label has no non-crowd ground truth)
     * @param averagePrecision all-point interpolated AP (NaN when the label has no non-crowd ground truth)
     */
    public record LabelMetrics(int label, double precision, double recall, double averagePrecision) {}

    /** Metrics of label {@code label} (1..K). */
    public LabelMetrics label(int label) {
        return perLabel.get(label - 1);
    }
}
