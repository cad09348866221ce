package io.automlseg.executor.eval;

import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LabelSet;
import io.automlseg.executor.data.ObjectAnnotation;
import io.automlseg.executor.eval.CocoDataset.Annotation;
import io.automlseg.executor.eval.CocoDataset.Image;
import io.automlseg.executor.mask.PolygonRaster;
import io.automlseg.executor.mask.Rle;
import io.automlseg.executor.model.Detections;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scores a model's detections on validation images with the metric {@code validation_metric_type} selects:
 * {@code voc} (the reference product's default: VOC-style mask AP at {@code validation_iou_threshold}),
 * {@code coco} (COCO mask evaluation; {@code mean_average_precision} is AP@0.5 as in the reference product) or
 * {@code coco_voc} (both; the VOC value is {@code mean_average_precision}). Fed one image at a time.
 *
 * <p>Both metrics see the same masks: ground truth rasterised from the record's polygons (parts XOR-ed, as the
 * reference product builds its ground-truth masks), detections binarised at 0.5. For COCO each label is a category
 * (id = label index), ground-truth area and box are the mask's pixel count and box, and detections get area and box
 * as pycocotools' {@code loadRes} gives results that carry a box: the box and its {@code w * h}.
 */
public final class ValidationScorer {
    public static final float MASK_THRESHOLD = 0.5f;

    private final List<String> labels;
    private final Map<String, Integer> index;
    private final VocEvaluator voc;
    private final boolean coco;
    private final boolean vocWins;
    private final List<Image> images = new ArrayList<>();
    private final List<Annotation> groundTruth = new ArrayList<>();
    private final List<Annotation> detections = new ArrayList<>();

    /**
     * @param labels the trial's label names; label index i + 1 is {@code labels.get(i)}
     * @param metricType {@code voc}, {@code coco} or {@code coco_voc}
     * @param iouThreshold {@code validation_iou_threshold} (VOC only)
     */
    public ValidationScorer(List<String> labels, String metricType, double iouThreshold) {
        this.labels = List.copyOf(labels);
        this.index = LabelSet.index(labels);
        switch (metricType) {
            case "voc" -> {
                voc = new VocEvaluator(labels.size(), iouThreshold);
                coco = false;
            }
            case "coco" -> {
                voc = null;
                coco = true;
            }
            case "coco_voc" -> {
                voc = new VocEvaluator(labels.size(), iouThreshold);
                coco = true;
            }
            default -> throw new IllegalArgumentException("validation_metric_type must be one of voc, coco, coco_voc"
                    + " to evaluate, got '" + metricType + "'");
        }
        this.vocWins = voc != null;
    }

    /** Adds one validation image of {@code height} x {@code width} pixels and what the model found in it. */
    public void addImage(ImageRecord record, int height, int width, Detections found) {
        List<ObjectAnnotation> objects = record.objects();
        List<Rle> gtMasks = new ArrayList<>(objects.size());
        int[] gtLabels = new int[objects.size()];
        boolean[] gtCrowd = new boolean[objects.size()];
        for (int g = 0; g < objects.size(); g++) {
            ObjectAnnotation o = objects.get(g);
            gtMasks.add(PolygonRaster.fromNormalizedPolygons(o.polygons(), height, width));
            Integer label = index.get(o.label());
            if (label == null) {
                throw new IllegalArgumentException(record.source() + ": label '" + o.label()
                        + "' is not one of the trial's labels " + labels);
            }
            gtLabels[g] = label;
            gtCrowd[g] = o.crowd();
        }
        List<Rle> predMasks = new ArrayList<>(found.size());
        for (int p = 0; p < found.size(); p++) {
            predMasks.add(Rle.encode(found.pastedMask(p), height, width, MASK_THRESHOLD));
        }
        if (voc != null) {
            voc.addImage(gtMasks, gtLabels, gtCrowd, predMasks, found.labels(), found.scores());
        }
        if (coco) {
            long imageId = images.size() + 1;
            images.add(new Image(imageId, height, width));
            for (int g = 0; g < objects.size(); g++) {
                Rle mask = gtMasks.get(g);
                groundTruth.add(new Annotation(groundTruth.size() + 1, imageId, gtLabels[g], mask.area(),
                        mask.toBbox(), gtCrowd[g], Double.NaN, null, mask));
            }
            for (int p = 0; p < found.size(); p++) {
                float[] b = found.boxes()[p];
                double[] box = {b[0], b[1], (double) b[2] - b[0], (double) b[3] - b[1]};
                detections.add(new Annotation(detections.size() + 1, imageId, found.labels()[p], box[2] * box[3],
                        box, false, found.scores()[p], null, predMasks.get(p)));
            }
        }
    }

