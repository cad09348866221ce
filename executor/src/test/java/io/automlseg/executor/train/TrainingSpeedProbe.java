package io.automlseg.executor.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LabelSet;
import io.automlseg.executor.data.LoadOptions;
import io.automlseg.executor.data.MLTableReader;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.model.StageTimes;
import io.automlseg.executor.savedmodel.ModelConfigs;
import io.automlseg.executor.trial.TrainingParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Manual probe of the training step on the shipped synthetic sample: {@code -Dprobe=true -Dautomlseg.stageTimes=true}
 * prints ms per stage, images/s and the JVM's resident memory. {@code -Dprobe.size=256 -Dprobe.defaults=true} uses
 * torchvision's RoI and proposal budgets instead of the quickstart ones.
 */
@EnabledIfSystemProperty(named = "probe", matches = "true")
class TrainingSpeedProbe {
    @Test
    void stageTimes() throws Exception {
        int size = Integer.getInteger("probe.size", 128);
        int steps = Integer.getInteger("probe.steps", 30);
        int warmup = Integer.getInteger("probe.warmup", 3);
        Map<String, Object> values = new HashMap<>(Map.of("model_name", "maskrcnn_resnet18_fpn",
                "training_batch_size", 2, "learning_rate", Double.parseDouble(System.getProperty("probe.lr", "0.0045")),
                "min_size", size, "max_size", size, "norm", System.getProperty("probe.norm", "group")));
        if (!Boolean.getBoolean("probe.defaults")) {
            values.putAll(Map.of("box_batch_size_per_image", 64, "rpn_pre_nms_top_n_train", 300,
                    "rpn_post_nms_top_n_train", 200));
        }
        TrainingParameters params = new TrainingParameters(values);
        List<ImageRecord> records = MLTableReader.read(Path.of("..", "datasets", "synthetic-shapes", "train").toString(),
                LoadOptions.training()).records();
        List<String> labels = LabelSet.labels(records);
        TrialData data = new TrialData(records, List.of(), labels, true);
        ModelConfig config = ModelConfigs.fromHyperparameters(params, labels.size() + 1);
        Optimizer optimizer = Optimizer.of(params);
        Engine engine = Engine.getInstance();
        engine.setRandomSeed(1);
        Random rng = new Random(1);
        long timedNanos = 0;
        int timedImages = 0;
        try (NDManager manager = NDManager.newBaseManager(); MaskRCNN model = MaskRCNN.create(config, manager, 1)) {
            Map<String, NDArray> trainable = model.parameters().trainableParameters();
            List<Integer> order = data.shuffledTrainOrder(rng);
            for (int s = 0; s < steps; s++) {
                if (s == warmup) {
                    StageTimes.reset();
                }
                long t0 = System.nanoTime();
                int b = (2 * s) % order.size();
                TrialData.Batch batch = data.trainingBatch(order.subList(b, Math.min(order.size(), b + 2)), rng);
                long t1 = System.nanoTime();
                double total;
                StringBuilder sb = new StringBuilder();
                try (NDManager scope = manager.newSubManager(); GradientCollector gc = engine.newGradientCollector()) {
                    Map<String, NDArray> losses = model.losses(scope, batch.images(), batch.targets(), rng);
                    NDArray sum = null;
                    for (Map.Entry<String, NDArray> e : losses.entrySet()) {
                        sb.append(String.format(" %s=%.4f", e.getKey(), e.getValue().getFloat()));
                        sum = sum == null ? e.getValue() : sum.add(e.getValue());
                    }
                    total = sum.getFloat();
                    StageTimes.mark("loss read-back");
                    gc.backward(sum);
                    StageTimes.mark("backward");
                }
                StageTimes.mark("collector + step scope close");
                JniUtils.setGradMode(false);
                double lr = params.learningRate() * Math.min(1.0, (s + 1) / 30.0);
                optimizer.step(trainable, lr);
                model.parameters().releaseGradients();
                StageTimes.mark("optimizer");
                long t2 = System.nanoTime();
                if (s >= warmup) {
                    timedNanos += t2 - t0;
                    timedImages += batch.images().size();
                }
                System.out.printf("step %d data %.0f ms step %.0f ms loss %.4f%s | %s%n", s, (t1 - t0) / 1e6,
                        (t2 - t1) / 1e6, total, sb, rss());
            }
        }
        int timedSteps = steps - warmup;
        System.out.println("stage (ms per step, mean over " + timedSteps + " steps)");
        double sum = 0;
        for (Map.Entry<String, Double> e : StageTimes.millis().entrySet()) {
            System.out.printf("  %-40s %8.1f%n", e.getKey(), e.getValue() / timedSteps);
            sum += e.getValue() / timedSteps;
        }
        System.out.printf("  %-40s %8.1f%n", "sum", sum);
        System.out.printf("images/s %.2f (%.0f ms per step incl. data)%n", timedImages / (timedNanos / 1e9),
                timedNanos / 1e6 / timedSteps);
    }

    private static String rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS")) {
                return line.replaceAll("\\s+", " ");
            }
        }
        return "";
    }
}
