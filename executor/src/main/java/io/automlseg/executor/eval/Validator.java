package io.automlseg.executor.eval;

import ai.djl.ndarray.NDManager;
import io.automlseg.executor.data.ImageDecoder;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.model.Detections;
import io.automlseg.executor.model.InputImage;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.trial.TrainingParameters;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates a model on a trial's validation images with the metric {@code validation_metric_type} selects (see
 * {@link ValidationScorer}), over the model's post-NMS detections, so the score threshold and detection cap shape
 * it, as in the reference product.
 */
public final class Validator {
    private Validator() {}

    public static ValidationResult evaluate(MaskRCNN model, NDManager manager, List<ImageRecord> records,
            TrainingParameters params, List<String> labels) {
        ValidationScorer scorer = new ValidationScorer(labels, params.validationMetricType(),
                params.validationIouThreshold());
        int batchSize = Math.max(1, params.validationBatchSize());
        for (int start = 0; start < records.size(); start += batchSize) {
            List<ImageRecord> chunk = records.subList(start, Math.min(records.size(), start + batchSize));
            List<InputImage> images = new ArrayList<>(chunk.size());
            for (ImageRecord r : chunk) {
                images.add(ImageDecoder.decode(r.imageUrl(), r.source()));
            }
            List<Detections> found;
            try (NDManager scope = manager.newSubManager()) {
                found = model.detect(scope, images);
            }
            for (int i = 0; i < chunk.size(); i++) {
                scorer.addImage(chunk.get(i), images.get(i).height(), images.get(i).width(), found.get(i));
            }
        }
        return scorer.result();
    }
}