    /** The metrics over all images added so far. */
    public ValidationResult result() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, Map<String, Double>> perLabel = new LinkedHashMap<>();
        for (String label : labels) {
            perLabel.put(label, new LinkedHashMap<>());
        }
        List<String> lines = new ArrayList<>();
        if (voc != null) {
            VocResult r = voc.result();
            putDefined(metrics, "mean_average_precision", r.meanAveragePrecision());
            putDefined(metrics, "precision", r.precision());
            putDefined(metrics, "recall", r.recall());
            for (VocResult.LabelMetrics m : r.perLabel()) {
                Map<String, Double> values = perLabel.get(labels.get(m.label() - 1));
                putDefined(values, "precision", m.precision());
                putDefined(values, "recall", m.recall());
                putDefined(values, "average_precision", m.averagePrecision());
            }
        }
        if (coco) {
            List<Long> categories = new ArrayList<>();
            for (int i = 1; i <= labels.size(); i++) {
                categories.add((long) i);
            }
            CocoDataset gt = CocoDataset.of("validation", images, categories, groundTruth);
            CocoEvaluation e = new CocoEvaluator(CocoEvaluator.IouType.SEGM).evaluate(gt, gt.withDetections(detections));
            if (!vocWins && e.stats()[1] > -1) {
                metrics.put("mean_average_precision", e.stats()[1]);
            }
            for (int i = 0; i < 12; i++) {
                metrics.put(CocoEvaluation.METRIC_NAMES[i], e.stats()[i]);
            }
            for (int i = 1; i <= labels.size(); i++) {
                Map<String, Double> values = perLabel.get(labels.get(i - 1));
                putDefined(values, "coco_ap", e.averagePrecisionPerCategory().get((long) i));
                putDefined(values, "coco_ap50", e.averagePrecision50PerCategory().get((long) i));
            }
            lines.add("COCO mask evaluation (" + images.size() + " images):");
            lines.addAll(e.summaryLines());
        }
        lines.addAll(table(perLabel));
        return new ValidationResult(metrics, perLabel, lines);
    }

    private static List<String> table(Map<String, Map<String, Double>> perLabel) {
        List<String> columns = new ArrayList<>();
        for (Map<String, Double> values : perLabel.values()) {
            for (String key : values.keySet()) {
                if (!columns.contains(key)) {
                    columns.add(key);
                }
            }
        }
        List<String> lines = new ArrayList<>();
        if (columns.isEmpty()) {
            return lines;
        }
        int longest = 5;
        for (String label : perLabel.keySet()) {
            longest = Math.max(longest, label.length());
        }
        int width = longest;
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", "label"));
        for (String c : columns) {
            header.append(String.format(Locale.ROOT, "  %17s", c));
        }
        lines.add(header.toString());
        perLabel.forEach((label, values) -> {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", label));
            for (String c : columns) {
                Double v = values.get(c);
                row.append(String.format(Locale.ROOT, "  %17s", v == null ? "-" : String.format(Locale.ROOT, "%.5f", v)));
            }
            lines.add(row.toString());
        });
        return lines;
    }

    /** Undefined values (NaN from VOC, -1 from COCO) are left out. */
    private static void putDefined(Map<String, Double> map, String key, double value) {
        if (!Double.isNaN(value) && value > -1) {
            map.put(key, value);
        }
    }
}
