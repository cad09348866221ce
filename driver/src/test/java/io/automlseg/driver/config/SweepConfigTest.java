package io.automlseg.driver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.sweep.BanditPolicy;
import io.automlseg.driver.sweep.BayesianSampler;
import io.automlseg.driver.sweep.SearchSpace;
import io.automlseg.driver.sweep.Distribution;
import io.automlseg.driver.sweep.GridSampler;
import io.automlseg.driver.sweep.NoTermination;
import io.automlseg.driver.sweep.RandomSampler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepConfigTest {

    private static SweepConfig parse(String yaml) throws ConfigException {
        return SweepConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "job.yaml", "file:/data/jobs");
    }

    private static ConfigException failure(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml));
    }

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

    @Test
    void malformedYamlAndDuplicateKeysNameTheLine() {
        ConfigException bad = failure("task: image_instance_segmentation\nlimits: [1, 2\n");
        assertTrue(bad.getMessage().startsWith("Invalid sweep configuration job.yaml: line "), bad.getMessage());
        ConfigException dup = failure("task: a\ntask: b\n");
        assertTrue(dup.getMessage().contains("line 2") && dup.getMessage().contains("task"), dup.getMessage());
    }

    @Test
    void anAliasMeansWhatItsAnchorHolds() throws Exception {
        SweepConfig c = parse("""
                task: image_instance_segmentation
                target_column_name: label
                training_data: &train {type: mltable, path: /data/pantry}
                validation_data: *train
                training_parameters: &params {model_name: maskrcnn_resnet18_fpn, number_of_epochs: 3}
                limits: {max_trials: 2}
                """);
        assertEquals("/data/pantry", c.validationData().path(), "the alias is the training data's mapping");
        assertEquals(c.trainingData(), c.validationData());
        assertEquals(3, c.trainingParameters().get("number_of_epochs"));
        ConfigException dup = failure("task: a\nx: &a {k: 1}\ny: *a\ntask: b\n");
        assertTrue(dup.getMessage().contains("line 4") && dup.getMessage().contains("task"), dup.getMessage());
    }

    @Test
    void anAliasBombIsRefusedBeforeItExpands() {
        StringBuilder bomb = new StringBuilder("task: image_instance_segmentation\na: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char prev = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append(", *").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append(", *").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append("]\n");
        }
        // 9^10 elements if it expanded: the alias limit refuses it first
        ConfigException bad = failure(bomb.toString());
        assertTrue(bad.getMessage().contains("aliases"), bad.getMessage());
        ConfigException huge = failure("task: " + "x".repeat(JobYaml.MAX_CHARACTERS) + "\n");
        assertTrue(huge.getMessage().contains("at most " + JobYaml.MAX_CHARACTERS), huge.getMessage());
    }

    @Test
    void loadsFromAFileResolvingPathsAgainstItsFolder(@TempDir Path dir) throws Exception {
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, "task: image_instance_segmentation\ntarget_column_name: label\n"
                + "training_data: {type: mltable, path: ./train-mltable}\n");
        SweepConfig c = SweepConfig.load(job.toString());
        assertEquals("file:" + dir.resolve("train-mltable"), c.trainingData().path());
        ConfigException missing = assertThrows(ConfigException.class,
                () -> SweepConfig.load(dir.resolve("nope.yaml").toString()));
        assertTrue(missing.getMessage().contains("nope.yaml"), missing.getMessage());
    }

    private static final String HEAD = """
            task: image_instance_segmentation
            target_column_name: label
            training_data: train
            """;

    @Test
    void bayesianSamplingTakesChoiceUniformAndQuniformAcrossSubspaces() throws Exception {
        SweepConfig c = parse(HEAD + """
                limits: {max_trials: 40, max_concurrent_trials: 4}
                sweep: {sampling_algorithm: Bayesian}
                search_space:
                  - model_name: "choice('maskrcnn_resnet18_fpn')"
                    learning_rate: {type: uniform, min_value: 0.001, max_value: 0.005}
                    min_size: "quniform(256, 512, 64)"
                  - model_name: "choice('maskrcnn_resnet50_fpn')"
                    learning_rate: "uniform(0.001, 0.003)"
                """);
        assertEquals("bayesian", c.sweep().samplingAlgorithm());
        BayesianSampler sampler = assertInstanceOf(BayesianSampler.class, c.sampler());
        assertEquals(BayesianSampler.defaultStartupTrials(40), sampler.startupTrials());
        assertFalse(c.searchSpace().isAutomatic());
    }

    @Test
    void bayesianRestrictionsOfTheReferenceAreReportedTogether() {
        ConfigException e = failure(HEAD + """
                limits: {max_trials: 20}
                sweep:
                  sampling_algorithm: bayesian
                  early_termination: {type: median_stopping, evaluation_interval: 1}
                search_space:
                  - learning_rate: "loguniform(-9, -5)"
                    momentum: {type: normal, mu: 0.9, sigma: 0.01}
                    min_size: "choice(256, 384)"
                    number_of_epochs: "randint(8)"
                """);
        List<String> expected = List.of(
                "line 7: sweep.early_termination: bayesian sampling does not support early termination",
                "line 9: search_space[0].learning_rate: bayesian sampling takes only choice, uniform and quniform, "
                        + "not loguniform",
                "line 10: search_space[0].momentum: bayesian sampling takes only choice, uniform and quniform, "
                        + "not normal",
                "line 12: search_space[0].number_of_epochs: randint(8) can produce values outside",
                "line 12: search_space[0].number_of_epochs: bayesian sampling takes only choice, uniform and "
                        + "quniform, not randint");
        for (String want : expected) {
            assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(want)),
                    "missing problem: " + want + "\nall:\n" + e.getMessage());
        }
        assertEquals(expected.size(), e.problems().size(), e.getMessage());
    }

    @Test
    void samplingAlgorithmAndPolicyValuesAreChecked() {
        ConfigException e = failure(HEAD + """
                sweep:
                  sampling_algorithm: baysian
                  early_termination: {type: truncation_selection, truncation_percentage: 120,
                                      exclude_finished_jobs: maybe, evaluation_intervall: 2}
                search_space: [{learning_rate: "uniform(0.001, 0.01)"}]
                """);
        List<String> expected = List.of(
                "line 5: sweep.sampling_algorithm: must be random, grid or bayesian, got \"baysian\" "
                        + "(did you mean bayesian?)",
                "line 6: sweep.early_termination.truncation_percentage: must be an integer in [1, 99], got 120",
                "line 7: sweep.early_termination.exclude_finished_jobs: must be true or false",
                "line 7: sweep.early_termination.evaluation_intervall: unknown key "
                        + "(did you mean evaluation_interval?)");
        for (String want : expected) {
            assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(want)),
                    "missing problem: " + want + "\nall:\n" + e.getMessage());
        }
        assertEquals(expected.size(), e.problems().size(), e.getMessage());
    }

    @Test
    void limitsAndTheValidationShareAreRead() throws Exception {
        SweepConfig c = parse(HEAD + """
                validation_data_size: 0.25
                limits: {max_trials: 6, max_concurrent_trials: 3, timeout_minutes: 90, trial_timeout_minutes: 20,
                         max_failed_trials: 2}
                """);
        assertEquals(new SweepConfig.Limits(6, 3, 90, 20, 2), c.limits());
        assertEquals(0.25, c.validationDataSize());
    }

    @Test
    void aTargetColumnWithoutValueIsRequired() {
        ConfigException nullTarget = failure("""
                task: image_instance_segmentation
                target_column_name:
                training_data: train
                """);
        assertTrue(nullTarget.getMessage().contains("line 2: target_column_name: required"), nullTarget.getMessage());
    }

    @Test
    void limitsAndTheValidationShareOutOfRangeAreEachReportedWithTheirLine() {
        ConfigException ranges = failure(HEAD + """
                validation_data_size: 1.5
                limits: {max_trials: 1001, timeout_minutes: 0, trial_timeout_minutes: -1, max_failed_trials: "2"}
                """);
        List<String> expected = List.of(
                "line 4: validation_data_size: must be a number in (0, 1), got 1.5",
                "line 5: limits.max_trials: must be an integer in [1, 1000], got 1001",
                "line 5: limits.timeout_minutes: must be an integer in [1, ...], got 0",
                "line 5: limits.trial_timeout_minutes: must be an integer in [1, ...], got -1",
                "line 5: limits.max_failed_trials: must be an integer in [0, ...], got \"2\"");
        for (String want : expected) {
            assertTrue(ranges.problems().stream().anyMatch(p -> p.startsWith(want)),
                    "missing problem: " + want + "\nall:\n" + ranges.getMessage());
        }
        assertEquals(expected.size(), ranges.problems().size(), ranges.getMessage());
    }

    @Test
    void automaticModeSweepsTheDefaultSpaceWithBayesianSampling() throws Exception {
        SweepConfig c = parse(HEAD + "limits: {max_trials: 12, max_concurrent_trials: 2}\n");
        SearchSpace space = c.searchSpace();
        assertTrue(space.isAutomatic());
        assertEquals("bayesian", c.sweep().samplingAlgorithm());
        assertInstanceOf(BayesianSampler.class, c.sampler());
        assertEquals(2, space.subspaces().size());
        for (Map<String, Distribution> s : space.subspaces()) {
            assertEquals(Set.of("model_name", "optimizer", "learning_rate", "min_size"), s.keySet());
            assertEquals(AutomaticSearchSpace.MODELS, s.get("model_name").choices());
            double[] lr = s.get("learning_rate").bounds();
            // Every trial of the default space must be a valid one.
            for (Object v : AutomaticSearchSpace.MODELS) {
                assertEquals(v, Hyperparameters.validate("model_name", v));
            }
            assertTrue(lr[0] > 0 && lr[1] <= 0.005, "from-scratch-stable learning rate: " + s);
        }
        assertEquals(List.of("sgd"), space.subspaces().get(0).get("optimizer").choices());
        assertEquals(List.of("adamw"), space.subspaces().get(1).get("optimizer").choices());
        // Proposals resolve to valid trial parameters.
        Map<String, Object> p = c.sampler().propose(new io.automlseg.driver.sweep.SweepState("m")).orElseThrow();
        Map<String, Object> resolved = c.resolve(p);
        assertTrue(AutomaticSearchSpace.MIN_SIZES.contains(resolved.get("min_size")), resolved.toString());
    }

    @Test
    void automaticModeKeepsWhatTheJobFixes() throws Exception {
        SweepConfig fixed = parse(HEAD + """
                limits: {max_trials: 8}
                training_parameters: {model_name: maskrcnn_resnet18_fpn, optimizer: adam, max_size: 160}
                sweep: {sampling_algorithm: random}
                """);
        assertInstanceOf(RandomSampler.class, fixed.sampler());
        assertEquals(List.of(Map.of("learning_rate", Distribution.of(Distribution.Kind.UNIFORM, 0.0001, 0.0005))),
                fixed.searchSpace().subspaces());
    }

    @Test
    void automaticModeSamplesAtRandomUnderAnEarlyTerminationPolicy() throws Exception {
        // Early termination rules Bayesian sampling out, so automatic mode samples at random.
        SweepConfig policy = parse(HEAD + """
                limits: {max_trials: 8}
                sweep: {early_termination: {type: bandit, slack_factor: 0.2}}
                """);
        assertInstanceOf(RandomSampler.class, policy.sampler());
        assertTrue(policy.searchSpace().isAutomatic());
    }

    @Test
    void oneTrialOrASearchSpaceOfOnesOwnIsNotAutomatic() throws Exception {
        assertTrue(parse(HEAD).searchSpace().isEmpty());
        assertFalse(parse(HEAD + """
                limits: {max_trials: 8}
                sweep: {sampling_algorithm: random}
                search_space: [{learning_rate: "uniform(0.001, 0.002)"}]
                """).searchSpace().isAutomatic());
    }

    @Test
    void gridIsRefusedForTheAutomaticSpace() {
        ConfigException grid = failure(HEAD + """
                limits: {max_trials: 8}
                sweep: {sampling_algorithm: grid}
                """);
        assertTrue(grid.getMessage().contains("grid sampling needs a search_space of choice parameters"),
                grid.getMessage());
        assertEquals(1, grid.problems().size(), grid.getMessage());
    }

    @Test
    void aSearchSpaceOfWrongEntriesIsReportedNotReplaced() {
        // A search space whose every entry is wrong is reported as such, not replaced by the default space.
        ConfigException wrong = failure(HEAD + """
                limits: {max_trials: 8}
                sweep: {sampling_algorithm: grid}
                search_space: [{learning_rat: "choice(0.001, 0.002)"}]
                """);
        assertEquals(1, wrong.problems().size(), wrong.getMessage());
        assertTrue(wrong.problems().get(0).contains("learning_rat: unknown hyperparameter (did you mean learning_rate?)"),
                wrong.getMessage());
    }

    @Test
    void anEmptySearchSpaceIsAutomatic() throws Exception {
        assertTrue(parse(HEAD + "limits: {max_trials: 3}\nsearch_space: []\n").searchSpace().isAutomatic());
    }

    @Test
    void theShippedConfigurationsAreValid() throws Exception {
        for (String file : List.of("../conf/quickstart.yaml", "../conf/sweep-full.yaml",
                "../scripts/bench/learning-r18.yaml")) {
            Path path = Paths.get(file).toAbsolutePath().normalize();
            assertTrue(Files.exists(path), path.toString());
            SweepConfig c = SweepConfig.load(path.toString());
            assertEquals(SweepConfig.TASK, c.task(), file);
        }
    }
}
