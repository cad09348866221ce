package io.automlseg.driver.config;

import static io.automlseg.driver.config.ConfigTexts.HEAD;
import static io.automlseg.driver.config.ConfigTexts.parse;
import static io.automlseg.driver.config.ConfigTexts.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.sweep.BanditPolicy;
import io.automlseg.driver.sweep.Distribution;
import io.automlseg.driver.sweep.GridSampler;
import io.automlseg.driver.sweep.NoTermination;
import io.automlseg.driver.sweep.RandomSampler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reference job read as written: data, training parameters, defaults, search-space expressions, and every
 * problem reported at once.
 */
class SweepConfigTest {

    private static final String REFERENCE_JOB = """
            $schema: https://azuremlschemas.azureedge.net/latest/autoMLJob.schema.json
            type: automl
            experiment_name: dpv2-cli-automl-image-instance-segmentation-experiment
            description: An Image Instance segmentation job using fridge items dataset
            compute: azureml:gpu-cluster
            task: image_instance_segmentation
            log_verbosity: debug
            primary_metric: mean_average_precision
            target_column_name: label
            training_data:
              path: data/training-mltable-folder
              type: mltable
            validation_data:
              path: /abs/validation-mltable-folder
              type: mltable
            limits:
              timeout_minutes: 60
              max_trials: 10
              max_concurrent_trials: 2
            training_parameters:
              early_stopping: True
              evaluation_frequency: 1
            sweep:
              sampling_algorithm: random
              early_termination:
                type: bandit
                evaluation_interval: 2
                slack_factor: 0.2
                delay_evaluation: 6
            search_space:
              - model_name:
                  type: choice
                  values: [maskrcnn_resnet50_fpn]
                learning_rate:
                  type: uniform
                  min_value: 0.0001
                  max_value: 0.001
                optimizer:
                  type: choice
                  values: [sgd, adam, adamw]
                min_size:
                  type: choice
                  values: [600, 800]
            outputs:
              best_model:
                type: mlflow_model
            """;

    @Test
    void readsTheReferenceProductsJob() throws Exception {
        SweepConfig c = parse(REFERENCE_JOB);
        assertEquals(SweepConfig.TASK, c.task());
        assertEquals("debug", c.logVerbosity());
        assertEquals("label", c.targetColumnName());
        assertEquals("file:/data/jobs/data/training-mltable-folder", c.trainingData().path());
        assertEquals("/abs/validation-mltable-folder", c.validationData().path());
        assertEquals(0.2, c.validationDataSize());
        assertEquals(new SweepConfig.Limits(10, 2, 60, null, null), c.limits());
        assertEquals(Map.of("early_stopping", true, "evaluation_frequency", 1), c.trainingParameters());
        assertInstanceOf(RandomSampler.class, c.sampler());
        assertInstanceOf(BanditPolicy.class, c.terminationPolicy());
        assertEquals(Map.of("type", "mlflow_model"), c.outputs().get("best_model"));
        Map<String, Distribution> sub = c.searchSpace().subspaces().get(0);
        assertEquals(Distribution.of(Distribution.Kind.UNIFORM, 0.0001, 0.001), sub.get("learning_rate"));
        assertEquals(List.of(600, 800), sub.get("min_size").choices());
    }

    @Test
    void aMinSizeAboveMaxSizeIsAcceptedFixedOrSearchedAsTorchvisionAcceptsIt() throws Exception {
        String job = """
                task: image_instance_segmentation
                target_column_name: label
                training_data: ./train
                """;
        SweepConfig fixed = parse(job + "training_parameters: {min_size: 900, max_size: 800}\n");
        assertEquals(900, fixed.resolve(Map.of()).get("min_size"));
        assertEquals(800, fixed.resolve(Map.of()).get("max_size"));
        SweepConfig searched = parse(job + """
                training_parameters: {max_size: 800}
                sweep: {sampling_algorithm: random}
                search_space:
                  - min_size: "choice(600, 1000)"
                """);
        assertEquals(List.of(600, 1000), searched.searchSpace().subspaces().get(0).get("min_size").choices());
    }

