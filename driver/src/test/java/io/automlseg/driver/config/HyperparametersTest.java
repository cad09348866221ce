package io.automlseg.driver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HyperparametersTest {

    private static String refusal(String name, Object value) {
        return assertThrows(IllegalArgumentException.class, () -> Hyperparameters.validate(name, value)).getMessage();
    }

    @Test
    void whatTheTrialActsOnIsKnown() {
        for (String name : List.of("model_name", "number_of_epochs", "training_batch_size", "validation_batch_size",
                "learning_rate", "min_size", "max_size", "random_seed", "layers_to_freeze", "checkpoint_frequency",
                "checkpoint_model", "checkpoint_path", "checkpoint_run_id", "weights_path", "pretrained_weights",
                "apply_automl_train_augmentations", "number_of_workers", "log_validation_loss",
                "log_training_metrics", "mask_pixel_score_threshold", "max_number_of_polygon_points",
                "export_as_image", "image_type")) {
            assertTrue(Hyperparameters.HONOURED.contains(name), name);
        }
        for (String name : Hyperparameters.HONOURED) {
            assertTrue(Hyperparameters.names().contains(name), name);
        }
    }

    @Test
    void whatTheTrialDoesNotActOnIsNotHonoured() {
        for (String name : List.of("distributed", "enable_onnx_normalization")) {
            assertTrue(Hyperparameters.names().contains(name) && !Hyperparameters.HONOURED.contains(name), name);
        }
    }

    @Test
    void defaultsAreTheReferences() {
        assertEquals("maskrcnn_resnet50_fpn", Hyperparameters.defaults().get("model_name"));
        assertEquals(0.45, Hyperparameters.defaults().get("warmup_cosine_lr_cycles"));
        assertEquals("voc", Hyperparameters.defaults().get("validation_metric_type"));
    }

    @Test
    void convertsNumbersToTheParametersType() {
        assertEquals(3, Hyperparameters.validate("number_of_epochs", 3.0));
        assertEquals(1.0, Hyperparameters.validate("learning_rate", 1));
        assertEquals(true, Hyperparameters.validate("nesterov", "True"));
    }

    @Test
    void aChoiceIsTakenInAnyCaseAndKeptInTheTablesSpelling() {
        assertEquals("jpg", Hyperparameters.validate("image_type", "JPG"), "the reference's own default spelling");
        assertEquals("Enable", Hyperparameters.validate("log_validation_loss", "enable"));
        assertTrue(refusal("image_type", "gif").contains("jpg, png, bmp"));
    }

    @Test
    void aValueOutOfRangeNamesTheRange() {
        assertTrue(refusal("number_of_epochs", 0).contains("> 0"));
        assertTrue(refusal("validation_iou_threshold", 0.05).contains("[0.1, 1]"));
    }

    @Test
    void aFractionIsNotAnInteger() {
        assertTrue(refusal("training_batch_size", 2.5).contains("integer"));
    }

    @Test
    void aV1NameNamesItsCurrentName() {
        assertTrue(refusal("amsgrad", true).contains("use ams_gradient"));
    }

    @Test
    void advancedSettingsAreHandedOnAsParameters() throws Exception {
        SweepConfig c = SweepConfig.parse(("task: image_instance_segmentation\ntarget_column_name: label\n"
                + "training_data: t\ntraining_parameters:\n"
                + "  advanced_settings: '{\"apply_automl_train_augmentations\": false}'\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), "job.yaml", "file:/x");
        assertEquals(false, c.resolve(java.util.Map.of()).get("apply_automl_train_augmentations"));
    }

    @Test
    void aMisspelledAdvancedSettingGetsASuggestion() {
        assertTrue(refusal("advanced_settings", "{\"apply_automl_train_augmentation\": false}")
                .contains("did you mean apply_automl_train_augmentations?"));
    }

    @Test
    void advancedSettingsMustBeAJsonObject() {
        assertTrue(refusal("advanced_settings", "not json").contains("JSON object"));
    }

    @Test
    void samplesAreRoundedAndClamped() {
        assertEquals(2, Hyperparameters.fromSample("training_batch_size", 1.6));
        assertEquals(1, Hyperparameters.fromSample("training_batch_size", -4.0));
        assertEquals(1.0, Hyperparameters.fromSample("learning_rate", 1.7));
        assertEquals("adam", Hyperparameters.fromSample("optimizer", "adam"));
    }
}
