package io.automlseg.driver.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.cli.AutomlCli;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.predict.ImageScorer;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.predict.ScoredImage;
import io.automlseg.executor.trial.TrialFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * All five Mask R-CNN variants train and predict through a real sweep: grid sampling over {@code model_name} runs one
 * trial per variant (child JVMs on embedded Spark), one epoch (two steps of five 64 px images, the fewest training images a sweep accepts); then every trial's model folder
 * loads and scores an image, and the best model scores through {@code automl predict}. Learning is asserted elsewhere
 * (executor trainer and model tests); this checks that every architecture goes through the whole product.
 */
class ModelFamilySweepTest {
    static final Path SAMPLE = Path.of("..").toAbsolutePath().normalize().resolve("datasets/synthetic-shapes");

    @TempDir
    Path tmp;

    @Test
    void everyVariantTrainsAndItsModelPredicts() throws Exception {
        Path train = EndToEndTest.subset(SAMPLE.resolve("train"), 10, tmp.resolve("train"));
        Path validation = EndToEndTest.subset(SAMPLE.resolve("validation"), 1, tmp.resolve("validation"));
        Path config = tmp.resolve("family.yaml");
        Files.writeString(config, """
                type: automl
                task: image_instance_segmentation
                primary_metric: mean_average_precision
                target_column_name: label
                training_data: {type: mltable, path: %s}
                validation_data: {type: mltable, path: %s}
                limits: {max_trials: 5, max_concurrent_trials: 2}
                training_parameters:
                  number_of_epochs: 1
                  training_batch_size: 5
                  validation_batch_size: 1
                  learning_rate: 0.001
                  warmup_cosine_lr_warmup_epochs: 1
                  min_size: 64
                  max_size: 64
                  box_score_threshold: 0.0
                  box_batch_size_per_image: 16
                  rpn_pre_nms_top_n_train: 64
                  rpn_post_nms_top_n_train: 32
                  rpn_pre_nms_top_n_test: 64
                  rpn_post_nms_top_n_test: 16
                  box_detections_per_image: 10
                sweep: {sampling_algorithm: grid}
                search_space:
                  - model_name:
                      type: choice
                      values: [%s]
                """.formatted(train, validation, String.join(", ", ModelConfig.MODEL_NAMES)));
        Path output = tmp.resolve("run");
        long started = System.nanoTime();
        int code = AutomlCli.execute("sweep", "--config", config.toString(), "--output", output.toString(),
                "--master", "local[2]", "--trial-memory", "1g");
        System.out.printf("five-variant sweep: %.0f s%n", (System.nanoTime() - started) / 1e9);
        assertEquals(0, code, "sweep exit code");

        JsonNode trials = Json.MAPPER.readTree(output.resolve("trials.json").toFile());
        JsonNode list = trials.isArray() ? trials : trials.get("trials");
        assertEquals(5, list.size(), list.toString());
        Set<String> variants = new HashSet<>();
        String image = validationImage(validation);
        for (JsonNode t : list) {
            String model = t.get("parameters").get("model_name").asText();
            assertTrue(variants.add(model), "grid sampling runs each variant once: " + model);
            assertEquals("completed", t.get("status").asText(), t.toString());
            assertEquals(1, t.get("epochs").size(), t.toString());
            assertTrue(t.get("epochs").get(0).get("train_loss").isNumber(), t.toString());

            String modelDir = TrialFiles.resolve(t.get("trial_dir").asText(), TrialFiles.MODEL_DIR);
            assertTrue(SavedModel.isComplete(modelDir), modelDir);
            try (ImageScorer predictor = ImageScorer.load(modelDir)) {
                assertEquals(model, predictor.savedModel().modelName());
                List<ScoredImage> scored = predictor.predict(List.of(image));
                assertEquals(1, scored.size());
                assertEquals(image, scored.get(0).filename());
                // Every box score is above the 0.0 threshold; an untrained model may find nothing.
                for (ScoredImage.Detection d : scored.get(0).boxes()) {
                    assertTrue(d.score() > 0 && d.score() <= 1, model + ": " + d);
                }
            }
        }
        assertEquals(Set.copyOf(ModelConfig.MODEL_NAMES), variants);

        JsonNode summary = Json.MAPPER.readTree(output.resolve("summary.json").toFile());
        assertNotNull(summary.get("best_trial"));
        Path bestModel = output.resolve("best_model");
        Path predictions = tmp.resolve("predictions.jsonl");
        assertEquals(0, AutomlCli.execute("predict", "--model", bestModel.toString(), "--input",
                validation.toString(), "--output", predictions.toString(), "--master", "local[1]"));
        EndToEndTest.assertScoringLines(predictions, 1,
                Json.MAPPER.readValue(bestModel.resolve("labels.json").toFile(), List.class));
    }

    private static String validationImage(Path mltable) throws IOException {
        JsonNode first = Json.MAPPER.readTree(Files.readAllLines(mltable.resolve("annotations.jsonl")).get(0));
        return first.get("image_url").asText();
    }
}
