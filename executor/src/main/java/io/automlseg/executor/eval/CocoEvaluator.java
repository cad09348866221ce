package io.automlseg.executor.eval;

import io.automlseg.executor.eval.CocoDataset.Annotation;
import io.automlseg.executor.eval.CocoDataset.Image;
import io.automlseg.executor.mask.Rle;
import io.automlseg.executor.mask.RleOverlap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * pycocotools' COCOeval (default parameters) for masks ("segm") or boxes ("bbox"): per image and category matching
 * at ten IoU thresholds with crowd regions, the precision envelope sampled at 101 recall points, and the twelve
 * summary statistics. Thresholds, sort stability and comparisons follow the reference so results agree to
 * floating-point rounding.
 */
public final class CocoEvaluator {
    public enum IouType { SEGM, BBOX }

    /** numpy linspace(0.5, 0.95, 10): i * step + start, the last value set to the stop exactly. */
    static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
    /** numpy linspace(0, 1, 101). */
    static final double[] RECALL_THRESHOLDS = linspace(0.0, 1.0, 101);
    static final int[] MAX_DETECTIONS = {1, 10, 100};
    /** all, small, medium, large; bounds inclusive. */
    static final double[][] AREA_RANGES = {{0, 1e10}, {0, 1024}, {1024, 9216}, {9216, 1e10}};

    private final IouType iouType;

    public CocoEvaluator(IouType iouType) {
        this.iouType = iouType;
    }
    /**
     * Evaluates {@code detections} (from {@link CocoDataset#withResults}) against {@code groundTruth}. The (image,
     * category) pairs are matched in parallel, then the categories are accumulated in parallel; every result lands
     * in its own slot, so the outcome does not depend on the number of threads.
     */
    public CocoEvaluation evaluate(CocoDataset groundTruth, CocoDataset detections) {
        List<Long> imageIds = new ArrayList<>(groundTruth.images().keySet());
        imageIds.sort(null);
        List<Long> categoryIds = groundTruth.categoryIds();
        Map<Key, List<Annotation>> gts = group(groundTruth.annotations());
        Map<Key, List<Annotation>> dts = group(detections.annotations());

        int t = IOU_THRESHOLDS.length;
        int r = RECALL_THRESHOLDS.length;
        int k = categoryIds.size();
        int a = AREA_RANGES.length;
        int m = MAX_DETECTIONS.length;
        double[][][][][] precision = new double[t][r][k][a][m];
        double[][][][] recall = new double[t][k][a][m];
        CocoAccumulator.fill(precision, recall);

        // The pairs with ground truth or detections, by category then image id (accumulate's order).
        Map<Long, Integer> categoryIndex = new HashMap<>();
        for (int ki = 0; ki < k; ki++) {
            categoryIndex.put(categoryIds.get(ki), ki);
        }
        Map<Long, Integer> imageIndex = new HashMap<>();
        for (int i = 0; i < imageIds.size(); i++) {
            imageIndex.put(imageIds.get(i), i);
        }
        Set<Key> keys = new HashSet<>(gts.keySet());
        keys.addAll(dts.keySet());
        Key[] pairs = keys.stream()
                .filter(key -> categoryIndex.containsKey(key.categoryId()) && imageIndex.containsKey(key.imageId()))
                .sorted(Comparator.comparingInt((Key key) -> categoryIndex.get(key.categoryId()))
                        .thenComparingInt(key -> imageIndex.get(key.imageId())))
                .toArray(Key[]::new);
        CocoMatching.ImageResult[][] results = IntStream.range(0, pairs.length).parallel()
                .mapToObj(i -> evaluatePair(gts.getOrDefault(pairs[i], List.of()),
                        dts.getOrDefault(pairs[i], List.of()), groundTruth.images().get(pairs[i].imageId())))
                .toArray(CocoMatching.ImageResult[][]::new);
        int[] firstOfCategory = new int[k + 1];
        for (int i = 0, ki = 0; ki <= k; ki++) {
            while (i < pairs.length && categoryIndex.get(pairs[i].categoryId()) < ki) {
                i++;
            }
            firstOfCategory[ki] = i;
        }
        IntStream.range(0, k).parallel().forEach(ki -> CocoAccumulator.accumulate(Arrays.copyOfRange(results,
                firstOfCategory[ki], firstOfCategory[ki + 1]), ki, precision, recall));

        double[] stats = new double[12];
        stats[0] = CocoAccumulator.meanPrecision(precision, -1, 0, 2);
        stats[1] = CocoAccumulator.meanPrecision(precision, 0, 0, 2);
        stats[2] = CocoAccumulator.meanPrecision(precision, 5, 0, 2);
        stats[3] = CocoAccumulator.meanPrecision(precision, -1, 1, 2);
        stats[4] = CocoAccumulator.meanPrecision(precision, -1, 2, 2);
        stats[5] = CocoAccumulator.meanPrecision(precision, -1, 3, 2);
        stats[6] = CocoAccumulator.meanRecall(recall, 0, 0);
        stats[7] = CocoAccumulator.meanRecall(recall, 0, 1);
        stats[8] = CocoAccumulator.meanRecall(recall, 0, 2);
        stats[9] = CocoAccumulator.meanRecall(recall, 1, 2);
        stats[10] = CocoAccumulator.meanRecall(recall, 2, 2);
        stats[11] = CocoAccumulator.meanRecall(recall, 3, 2);

        Map<Long, Double> perCategory = new LinkedHashMap<>();
        Map<Long, Double> perCategory50 = new LinkedHashMap<>();
        for (int ki = 0; ki < k; ki++) {
            perCategory.put(categoryIds.get(ki), CocoAccumulator.categoryPrecision(precision, ki, -1));
            perCategory50.put(categoryIds.get(ki), CocoAccumulator.categoryPrecision(precision, ki, 0));
        }
        return new CocoEvaluation(stats, perCategory, perCategory50);
    }


