package io.automlseg.executor.trial;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a trial ended, written last as {@code result.json} in the trial's folder.
 *
 * @param status completed, early_terminated (stopped by the sweep's policy) or failed
 * @param bestEpoch epoch whose weights are the trial's model (0 if none)
 * @param bestValue primary metric of that epoch (NaN if never evaluated)
 * @param epochsRun epochs trained
 * @param seconds wall time of the trial
 * @param error message of the failure, for {@code failed}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrialResult(
        @JsonProperty("status") TrialStatus status,
        @JsonProperty("best_epoch") int bestEpoch,
        @JsonProperty("best_value") Double bestValue,
        @JsonProperty("epochs_run") int epochsRun,
        @JsonProperty("seconds") double seconds,
        @JsonProperty("error") String error) {}
