package io.automlseg.executor.predict;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.mask.MaskPolygons;
import io.automlseg.executor.model.Detections;
import java.util.ArrayList;
import java.util.List;

/** Turns the model's detections into the reference product's scoring records and JSON lines. */
public final class ScoringFormat {
    private ScoringFormat() {}

    /**
     * Scoring record of one image: each detection's mask is pasted into the image, thresholded at
     * {@code maskPixelScoreThreshold} ({@code mask_pixel_score_threshold}, default 0.5) and traced into polygons of
     * at most {@code maxNumberOfPolygonPoints} points where possible.
     *
     * @param labelNames class names; label index i (1..K) is {@code labelNames.get(i - 1)}
     */
    public static ScoredImage toScoredImage(String filename, Detections detections, List<String> labelNames,
                                            float maskPixelScoreThreshold, int maxNumberOfPolygonPoints) {
        List<byte[]> masks = new ArrayList<>(detections.size());
        for (int i = 0; i < detections.size(); i++) {
            masks.add(detections.binaryMask(i, maskPixelScoreThreshold));
        }
        return toScoredImage(filename, detections, masks, labelNames, maxNumberOfPolygonPoints);
    }

    /**
     * Scoring record of one image from already pasted binary masks ({@code masks.get(i)} is detection i's row-major
     * image-size mask, nonzero = object); the detections' own 28x28 masks are not used.
     */
    public static ScoredImage toScoredImage(String filename, Detections detections, List<byte[]> masks,
                                            List<String> labelNames, int maxNumberOfPolygonPoints) {
        int n = detections.size();
        if (masks.size() != n) {
            throw new IllegalArgumentException(n + " detections but " + masks.size() + " masks");
        }
        int height = detections.imageHeight();
        int width = detections.imageWidth();
        List<ScoredImage.Detection> boxes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int label = detections.labels()[i];
            if (label < 1 || label > labelNames.size()) {
                throw new IllegalArgumentException("detection " + i + " has label " + label + " but there are "
                        + labelNames.size() + " class names");
            }
            float[] b = detections.boxes()[i];
            ScoredImage.Box box = new ScoredImage.Box(
                    (double) b[0] / width, (double) b[1] / height, (double) b[2] / width, (double) b[3] / height);
            List<double[]> polygons = MaskPolygons.fromMask(masks.get(i), height, width, maxNumberOfPolygonPoints);
            // The float's shortest decimal form, so 0.9f is written as 0.9.
            double score = Double.parseDouble(Float.toString(detections.scores()[i]));
            boxes.add(new ScoredImage.Detection(box, labelNames.get(label - 1), score, polygons));
        }
        return new ScoredImage(filename, boxes);
    }

    /** The record as one JSONL line (no trailing newline). */
    public static String toJsonLine(ScoredImage image) {
        return Json.line(image);
    }

    /** Parses one JSONL line; {@code source} (e.g. {@code "predictions.jsonl:12"}) names it in errors. */
    public static ScoredImage fromJsonLine(String line, String source) {
        try {
            return Json.MAPPER.readValue(line, ScoredImage.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not a scoring record: " + e.getOriginalMessage(), e);
        }
    }
}
