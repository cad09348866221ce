package io.automlseg.executor.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.automlseg.executor.model.InputImage;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.model.StageTimes;
import io.automlseg.executor.model.TrainingTarget;
import io.automlseg.executor.model.WeightLoader;
import io.automlseg.executor.train.ResidentMemory;
import io.automlseg.executor.train.SgdOptimizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Training-speed benchmark of the Mask R-CNN family: images per second of full training steps (forward, the five
 * losses read back, backward, SGD with momentum 0.9 and weight decay 1e-4) at one fixed setting, for comparison with
 * torchvision ({@code scripts/bench/torchvision_speed.py} runs the same steps on the same {@link BenchmarkScene}s;
 * {@code scripts/bench/speed.sh} runs both and prints the ratio).
 *
 * <p>Two settings ({@code --recipe}), each built the same way on both sides. {@code torchvision} (the default): plain
 * BatchNorm and every layer trainable (torchvision's {@code resnet_fpn_backbone} with {@code norm_layer=BatchNorm2d,
 * trainable_layers=5}) and torchvision's default RPN and RoI budgets (2000 proposals per image before and after NMS
 * in training, 256 anchors and 512 RoIs sampled per image). {@code cpu}: the CPU recipe of the learning benchmark
 * ({@code scripts/bench/learning-r18.yaml} with a trial's defaults for training from scratch): GroupNorm with the
 * default {@link ModelConfig#groupNormGroups()} groups in the backbone only (the FPN and the heads have no norm, as in
 * torchvision's {@code resnet_fpn_backbone(norm_layer=lambda c: GroupNorm(32, c), trainable_layers=5)}), every layer
 * trainable, 300 proposals per image before NMS and 200 after in training, 64 RoIs sampled per image. In both,
 * images are {@code --size} square with min_size = max_size = size (no resize).
 *
 * <p>Flags ({@code --name value}): recipe torchvision or cpu (default torchvision), models (comma-separated, default
 * all five), init (a torchvision state dict to start from instead of this side's random initialisation: speed.sh
 * gives both sides torchvision's, so that both do the same work), size 256, batch 2, classes 5 (with
 * background), objects 3 per image, warmup 2 steps, steps 4 per timed block, blocks 2, threads 1. With
 * {@code -Dautomlseg.stageTimes=true} it also prints the work per step (proposals, sampled and positive RoIs) and
 * the time per stage. Each model ends with one line
 * {@code RESULT <model> <images/s> <resident MiB> <peak resident MiB>} (the peak is the process's: run one model
 * per process to read it per model, as speed.sh does).
 */
public final class TrainingSpeedBenchmark {
    private static final double LEARNING_RATE = 0.001;
    /** Prints every step's five losses ({@code -Dbench.losses=true}), to compare training dynamics with torchvision. */
    private static final boolean PRINT_LOSSES = Boolean.getBoolean("bench.losses");
    /** Traces one step after the timed blocks with libtorch's profiler into this Chrome-trace file ({@code -Dbench.trace=FILE}). */
    private static final String TRACE = System.getProperty("bench.trace");
    /** With the trace, each op's allocations too ({@code -Dbench.traceMemory=true}). */
    private static final boolean TRACE_MEMORY = Boolean.getBoolean("bench.traceMemory");

    /** The budgets of the CPU recipe, kept in step with learning-r18.yaml and torchvision_speed.py. */
    private static final int CPU_PRE_NMS_TRAIN = 300;
    private static final int CPU_POST_NMS_TRAIN = 200;
    private static final int CPU_ROIS_PER_IMAGE = 64;

    private TrainingSpeedBenchmark() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> flags = flags(args);
        List<String> models = Arrays.asList(flags.getOrDefault("models", String.join(",", ModelConfig.MODEL_NAMES)).split(","));
        int size = Integer.parseInt(flags.getOrDefault("size", "256"));
        int batch = Integer.parseInt(flags.getOrDefault("batch", "2"));
        int classes = Integer.parseInt(flags.getOrDefault("classes", "5"));
        int objects = Integer.parseInt(flags.getOrDefault("objects", "3"));
        int warmup = Integer.parseInt(flags.getOrDefault("warmup", "2"));
        int steps = Integer.parseInt(flags.getOrDefault("steps", "4"));
        int blocks = Integer.parseInt(flags.getOrDefault("blocks", "2"));
        int threads = Integer.parseInt(flags.getOrDefault("threads", "1"));
        String recipe = flags.getOrDefault("recipe", "torchvision");
        config(recipe, models.get(0).trim(), classes, size); // rejects an unknown recipe before the engine starts
        // Read by DJL when the engine starts, so set before the first Engine call.
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");

        List<InputImage> images = new ArrayList<>();
        List<TrainingTarget> targets = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            images.add(BenchmarkScene.image(i, size));
            targets.add(BenchmarkScene.target(i, size, objects, classes));
        }
        Engine engine = Engine.getInstance();
        engine.setRandomSeed(1);
        System.out.printf(Locale.ROOT, "ours: libtorch %s (DJL %s), recipe %s, %d thread(s), %d px, batch %d,"
                        + " %d classes, %d objects per image, %d warm-up steps, %d blocks of %d steps%n",
                engine.getVersion(), Engine.getDjlVersion(), recipe, threads, size, batch, classes, objects, warmup,
                blocks, steps);
        for (String name : models) {
            run(config(recipe, name.trim(), classes, size), flags.get("init"), images, targets, warmup, steps, blocks);
        }
    }

    /** The network of a setting; the test-time budgets stay the defaults, since only training steps are timed. */
    private static ModelConfig config(String recipe, String name, int classes, int size) {
        ModelConfig.Builder b = ModelConfig.builder().modelName(name).numClasses(classes).trainableBackboneLayers(5)
                .minSize(size).maxSize(size);
        ModelConfig defaults = b.build();
        switch (recipe) {
            case "torchvision" -> b.norm(ModelConfig.NormKind.BATCH);
            case "cpu" -> b.norm(ModelConfig.NormKind.GROUP)
                    .rpnPreNmsTopN(CPU_PRE_NMS_TRAIN, defaults.rpnPreNmsTopN(false))
                    .rpnPostNmsTopN(CPU_POST_NMS_TRAIN, defaults.rpnPostNmsTopN(false))
                    .boxBatchSizePerImage(CPU_ROIS_PER_IMAGE);
            default -> throw new IllegalArgumentException("--recipe must be torchvision or cpu, got " + recipe);
        }
        return b.build();
    }

    /** The norm and the training budgets, worded as torchvision_speed.py words them, to compare the two logs. */
    private static String describe(ModelConfig c) {
        String norm = c.norm() == ModelConfig.NormKind.GROUP ? "GroupNorm(" + c.groupNormGroups() + ")"
                : c.norm() == ModelConfig.NormKind.BATCH ? "BatchNorm2d" : c.norm().toString();
        return String.format(Locale.ROOT, "%s backbone, proposals %d/%d before/after NMS, %d RoIs per image", norm,
                c.rpnPreNmsTopN(true), c.rpnPostNmsTopN(true), c.boxBatchSizePerImage());
    }

    private static void run(ModelConfig config, String init, List<InputImage> images, List<TrainingTarget> targets,
            int warmup, int steps, int blocks) throws IOException {
        String name = config.modelName();
        Engine engine = Engine.getInstance();
        Random rng = new Random(1);
        SgdOptimizer sgd = new SgdOptimizer(0.9, false, 1e-4, 0);
        try (NDManager manager = NDManager.newBaseManager(); MaskRCNN model = MaskRCNN.create(config, manager, 1)) {
            if (init != null) {
                System.out.println(name + ": " + WeightLoader.load(model, init, null).describe());
            }
            ResidentMemory.returnFreeHeap(); // as the trainer does once its model is ready
            Map<String, NDArray> trainable = model.parameters().trainableParameters();
            model.setTraining(true);
            for (int s = 0; s < warmup; s++) {
                step(model, manager, engine, sgd, trainable, images, targets, rng);
            }
            System.out.printf(Locale.ROOT, "%s: %d parameters (%s), after %d warm-up steps resident %.0f MiB%n",
                    name, model.parameterCount(), describe(config), warmup, rss());
            StageTimes.reset();
            long totalNanos = 0;
            double lastLoss = Double.NaN;
            for (int b = 1; b <= blocks; b++) {
                long t0 = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    lastLoss = step(model, manager, engine, sgd, trainable, images, targets, rng);
                }
                long nanos = System.nanoTime() - t0;
                totalNanos += nanos;
                System.out.printf(Locale.ROOT, "%s block %d: %d steps in %.1f s, %.3f images/s, loss %.3f, resident %.0f MiB%n",
                        name, b, steps, nanos / 1e9, steps * images.size() / (nanos / 1e9), lastLoss, rss());
            }
            int timedSteps = steps * blocks;
            if (StageTimes.enabled()) {
                StringBuilder work = new StringBuilder(name + " work per step:");
                StageTimes.counts().forEach((k, v) -> work.append(String.format(Locale.ROOT, " %s %.1f,", k,
                        v / (double) timedSteps)));
                System.out.println(work.substring(0, work.length() - 1));
                System.out.println(name + " ms per step by stage:");
                StageTimes.millis().forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-40s %9.1f%n", k, v / timedSteps));
                StageTimes.reset();
            }
            if (TRACE != null) {
                JniUtils.startProfile(false, true, TRACE_MEMORY);
                step(model, manager, engine, sgd, trainable, images, targets, rng);
                JniUtils.stopProfile(TRACE);
            }
            Double peak = ResidentMemory.peakMebibytes();
            System.out.printf(Locale.ROOT, "RESULT %s %.4f %.0f %.0f%n", name,
                    timedSteps * images.size() / (totalNanos / 1e9), rss(), peak == null ? Double.NaN : peak);
        }
    }

    /** One training step as the trainer takes it; returns the total loss. */
    private static double step(MaskRCNN model, NDManager manager, Engine engine, SgdOptimizer sgd,
            Map<String, NDArray> trainable, List<InputImage> images, List<TrainingTarget> targets, Random rng) {
        double total;
        try (NDManager scope = manager.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
            Map<String, NDArray> losses = model.losses(scope, images, targets, rng);
            NDArray sum = null;
            total = 0;
            StringBuilder line = new StringBuilder("  losses:");
            for (Map.Entry<String, NDArray> e : losses.entrySet()) {
                float value = e.getValue().getFloat();
                total += value;
                line.append(String.format(Locale.ROOT, " %s %.4g", e.getKey(), value));
                sum = sum == null ? e.getValue() : sum.add(e.getValue());
            }
            if (PRINT_LOSSES) {
                System.out.println(line);
            }
            StageTimes.mark("loss read-back");
            collector.backward(sum);
            StageTimes.mark("backward");
        }
        StageTimes.mark("collector + step scope close");
        JniUtils.setGradMode(false);
        if (PRINT_LOSSES) {
            printGradientNorms(trainable);
        }
        sgd.step(trainable, LEARNING_RATE);
        model.parameters().releaseGradients(); // as the trainer does: the next forward pass runs without them
        StageTimes.mark("optimizer");
        return total;
    }

    /** The global gradient L2 norm and the three largest per-parameter norms, to see where a divergence starts. */
    private static void printGradientNorms(Map<String, NDArray> trainable) {
        Map<String, Double> norms = new HashMap<>();
        for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
            if (e.getValue().hasGradient()) {
                try (NDScope ignored = new NDScope()) {
                    norms.put(e.getKey(), Math.sqrt(e.getValue().getGradient().square().sum().getFloat()));
                }
            }
        }
        double total = Math.sqrt(norms.values().stream().mapToDouble(v -> v * v).sum());
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  gradient norm %.4g; largest:", total));
        norms.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(3)
                .forEach(e -> line.append(String.format(Locale.ROOT, " %s %.4g", e.getKey(), e.getValue())));
        System.out.println(line);
    }

    private static double rss() {
        Double mib = ResidentMemory.mebibytes();
        return mib == null ? Double.NaN : mib;
    }

    private static Map<String, String> flags(String[] args) {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + Arrays.toString(args));
            }
            flags.put(args[i].substring(2), args[++i]);
        }
        return flags;
    }
}
