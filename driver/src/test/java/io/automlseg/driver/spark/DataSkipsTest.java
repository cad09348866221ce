package io.automlseg.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.config.BadInputException;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.persist.SkippedData;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.ObjectAnnotation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ignore_data_errors as the reference has it (default true) in the sweep's data preparation: missing and undecodable
 * images and validation objects of unseen labels are left out, counted and recorded; with false they fail the sweep
 * in one message that says how to go on.
 */
class DataSkipsTest {
    @TempDir
    static Path tmp;
    static SparkSession spark;
    static List<ImageRecord> train;
    static List<ImageRecord> validation;

    @BeforeAll
    static void data() throws Exception {
        spark = SparkSession.builder().master("local[2]").appName("DataSkipsTest").getOrCreate();
        train = new ArrayList<>(SparkSweepRunnerTest.images(tmp.resolve("images"), 14));
        Path garbage = Files.writeString(tmp.resolve("images/garbage.png"), "not an image");
        train.add(record(tmp.resolve("images/missing.png").toUri().toString(), "train.jsonl:15", "can"));
        train.add(record(garbage.toUri().toString(), "train.jsonl:16", "can"));
        validation = new ArrayList<>(SparkSweepRunnerTest.images(tmp.resolve("validation"), 2));
        validation.add(record(train.get(0).imageUrl(), "validation.jsonl:3", "bread"));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static ImageRecord record(String url, String source, String label) {
        return new ImageRecord(url, source, 0, 0, List.of(
                new ObjectAnnotation(label, false, List.of(new double[] {0.1, 0.1, 0.5, 0.1, 0.5, 0.6}))));
    }

    private static SweepConfig config(String trainingParameters) throws Exception {
        String yaml = "task: image_instance_segmentation\ntarget_column_name: label\ntraining_data: ./train\n"
                + "validation_data: ./validation\n" + trainingParameters;
        return SweepConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "job.yaml", tmp.toUri().toString());
    }

    private static final RecordSource SOURCE = (input, config, training) -> training ? train : validation;

    @Test
    void byDefaultUnusableImagesAndUnseenValidationLabelsAreSkippedCountedAndRecorded() throws Exception {
        RunFolder run = new RunFolder(tmp.resolve("run-default").toUri().toString());
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        DatasetPreparer.PreparedData data = DatasetPreparer.prepare(spark, config(""), SOURCE, run,
                new PrintStream(console, true, StandardCharsets.UTF_8));
        assertEquals(14, data.trainImages());
        assertEquals(3, data.validationImages(), "the image stays; only its object of an unseen label goes");
        assertEquals(List.of("can", "milk_bottle"), data.labels());
        String printed = console.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("Skipped 2 training images that cannot be used (ignore_data_errors)"), printed);
        assertTrue(printed.contains("dropped 1 validation object whose label no training image has"), printed);

        SkippedData skipped = SkippedData.read(run);
        assertEquals(2, skipped.images());
        assertEquals(1, skipped.validationObjects());
        assertTrue(skipped.examples().stream().anyMatch(e -> e.contains("train.jsonl line 15")
                && e.contains("missing.png")), skipped.examples().toString());
        assertTrue(skipped.examples().stream().anyMatch(e -> e.contains("validation.jsonl line 3")
                && e.contains("'bread'")), skipped.examples().toString());
        String manifest = Files.readString(Path.of(java.net.URI.create(run.trainManifest())));
        assertTrue(!manifest.contains("missing.png") && !manifest.contains("garbage.png"), manifest);
    }

    @Test
    void withIgnoreDataErrorsFalseTheSameProblemsFailTheSweepWithHowToGoOn() throws Exception {
        RunFolder run = new RunFolder(tmp.resolve("run-strict").toUri().toString());
        SweepConfig strict = config("training_parameters: {ignore_data_errors: false}\n");
        BadInputException labels = assertThrows(BadInputException.class,
                () -> DatasetPreparer.prepare(spark, strict, SOURCE, run, System.out));
        assertTrue(labels.getMessage().contains("'bread'") && labels.getMessage().contains("ignore_data_errors: true"),
                labels.getMessage());

        List<ImageRecord> knownLabels = validation.subList(0, 2);
        BadInputException images = assertThrows(BadInputException.class, () -> DatasetPreparer.prepare(spark, strict,
                (input, config, training) -> training ? train : knownLabels, run, System.out));
        assertTrue(images.getMessage().contains("2 images cannot be used") && images.getMessage().contains("missing.png")
                && images.getMessage().contains("garbage.png") && images.getMessage().contains("ignore_data_errors"),
                images.getMessage());
    }
}
