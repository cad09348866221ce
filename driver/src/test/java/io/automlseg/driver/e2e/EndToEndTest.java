package io.automlseg.driver.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.automlseg.driver.cli.AutomlCli;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.predict.ScoredImage;
import io.automlseg.executor.predict.ScoringFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole product through its command line, with real trials (child JVMs training Mask R-CNN) on embedded Spark:
 * sweep, best model, predict; and the real photos through convert, sweep and predict. Tiny data and one epoch keep it
 * to a few minutes; learning itself is asserted by the executor's trainer and model tests.
 */
class EndToEndTest {
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path SAMPLE = REPO.resolve("datasets/synthetic-shapes");

    @TempDir
    Path tmp;

    /** Settings that make a from-scratch trial take seconds: small images, small RoI and proposal budgets. */
    static final String FAST_TRAINING = """
              model_name: maskrcnn_resnet18_fpn
              number_of_epochs: 1
              training_batch_size: 2
              validation_batch_size: 2
              learning_rate: 0.002
              warmup_cosine_lr_warmup_epochs: 1
              min_size: 96
              max_size: 96
              box_score_threshold: 0.01
              box_batch_size_per_image: 32
              rpn_pre_nms_top_n_train: 200
              rpn_post_nms_top_n_train: 100
              rpn_pre_nms_top_n_test: 200
              rpn_post_nms_top_n_test: 50
            """;

    @Test
    void twoTrialsTrainAtOnceInLocal2AndTheBestModelScoresImages() throws Exception {
        Path train = subset(SAMPLE.resolve("train"), 10, tmp.resolve("train"));
        Path validation = subset(SAMPLE.resolve("validation"), 4, tmp.resolve("validation"));
        Path config = tmp.resolve("job.yaml");
        Files.writeString(config, """
                type: automl
                task: image_instance_segmentation
                primary_metric: mean_average_precision
                target_column_name: label
                training_data: {type: mltable, path: %s}
                validation_data: {type: mltable, path: %s}
                limits: {max_trials: 2, max_concurrent_trials: 2}
                training_parameters:
                %s
                sweep: {sampling_algorithm: random}
                search_space:
                  - learning_rate: "uniform(0.001, 0.003)"
                """.formatted(train, validation, FAST_TRAINING));
        Path output = tmp.resolve("run");

        // The suite turns the gallery off (AUTOML_REPORT_GALLERY_IMAGES=0); here the report draws it.
        int code = AutomlCli.execute("sweep", "--config", config.toString(), "--output", output.toString(),
                "--master", "local[2]", "--trial-memory", "2g", "--report-gallery-images", "2");

        assertEquals(0, code, "sweep exit code");
        JsonNode trials = Json.MAPPER.readTree(output.resolve("trials.json").toFile());
        JsonNode list = trials.isArray() ? trials : trials.get("trials");
        assertEquals(2, list.size());
        Instant[] started = new Instant[2];
        Instant[] finished = new Instant[2];
        for (int i = 0; i < 2; i++) {
            JsonNode t = list.get(i);
            assertEquals("completed", t.get("status").asText(), t.toString());
            assertEquals(1, t.get("epochs").size(), "one epoch report per epoch");
            assertTrue(t.get("epochs").get(0).get("metrics").has("mean_average_precision"));
            started[i] = Instant.parse(t.get("started_at").asText());
            finished[i] = Instant.parse(t.get("finished_at").asText());
        }
        // Both trials ran in their own JVMs at the same time: each started before the other finished.
        assertTrue(started[0].isBefore(finished[1]) && started[1].isBefore(finished[0]),
                "training periods overlap: " + started[0] + ".." + finished[0] + " and " + started[1] + ".." + finished[1]);

        JsonNode summary = Json.MAPPER.readTree(output.resolve("summary.json").toFile());
        assertNotNull(summary.get("best_trial"));
        assertEquals("mean_average_precision", summary.get("primary_metric").asText());
        Path bestModel = output.resolve("best_model");
        assertTrue(SavedModel.isComplete(bestModel.toString()));
        assertTrue(Files.exists(output.resolve("trials.parquet")));
        String report = Files.readString(output.resolve("report.html"));
        assertEquals(4, report.split("src=\"data:image/png;base64,", -1).length - 1,
                "two validation images, each with its predictions and its ground truth");

        Path predictions = tmp.resolve("predictions.jsonl");
        assertEquals(0, AutomlCli.execute("predict", "--model", bestModel.toString(), "--input",
                validation.toString(), "--output", predictions.toString(), "--master", "local[2]"));
        assertScoringLines(predictions, 4, Json.MAPPER.readValue(bestModel.resolve("labels.json").toFile(), List.class));
    }

