package io.automlseg.driver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every hyperparameter of the reference's §4 that applies to Mask R-CNN, plus the starting-weight settings, is
 * checked before any trial: a bad value gives exactly one problem naming its field.
 */
class TrainingParametersValidationTest {
    private static final String HEAD = "task: image_instance_segmentation\ntarget_column_name: label\n"
            + "training_data: t\ntraining_parameters:\n";

    private static SweepConfig parse(String parameters, String baseDir) throws ConfigException {
        return SweepConfig.parse((HEAD + parameters).getBytes(StandardCharsets.UTF_8), "job.yaml", baseDir);
    }

    private static String onlyProblem(String parameters, String baseDir) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(parameters, baseDir), parameters);
        assertEquals(1, e.getMessage().split("\n").length - 1, e.getMessage());
        return e.getMessage().split("\n")[1];
    }

    /** One invalid value per hyperparameter of the reference's §4 (and of ours), as "name: value". */
    static Stream<String> invalidValues() {
        return Stream.of(
            "model_name: maskrcnn_resnet51_fpn", "number_of_epochs: 0", "training_batch_size: 1.5",
            "validation_batch_size: -1", "learning_rate: 1.5", "learning_rate_scheduler: cosine",
            "warmup_cosine_lr_cycles: 2", "warmup_cosine_lr_warmup_epochs: 0", "step_lr_gamma: -0.1",
            "step_lr_step_size: 0", "optimizer: rmsprop", "momentum: 1.1", "weight_decay: 2",
            "nesterov: maybe", "beta1: 1.5", "beta2: -1", "ams_gradient: 3",
            "gradient_accumulation_step: 0", "early_stopping: sometimes", "early_stopping_patience: -1",
            "early_stopping_delay: -2", "evaluation_frequency: 0", "checkpoint_frequency: 0",
            "layers_to_freeze: 6", "layers_to_freeze: -1", "number_of_workers: -1",
            "distributed: 2", "random_seed: -5", "enable_onnx_normalization: x",
            "log_training_metrics: yes", "log_validation_loss: on", "advanced_settings: '{\"x\": 1}'",
            "min_size: 0", "max_size: -3", "box_score_threshold: 1.2", "nms_iou_threshold: -0.5",
            "box_detections_per_image: 0", "validation_metric_type: map", "validation_iou_threshold: 0.01",
            "mask_pixel_score_threshold: 2", "max_number_of_polygon_points: 0", "export_as_image: 3",
            "image_type: gif", "norm: layer", "checkpoint_run_id: a/b/c",
            "tile_grid_size: '(3, 2)'", "image_size: 640");
    }

    @ParameterizedTest
    @MethodSource("invalidValues")
    void anInvalidValueGivesOneMessageNamingItsField(String setting) {
        String problem = onlyProblem("  " + setting + "\n", "file:/x");
        String name = setting.substring(0, setting.indexOf(':'));
        assertTrue(problem.contains("training_parameters." + name), problem);
    }

    @Test
    void layersToFreezeTakesZeroToFive() throws Exception {
        for (int n = 0; n <= 5; n++) {
            assertEquals(n, parse("  layers_to_freeze: " + n + "\n", "file:/x").trainingParameters().get("layers_to_freeze"));
        }
        // Its default depends on the starting weights, so the trial decides it.
        assertTrue(!Hyperparameters.defaults().containsKey("layers_to_freeze") && !Hyperparameters.defaults().containsKey("norm"));
    }

    @Test
    void aWeightFileIsResolvedAgainstTheConfigFolder(@TempDir Path dir) throws Exception {
        String base = dir.toUri().toString();
        Files.write(dir.resolve("r50.npz"), new byte[] {'P', 'K'});
        SweepConfig c = parse("  weights_path: r50.npz\n", base);
        assertEquals(dir.resolve("r50.npz").toUri().toString().replace("file:///", "file:/"),
                ((String) c.trainingParameters().get("weights_path")).replace("file:///", "file:/"));
        assertTrue(Files.exists(Path.of(java.net.URI.create((String) c.trainingParameters().get("weights_path")))));
    }

    @Test
    void aMissingWeightFileIsNamed(@TempDir Path dir) {
        String missing = onlyProblem("  weights_path: nowhere.npz\n", dir.toUri().toString());
        assertTrue(missing.contains("training_parameters.weights_path") && missing.contains("no such file"), missing);
    }

    @Test
    void aCheckpointModelMustBeComplete(@TempDir Path dir) throws Exception {
        String base = dir.toUri().toString();
        Files.createDirectories(dir.resolve("half_model"));
        String incomplete = onlyProblem("  checkpoint_model: half_model\n", base);
        assertTrue(incomplete.contains("training_parameters.checkpoint_model") && incomplete.contains("_COMPLETE"),
                incomplete);
        Files.write(dir.resolve("half_model/_COMPLETE"), new byte[0]);
        assertTrue(parse("  checkpoint_path: half_model\n", base).trainingParameters().containsKey("checkpoint_path"));
    }

    @Test
    void onlyOneStartingPointMayBeGiven(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("r50.npz"), new byte[] {'P', 'K'});
        String two = onlyProblem("  weights_path: r50.npz\n  checkpoint_run_id: run-1\n", dir.toUri().toString());
        assertTrue(two.contains("give only one of weights_path, checkpoint_run_id"), two);
    }

    @Test
    void weightSourcesCannotBeSearched() {
        ConfigException e = assertThrows(ConfigException.class, () -> SweepConfig.parse((HEAD
                + "  number_of_epochs: 1\nsweep:\n  sampling_algorithm: grid\nsearch_space:\n"
                + "  - weights_path:\n      type: choice\n      values: [a.npz, b.npz]\n")
                .getBytes(StandardCharsets.UTF_8), "job.yaml", "file:/x"));
        assertTrue(e.getMessage().contains("search_space[0].weights_path: cannot be searched")
                || e.getMessage().contains("weights_path") && e.getMessage().contains("cannot be searched"),
                e.getMessage());
        assertTrue(List.of(e.getMessage().split("\n")).size() == 2, e.getMessage());
    }
}
