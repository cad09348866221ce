package io.automlseg.driver.sweep;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A finished trial of an earlier sweep (warm start): it informs the Bayesian model like a finished trial of this
 * sweep, but is not one (not counted, not run, not in trials.json).
 *
 * @param run the earlier run folder
 * @param trialId its id there
 * @param parameters its tuned parameters
 * @param value its best value of the primary metric
 */
public record PriorTrial(
        @JsonProperty("run") String run,
        @JsonProperty("trial_id") String trialId,
        @JsonProperty("parameters") Map<String, Object> parameters,
        @JsonProperty("value") double value) {}
