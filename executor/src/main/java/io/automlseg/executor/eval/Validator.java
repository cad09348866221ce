package io.automlseg.executor.eval;

import ai.djl.ndarray.NDManager;
import io.automlseg.executor.data.ImageDecoder;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LabelSet;
import io.automlseg.executor.data.ObjectAnnotation;
import io.automlseg.executor.model.Detections;
import io.automlseg.executor.model.InputImage;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.train.TrainingParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a model on a trial's validation images with the reference product's default metric: VOC-style mask AP at
 * {@code validation_iou_threshold}, over the model's post-NMS detections (so the score threshold and detection cap
 * shape it, as in the reference). Masks are binarised at 0.5.
 */
public final class Validator {
    private static final float MASK_THRESHOLD = 0.5f;

    private Validator() {}

    public static ValidationResult evaluate(MaskRCNN model, NDManager manager, List<ImageRecord> records,
            TrainingParameters params, List<String> labels) {
        Map<String, Integer> index = LabelSet.index(labels);
        VocEvaluator evaluator = new VocEvaluator(labels.size(), params.validationIouThreshold());
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
                addImage(evaluator, chunk.get(i), images.get(i), found.get(i), index);
            }
        }
        return toResult(evaluator.result(), labels);
    }

    private static void addImage(VocEvaluator evaluator, ImageRecord record, InputImage image, Detections d,
            Map<String, Integer> index) {
        int h = image.height();
        int w = image.width();
        List<ObjectAnnotation> objects = record.objects();
        List<Rle> gtMasks = new ArrayList<>(objects.size());
        int[] gtLabels = new int[objects.size()];
        boolean[] gtCrowd = new boolean[objects.size()];
        for (int g = 0; g < objects.size(); g++) {
            ObjectAnnotation o = objects.get(g);
            // Parts are XOR-ed, as the reference product builds ground-truth masks for its metric.
            gtMasks.add(Rle.fromNormalizedPolygons(o.polygons(), h, w));
            gtLabels[g] = index.get(o.label());
            gtCrowd[g] = o.crowd();
        }
        List<Rle> predMasks = new ArrayList<>(d.size());
        for (int p = 0; p < d.size(); p++) {
            predMasks.add(Rle.encode(d.pastedMask(p), h, w, MASK_THRESHOLD));
        }
        evaluator.addImage(gtMasks, gtLabels, gtCrowd, predMasks, d.labels(), d.scores());
    }

    private static ValidationResult toResult(VocResult r, List<String> labels) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        putDefined(metrics, "mean_average_precision", r.meanAveragePrecision());
        putDefined(metrics, "precision", r.precision());
        putDefined(metrics, "recall", r.recall());
        Map<String, Map<String, Double>> perLabel = new LinkedHashMap<>();
        for (VocResult.LabelMetrics m : r.perLabel()) {
            Map<String, Double> values = new LinkedHashMap<>();
            putDefined(values, "precision", m.precision());
            putDefined(values, "recall", m.recall());
            putDefined(values, "average_precision", m.averagePrecision());
            perLabel.put(labels.get(m.label() - 1), values);
        }
        return new ValidationResult(metrics, perLabel);
    }

    private static void putDefined(Map<String, Double> map, String key, double value) {
        if (!Double.isNaN(value)) {
            map.put(key, value);
        }
    }
}
