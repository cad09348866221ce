package io.automlseg.driver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HyperparametersTest {

    @Test
    void everyHonouredNameIsKnownWithItsReferenceDefault() {
        for (String name : Hyperparameters.HONOURED) {
            assertTrue(Hyperparameters.names().contains(name), name);
        }
        assertEquals("maskrcnn_resnet50_fpn", Hyperparameters.defaults().get("model_name"));
        assertEquals(0.45, Hyperparameters.defaults().get("warmup_cosine_lr_cycles"));
        assertEquals("voc", Hyperparameters.defaults().get("validation_metric_type"));
    }

    @Test
    void convertsAndChecksTypesAndRanges() {
        assertEquals(3, Hyperparameters.validate("number_of_epochs", 3.0));
        assertEquals(1.0, Hyperparameters.validate("learning_rate", 1));
        assertEquals(true, Hyperparameters.validate("nesterov", "True"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Hyperparameters.validate("number_of_epochs", 0)).getMessage().contains("> 0"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Hyperparameters.validate("training_batch_size", 2.5)).getMessage().contains("integer"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Hyperparameters.validate("validation_iou_threshold", 0.05)).getMessage().contains("[0.1, 1]"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Hyperparameters.validate("amsgrad", true)).getMessage().contains("use ams_gradient"));
    }

    @Test
    void advancedSettingsAreCheckedAndHandedOnAsParameters() throws Exception {
        SweepConfig c = SweepConfig.parse(("task: image_instance_segmentation\ntarget_column_name: label\n"
                + "training_data: t\ntraining_parameters:\n"
                + "  advanced_settings: '{\"apply_automl_train_augmentations\": false}'\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), "job.yaml", "file:/x");
        assertEquals(false, c.resolve(java.util.Map.of()).get("apply_automl_train_augmentations"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Hyperparameters.validate("advanced_settings",
                "{\"apply_automl_train_augmentation\": false}")).getMessage()
                .contains("did you mean apply_automl_train_augmentations?"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Hyperparameters.validate("advanced_settings", "not json")).getMessage().contains("JSON object"));
    }

    @Test
    void samplesAreRoundedAndClamped() {
        assertEquals(2, Hyperparameters.fromSample("training_batch_size", 1.6));
        assertEquals(1, Hyperparameters.fromSample("training_batch_size", -4.0));
        assertEquals(1.0, Hyperparameters.fromSample("learning_rate", 1.7));
        assertEquals("adam", Hyperparameters.fromSample("optimizer", "adam"));
    }
}
