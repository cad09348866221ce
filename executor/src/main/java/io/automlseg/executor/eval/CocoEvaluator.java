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

    private static final double EPS = Math.ulp(1.0);

    private final IouType iouType;

    public CocoEvaluator(IouType iouType) {
        this.iouType = iouType;
    }

    /**
     * Outcome of one (image, category) for one area range, detections in score order (at most 100): per detection a
     * bit per IoU threshold for "true positive" and for "false positive" (a detection with neither is ignored), and
     * the number of ground truths that are not ignored.
     */
    private record ImageResult(double[] scores, short[] truePositive, short[] falsePositive, int groundTruthCounted) {}

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
        fill(precision, recall);

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
        ImageResult[][] results = IntStream.range(0, pairs.length).parallel()
                .mapToObj(i -> evaluatePair(gts.getOrDefault(pairs[i], List.of()),
                        dts.getOrDefault(pairs[i], List.of()), groundTruth.images().get(pairs[i].imageId())))
                .toArray(ImageResult[][]::new);
        int[] firstOfCategory = new int[k + 1];
        for (int i = 0, ki = 0; ki <= k; ki++) {
            while (i < pairs.length && categoryIndex.get(pairs[i].categoryId()) < ki) {
                i++;
            }
            firstOfCategory[ki] = i;
        }
        IntStream.range(0, k).parallel().forEach(ki -> accumulate(Arrays.copyOfRange(results,
                firstOfCategory[ki], firstOfCategory[ki + 1]), ki, precision, recall));

        double[] stats = new double[12];
        stats[0] = meanPrecision(precision, -1, 0, 2);
        stats[1] = meanPrecision(precision, 0, 0, 2);
        stats[2] = meanPrecision(precision, 5, 0, 2);
        stats[3] = meanPrecision(precision, -1, 1, 2);
        stats[4] = meanPrecision(precision, -1, 2, 2);
        stats[5] = meanPrecision(precision, -1, 3, 2);
        stats[6] = meanRecall(recall, 0, 0);
        stats[7] = meanRecall(recall, 0, 1);
        stats[8] = meanRecall(recall, 0, 2);
        stats[9] = meanRecall(recall, 1, 2);
        stats[10] = meanRecall(recall, 2, 2);
        stats[11] = meanRecall(recall, 3, 2);

        Map<Long, Double> perCategory = new LinkedHashMap<>();
        Map<Long, Double> perCategory50 = new LinkedHashMap<>();
        for (int ki = 0; ki < k; ki++) {
            perCategory.put(categoryIds.get(ki), categoryPrecision(precision, ki, -1));
            perCategory50.put(categoryIds.get(ki), categoryPrecision(precision, ki, 0));
        }
        return new CocoEvaluation(stats, perCategory, perCategory50);
    }

    /** Mean precision of one category (all areas, 100 detections) at IoU threshold {@code ti}, or all if -1. */
    private static double categoryPrecision(double[][][][][] precision, int ki, int ti) {
        double sum = 0;
        int n = 0;
        for (int t = 0; t < precision.length; t++) {
            if (ti >= 0 && t != ti) {
                continue;
            }
            for (double[][][] byCategory : precision[t]) {
                double p = byCategory[ki][0][MAX_DETECTIONS.length - 1];
                if (p > -1) {
                    sum += p;
                    n++;
                }
            }
        }
        return n == 0 ? -1.0 : sum / n;
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
    private ImageResult[] evaluatePair(List<Annotation> gt, List<Annotation> dt, Image image) {
        int maxDet = MAX_DETECTIONS[MAX_DETECTIONS.length - 1];
        double[] scores = new double[dt.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = dt.get(i).score();
        }
        int[] order = stableOrderByDescendingScore(scores);
        List<Annotation> sorted = new ArrayList<>(Math.min(maxDet, order.length));
        for (int i = 0; i < order.length && i < maxDet; i++) {
            sorted.add(dt.get(order[i]));
        }
        dt = sorted;
        double[][] ious = ious(dt, gt, image);
        ImageResult[] perArea = new ImageResult[AREA_RANGES.length];
        for (int ai = 0; ai < AREA_RANGES.length; ai++) {
            perArea[ai] = evaluateImage(gt, dt, ious, AREA_RANGES[ai]);
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

    /** Greedy matching of score-ordered detections to ground truth at each IoU threshold (evaluateImg). */
    private static ImageResult evaluateImage(List<Annotation> gtInFileOrder, List<Annotation> dt, double[][] iousAll,
            double[] range) {
        int g = gtInFileOrder.size();
        // Non-ignored ground truth first, stable.
        int[] order = new int[g];
        int n = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < g; i++) {
                if (ignored(gtInFileOrder.get(i), range) == (pass == 1)) {
                    order[n++] = i;
                }
            }
        }
        boolean[] gtIgnore = new boolean[g];
        for (int i = 0; i < g; i++) {
            gtIgnore[i] = ignored(gtInFileOrder.get(order[i]), range);
        }
        int d = dt.size();
        int t = IOU_THRESHOLDS.length;
        long[][] dtMatch = new long[t][d];
        boolean[][] dtIgnore = new boolean[t][d];
        long[][] gtMatch = new long[t][g];
        if (d > 0 && g > 0) {
            for (int ti = 0; ti < t; ti++) {
                for (int di = 0; di < d; di++) {
                    double best = Math.min(IOU_THRESHOLDS[ti], 1 - 1e-10);
                    int match = -1;
                    for (int gi = 0; gi < g; gi++) {
                        Annotation gt = gtInFileOrder.get(order[gi]);
                        if (gtMatch[ti][gi] != 0 && !gt.crowd()) {
                            continue;
                        }
                        if (match > -1 && !gtIgnore[match] && gtIgnore[gi]) {
                            break;
                        }
                        double iou = iousAll[di][order[gi]];
                        if (iou < best) {
                            continue;
                        }
                        best = iou;
                        match = gi;
                    }
                    if (match == -1) {
                        continue;
                    }
                    dtIgnore[ti][di] = gtIgnore[match];
                    dtMatch[ti][di] = gtInFileOrder.get(order[match]).id();
                    gtMatch[ti][match] = dt.get(di).id();
                }
            }
        }
        double[] scores = new double[d];
        short[] truePositive = new short[d];
        short[] falsePositive = new short[d];
        for (int di = 0; di < d; di++) {
            Annotation det = dt.get(di);
            scores[di] = det.score();
            boolean outside = det.area() < range[0] || det.area() > range[1];
            for (int ti = 0; ti < t; ti++) {
                boolean matched = dtMatch[ti][di] != 0;
                if (dtIgnore[ti][di] || (!matched && outside)) {
                    continue;
                }
                if (matched) {
                    truePositive[di] |= (short) (1 << ti);
                } else {
                    falsePositive[di] |= (short) (1 << ti);
                }
            }
        }
        int counted = 0;
        for (boolean ignore : gtIgnore) {
            if (!ignore) {
                counted++;
            }
        }
        return new ImageResult(scores, truePositive, falsePositive, counted);
    }

    private static boolean ignored(Annotation gt, double[] range) {
        return gt.crowd() || gt.area() < range[0] || gt.area() > range[1];
    }

    /**
     * Precision at the recall thresholds and final recall of one category, per IoU threshold, area range and
     * detection cap; {@code results[i][a]} is image i's (in id order) for area range a. The score order depends on
     * the cap only, so it is shared by the area ranges.
     */
    private static void accumulate(ImageResult[][] results, int ki, double[][][][][] precision,
            double[][][][] recall) {
        if (results.length == 0) {
            return;
        }
        int t = IOU_THRESHOLDS.length;
        for (int mi = 0; mi < MAX_DETECTIONS.length; mi++) {
            int maxDet = MAX_DETECTIONS[mi];
            // Concatenate the first maxDet detections of each image (images in id order), then stable sort by score.
            int nd = 0;
            for (ImageResult[] e : results) {
                nd += Math.min(maxDet, e[0].scores().length);
            }
            int[] image = new int[nd];
            int[] detection = new int[nd];
            double[] scores = new double[nd];
            for (int e = 0, i = 0; e < results.length; e++) {
                int count = Math.min(maxDet, results[e][0].scores().length);
                for (int j = 0; j < count; j++, i++) {
                    image[i] = e;
                    detection[i] = j;
                    scores[i] = results[e][0].scores()[j];
                }
            }
            int[] order = stableOrderByDescendingScore(scores);
            double[][] rc = new double[t][nd];
            double[][] pr = new double[t][nd];
            for (int ai = 0; ai < AREA_RANGES.length; ai++) {
                int npig = 0;
                for (ImageResult[] e : results) {
                    npig += e[ai].groundTruthCounted();
                }
                if (npig == 0) {
                    continue;
                }
                long[] tp = new long[t];
                long[] fp = new long[t];
                for (int i = 0; i < nd; i++) {
                    ImageResult e = results[image[order[i]]][ai];
                    int j = detection[order[i]];
                    int tpBits = e.truePositive()[j];
                    int fpBits = e.falsePositive()[j];
                    for (int ti = 0; ti < t; ti++) {
                        tp[ti] += (tpBits >> ti) & 1;
                        fp[ti] += (fpBits >> ti) & 1;
                        rc[ti][i] = (double) tp[ti] / npig;
                        pr[ti][i] = (double) tp[ti] / ((double) fp[ti] + (double) tp[ti] + EPS);
                    }
                }
                for (int ti = 0; ti < t; ti++) {
                    double[] r = rc[ti];
                    double[] p = pr[ti];
                    recall[ti][ki][ai][mi] = nd > 0 ? r[nd - 1] : 0;
                    for (int i = nd - 1; i > 0; i--) {
                        if (p[i] > p[i - 1]) {
                            p[i - 1] = p[i];
                        }
                    }
                    int i = 0;
                    for (int ri = 0; ri < RECALL_THRESHOLDS.length; ri++) {
                        // searchsorted left: first index with rc >= threshold (rc is non-decreasing).
                        while (i < nd && r[i] < RECALL_THRESHOLDS[ri]) {
                            i++;
                        }
                        precision[ti][ri][ki][ai][mi] = i < nd ? p[i] : 0;
                    }
                }
            }
        }
    }

    /** Indices sorted by descending score, equal scores in index order: numpy's mergesort on -score. */
    static int[] stableOrderByDescendingScore(double[] scores) {
        int n = scores.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] buffer = new int[n];
        // Bottom-up merge sort; "-a < -b" is how numpy compares the negated scores.
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, n);
                int i = lo;
                int j = mid;
                int o = lo;
                while (i < mid && j < hi) {
                    // Take from the right run only when strictly before: keeps ties in index order.
                    buffer[o++] = -scores[order[j]] < -scores[order[i]] ? order[j++] : order[i++];
                }
                while (i < mid) {
                    buffer[o++] = order[i++];
                }
                while (j < hi) {
                    buffer[o++] = order[j++];
                }
                System.arraycopy(buffer, lo, order, lo, hi - lo);
            }
        }
        return order;
    }

    private static double meanPrecision(double[][][][][] precision, int ti, int ai, int mi) {
        double sum = 0;
        long n = 0;
        for (int t = 0; t < precision.length; t++) {
            if (ti >= 0 && t != ti) {
                continue;
            }
            for (double[][][] byRecall : precision[t]) {
                for (double[][] byCategory : byRecall) {
                    double p = byCategory[ai][mi];
                    if (p > -1) {
                        sum += p;
                        n++;
                    }
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    private static double meanRecall(double[][][][] recall, int ai, int mi) {
        double sum = 0;
        long n = 0;
        for (double[][][] byCategory : recall) {
            for (double[][] byArea : byCategory) {
                double v = byArea[ai][mi];
                if (v > -1) {
                    sum += v;
                    n++;
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    private static void fill(double[][][][][] precision, double[][][][] recall) {
        for (double[][][][] a : precision) {
            for (double[][][] b : a) {
                for (double[][] c : b) {
                    for (double[] d : c) {
                        java.util.Arrays.fill(d, -1);
                    }
                }
            }
        }
        for (double[][][] a : recall) {
            for (double[][] b : a) {
                for (double[] c : b) {
                    java.util.Arrays.fill(c, -1);
                }
            }
        }
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
