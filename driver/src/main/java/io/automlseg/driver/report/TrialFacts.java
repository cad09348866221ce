package io.automlseg.driver.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.automlseg.driver.sweep.TrialState;
import java.util.List;
import java.util.Map;

/**
 * One trial as the report shows it. The property names are those of {@code trials.json} (TrialRecord), so a
 * record of it, or of the journal, reads straight into this.
 *
 * @param parameters the searched parameters the trial was given
 * @param startedAt when its process started (ISO-8601), null if it never ran
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrialFacts(
        @JsonProperty("trial_id") String id,
        @JsonProperty("number") int number,
        @JsonProperty("status") TrialState status,
        @JsonProperty("parameters") Map<String, Object> parameters,
        @JsonProperty("best_value") Double bestValue,
        @JsonProperty("best_epoch") int bestEpoch,
        @JsonProperty("epochs_run") int epochsRun,
        @JsonProperty("epochs") List<EpochFacts> epochs,
        @JsonProperty("duration_seconds") Double seconds,
        @JsonProperty("started_at") String startedAt,
        @JsonProperty("finished_at") String finishedAt,
        @JsonProperty("error") String error,
        @JsonProperty("stop_reason") String stopReason,
        @JsonProperty("executor_id") String executorId,
        @JsonProperty("host") String host,
        @JsonProperty("gpu_address") String gpuAddress,
        @JsonProperty("device") String device,
        @JsonProperty("attempts") int attempts) {

    public TrialFacts {
        parameters = parameters == null ? Map.of() : parameters;
        epochs = epochs == null ? List.of() : List.copyOf(epochs);
        status = status == null ? TrialState.RUNNING : status;
    }

    /** A trial known only by its number and parameters (launched, nothing else recorded yet). */
    public static TrialFacts launched(String id, int number, Map<String, Object> parameters, String startedAt) {
        return new TrialFacts(id, number, TrialState.RUNNING, parameters, null, 0, 0, List.of(), null, startedAt,
                null, null, null, null, null, null, null, 1);
    }

    public TrialFacts withEpochs(List<EpochFacts> list) {
        return new TrialFacts(id, number, status, parameters, bestValue, bestEpoch, Math.max(epochsRun, list.size()),
                list, seconds, startedAt, finishedAt, error, stopReason, executorId, host, gpuAddress, device,
                attempts);
    }

    public TrialFacts withPlace(String placeHost, String placeDevice) {
        return new TrialFacts(id, number, status, parameters, bestValue, bestEpoch, epochsRun, epochs, seconds,
                startedAt, finishedAt, error, stopReason, executorId, host != null ? host : placeHost, gpuAddress,
                device != null ? device : placeDevice, attempts);
    }

    /** The trial with its best so far, for a running trial that the driver's records do not show yet. */
    public TrialFacts withBest(int epoch, double value) {
        return new TrialFacts(id, number, status, parameters, value, epoch, epochsRun, epochs, seconds, startedAt,
                finishedAt, error, stopReason, executorId, host, gpuAddress, device, attempts);
    }

    /** The trial as its own result.json tells how it ended (for a trial the driver did not record ending). */
    public TrialFacts withResult(TrialState ended, Integer resultBestEpoch, Double resultBest, Double resultSeconds,
                                 String resultError) {
        return new TrialFacts(id, number, ended, parameters, resultBest != null ? resultBest : bestValue,
                resultBestEpoch != null ? resultBestEpoch : bestEpoch, epochsRun, epochs,
                resultSeconds != null ? resultSeconds : seconds, startedAt, finishedAt,
                resultError != null ? resultError : error, stopReason, executorId, host, gpuAddress, device,
                attempts);
    }

    /** The trial's final value of the primary metric: its best value (the epoch its model is from). */
    public Double finalValue() {
        return bestValue == null || bestValue.isNaN() ? null : bestValue;
    }
}
