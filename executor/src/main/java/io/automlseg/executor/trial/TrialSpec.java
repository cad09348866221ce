package io.automlseg.executor.trial;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Everything one trial needs, written by the driver as {@code spec.json} in the trial's folder and read by the
 * trial's own JVM. Paths are Hadoop FileSystem URIs.
 *
 * @param trialId the trial's id, unique in the sweep
 * @param trialDir folder the trial writes its reports, model and result into (see {@link TrialFiles})
 * @param trainManifest JSONL of {@link io.automlseg.executor.data.ImageRecord}s to train on
 * @param validationManifest JSONL of records to evaluate on
 * @param labels class names; class index i+1 is {@code labels.get(i)}, 0 is background
 * @param parameters fully resolved hyperparameters (reference product names, e.g. {@code learning_rate})
 * @param numThreads CPU threads the trial may use for PyTorch
 * @param device {@code "cpu"} or {@code "gpu"}: where to train when the executor has one
 * @param pretrained the pretrained weights the driver fetched for this trial ({@code pretrained_weights}), or null to
 *     start from another source or from scratch
 */
public record TrialSpec(
        @JsonProperty("trial_id") String trialId,
        @JsonProperty("trial_dir") String trialDir,
        @JsonProperty("train_manifest") String trainManifest,
        @JsonProperty("validation_manifest") String validationManifest,
        @JsonProperty("labels") List<String> labels,
        @JsonProperty("parameters") Map<String, Object> parameters,
        @JsonProperty("num_threads") int numThreads,
        @JsonProperty("device") String device,
        @JsonProperty("pretrained") PretrainedWeights pretrained) {

    /** A spec without pretrained weights. */
    public TrialSpec(String trialId, String trialDir, String trainManifest, String validationManifest,
                     List<String> labels, Map<String, Object> parameters, int numThreads, String device) {
        this(trialId, trialDir, trainManifest, validationManifest, labels, parameters, numThreads, device, null);
    }
}
