package io.automlseg.driver.persist;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One entry of the sweep's journal ({@code journal/NNNNNN.json}). Which fields are set depends on {@code event}:
 * <ul>
 *   <li>{@code sweep_started}: run id, configuration fingerprint, sampler name and seed (written again on each resume)
 *   <li>{@code trial_started}: trial number, tuned parameters, attempt (1 for the first run)
 *   <li>{@code trial_lost}: trial number, attempt, reason (an infrastructure failure: the trial will run again)
 *   <li>{@code trial_ended}: trial number, the trial's record (without its epoch reports, which stay in its folder)
 *   <li>{@code sweep_ended}: the summary's status
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JournalEvent(
        @JsonProperty("event") String event,
        @JsonProperty("at") String at,
        @JsonProperty("run_id") String runId,
        @JsonProperty("fingerprint") Map<String, String> fingerprint,
        @JsonProperty("sampler") String sampler,
        @JsonProperty("seed") Long seed,
        @JsonProperty("trial") Integer trial,
        @JsonProperty("parameters") Map<String, Object> parameters,
        @JsonProperty("attempt") Integer attempt,
        @JsonProperty("reason") String reason,
        @JsonProperty("record") TrialRecord record,
        @JsonProperty("status") String status) {

    public static final String SWEEP_STARTED = "sweep_started";
    public static final String TRIAL_STARTED = "trial_started";
    public static final String TRIAL_LOST = "trial_lost";
    public static final String TRIAL_ENDED = "trial_ended";
    public static final String SWEEP_ENDED = "sweep_ended";
}
