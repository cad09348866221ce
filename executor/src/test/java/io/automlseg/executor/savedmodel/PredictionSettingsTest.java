package io.automlseg.executor.savedmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.trial.TrainingParameters;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The prediction-only settings: a trial's values reach settings.json, defaults fill the gaps, overrides are checked. */
class PredictionSettingsTest {

    @Test
    void aTrialsValuesReachTheSavedModelsSettings() {
        Map<String, Object> hp = Map.of("mask_pixel_score_threshold", 0.35, "max_number_of_polygon_points", 20,
                "export_as_image", true, "image_type", "bmp");
        TrainingParameters params = new TrainingParameters(hp);
        ModelConfig config = ModelConfigs.fromHyperparameters(params, 3);
        Map<String, Object> settings = SavedModel.inferenceSettings(config, params);
        assertEquals(0.35, settings.get("mask_pixel_score_threshold"));
        assertEquals(20, settings.get("max_number_of_polygon_points"));
        assertEquals(true, settings.get("export_as_image"));
        assertEquals("bmp", settings.get("image_type"));
        // Without them: the table's defaults, as the reference's settings.json has.
        Map<String, Object> defaults = SavedModel.inferenceSettings(config);
        assertEquals(0.5, defaults.get("mask_pixel_score_threshold"));
        assertEquals(100, defaults.get("max_number_of_polygon_points"));
        assertEquals(false, defaults.get("export_as_image"));
        assertEquals("jpg", defaults.get("image_type"));
    }

    @Test
    void oldSettingsReadWithDefaultsAndOverridesAreChecked() {
        PredictionSettings old = PredictionSettings.of(Map.of("mask_pixel_score_threshold", 0.5,
                "max_number_of_polygon_points", 100));
        assertEquals(new PredictionSettings(0.5, 100, false, "jpg"), old);
        assertEquals(new PredictionSettings(0.8, 7, true, "png"), old.withOverrides(0.8, 7, true, "PNG"));
        assertEquals(old, old.withOverrides(null, null, null, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> old.withOverrides(1.5, null, null, null));
        assertTrue(e.getMessage().contains("mask_pixel_score_threshold must be [0, 1], not 1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> old.withOverrides(null, 0, null, null));
        assertTrue(e.getMessage().contains("max_number_of_polygon_points must be > 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> old.withOverrides(null, null, null, "gif"));
        assertTrue(e.getMessage().contains("image_type must be one of jpg, png, bmp, not 'gif'"), e.getMessage());
    }
}
