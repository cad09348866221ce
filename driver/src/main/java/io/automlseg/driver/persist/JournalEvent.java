package io.automlseg.driver.persist;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.automlseg.driver.sweep.SweepStatus;
import java.util.Map;

/**
 * One entry of the sweep's journal ({@code journal/NNNNNN.json}); its {@code event} field names the kind. Every
 * event has {@code at}, when it was written (ISO-8601).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "event")
@JsonSubTypes({
    @JsonSubTypes.Type(value = JournalEvent.SweepStarted.class, name = "sweep_started"),
    @JsonSubTypes.Type(value = JournalEvent.TrialStarted.class, name = "trial_started"),
    @JsonSubTypes.Type(value = JournalEvent.TrialLost.class, name = "trial_lost"),
    @JsonSubTypes.Type(value = JournalEvent.TrialEnded.class, name = "trial_ended"),
    @JsonSubTypes.Type(value = JournalEvent.SweepEnded.class, name = "sweep_ended")})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface JournalEvent {

    String at();

    /**
     * The sweep started, or was resumed (written again on each resume).
     *
     * @param limits this run's limits ({@link SweepFingerprint#limits}); null in journals written before they were
     *     recorded
     */
    record SweepStarted(
            @JsonProperty("at") String at,
            @JsonProperty("run_id") String runId,
            @JsonProperty("fingerprint") Map<String, String> fingerprint,
            @JsonProperty("limits") Map<String, String> limits,
            @JsonProperty("sampler") String sampler,
            @JsonProperty("seed") long seed) implements JournalEvent {}

    /**
     * A trial was launched.
     *
     * @param attempt 1 for its first run, more when it runs again after a loss or a resume
     */
    record TrialStarted(
            @JsonProperty("at") String at,
            @JsonProperty("trial") int trial,
            @JsonProperty("parameters") Map<String, Object> parameters,
            @JsonProperty("attempt") int attempt) implements JournalEvent {
        public TrialStarted {
            attempt = Math.max(1, attempt); // a journal from before attempts were recorded: the first
        }
    }

    /** A trial lost its process to an infrastructure failure: it will run again (or fail if out of retries). */
    record TrialLost(
            @JsonProperty("at") String at,
            @JsonProperty("trial") int trial,
            @JsonProperty("attempt") int attempt,
            @JsonProperty("reason") String reason) implements JournalEvent {}

    /** A trial ended; its record leaves out the epoch reports, which stay in the trial's folder. */
    record TrialEnded(
            @JsonProperty("at") String at,
            @JsonProperty("trial") int trial,
            @JsonProperty("record") TrialRecord record) implements JournalEvent {}

    /** The sweep ended with this status (its summary.json is written just before). */
    record SweepEnded(
            @JsonProperty("at") String at,
            @JsonProperty("status") SweepStatus status) implements JournalEvent {}
}
