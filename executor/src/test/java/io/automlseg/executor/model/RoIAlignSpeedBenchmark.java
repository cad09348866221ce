package io.automlseg.executor.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Speed of the training step's two RoIAligns alone, forward and backward, in the formulations under comparison, run
 * interleaved in one process so that the machine's load hits each alike. Sizes as in {@code speed.sh} at 128 px with
 * torchvision's budgets: batch 2, FPN levels P2..P5 of 256 channels, 1024 sampled RoIs pooled to 7 x 7 and the
 * positive ones ({@code --positives}, about 40 there) to 14 x 14, sampling ratio 2. Boxes are drawn at random inside
 * the image, sides from 4 px to 3/4 of the image (96 px at 128). It lives in the model package because the RoIAlign
 * classes are package-private.
 *
 * <p>Formulations: {@code coo} (today's: a sparse COO plan times the channel-last table; backward through PyTorch's
 * sparse matmul) and {@code gather} (every bin's taps padded to the widest bin's count, gathered from the table with
 * an embedding lookup, weighted and summed: all dense, backward an index-add of the taps' gradients).
 *
 * <p>Flags ({@code --name value}): rois (1024), positives (40), channels (256), size (128), rounds (7),
 * formulations (coo,gather). Prints per
 * formulation the median forward and backward ms, both wall and the training thread's CPU time (which varies less on
 * a loaded machine: at one thread libtorch computes forward and backward on the calling thread), then
 * {@code RATIO gather/coo}. Run it with the test class path, e.g. that of {@code scripts/bench/speed.sh}.
 */
final class RoIAlignSpeedBenchmark {
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    private static int entries;
    /** Largest tap table of the gather formulation, in MiB (box and mask pooling together). */
    private static double gatherMiB;

    private RoIAlignSpeedBenchmark() {}

    interface Formulation {
        NDArray apply(NDArray table, RoIAlign.Plan plan, int rois, int out, NDManager manager);
    }

