package io.automlseg.driver.persist;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.executor.trial.EpochReport;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One trial as written to {@code trials.json} (and {@code trials.parquet}).
 *
 * @param parameters the tuned parameters (all resolved parameters are in the trial's {@code spec.json})
 * @param bestValue best primary-metric value, null if the trial never evaluated
 * @param epochs every epoch report seen, in order
 * @param startedAt when the trial's process started (ISO-8601), null if it never ran
 * @param error why the trial failed, or null
 * @param stopReason why the termination policy stopped it, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrialRecord(
        @JsonProperty("trial_id") String trialId,
        @JsonProperty("number") int number,
        @JsonProperty("status") String status,
        @JsonProperty("parameters") Map<String, Object> parameters,
        @JsonProperty("best_value") Double bestValue,
        @JsonProperty("best_epoch") int bestEpoch,
        @JsonProperty("epochs_run") int epochsRun,
        @JsonProperty("epochs") List<EpochReport> epochs,
        @JsonProperty("duration_seconds") double durationSeconds,
        @JsonProperty("started_at") String startedAt,
        @JsonProperty("finished_at") String finishedAt,
        @JsonProperty("trial_dir") String trialDir,
        @JsonProperty("error") String error,
        @JsonProperty("stop_reason") String stopReason) {

    public static TrialRecord of(Trial t, String trialDir, Instant now) {
        double best = t.bestValue();
        return new TrialRecord(t.id(), t.number(), t.state().yamlName(), t.parameters(),
                Double.isNaN(best) ? null : best, t.bestEpoch(), t.epochs().size(), t.epochs(),
                t.duration(now).toMillis() / 1000.0, iso(t.startedAt()), iso(t.finishedAt()), trialDir, t.error(),
                t.stopReason());
    }

    private static String iso(Instant i) {
        return i == null ? null : i.toString();
    }
}
