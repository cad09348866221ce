package io.automlseg.executor.eval;

import ai.djl.ndarray.NDManager;
import io.automlseg.executor.data.ImageDecoder;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LabelSet;
import io.automlseg.executor.data.TrainingSamples;
import io.automlseg.executor.model.InputImage;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.TrainingTarget;
import io.automlseg.executor.trial.TrainingParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Evaluates a model on a trial's validation images with the metric {@code validation_metric_type} selects (see
 * {@link ValidationScorer}), over the model's post-NMS detections, so the score threshold and detection cap shape
 * it, as in the reference product; and, when asked, the validation loss from the same forward passes.
 */
public final class Validator {
    private Validator() {}

    /**
     * One pass over a set of images.
     *
     * @param result the metrics, or null when {@code validation_metric_type} is {@code none}
     * @param losses the mean over the pass's batches of each of the five losses ({@link MaskRCNN#LOSS_NAMES}), or
     *     null when not asked for
     */
    public record Pass(ValidationResult result, Map<String, Double> losses) {
        /** The validation loss: the sum of the five mean losses, as the training loss is; null when not computed. */
        public Double totalLoss() {
            return losses == null ? null : losses.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    public static ValidationResult evaluate(MaskRCNN model, NDManager manager, List<ImageRecord> records,
            TrainingParameters params, List<String> labels) {
        return evaluate(model, manager, records, params, labels, false).result();
    }

    /**
     * Scores {@code records} (images decoded as they are, without augmentation) and with {@code withLoss} also
     * computes the losses against their ground truth in the same forward passes. The RoI sampling of the losses
     * draws from a generator seeded by {@code random_seed}, so the figure of an epoch does not depend on training's
     * draws, and the same weights give the same loss.
     */
    public static Pass evaluate(MaskRCNN model, NDManager manager, List<ImageRecord> records,
            TrainingParameters params, List<String> labels, boolean withLoss) {
        String metricType = params.validationMetricType();
        ValidationScorer scorer = "none".equals(metricType) ? null
                : new ValidationScorer(labels, metricType, params.validationIouThreshold());
        Map<String, Integer> labelIndex = LabelSet.index(labels);
        Random rng = new Random(params.randomSeed());
        Map<String, Double> lossSums = new LinkedHashMap<>();
        int batches = 0;
        int batchSize = Math.max(1, params.validationBatchSize());
        for (int start = 0; start < records.size(); start += batchSize) {
            List<ImageRecord> chunk = records.subList(start, Math.min(records.size(), start + batchSize));
            List<InputImage> images = new ArrayList<>(chunk.size());
            List<TrainingTarget> targets = withLoss ? new ArrayList<>(chunk.size()) : null;
            for (ImageRecord r : chunk) {
                InputImage image = ImageDecoder.decode(r.imageUrl(), r.source());
                images.add(image);
                if (withLoss) {
                    targets.add(TrainingSamples.target(r, image.height(), image.width(), labelIndex));
                }
            }
            MaskRCNN.Evaluation found;
            try (NDManager scope = manager.newSubManager()) {
                found = model.evaluate(scope, images, targets, rng);
            }
            if (found.losses() != null) {
                found.losses().forEach((name, value) -> lossSums.merge(name, value, Double::sum));
                batches++;
            }
            if (scorer != null) {
                for (int i = 0; i < chunk.size(); i++) {
                    scorer.addImage(chunk.get(i), images.get(i).height(), images.get(i).width(),
                            found.detections().get(i));
                }
            }
        }
        Map<String, Double> losses = null;
        if (withLoss && batches > 0) {
            losses = new LinkedHashMap<>();
            for (Map.Entry<String, Double> e : lossSums.entrySet()) {
                losses.put(e.getKey(), e.getValue() / batches);
            }
        }
        return new Pass(scorer == null ? null : scorer.result(), losses);
    }
}
