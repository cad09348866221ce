package io.automlseg.executor.trial;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One epoch of one trial, written as {@code metrics/epoch-NNNN.json} as soon as the epoch ends, so the driver
 * sees progress while the trial runs. {@code metrics} is empty for an epoch without evaluation.
 *
 * @param epoch 1-based epoch number
 * @param trainLoss mean total loss over the epoch's iterations
 * @param losses mean of each loss component ({@code loss_objectness}, {@code loss_rpn_box_reg},
 *     {@code loss_classifier}, {@code loss_box_reg}, {@code loss_mask})
 * @param metrics validation metrics: {@code mean_average_precision}, {@code precision}, {@code recall}
 * @param perLabelMetrics label name to its {@code precision}, {@code recall}, {@code average_precision}
 * @param learningRate learning rate at the end of the epoch
 * @param seconds wall time of the epoch (training and evaluation)
 * @param imagesPerSecond training throughput
 * @param residentMemoryMib the trial process's resident memory (VmRSS) at the end of the epoch, in MiB; null when
 *     unknown (not Linux, or a report written before this field existed)
 * @param dataWaitSeconds how long the training thread waited for its next batch over the epoch's training (with
 *     {@code number_of_workers} 0: how long it spent decoding and augmenting); null in a report written before this
 *     field existed
 * @param validationLoss the sum of the five mean losses on the validation images, computed in the evaluation's own
 *     forward passes (evaluation-mode normalisation, inference proposals, no gradient); null when not computed
 *     ({@code log_validation_loss} Disable, an epoch without evaluation, no validation images)
 * @param validationLosses the mean of each of the five losses on the validation images; null with
 *     {@code validationLoss}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochReport(
        @JsonProperty("epoch") int epoch,
        @JsonProperty("train_loss") double trainLoss,
        @JsonProperty("losses") Map<String, Double> losses,
        @JsonProperty("metrics") Map<String, Double> metrics,
        @JsonProperty("per_label_metrics") Map<String, Map<String, Double>> perLabelMetrics,
        @JsonProperty("learning_rate") double learningRate,
        @JsonProperty("seconds") double seconds,
        @JsonProperty("images_per_second") double imagesPerSecond,
        @JsonProperty("resident_memory_mib") Double residentMemoryMib,
        @JsonProperty("data_wait_seconds") Double dataWaitSeconds,
        @JsonProperty("validation_loss") Double validationLoss,
        @JsonProperty("validation_losses") Map<String, Double> validationLosses) {

    /** A report without the validation loss. */
    public EpochReport(int epoch, double trainLoss, Map<String, Double> losses, Map<String, Double> metrics,
            Map<String, Map<String, Double>> perLabelMetrics, double learningRate, double seconds,
            double imagesPerSecond, Double residentMemoryMib, Double dataWaitSeconds) {
        this(epoch, trainLoss, losses, metrics, perLabelMetrics, learningRate, seconds, imagesPerSecond,
                residentMemoryMib, dataWaitSeconds, null, null);
    }

    /** A report without the data-wait figure. */
    public EpochReport(int epoch, double trainLoss, Map<String, Double> losses, Map<String, Double> metrics,
            Map<String, Map<String, Double>> perLabelMetrics, double learningRate, double seconds,
            double imagesPerSecond, Double residentMemoryMib) {
        this(epoch, trainLoss, losses, metrics, perLabelMetrics, learningRate, seconds, imagesPerSecond,
                residentMemoryMib, null);
    }

    /** A report without the memory and data-wait figures. */
    public EpochReport(int epoch, double trainLoss, Map<String, Double> losses, Map<String, Double> metrics,
            Map<String, Map<String, Double>> perLabelMetrics, double learningRate, double seconds,
            double imagesPerSecond) {
        this(epoch, trainLoss, losses, metrics, perLabelMetrics, learningRate, seconds, imagesPerSecond, null, null);
    }
}