    @Test
    void defaultsFollowTheReference() throws Exception {
        SweepConfig c = parse("""
                task: image_instance_segmentation
                target_column_name: label
                training_data: ./train
                """);
        assertEquals("file:/data/jobs/train", c.trainingData().path());
        assertNull(c.validationData());
        assertEquals(new SweepConfig.Limits(1, 1, null, null, null), c.limits());
        assertInstanceOf(NoTermination.class, c.terminationPolicy());
        assertEquals(SweepConfig.PRIMARY_METRIC, c.primaryMetric());
        Map<String, Object> resolved = c.resolve(Map.of());
        assertEquals("maskrcnn_resnet50_fpn", resolved.get("model_name"));
        assertEquals(15, resolved.get("number_of_epochs"));
        assertEquals(2, resolved.get("training_batch_size"));
        assertEquals(1, resolved.get("validation_batch_size"));
        assertEquals(0.005, resolved.get("learning_rate"));
        assertEquals(600, resolved.get("min_size"));
        assertEquals(1333, resolved.get("max_size"));
        assertEquals(0.3, resolved.get("box_score_threshold"));
        assertEquals(0.5, resolved.get("nms_iou_threshold"));
        assertEquals(100, resolved.get("box_detections_per_image"));
        assertEquals(47L, c.seed());
    }

    @Test
    void everyDistributionInBothForms() throws Exception {
        SweepConfig c = parse("""
                task: image_instance_segmentation
                target_column_name: label
                training_data: train
                sweep: {sampling_algorithm: random}
                search_space:
                  - optimizer: "choice('sgd','adam')"
                    model_name: {type: choice, values: [maskrcnn_resnet18_fpn, maskrcnn_resnet34_fpn]}
                    early_stopping_patience: "randint(10)"
                    layers_to_freeze: {type: randint, upper: 4}
                    learning_rate: "uniform(0.0001, 0.001)"
                    momentum: {type: uniform, min_value: 0.8, max_value: 0.95}
                    weight_decay: "loguniform(-9.2, -4.6)"
                    beta1: {type: loguniform, min_value: -0.2, max_value: -0.01}
                    warmup_cosine_lr_cycles: "normal(0.45, 0.1)"
                    step_lr_gamma: {type: normal, mu: 0.5, sigma: 0.1}
                    beta2: "lognormal(-0.001, 0.0005)"
                    box_score_threshold: {type: lognormal, mu: -1.2, sigma: 0.2}
                    min_size: "quniform(400, 800, 32)"
                    max_size: {type: quniform, min_value: 1000, max_value: 1400, q: 100}
                  - nms_iou_threshold: "qloguniform(-1.5, -0.2, 0.05)"
                    validation_iou_threshold: {type: qloguniform, min_value: -1.5, max_value: -0.2, q: 0.05}
                    box_detections_per_image: "qnormal(100, 10, 5)"
                    max_number_of_polygon_points: {type: qnormal, mu: 100, sigma: 5, q: 10}
                    step_lr_step_size: "qlognormal(1.5, 0.2, 1)"
                    warmup_cosine_lr_warmup_epochs: {type: qlognormal, mu: 0.7, sigma: 0.1, q: 1}
                    validation_batch_size: "choice([1, 2])"
                """);
        List<Map<String, Distribution>> subs = c.searchSpace().subspaces();
        Map<String, Distribution.Kind> expected = Map.ofEntries(
                Map.entry("optimizer", Distribution.Kind.CHOICE), Map.entry("model_name", Distribution.Kind.CHOICE),
                Map.entry("early_stopping_patience", Distribution.Kind.RANDINT),
                Map.entry("layers_to_freeze", Distribution.Kind.RANDINT),
                Map.entry("learning_rate", Distribution.Kind.UNIFORM), Map.entry("momentum", Distribution.Kind.UNIFORM),
                Map.entry("weight_decay", Distribution.Kind.LOGUNIFORM), Map.entry("beta1", Distribution.Kind.LOGUNIFORM),
                Map.entry("warmup_cosine_lr_cycles", Distribution.Kind.NORMAL),
                Map.entry("step_lr_gamma", Distribution.Kind.NORMAL), Map.entry("beta2", Distribution.Kind.LOGNORMAL),
                Map.entry("box_score_threshold", Distribution.Kind.LOGNORMAL),
                Map.entry("min_size", Distribution.Kind.QUNIFORM), Map.entry("max_size", Distribution.Kind.QUNIFORM),
                Map.entry("nms_iou_threshold", Distribution.Kind.QLOGUNIFORM),
                Map.entry("validation_iou_threshold", Distribution.Kind.QLOGUNIFORM),
                Map.entry("box_detections_per_image", Distribution.Kind.QNORMAL),
                Map.entry("max_number_of_polygon_points", Distribution.Kind.QNORMAL),
                Map.entry("step_lr_step_size", Distribution.Kind.QLOGNORMAL),
                Map.entry("warmup_cosine_lr_warmup_epochs", Distribution.Kind.QLOGNORMAL),
                Map.entry("validation_batch_size", Distribution.Kind.CHOICE));
        for (Map.Entry<String, Distribution.Kind> e : expected.entrySet()) {
            Distribution d = subs.get(0).containsKey(e.getKey()) ? subs.get(0).get(e.getKey())
                    : subs.get(1).get(e.getKey());
            assertEquals(e.getValue(), d.kind(), e.getKey());
        }
        // The two forms of one expression are the same distribution.
        assertEquals(subs.get(0).get("min_size").kind(), subs.get(0).get("max_size").kind());
        assertEquals(Distribution.parse("qloguniform(-1.5, -0.2, 0.05)"), subs.get(1).get("validation_iou_threshold"));
        assertEquals(List.of("sgd", "adam"), subs.get(0).get("optimizer").choices());
        assertEquals(List.of(1, 2), subs.get(1).get("validation_batch_size").choices());
    }

