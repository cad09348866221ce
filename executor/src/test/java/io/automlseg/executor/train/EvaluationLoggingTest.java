package io.automlseg.executor.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialSpec;
import io.automlseg.executor.trial.TrialStatus;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference's logging settings, acted on: {@code log_validation_loss} (on by default) puts the validation loss in
 * every evaluated epoch's report and the trial log, {@code log_training_metrics} adds the {@code _train} metrics, every
 * evaluation's per-label metrics gather in {@code per_label_metrics.json}, and the trial's inference-only settings
 * reach its saved model's {@code settings.json}.
 */
class EvaluationLoggingTest {

    private static EpochReport report(TrialSpec spec, int epoch) throws Exception {
        return Json.read(TrialFiles.resolve(spec.trialDir(), TrialFiles.epochReport(epoch)), EpochReport.class);
    }

    @Test
    void validationLossPerLabelFileAndSettingsByDefault(@TempDir Path dir) throws Exception {
        TrialSpec spec = TinyTrials.spec(dir, "t", Map.of("number_of_epochs", 2, "validation_metric_type", "voc",
                "mask_pixel_score_threshold", 0.7, "max_number_of_polygon_points", 12, "image_type", "png"));
        TinyTrials.Run run = TinyTrials.run(spec);
        assertEquals(TrialStatus.COMPLETED, run.result().status(), run.log());

        for (int epoch = 1; epoch <= 2; epoch++) {
            EpochReport r = report(spec, epoch);
            assertNotNull(r.validationLoss(), r.toString());
            assertTrue(Double.isFinite(r.validationLoss()) && r.validationLoss() > 0, r.toString());
            assertEquals(Set.copyOf(MaskRCNN.LOSS_NAMES), r.validationLosses().keySet());
            double sum = r.validationLosses().values().stream().mapToDouble(Double::doubleValue).sum();
            assertEquals(sum, r.validationLoss(), 1e-9);
            assertTrue(r.metrics().containsKey("mean_average_precision"), r.toString());
            assertTrue(r.metrics().keySet().stream().noneMatch(k -> k.endsWith("_train")), r.toString());
        }
        assertTrue(run.log().contains("validation loss "), run.log());
        String json = Storage.readString(TrialFiles.resolve(spec.trialDir(), TrialFiles.epochReport(2)));
        assertTrue(json.contains("\"validation_loss\""), json);

        PerLabelMetricsFile file = Json.read(TrialFiles.resolve(spec.trialDir(), TrialFiles.PER_LABEL_METRICS),
                PerLabelMetricsFile.class);
        assertEquals(spec.labels(), file.labels());
        assertEquals(2, file.epochs().size());
        assertEquals(1, file.epochs().get(0).epoch());
        assertEquals(report(spec, 2).perLabelMetrics(), file.epochs().get(1).perLabelMetrics());
        assertEquals(Set.copyOf(spec.labels()), file.epochs().get(1).perLabelMetrics().keySet());

        SavedModel saved = SavedModel.read(TrialFiles.resolve(spec.trialDir(), TrialFiles.MODEL_DIR));
        assertEquals(0.7, saved.doubleSetting("mask_pixel_score_threshold"));
        assertEquals(12, saved.intSetting("max_number_of_polygon_points"));
        assertEquals(false, saved.settings().get("export_as_image"));
        assertEquals("png", saved.settings().get("image_type"));
    }

    @Test
    void trainingMetricsOnlyWhenEnabled(@TempDir Path dir) throws Exception {
        TrialSpec spec = TinyTrials.spec(dir, "t", Map.of("validation_metric_type", "voc",
                "log_training_metrics", "Enable", "log_validation_loss", "Disable"));
        TinyTrials.Run run = TinyTrials.run(spec);
        assertEquals(TrialStatus.COMPLETED, run.result().status(), run.log());
        EpochReport r = report(spec, 1);
        assertTrue(r.metrics().containsKey("mean_average_precision_train"), r.toString());
        double train = r.metrics().get("mean_average_precision_train");
        assertTrue(train >= 0 && train <= 1, r.toString());
        assertNull(r.validationLoss(), r.toString());
        assertNull(r.validationLosses(), r.toString());
        assertFalse(run.log().contains("validation loss "), run.log());
        assertTrue(run.log().contains("training metrics (2 images"), run.log());
    }

    @Test
    void theValidationLossNeedsNoMetric(@TempDir Path dir) throws Exception {
        // TinyTrials' default metric is none: nothing is scored, yet the validation loss is computed.
        TrialSpec spec = TinyTrials.spec(dir, "t", Map.of("log_training_metrics", "Enable"));
        TinyTrials.Run run = TinyTrials.run(spec);
        assertEquals(TrialStatus.COMPLETED, run.result().status(), run.log());
        EpochReport r = report(spec, 1);
        assertTrue(r.metrics().isEmpty(), r.toString());
        assertNotNull(r.validationLoss(), r.toString());
        assertNull(r.perLabelMetrics());
        assertFalse(Storage.exists(TrialFiles.resolve(spec.trialDir(), TrialFiles.PER_LABEL_METRICS)));
    }
}
