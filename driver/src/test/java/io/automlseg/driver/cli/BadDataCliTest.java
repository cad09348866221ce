package io.automlseg.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad data fails the sweep once, up front, with one message naming file, line and field, exit code 2, and nothing in
 * the output folder that looks like a result.
 */
class BadDataCliTest {
    static final Path SAMPLE = Path.of("..", "datasets", "synthetic-shapes").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    /** A copy of the sample's training folder with absolute image URIs and line {@code badLine} (1-based) replaced. */
    private Path trainingWith(int badLine, String replacement) throws IOException {
        Path out = tmp.resolve("train");
        Files.createDirectories(out);
        Files.copy(SAMPLE.resolve("train/MLTable"), out.resolve("MLTable"));
        List<String> lines = Files.readAllLines(SAMPLE.resolve("train/annotations.jsonl"));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replace("\"images/", "\"" + SAMPLE.resolve("train").toUri() + "images/");
            sb.append(i + 1 == badLine ? replacement : line).append('\n');
        }
        Files.writeString(out.resolve("annotations.jsonl"), sb);
        return out;
    }

    /** A job over the data that fails on bad data ({@code ignore_data_errors: false}) unless {@code ignore}. */
    private Path config(Path train, Path validation) throws IOException {
        return config(train, validation, false);
    }

    private Path config(Path train, Path validation, boolean ignore) throws IOException {
        Path config = tmp.resolve("job.yaml");
        Files.writeString(config, """
                type: automl
                task: image_instance_segmentation
                primary_metric: mean_average_precision
                target_column_name: label
                training_data: {type: mltable, path: %s}
                %s
                limits: {max_trials: 1}
                training_parameters: {model_name: maskrcnn_resnet18_fpn, number_of_epochs: 1, ignore_data_errors: %s}
                """.formatted(train, validation == null ? "" : "validation_data: {type: mltable, path: " + validation + "}",
                ignore));
        return config;
    }

    private void assertNoResults(Path output) {
        assertFalse(Files.exists(output.resolve("summary.json")), "no summary.json after bad input");
        assertFalse(Files.exists(output.resolve("best_model")), "no best_model after bad input");
        assertFalse(Files.exists(output.resolve("trials")), "no trial started");
    }

    @Test
    void oddPolygonIsNamedByFileLineAndField() throws Exception {
        Path train = trainingWith(7, "{\"image_url\": \"" + SAMPLE.resolve("train/images/000006.jpg").toUri()
                + "\", \"label\": [{\"label\": \"circle\", \"isCrowd\": 0, \"polygon\": [[0.1, 0.1, 0.5, 0.1, 0.5]]}]}");
        Path output = tmp.resolve("run");
        CliRun o = CliRun.of("sweep", "--config", config(train, null).toString(), "--output", output.toString());
        assertEquals(ExitCodes.BAD_INPUT, o.code(), o.err());
        assertTrue(o.err().contains("annotations.jsonl line 7"), o.err());
        assertTrue(o.err().contains("label[0].polygon[0]"), o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
        assertNoResults(output);
    }

    @Test
    void missingImageIsNamedWithItsLine() throws Exception {
        Path train = trainingWith(3, "{\"image_url\": \"images/no-such-image.jpg\", \"label\": [{\"label\": \"circle\","
                + " \"isCrowd\": 0, \"polygon\": [[0.1, 0.1, 0.5, 0.1, 0.5, 0.5]]}]}");
        Path output = tmp.resolve("run");
        CliRun o = CliRun.of("sweep", "--config", config(train, null).toString(), "--output", output.toString(),
                "--master", "local[2]");
        assertEquals(ExitCodes.BAD_INPUT, o.code(), o.err());
        assertTrue(o.err().contains("line 3"), o.err());
        assertTrue(o.err().contains("no-such-image.jpg"), o.err());
        assertNoResults(output);
    }

    @Test
    void byDefaultAMissingImageIsSkippedAndTheSweepMayStart() throws Exception {
        Path train = trainingWith(3, "{\"image_url\": \"images/no-such-image.jpg\", \"label\": [{\"label\": \"circle\","
                + " \"isCrowd\": 0, \"polygon\": [[0.1, 0.1, 0.5, 0.1, 0.5, 0.5]]}]}");
        CliRun o = CliRun.of("sweep", "--config", config(train, null, true).toString(), "--output",
                tmp.resolve("run").toString(), "--validate-only");
        assertEquals(ExitCodes.OK, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("Skipped 1 training image that cannot be used (ignore_data_errors), first: "
                + "train/annotations.jsonl line 3"), o.out());
        assertTrue(o.out().contains("59 training"), o.out());
    }

    @Test
    void validationLabelThatTrainingNeverSawIsRejected() throws Exception {
        Path train = trainingWith(0, "");
        Path validation = tmp.resolve("validation");
        Files.createDirectories(validation);
        Files.copy(SAMPLE.resolve("validation/MLTable"), validation.resolve("MLTable"));
        Files.writeString(validation.resolve("annotations.jsonl"), "{\"image_url\": \""
                + SAMPLE.resolve("validation/images/000060.jpg").toUri() + "\", \"label\": [{\"label\": \"hexagon\","
                + " \"isCrowd\": 0, \"polygon\": [[0.1, 0.1, 0.5, 0.1, 0.5, 0.5]]}]}\n");
        Path output = tmp.resolve("run");
        CliRun o = CliRun.of("sweep", "--config", config(train, validation).toString(), "--output", output.toString(),
                "--master", "local[2]");
        assertEquals(ExitCodes.BAD_INPUT, o.code(), o.err());
        assertTrue(o.err().contains("hexagon"), o.err());
        assertTrue(o.err().contains("line 1"), o.err());
        assertNoResults(output);
    }

    @Test
    void predictRefusesAFolderThatIsNotACompleteModel() throws Exception {
        Path notAModel = tmp.resolve("model");
        Files.createDirectories(notAModel);
        Files.writeString(notAModel.resolve("model.json"), "{}");
        CliRun o = CliRun.of("predict", "--model", notAModel.toString(), "--input", SAMPLE.resolve("validation").toString(),
                "--output", tmp.resolve("p.jsonl").toString());
        assertEquals(ExitCodes.BAD_INPUT, o.code(), o.err());
        assertTrue(o.err().contains("_COMPLETE"), o.err());
        assertFalse(Files.exists(tmp.resolve("p.jsonl")));
    }
}
