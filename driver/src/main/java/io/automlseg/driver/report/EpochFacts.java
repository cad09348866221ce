package io.automlseg.driver.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * What the report shows of one epoch report ({@code metrics/epoch-NNNN.json}, or an entry of a trial's
 * {@code epochs} in {@code trials.json}). Read from the JSON rather than as the executor's EpochReport so that fields
 * of other versions of it (a validation loss, say) are kept when present and tolerated when absent.
 *
 * @param validationLoss the validation loss when the trial logged it, else null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochFacts(
        @JsonProperty("epoch") int epoch,
        @JsonProperty("train_loss") Double trainLoss,
        @JsonProperty("validation_loss") Double validationLoss,
        @JsonProperty("losses") Map<String, Double> losses,
        @JsonProperty("metrics") Map<String, Double> metrics,
        @JsonProperty("per_label_metrics") Map<String, Map<String, Double>> perLabelMetrics,
        @JsonProperty("seconds") Double seconds) {

    public EpochFacts {
        losses = losses == null ? Map.of() : losses;
        metrics = metrics == null ? Map.of() : metrics;
        perLabelMetrics = perLabelMetrics == null ? Map.of() : perLabelMetrics;
        if (validationLoss == null) {
            validationLoss = metrics.get("validation_loss");
        }
    }

    /** The epoch's value of {@code metric}, or null when the epoch was not evaluated. */
    public Double metric(String metric) {
        Double v = metrics.get(metric);
        return v == null || v.isNaN() ? null : v;
    }
}
