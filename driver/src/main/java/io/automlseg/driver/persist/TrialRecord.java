package io.automlseg.driver.persist;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialPlacement;
import io.automlseg.driver.sweep.TrialState;
import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.StartingWeights;
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
 * @param executorId the Spark executor the trial ran on (set when its task reported back)
 * @param host that executor's host
 * @param gpuAddress the GPU address Spark assigned to the trial, or null without GPU scheduling
 * @param device what the trial trained on: {@code cpu} or {@code gpu}
 * @param deviceNote why it trained on the CPU although a GPU was assigned, or null
 * @param attempts how many times the trial was launched (more than 1 after infrastructure failures or a resume)
 * @param startingWeights what the trial's weights started from (source, hash, what was re-initialised), or null if
 *     the trial did not get that far
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrialRecord(
        @JsonProperty("trial_id") String trialId,
        @JsonProperty("number") int number,
        @JsonProperty("status") TrialState status,
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
        @JsonProperty("stop_reason") String stopReason,
        @JsonProperty("executor_id") String executorId,
        @JsonProperty("host") String host,
        @JsonProperty("gpu_address") String gpuAddress,
        @JsonProperty("device") String device,
        @JsonProperty("device_note") String deviceNote,
        @JsonProperty("attempts") int attempts,
        @JsonProperty("starting_weights") StartingWeights startingWeights) {

    public static TrialRecord of(Trial t, String trialDir, Instant now) {
        double best = t.bestValue();
        TrialPlacement p = t.placement() != null ? t.placement() : new TrialPlacement(null, null, null, null, null);
        return new TrialRecord(t.id(), t.number(), t.state(), t.parameters(),
                Double.isNaN(best) ? null : best, t.bestEpoch(), t.epochs().size(), t.epochs(),
                t.duration(now).toMillis() / 1000.0, iso(t.startedAt()), iso(t.finishedAt()), trialDir, t.error(),
                t.stopReason(), p.executorId(), p.host(), p.gpuAddress(), p.device(), p.deviceNote(), t.attempts(),
                t.startingWeights());
    }

    /** The same record without its epoch reports (the journal keeps those in the trial's folder only). */
    public TrialRecord withoutEpochs() {
        return new TrialRecord(trialId, number, status, parameters, bestValue, bestEpoch, epochsRun, null,
                durationSeconds, startedAt, finishedAt, trialDir, error, stopReason, executorId, host, gpuAddress,
                device, deviceNote, attempts, startingWeights);
    }

    private static String iso(Instant i) {
        return i == null ? null : i.toString();
    }
}
