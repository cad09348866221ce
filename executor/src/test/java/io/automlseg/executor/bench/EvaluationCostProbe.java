package io.automlseg.executor.bench;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.ndarray.NDManager;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LabelSet;
import io.automlseg.executor.data.LoadOptions;
import io.automlseg.executor.data.MLTableReader;
import io.automlseg.executor.eval.Validator;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.savedmodel.ModelConfigs;
import io.automlseg.executor.trial.TrainingParameters;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code log_validation_loss} adds to an evaluation: the same validation pass timed with and without the loss on
 * one model, alternately, after a warm-up (a probe, not in the suite: run it with {@code -Dtest=EvaluationCostProbe}).
 * {@code log_training_metrics} costs one such pass (without the loss) over the training images.
 */
class EvaluationCostProbe {

    @Test
    void validationLossCost() throws Exception {
        List<ImageRecord> records = MLTableReader.read("../datasets/synthetic-shapes/validation",
                LoadOptions.validation()).records().subList(0, 8);
        List<String> labels = LabelSet.labels(records);
        for (int size : new int[] {64, 160}) {
            TrainingParameters params = new TrainingParameters(Map.of("model_name", "maskrcnn_resnet18_fpn",
                    "min_size", size, "max_size", size, "validation_metric_type", "voc",
                    "rpn_pre_nms_top_n_test", 50, "rpn_post_nms_top_n_test", 20, "box_batch_size_per_image", 32));
            try (NDManager manager = NDManager.newBaseManager();
                    MaskRCNN model = MaskRCNN.create(ModelConfigs.fromHyperparameters(params, labels.size() + 1),
                            manager, 3)) {
                model.setTraining(false);
                Validator.evaluate(model, manager, records, params, labels, true); // warm-up
                int rounds = 4;
                double[] with = new double[rounds];
                double[] without = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    // Process CPU time, not wall time: the machine is shared, and CPU time is what the loss adds.
                    long t = cpuNanos();
                    Validator.evaluate(model, manager, records, params, labels, false);
                    without[r] = (cpuNanos() - t) / 1e9;
                    t = cpuNanos();
                    assertNotNull(Validator.evaluate(model, manager, records, params, labels, true).totalLoss());
                    with[r] = (cpuNanos() - t) / 1e9;
                }
                Arrays.sort(with);
                Arrays.sort(without);
                System.out.printf("PROBE %d images at %d px: validation pass median %.3f CPU s without the loss,"
                        + " %.3f CPU s with it (+%.3f s, %.3f s per image)%n", records.size(), size, without[rounds / 2],
                        with[rounds / 2], with[rounds / 2] - without[rounds / 2],
                        (with[rounds / 2] - without[rounds / 2]) / records.size());
            }
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
