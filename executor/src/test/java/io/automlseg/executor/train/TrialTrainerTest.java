package io.automlseg.executor.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.trial.TrialStatus;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LabelSet;
import io.automlseg.executor.data.LoadOptions;
import io.automlseg.executor.data.MLTableReader;
import io.automlseg.executor.data.Manifest;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.predict.ImageScorer;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.predict.ScoredImage;
import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialResult;
import io.automlseg.executor.trial.TrialSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One small trial end to end: training, per-epoch reports, the best epoch's model, and prediction from it. */
class TrialTrainerTest {
    static final Path SAMPLE = Path.of("..", "datasets", "synthetic-shapes");

    @Test
    void trainsReportsEachEpochAndSavesAModelThatPredicts(@TempDir Path dir) throws Exception {
        List<ImageRecord> train = MLTableReader.read(SAMPLE.resolve("train").toString(), LoadOptions.training())
                .records().subList(0, 8);
        List<ImageRecord> validation = MLTableReader.read(SAMPLE.resolve("validation").toString(),
                LoadOptions.validation()).records().subList(0, 3);
        List<String> labels = LabelSet.labels(train);
        String trialDir = dir.resolve("trial-1").toString();
        Manifest.write(dir.resolve("train.jsonl").toString(), train);
        Manifest.write(dir.resolve("validation.jsonl").toString(), validation);
        Map<String, Object> params = Map.ofEntries(Map.entry("model_name", "maskrcnn_resnet18_fpn"),
                Map.entry("number_of_epochs", 4),
                Map.entry("training_batch_size", 2),
                Map.entry("validation_batch_size", 3),
                Map.entry("learning_rate", 0.003),
                Map.entry("warmup_cosine_lr_warmup_epochs", 2),
                Map.entry("min_size", 128),
                Map.entry("max_size", 128),
                Map.entry("box_score_threshold", 0.05),
                Map.entry("box_batch_size_per_image", 64),
                Map.entry("rpn_pre_nms_top_n_train", 300),
                Map.entry("rpn_post_nms_top_n_train", 200),
                Map.entry("rpn_post_nms_top_n_test", 100),
                Map.entry("log_every_iteration", true));
        TrialSpec spec = new TrialSpec("trial-1", trialDir, dir.resolve("train.jsonl").toString(),
                dir.resolve("validation.jsonl").toString(), labels, params, 2, "cpu");
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        TrialResult result = new TrialTrainer(spec, TrialData.load(spec), new PrintStream(log, true)).run();
        System.out.print(log); // the trial's own log, in the test report

        assertEquals(TrialStatus.COMPLETED, result.status(), log.toString());
        assertEquals(4, result.epochsRun());
        assertNull(result.error());
        EpochReport first = Json.read(trialDir + "/" + TrialFiles.epochReport(1), EpochReport.class);
        EpochReport last = Json.read(trialDir + "/" + TrialFiles.epochReport(4), EpochReport.class);
        assertTrue(last.trainLoss() < first.trainLoss(), "loss fell: " + first.trainLoss() + " -> " + last.trainLoss());
        assertTrue(first.metrics().containsKey("mean_average_precision"), first.metrics().toString());
        assertEquals(5, first.losses().size());
        assertTrue(first.imagesPerSecond() > 0);

        String modelDir = trialDir + "/" + TrialFiles.MODEL_DIR;
        assertTrue(SavedModel.isComplete(modelDir));
        assertTrue(result.bestEpoch() >= 1 && result.bestEpoch() <= 4);
        assertEquals(((Number) SavedModel.read(modelDir).metrics().get("epoch")).intValue(), result.bestEpoch());
        assertFalse(Files.list(dir).anyMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary folders left");

        try (ImageScorer predictor = ImageScorer.load(modelDir)) {
            List<ScoredImage> scored = predictor.predict(List.of(validation.get(0).imageUrl()));
            assertEquals(1, scored.size());
            assertEquals(validation.get(0).imageUrl(), scored.get(0).filename());
            for (ScoredImage.Detection d : scored.get(0).boxes()) {
                assertTrue(labels.contains(d.label()));
                assertTrue(d.box().topX() >= 0 && d.box().bottomX() <= 1 && d.box().topX() <= d.box().bottomX());
                assertTrue(d.score() >= 0.05 && d.score() <= 1);
            }
        }
    }
}