    @Test
    void realPhotosGoThroughConvertSweepAndPredict() throws Exception {
        Path pantry = pantry();
        Path coco = reducedPantry(pantry, 12);
        Path mltable = tmp.resolve("pantry-mltable");
        assertEquals(0, AutomlCli.execute("convert", "--from", "coco", "--input", coco.toString(), "--images",
                pantry.resolve("images").toString(), "--output", mltable.toString()));
        assertTrue(Files.exists(mltable.resolve("MLTable")));

        Path config = tmp.resolve("pantry.yaml");
        Files.writeString(config, """
                type: automl
                task: image_instance_segmentation
                primary_metric: mean_average_precision
                target_column_name: label
                training_data: {type: mltable, path: %s}
                validation_data_size: 0.2
                limits: {max_trials: 1}
                training_parameters:
                %s
                """.formatted(mltable, FAST_TRAINING));
        Path output = tmp.resolve("pantry-run");
        assertEquals(0, AutomlCli.execute("sweep", "--config", config.toString(), "--output", output.toString(),
                "--master", "local[2]", "--trial-memory", "2g"));

        Path predictions = tmp.resolve("pantry.jsonl");
        Path someImages = tmp.resolve("some-photos");
        Files.createDirectories(someImages);
        try (var files = Files.list(mltable.resolve("images"))) {
            for (Path p : files.sorted().limit(3).toList()) {
                Files.copy(p, someImages.resolve(p.getFileName()));
            }
        }
        assertEquals(0, AutomlCli.execute("predict", "--model", output.resolve("best_model").toString(), "--input",
                someImages.toString(), "--output", predictions.toString(), "--master", "local[2]"));
        assertScoringLines(predictions, 3,
                Json.MAPPER.readValue(output.resolve("best_model/labels.json").toFile(), List.class));
    }

    /** Each line is a reference scoring record with normalised boxes, known labels and polygons inside [0, 1]. */
    static void assertScoringLines(Path file, int expectedLines, List<?> labels) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(expectedLines, lines.size());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            ScoredImage image = ScoringFormat.fromJsonLine(lines.get(i), file + ":" + (i + 1));
            assertFalse(image.filename().isBlank());
            assertTrue(names.add(image.filename()), "one line per image");
            for (ScoredImage.Detection d : image.boxes()) {
                assertTrue(labels.contains(d.label()), d.label());
                assertTrue(d.score() > 0 && d.score() <= 1);
                ScoredImage.Box b = d.box();
                assertTrue(0 <= b.topX() && b.topX() <= b.bottomX() && b.bottomX() <= 1, b.toString());
                assertTrue(0 <= b.topY() && b.topY() <= b.bottomY() && b.bottomY() <= 1, b.toString());
                for (double[] polygon : d.polygon()) {
                    for (double v : polygon) {
                        assertTrue(v >= 0 && v <= 1);
                    }
                }
            }
        }
    }

    /** The first {@code n} images of a sample MLTable folder, as a new MLTable folder with absolute image URIs. */
    static Path subset(Path mltable, int n, Path out) throws IOException {
        Files.createDirectories(out);
        Files.copy(mltable.resolve("MLTable"), out.resolve("MLTable"));
        StringBuilder jsonl = new StringBuilder();
        List<String> lines = Files.readAllLines(mltable.resolve("annotations.jsonl"));
        for (String line : lines.subList(0, n)) {
            ObjectNode record = (ObjectNode) Json.MAPPER.readTree(line);
            record.put("image_url", mltable.resolve(record.get("image_url").asText()).toUri().toString());
            jsonl.append(Json.line(record)).append('\n');
        }
        Files.writeString(out.resolve("annotations.jsonl"), jsonl);
        return out;
    }

    /** A COCO file with the first {@code n} images of the real data set and their annotations. */
    Path reducedPantry(Path pantry, int n) throws IOException {
        ObjectNode full = (ObjectNode) Json.MAPPER.readTree(pantry.resolve("annotations.json").toFile());
        ArrayNode images = Json.MAPPER.createArrayNode();
        Set<Long> keep = new HashSet<>();
        for (JsonNode image : full.get("images")) {
            if (images.size() < n) {
                images.add(image);
                keep.add(image.get("id").asLong());
            }
        }
        ArrayNode annotations = Json.MAPPER.createArrayNode();
        for (JsonNode a : full.get("annotations")) {
            if (keep.contains(a.get("image_id").asLong())) {
                annotations.add(a);
            }
        }
        full.set("images", images);
        full.set("annotations", annotations);
        Path coco = tmp.resolve("pantry-coco/annotations.json");
        Files.createDirectories(coco.getParent());
        Json.MAPPER.writeValue(coco.toFile(), full);
        return coco;
    }

    /** The real photos committed under {@code datasets/uj-staple-pantry-valid} (with their SOURCE.md). */
    static Path pantry() {
        Path c = REPO.resolve("datasets/uj-staple-pantry-valid");
        assertTrue(Files.exists(c.resolve("annotations.json")), "missing " + c);
        return c;
    }
}
