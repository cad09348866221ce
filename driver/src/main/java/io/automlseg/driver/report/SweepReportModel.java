package io.automlseg.driver.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.automlseg.driver.sweep.SweepStatus;
import java.util.List;
import java.util.Map;

/**
 * Everything the sweep report shows, gathered from a run folder by {@link RunFolderReader}; also embedded in the
 * page as JSON, which the page's script draws its charts from.
 *
 * @param status how the sweep ended, or null while it runs or when it stopped without a summary
 * @param running whether a driver still holds the run folder's lease (the sweep is running)
 * @param trialsByStatus trial status (lowercase, as in trials.json) to how many trials have it
 * @param wallSeconds from the sweep's start to its end (or to now while it runs), null if unknown
 * @param computeSeconds the trials' durations summed: the compute the sweep used, in trial-seconds
 * @param devices what the trials trained on ({@code cpu}, {@code gpu}) to how many trials did
 * @param settings the sweep's settings as its summary and journal record them
 * @param trialParameters every resolved parameter of {@code trialParametersOf} (its spec.json)
 * @param searchedParameters the parameters the sweep searched (those the trials were given), in order
 * @param bestSoFar the best value of the primary metric against the sweep's wall time, one point per improvement
 * @param warnings what could not be read, and the sweep's own warnings
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SweepReportModel(
        @JsonProperty("run") String runUri,
        @JsonProperty("run_id") String runId,
        @JsonProperty("experiment_name") String experimentName,
        @JsonProperty("status") SweepStatus status,
        @JsonProperty("running") boolean running,
        @JsonProperty("primary_metric") String primaryMetric,
        @JsonProperty("best_trial") String bestTrial,
        @JsonProperty("best_value") Double bestValue,
        @JsonProperty("trials_by_status") Map<String, Integer> trialsByStatus,
        @JsonProperty("started_at") String startedAt,
        @JsonProperty("finished_at") String finishedAt,
        @JsonProperty("wall_seconds") Double wallSeconds,
        @JsonProperty("compute_seconds") double computeSeconds,
        @JsonProperty("devices") Map<String, Integer> devices,
        @JsonProperty("settings") Map<String, Object> settings,
        @JsonProperty("trial_parameters_of") String trialParametersOf,
        @JsonProperty("trial_parameters") Map<String, Object> trialParameters,
        @JsonProperty("searched_parameters") List<String> searchedParameters,
        @JsonProperty("trials") List<TrialFacts> trials,
        @JsonProperty("best_so_far") List<BestPoint> bestSoFar,
        @JsonProperty("best_model") BestModelFacts bestModel,
        @JsonProperty("warnings") List<String> warnings,
        @JsonProperty("generated_at") String generatedAt) {

    /** The sweep's best value so far at {@code wallSeconds} into the sweep, reached by {@code trial}. */
    public record BestPoint(@JsonProperty("wall_seconds") double wallSeconds, @JsonProperty("value") double value,
                            @JsonProperty("trial") String trial) {}

    /**
     * The best trial's model at its best epoch.
     *
     * @param perLabel label to its metrics at that epoch ({@code average_precision}, {@code coco_ap}, ...)
     * @param cocoStatistics the twelve COCO statistics by their short names (AP, AP50, ...), empty when the trial
     *     did not compute them
     * @param published whether {@code best_model/} holds the finished copy of it
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BestModelFacts(
            @JsonProperty("trial") String trial,
            @JsonProperty("epoch") int epoch,
            @JsonProperty("value") Double value,
            @JsonProperty("per_label") Map<String, Map<String, Double>> perLabel,
            @JsonProperty("coco_statistics") Map<String, Double> cocoStatistics,
            @JsonProperty("published") boolean published,
            @JsonProperty("path") String path) {}

    /** How the sweep stands, in words: its final status, {@code running}, or that it stopped without a summary. */
    public String statusText() {
        if (status != null) {
            return status.wireName();
        }
        return running ? "running" : "stopped before its end (no summary.json)";
    }
}
