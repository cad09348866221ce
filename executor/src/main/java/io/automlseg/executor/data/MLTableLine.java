package io.automlseg.executor.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One line of an MLTable's JSONL in the reference product's image instance-segmentation form, as this project
 * writes it: {@code {"image_url": ..., "image_details": {"format", "width", "height"}, "label": [{"label",
 * "isCrowd", "polygon": [[x1, y1, ...], ...]}]}} with polygon coordinates divided by the image width and height.
 * Written with {@link io.automlseg.executor.io.Json#line}; the field order is part of the format (files written
 * before stay byte for byte the same). Reading, with every check and its position, is {@link MLTableReader}'s.
 */
@JsonPropertyOrder({MLTableLine.IMAGE_URL, MLTableLine.IMAGE_DETAILS, MLTableLine.LABELS})
public record MLTableLine(
        @JsonProperty(IMAGE_URL) String imageUrl,
        @JsonProperty(IMAGE_DETAILS) ImageDetails imageDetails,
        @JsonProperty(LABELS) List<Label> labels) {

    public static final String IMAGE_URL = "image_url";
    public static final String IMAGE_DETAILS = "image_details";
    /** The column of the objects; {@link LoadOptions#DEFAULT_TARGET_COLUMN} when reading. */
    public static final String LABELS = "label";

    public MLTableLine {
        labels = List.copyOf(labels);
    }

    /** {@code format} is the file extension in lower case ("" when there is none); sizes are in pixels. */
    @JsonPropertyOrder({"format", "width", "height"})
    public record ImageDetails(String format, int width, int height) {}

    /**
     * One object: its class, whether it is a crowd region, and its polygon parts in [0, 1].
     *
     * @param isCrowd 0 or 1, as the reference writes it
     */
    @JsonPropertyOrder({Label.LABEL, Label.IS_CROWD, Label.POLYGON})
    public record Label(
            @JsonProperty(LABEL) String label,
            @JsonProperty(IS_CROWD) int isCrowd,
            @JsonProperty(POLYGON) List<double[]> polygon) {

        public static final String LABEL = "label";
        public static final String IS_CROWD = "isCrowd";
        public static final String POLYGON = "polygon";

        public Label {
            polygon = List.copyOf(polygon);
        }

        public static Label of(String label, boolean crowd, List<double[]> polygon) {
            return new Label(label, crowd ? 1 : 0, polygon);
        }
    }
}
