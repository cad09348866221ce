package io.automlseg.executor.trial;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Pretrained weights the driver fetched for a trial ({@code pretrained_weights}), handed over in the trial's spec.
 * The driver downloads and checks each file once, before any trial starts; the trial only reads {@link #file()}, so
 * executors need no internet access.
 *
 * @param kind what the file holds, which decides what the trial loads from it
 * @param source where the file came from (a torchvision URL, or the URI the user gave)
 * @param file the URI the trial reads: the weights cache entry, or the user's URI when it is on a Hadoop file system
 * @param sha256 the file's SHA-256 as the driver checked it, or null when it was not checked (a user's URI)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PretrainedWeights(
        @JsonProperty("kind") Kind kind,
        @JsonProperty("source") String source,
        @JsonProperty("file") String file,
        @JsonProperty("sha256") String sha256) {

    public enum Kind {
        /** A whole COCO Mask R-CNN: everything but the class-specific predictor layers is loaded. */
        @JsonProperty("coco") COCO,
        /** An ImageNet ResNet classifier: its layers become the backbone; FPN and heads start fresh. */
        @JsonProperty("imagenet") IMAGENET,
        /** A file the user named: loaded like {@code weights_path}. */
        @JsonProperty("uri") URI
    }
}
