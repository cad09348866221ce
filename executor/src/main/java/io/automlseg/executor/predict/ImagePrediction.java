package io.automlseg.executor.predict;

import io.automlseg.executor.model.Detections;
import java.util.List;

/**
 * What the model found in one image, as values rather than a JSON line: the raw detections (pixel boxes), each
 * detection's thresholded image-size mask (row-major, 1 = object) and the reference scoring record built from them.
 */
public record ImagePrediction(Detections detections, List<byte[]> masks, ScoredImage record) {}
