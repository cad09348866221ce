package io.automlseg.driver.bench;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.automlseg.executor.io.Json;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Recorded per-epoch validation curves of real trials (scripts/bench/data/curves-r18.json, written by
 * scripts/bench/record-curves.sh), the input of the policy replay.
 *
 * @param recorded how and when the curves were recorded (command, config, commit, run id, wall seconds)
 * @param primaryMetric the metric the values are of
 * @param trials the trials in the order the recording ran them
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReplayCurves(
        @JsonProperty("recorded") Map<String, Object> recorded,
        @JsonProperty("primary_metric") String primaryMetric,
        @JsonProperty("trials") List<Curve> trials) {

    /**
     * One trial's run to its last epoch.
     *
     * @param setupSeconds the trial's time outside its epochs (process start, data, model), replayed before epoch 1
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Curve(
            @JsonProperty("trial") String trial,
            @JsonProperty("parameters") Map<String, Object> parameters,
            @JsonProperty("setup_seconds") Double setupSeconds,
            @JsonProperty("epochs") List<Epoch> epochs) {

        /** The best value over all its epochs: what the trial reaches when nothing stops it. */
        public double best() {
            return epochs.stream().mapToDouble(Epoch::value).max().orElse(Double.NaN);
        }

        public double setup() {
            return setupSeconds == null ? 0 : setupSeconds;
        }
    }

    /** One epoch's validation value of the primary metric and its duration. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Epoch(@JsonProperty("epoch") int epoch, @JsonProperty("value") double value,
                        @JsonProperty("seconds") double seconds) {}

    public static ReplayCurves read(File file) throws IOException {
        return Json.MAPPER.readValue(file, ReplayCurves.class);
    }

    /** Total epochs of all trials: the compute of a sweep without early termination. */
    public int epochs() {
        return trials.stream().mapToInt(c -> c.epochs().size()).sum();
    }

    /** Index of the trial with the highest best value (the first on a tie): the trial a policy should not stop. */
    public int trulyBest() {
        int best = 0;
        for (int i = 1; i < trials.size(); i++) {
            if (trials.get(i).best() > trials.get(best).best()) {
                best = i;
            }
        }
        return best;
    }
}
