package io.automlseg.driver.weights;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.automlseg.executor.trial.PretrainedWeights;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code pretrained_weights} resolved to for a sweep, before any trial started: the checked file each
 * {@code model_name} starts from, and why the others train from scratch. Written to the run folder (a resumed sweep
 * keeps the first run's decision, so all its trials start alike) and into {@code summary.json}.
 *
 * @param requested the setting as given ({@code auto}, {@code coco}, {@code imagenet}, {@code none} or a URI)
 * @param cache the weights cache the files were fetched into, or null when none was needed
 * @param models the weights each variant starts from
 * @param fromScratch the variants that train from scratch, each with the reason
 * @param warning a sentence for the console when {@code auto} could not get what it wanted, or null
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PretrainedPlan(
        @JsonProperty("pretrained_weights") String requested,
        @JsonProperty("cache") String cache,
        @JsonProperty("models") Map<String, PretrainedWeights> models,
        @JsonProperty("from_scratch") Map<String, String> fromScratch,
        @JsonProperty("warning") String warning) {

    public PretrainedPlan {
        // In the order of the sweep's variants, for messages and summary.json.
        models = models == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(models));
        fromScratch = fromScratch == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(fromScratch));
    }

    /** The weights a trial with these (resolved) hyperparameters starts from, or null. */
    @JsonIgnore
    public PretrainedWeights forTrial(Map<String, Object> parameters) {
        if ("group".equals(parameters.get("norm"))) {
            return null; // batch-norm weights do not fit group norm; the resolver refuses this unless auto
        }
        return models.get(String.valueOf(parameters.get("model_name")));
    }

    /** Why a trial with these hyperparameters trains from scratch, or null if it does not. */
    @JsonIgnore
    public String scratchReason(Map<String, Object> parameters) {
        if (forTrial(parameters) != null) {
            return null;
        }
        if ("group".equals(parameters.get("norm")) && models.containsKey(String.valueOf(parameters.get("model_name")))) {
            return "norm group: the pretrained files hold batch-norm weights, so this trial starts from scratch";
        }
        return fromScratch.get(String.valueOf(parameters.get("model_name")));
    }
}