    public static void main(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            flags.put(args[i].substring(2), args[i + 1]);
        }
        int rois = Integer.parseInt(flags.getOrDefault("rois", "1024"));
        int positives = Integer.parseInt(flags.getOrDefault("positives", "40"));
        int channels = Integer.parseInt(flags.getOrDefault("channels", "256"));
        int size = Integer.parseInt(flags.getOrDefault("size", "128"));
        int rounds = Integer.parseInt(flags.getOrDefault("rounds", "7"));
        int batch = 2;
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Map<String, Formulation> formulations = new LinkedHashMap<>();
        List<String> chosen = Arrays.asList(flags.getOrDefault("formulations", "coo,gather").split(","));
        if (chosen.contains("coo")) {
            formulations.put("coo", RoIAlign::apply);
        }
        if (chosen.contains("gather")) {
            formulations.put("gather", RoIAlignSpeedBenchmark::gathered);
        }
        Map<String, List<double[]>> times = new LinkedHashMap<>();
        formulations.keySet().forEach(k -> times.put(k, new ArrayList<>()));
        Random rng = new Random(7);
        float[] boxes = new float[4 * rois];
        int[] image = new int[rois];
        for (int r = 0; r < rois; r++) {
            float w = 4 + rng.nextFloat() * (0.75f * size - 4);
            float h = 4 + rng.nextFloat() * (0.75f * size - 4);
            float x = rng.nextFloat() * (size - w);
            float y = rng.nextFloat() * (size - h);
            boxes[4 * r] = x;
            boxes[4 * r + 1] = y;
            boxes[4 * r + 2] = x + w;
            boxes[4 * r + 3] = y + h;
            image[r] = r % batch;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray[] features = new NDArray[4];
            for (int l = 0; l < 4; l++) {
                int side = size >> (l + 2);
                features[l] = manager.randomUniform(0, 1, new Shape(batch, channels, side, side));
                features[l].setRequiresGradient(true);
            }
            check(features, boxes, image, rois, size, formulations, manager);
            for (int round = 0; round <= rounds; round++) {
                for (Map.Entry<String, Formulation> f : formulations.entrySet()) {
                    double[] t = step(features, boxes, image, rois, positives, size, f.getValue(), manager);
                    if (round > 0) { // round 0 warms up
                        times.get(f.getKey()).add(t);
                    }
                }
            }
        }
        Map<String, double[]> medians = new LinkedHashMap<>();
        for (Map.Entry<String, List<double[]>> e : times.entrySet()) {
            double[] m = new double[6];
            for (int k = 0; k < 6; k++) {
                int kk = k;
                double[] v = e.getValue().stream().mapToDouble(a -> a[kk]).sorted().toArray();
                m[k] = v[v.length / 2];
            }
            medians.put(e.getKey(), m);
            System.out.printf(Locale.ROOT, "%-7s forward %7.1f ms (of it the Java plans %5.1f, pooling %6.1f)  backward %7.1f ms  total %7.1f ms;"
                    + " thread CPU: forward %7.1f  backward %7.1f  total %7.1f ms%n",
                    e.getKey(), m[0], m[2], m[5], m[1], m[0] + m[1], m[3], m[4], m[3] + m[4]);
        }
        System.out.printf(Locale.ROOT, "plan entries (box + mask): %d; the gather formulation's tap tables: %.0f MiB%n", entries,
                gatherMiB);
        double[] coo = medians.get("coo");
        double[] gather = medians.get("gather");
        if (coo == null || gather == null) {
            return;
        }
        System.out.printf(Locale.ROOT, "RATIO gather/coo forward %.2f backward %.2f total %.2f; thread CPU total %.2f%n",
                gather[0] / coo[0], gather[1] / coo[1], (gather[0] + gather[1]) / (coo[0] + coo[1]),
                (gather[3] + gather[4]) / (coo[3] + coo[4]));
    }

    /** One box pooling and one mask pooling, forward then backward; returns {forward ms, backward ms, 0}. */
    private static double[] step(NDArray[] features, float[] boxes, int[] image, int rois, int positives, int size,
                                 Formulation formulation, NDManager parent) {
        try (NDManager scope = parent.newSubManager();
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            gatherMiB = 0;
            long c0 = CPU.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            MultiScaleRoIAlign pooler = new MultiScaleRoIAlign(features, size);
            RoIAlign.Plan boxPlan = plan(pooler, boxes, image, rois, RoIHeads.BOX_POOL);
            float[] maskBoxes = Arrays.copyOf(boxes, 4 * positives);
            RoIAlign.Plan maskPlan = plan(pooler, maskBoxes, image, positives, MaskHead.MASK_POOL);
            long tPlan = System.nanoTime();
            NDArray box = formulation.apply(pooler.table(), boxPlan, rois, RoIHeads.BOX_POOL, scope);
            NDArray mask = formulation.apply(pooler.table(), maskPlan, positives, MaskHead.MASK_POOL, scope);
            long tApply = System.nanoTime();
            // A reduction that needs every pooled value's gradient, with different factors per value.
            NDArray loss = box.mul(box).sum().add(mask.mul(mask).sum());
            loss.toFloatArray();
            long t1 = System.nanoTime();
            long c1 = CPU.getCurrentThreadCpuTime();
            collector.backward(loss);
            features[0].getGradient().toFloatArray();
            long t2 = System.nanoTime();
            long c2 = CPU.getCurrentThreadCpuTime();
            entries = boxPlan.entries() + maskPlan.entries();
            return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6, (tPlan - t0) / 1e6, (c1 - c0) / 1e6, (c2 - c1) / 1e6, (tApply - tPlan) / 1e6};
        }
    }

    /** Prints how far each formulation's pooled values and feature gradients are from the first one's. */
    private static void check(NDArray[] features, float[] boxes, int[] image, int rois, int size,
                              Map<String, Formulation> formulations, NDManager parent) {
        float[] firstOut = null;
        float[] firstGrad = null;
        for (Map.Entry<String, Formulation> f : formulations.entrySet()) {
            try (NDManager scope = parent.newSubManager();
                 GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                MultiScaleRoIAlign pooler = new MultiScaleRoIAlign(features, size);
                NDArray box = pool(pooler, boxes, image, rois, RoIHeads.BOX_POOL, f.getValue(), scope);
                NDArray loss = box.mul(box).sum();
                collector.zeroGradients();
                collector.backward(loss);
                float[] out = box.toFloatArray();
                float[] grad = features[0].getGradient().toFloatArray();
                if (firstOut == null) {
                    firstOut = out;
                    firstGrad = grad;
                }
                System.out.printf(Locale.ROOT, "%-7s max |pooled - coo| %.2e, max |gradient - coo| %.2e%n", f.getKey(),
                        maxDifference(firstOut, out), maxDifference(firstGrad, grad));
            }
        }
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static NDArray pool(MultiScaleRoIAlign pooler, float[] boxes, int[] image, int n, int out,
                                Formulation formulation, NDManager scope) {
        return formulation.apply(pooler.table(), plan(pooler, boxes, image, n, out), n, out, scope);
    }

    private static RoIAlign.Plan plan(MultiScaleRoIAlign pooler, float[] boxes, int[] image, int n, int out) {
        return pooler.plan(boxes, image, pooler.levels(boxes, n), 0, n, out, RoIHeads.SAMPLING_RATIO);
    }

    /** Dense gather formulation: taps padded per bin to the widest bin, gathered, weighted and summed. */
    static NDArray gathered(NDArray table, RoIAlign.Plan plan, int rois, int out, NDManager manager) {
        int bins = plan.bins();
        int[] count = new int[bins];
        for (int e = 0; e < plan.entries(); e++) {
            count[(int) plan.binOf()[e]]++;
        }
        int width = Arrays.stream(count).max().orElse(1);
        long[] rows = new long[bins * width];
        float[] weights = new float[bins * width];
        int[] filled = new int[bins];
        for (int e = 0; e < plan.entries(); e++) {
            int bin = (int) plan.binOf()[e];
            int slot = bin * width + filled[bin]++;
            rows[slot] = plan.rows()[e];
            weights[slot] = plan.weights()[e];
        }
        long channels = table.getShape().get(1);
        gatherMiB += 4.0 * bins * width * channels / (1 << 20);
        NDArray index = Ops.upload(manager, rows);
        NDArray w = Ops.upload(manager, weights, new Shape(bins, width, 1));
        NDArray taps = JniUtils.embedding((PtNDArray) index, (PtNDArray) table, false); // (bins * width, C)
        NDArray pooled = taps.reshape(bins, width, channels).mul(w).sum(new int[] {1});
        return pooled.reshape(rois, out, out, channels).transpose(0, 3, 1, 2);
    }
}
