package io.automlseg.driver.persist;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.sweep.SweepLoop;
import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.SweepStatus;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialState;
import java.time.Duration;
import java.time.Instant;
import io.automlseg.driver.weights.PretrainedPlan;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of a sweep, written as {@code summary.json}.
 *
 * @param status {@code completed} (at least one trial produced a model), {@code no_successful_trial}, or
 *     {@code timed_out} (the sweep's {@code timeout_minutes} ran out)
 * @param bestTrial id of the best trial, null if none succeeded
 * @param bestModelPath URI of {@code best_model/}, null if none
 * @param canceled trials stopped because the sweep's timeout ran out
 * @param retries trial launches after infrastructure failures
 * @param warning why the sweep ended early although it is {@code completed} (e.g. {@code max_failed_trials}), or
 *     null
 * @param pretrainedWeights what {@code pretrained_weights} resolved to: the file each variant started from, and
 *     why the others trained from scratch
 * @param skippedData what {@code ignore_data_errors} left out of the data, or null if nothing
 * @param warmStartTrials how many finished trials of earlier sweeps ({@code sweep.warm_start_runs}) seeded the
 *     sampler, or null without a warm start
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SweepSummary(
        @JsonProperty("run_id") String runId,
        @JsonProperty("experiment_name") String experimentName,
        @JsonProperty("status") SweepStatus status,
        @JsonProperty("primary_metric") String primaryMetric,
        @JsonProperty("best_trial") String bestTrial,
        @JsonProperty("best_value") Double bestValue,
        @JsonProperty("best_parameters") Map<String, Object> bestParameters,
        @JsonProperty("best_model_path") String bestModelPath,
        @JsonProperty("trials") int trials,
        @JsonProperty("completed") int completed,
        @JsonProperty("early_terminated") int earlyTerminated,
        @JsonProperty("failed") int failed,
        @JsonProperty("canceled") int canceled,
        @JsonProperty("retries") int retries,
        @JsonProperty("concurrent_trials") int concurrentTrials,
        @JsonProperty("sampling_algorithm") String samplingAlgorithm,
        @JsonProperty("termination_policy") String terminationPolicy,
        @JsonProperty("started_at") String startedAt,
        @JsonProperty("finished_at") String finishedAt,
        @JsonProperty("wall_seconds") double wallSeconds,
        @JsonProperty("warning") String warning,
        @JsonProperty("pretrained_weights") PretrainedPlan pretrainedWeights,
        @JsonProperty("skipped_data") SkippedData skippedData,
        @JsonProperty("warm_start_trials") Integer warmStartTrials) {

    /**
     * The summary of a sweep that ran to {@code outcome}.
     *
     * @param bestModel where the best model is published ({@code best_model/})
     * @param started when this run of the sweep started
     */
    public static SweepSummary of(String runId, SweepConfig config, SweepState state, SweepLoop.Outcome outcome,
                                  String bestModel, int concurrency, String policy, Instant started,
                                  PretrainedPlan pretrained, SkippedData skipped) {
        Optional<Trial> best = outcome.best();
        Instant end = outcome.end();
        return new SweepSummary(runId, config.experimentName(), outcome.status(), state.primaryMetric(),
                best.map(Trial::id).orElse(null), best.map(Trial::bestValue).orElse(null),
                best.map(b -> config.resolve(b.parameters())).orElse(null), best.isPresent() ? bestModel : null,
                state.trials().size(), (int) state.count(TrialState.COMPLETED),
                (int) state.count(TrialState.EARLY_TERMINATED), (int) state.count(TrialState.FAILED),
                (int) state.count(TrialState.CANCELED), outcome.retries(), concurrency,
                config.sweep().samplingAlgorithm(), policy, started.toString(), end.toString(),
                Duration.between(started, end).toMillis() / 1000.0, outcome.warning(), pretrained, skipped, null);
    }

    /** This summary, telling how many warm-start trials the sampler used (none: unchanged). */
    public SweepSummary withWarmStart(WarmStart warm) {
        if (warm.runs().isEmpty()) {
            return this;
        }
        return new SweepSummary(runId, experimentName, status, primaryMetric, bestTrial, bestValue, bestParameters,
                bestModelPath, trials, completed, earlyTerminated, failed, canceled, retries, concurrentTrials,
                samplingAlgorithm, terminationPolicy, startedAt, finishedAt, wallSeconds, warning, pretrainedWeights,
                skippedData, "bayesian".equals(samplingAlgorithm) ? warm.trials().size() : 0);
    }
}
