package io.automlseg.executor.predict;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One line of batch-scoring output in the reference product's format:
 * {@code {"filename": ..., "boxes": [{"box": {"topX", "topY", "bottomX", "bottomY"}, "label", "score",
 * "polygon": [[x1, y1, x2, y2, ...], ...]}]}}, all coordinates divided by the image width/height. Without a
 * filename (null) it is the online endpoint's per-image answer.
 */
@JsonPropertyOrder({"filename", "boxes"})
public record ScoredImage(@JsonInclude(JsonInclude.Include.NON_NULL) String filename, List<Detection> boxes) {

    /** One detected object: its box, class name, score and outline polygons (one per traced contour). */
    @JsonPropertyOrder({"box", "label", "score", "polygon"})
    public record Detection(Box box, String label, double score, List<double[]> polygon) {}

    /** Normalised box corners. */
    @JsonPropertyOrder({"topX", "topY", "bottomX", "bottomY"})
    public record Box(double topX, double topY, double bottomX, double bottomY) {}
}