    private record Key(long imageId, long categoryId) {}

    private static Map<Key, List<Annotation>> group(List<Annotation> annotations) {
        Map<Key, List<Annotation>> groups = new HashMap<>();
        for (Annotation annotation : annotations) {
            groups.computeIfAbsent(new Key(annotation.imageId(), annotation.categoryId()), x -> new ArrayList<>())
                    .add(annotation);
        }
        return groups;
    }

    /** Matching of one (image, category) pair for each area range. */
    private CocoMatching.ImageResult[] evaluatePair(List<Annotation> gt, List<Annotation> dt, Image image) {
        int maxDet = MAX_DETECTIONS[MAX_DETECTIONS.length - 1];
        double[] scores = new double[dt.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = dt.get(i).score();
        }
        int[] order = CocoAccumulator.stableOrderByDescendingScore(scores);
        List<Annotation> sorted = new ArrayList<>(Math.min(maxDet, order.length));
        for (int i = 0; i < order.length && i < maxDet; i++) {
            sorted.add(dt.get(order[i]));
        }
        dt = sorted;
        double[][] ious = ious(dt, gt, image);
        CocoMatching.ImageResult[] perArea = new CocoMatching.ImageResult[AREA_RANGES.length];
        for (int ai = 0; ai < AREA_RANGES.length; ai++) {
            perArea[ai] = CocoMatching.evaluateImage(gt, dt, ious, AREA_RANGES[ai]);
        }
        return perArea;
    }

    /** IoU of each detection (rows, score order) with each ground truth (columns, file order). */
    private double[][] ious(List<Annotation> dt, List<Annotation> gt, Image image) {
        double[][] ious = new double[dt.size()][gt.size()];
        if (iouType == IouType.SEGM) {
            List<Rle> gtMasks = new ArrayList<>(gt.size());
            for (Annotation g : gt) {
                gtMasks.add(g.mask(image));
            }
            for (int d = 0; d < dt.size(); d++) {
                Rle dm = dt.get(d).mask(image);
                for (int g = 0; g < gt.size(); g++) {
                    Rle gm = gtMasks.get(g);
                    // The reference reports -1 (never a match) for masks of different sizes.
                    ious[d][g] = dm.height() != gm.height() || dm.width() != gm.width() ? -1
                            : RleOverlap.iou(dm, gm, gt.get(g).crowd());
                }
            }
        } else {
            for (int d = 0; d < dt.size(); d++) {
                for (int g = 0; g < gt.size(); g++) {
                    ious[d][g] = boxIou(dt.get(d).bbox(), gt.get(g).bbox(), gt.get(g).crowd());
                }
            }
        }
        return ious;
    }

    /** Box IoU with continuous coordinates (no +1); over the detection's area for a crowd region. */
    static double boxIou(double[] db, double[] gb, boolean crowd) {
        double w = Math.min(db[2] + db[0], gb[2] + gb[0]) - Math.max(db[0], gb[0]);
        if (w <= 0) {
            return 0;
        }
        double h = Math.min(db[3] + db[1], gb[3] + gb[1]) - Math.max(db[1], gb[1]);
        if (h <= 0) {
            return 0;
        }
        double i = w * h;
        double da = db[2] * db[3];
        double u = crowd ? da : da + gb[2] * gb[3] - i;
        return i / u;
    }


    private static double[] linspace(double start, double stop, int num) {
        double[] values = new double[num];
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            values[i] = i * step + start;
        }
        values[num - 1] = stop;
        return values;
    }
}