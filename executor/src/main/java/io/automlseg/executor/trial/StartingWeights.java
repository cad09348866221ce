package io.automlseg.executor.trial;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What a trial's weights started from, written by the trial as {@code starting_weights.json} before its first epoch
 * (a resumed trial keeps it) and reported by the driver in {@code trials.json}.
 *
 * @param from which setting provided them
 * @param source the file, folder or URL, null from scratch
 * @param sha256 the file's SHA-256 when it was checked, else null
 * @param loaded how many tensors were loaded
 * @param reinitialised the parts of the model that start from a fresh initialisation (module prefixes such as
 *     {@code backbone.fpn}, {@code roi_heads.box_predictor}); everything from scratch
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StartingWeights(
        @JsonProperty("from") From from,
        @JsonProperty("source") String source,
        @JsonProperty("sha256") String sha256,
        @JsonProperty("loaded") int loaded,
        @JsonProperty("reinitialised") List<String> reinitialised,
        @JsonProperty("note") String note) {

    public enum From {
        @JsonProperty("scratch") SCRATCH,
        @JsonProperty("pretrained_coco") PRETRAINED_COCO,
        @JsonProperty("pretrained_imagenet") PRETRAINED_IMAGENET,
        @JsonProperty("pretrained_uri") PRETRAINED_URI,
        @JsonProperty("weights_path") WEIGHTS_PATH,
        @JsonProperty("checkpoint_model") CHECKPOINT_MODEL
    }

    public static StartingWeights scratch() {
        return new StartingWeights(From.SCRATCH, null, null, 0, List.of("everything"), null);
    }

    /** The same record with a note (why the trial started as it did). */
    public StartingWeights withNote(String value) {
        return new StartingWeights(from, source, sha256, loaded, reinitialised, value);
    }
}