    @Test
    void anExpressionThatCanLeaveTheRangeIsRefused() {
        ConfigException zero = failure("""
                task: image_instance_segmentation
                target_column_name: label
                training_data: train
                sweep: {sampling_algorithm: random}
                search_space: [{number_of_epochs: "randint(10)"}]
                """);
        assertTrue(zero.getMessage().contains("randint(10) can produce values outside number_of_epochs's range > 0"),
                zero.getMessage());
    }

    @Test
    void sampledIntegersComeOutAsIntegersWithinRange() throws Exception {
        SweepConfig c = parse(HEAD + """
                sweep: {sampling_algorithm: random}
                search_space:
                  - min_size: "quniform(400, 800, 32)"
                    box_detections_per_image: "qnormal(100, 10, 5)"
                """);
        Map<String, Object> trial = c.resolve(Map.of("min_size", 416.0, "box_detections_per_image", -3.0));
        assertEquals(416, trial.get("min_size"));
        assertEquals(1, trial.get("box_detections_per_image"));
    }

    @Test
    void reportsEveryProblemAtOnceWithPathAndLine() {
        ConfigException e = failure("""
                type: automl
                task: image_object_detection
                target_column_name: label
                training_data: {type: uri_folder, path: train}
                primary_metric: accuracy
                limits:
                  max_trails: 4
                  max_concurrent_trials: 0
                training_parameters:
                  learning_rate: 2.5
                  number_of_epoch: 3
                  optimizer: sgdd
                  tile_grid_size: 3
                sweep:
                  sampling_algorithm: grid
                  early_termination: {type: bandit, evaluation_interval: 2}
                search_space:
                  - learning_rate: "uniform(0.1, 2)"
                    model_name: "choice('maskrcnn_resnet50_fpn', 'yolov5')"
                    momentum: "gaussian(0, 1)"
                    optimizer: {type: uniform, min_value: 0, max_value: 1}
                validaton_data_size: 0.3
                """);
        List<String> expected = List.of(
                "line 2: task: only image_instance_segmentation is supported",
                "line 4: training_data.type: must be mltable",
                "line 5: primary_metric: only mean_average_precision",
                "line 7: limits.max_trails: unknown key (did you mean max_trials?)",
                "line 8: limits.max_concurrent_trials: must be an integer in [1, 100], got 0",
                "line 10: training_parameters.learning_rate: must be [0, 1], got 2.5",
                "line 11: training_parameters.number_of_epoch: unknown hyperparameter (did you mean number_of_epochs?)",
                "line 12: training_parameters.optimizer: must be one of sgd, adam, adamw, got \"sgdd\" (did you mean sgd?)",
                "line 13: training_parameters.tile_grid_size: not accepted: small-object tiling is not supported",
                "line 16: sweep.early_termination: bandit needs exactly one of slack_factor and slack_amount",
                "line 18: search_space[0].learning_rate: uniform(0.1, 2) can produce values outside learning_rate's range",
                "line 18: search_space[0].learning_rate: grid sampling takes only choice expressions, not uniform",
                "line 19: search_space[0].model_name: choice value \"yolov5\" must be one of maskrcnn_resnet18_fpn",
                "line 20: search_space[0].momentum: unknown distribution \"gaussian\"",
                "line 21: search_space[0].optimizer: optimizer takes one of sgd, adam, adamw; use choice(...) for it",
                "line 21: search_space[0].optimizer: grid sampling takes only choice expressions, not uniform",
                "line 22: validaton_data_size: unknown key (did you mean validation_data_size?)");
        for (String want : expected) {
            assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(want)),
                    "missing problem: " + want + "\nall:\n" + e.getMessage());
        }
        assertEquals(expected.size(), e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().startsWith("Invalid sweep configuration job.yaml (17 problems):"), e.getMessage());
    }

    @Test
    void gridNeedsChoices() {
        ConfigException grid = failure("""
                task: image_instance_segmentation
                target_column_name: label
                training_data: train
                sweep: {sampling_algorithm: grid}
                search_space: [{learning_rate: "uniform(0.001, 0.01)"}]
                """);
        assertTrue(grid.getMessage().contains("line 5: search_space[0].learning_rate: grid sampling takes only choice "
                + "expressions, not uniform"), grid.getMessage());
    }

    @Test
    void aGridOverAUniformWhoseRangeIsAlsoWrongReportsBothAtTheEntrysLine() {
        ConfigException grid = failure("""
                task: image_instance_segmentation
                target_column_name: label
                training_data: train
                sweep: {sampling_algorithm: grid}
                search_space:
                  - model_name: {type: choice, values: [maskrcnn_resnet18_fpn]}
                    learning_rate: "uniform(0.5, 2)"
                """);
        assertEquals(2, grid.problems().size(), grid.getMessage());
        assertTrue(grid.getMessage().contains("line 7: search_space[0].learning_rate: uniform(0.5, 2) can produce "
                + "values outside"), grid.getMessage());
        assertTrue(grid.getMessage().contains("line 7: search_space[0].learning_rate: grid sampling takes only "
                + "choice expressions"), grid.getMessage());
    }

    @Test
    void aSearchSpaceNeedsASamplingAlgorithm() {
        ConfigException none = failure("""
                task: image_instance_segmentation
                target_column_name: label
                training_data: train
                search_space: [{learning_rate: "uniform(0.001, 0.01)"}]
                """);
        assertTrue(none.getMessage().contains("sweep.sampling_algorithm: required when search_space is given"),
                none.getMessage());
    }

    @Test
    void taskAndTargetColumnAreRequired() {
        ConfigException missing = failure("""
                training_data: train
                """);
        assertEquals(2, missing.problems().size(), missing.getMessage());
        assertTrue(missing.getMessage().contains("task: required"), missing.getMessage());
        assertTrue(missing.getMessage().contains("target_column_name: required"), missing.getMessage());
    }

    @Test
    void gridConfigGivesAGridSampler() throws Exception {
        SweepConfig c = parse("""
                task: image_instance_segmentation
                target_column_name: label
                training_data: train
                sweep: {sampling_algorithm: grid}
                search_space:
                  - {model_name: maskrcnn_resnet18_fpn, learning_rate: "choice(0.001, 0.005)"}
                """);
        GridSampler g = assertInstanceOf(GridSampler.class, c.sampler());
        assertEquals(2, g.size());
    }
}
