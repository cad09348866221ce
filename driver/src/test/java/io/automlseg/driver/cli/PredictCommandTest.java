package io.automlseg.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.scoring.TinyScoringModel;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.predict.ImageScorer;
import io.automlseg.executor.predict.ScoredImage;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code automl predict} as a user of the scoring stage: the executors write the output, lines keep the input order
 * and equal the executor scorer's, an undecodable image gets an error line, and nothing is written when the command
 * fails.
 */
class PredictCommandTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path images;
    /** The images in the order predict lists them (sorted by name), one of them not an image at all. */
    static List<String> names = List.of("a-grey.png", "b-rgb.png", "c-broken.png", "d-rgba.png", "e-rgb.png",
            "f-rgb.png", "g-grey.png");

    @BeforeAll
    static void modelAndImages() throws Exception {
        model = tmp.resolve("model");
        TinyScoringModel.write(model);
        images = Files.createDirectories(tmp.resolve("images"));
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            int type = name.contains("grey") ? BufferedImage.TYPE_BYTE_GRAY
                    : name.contains("rgba") ? BufferedImage.TYPE_4BYTE_ABGR : BufferedImage.TYPE_INT_RGB;
            byte[] bytes = name.contains("broken") ? "not a PNG".getBytes()
                    : TinyScoringModel.png(TinyScoringModel.shapes(type, 60 + 10 * i, 80 - 5 * i, i));
            Files.write(images.resolve(name), bytes);
        }
    }

    @Test
    void linesKeepTheInputOrderEqualTheScorersAndABrokenImageGetsAnErrorLine() throws Exception {
        Path out = tmp.resolve("out/predictions.jsonl");
        CliRun run = CliRun.of("predict", "--model", model.toString(), "--input", images.toString(), "--output",
                out.toString(), "--master", "local[2]", "--batch-size", "1");
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("Warning: 1 of 7 images could not be scored"), run.out());
        assertTrue(run.out().contains("c-broken.png"), run.out());

        List<String> lines = Files.readAllLines(out);
        assertEquals(names.size(), lines.size());
        // One image per forward pass on both sides: in a batch, images are padded to the largest one, which moves
        // the random-weight model's boxes (as in torchvision), so equal lines need equal batches.
        // And as many libtorch threads as a task of local[2] has (one): an operator may split a sum over its
        // threads, so other thread counts may round differently (seen on AVX-512 machines).
        ImageScorer.limitThreads(1);
        List<ScoredImage> expected = new java.util.ArrayList<>();
        try (ImageScorer scorer = ImageScorer.load(model.toString())) {
            for (String line : lines) {
                if (!filename(line).contains("broken")) {
                    expected.addAll(scorer.predict(List.of(filename(line))));
                }
            }
        }
        int next = 0;
        int objects = 0;
        for (int i = 0; i < names.size(); i++) {
            String line = lines.get(i);
            assertTrue(filename(line).endsWith("/" + names.get(i)), "line " + i + " is " + names.get(i) + ": " + line);
            if (names.get(i).contains("broken")) {
                JsonNode node = Json.MAPPER.readTree(line);
                assertEquals(0, node.get("boxes").size());
                assertTrue(node.get("error").asText().length() > 5, line);
            } else {
                ScoredImage want = expected.get(next++);
                objects += want.boxes().size();
                assertSameLine(Json.line(want), line, names.get(i));
            }
        }
        assertTrue(objects > 0, "the model detects objects, so the lines compare boxes and polygons");
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertEquals(List.of(out), left.toList(), "only the output is left beside it");
        }
    }

    @Test
    void parquetOutputIsAFolderOfTypedPredictions() throws Exception {
        Path out = tmp.resolve("predictions.parquet");
        CliRun run = CliRun.of("predict", "--model", model.toString(), "--input", images.toString(), "--output",
                out.toString(), "--master", "local[2]", "--output-format", "parquet");
        assertEquals(0, run.code(), run.out() + run.err());
        SparkSession spark = SparkSession.builder().master("local[1]").getOrCreate();
        try {
            List<Row> rows = spark.read().parquet(out.toString()).orderBy("filename")
                    .selectExpr("filename", "size(predictions)", "error").collectAsList();
            assertEquals(names.size(), rows.size());
            for (int i = 0; i < names.size(); i++) {
                Row r = rows.get(i);
                assertTrue(r.getString(0).endsWith("/" + names.get(i)), r.toString());
                assertEquals(names.get(i).contains("broken"), !r.isNullAt(2), r.toString());
            }
        } finally {
            spark.stop();
        }
    }

    @Test
    void failOnBadImageAndNothingScorableExitTwoAndWriteNothing() throws Exception {
        Path out = tmp.resolve("strict/predictions.jsonl");
        CliRun strict = CliRun.of("predict", "--model", model.toString(), "--input", images.toString(), "--output",
                out.toString(), "--master", "local[2]", "--fail-on-bad-image");
        assertEquals(2, strict.code(), strict.out() + strict.err());
        assertTrue(strict.err().contains("1 of 7 images could not be scored") && strict.err().contains("c-broken"),
                strict.err());
        Path broken = tmp.resolve("only-broken.png");
        Files.writeString(broken, "not an image");
        CliRun none = CliRun.of("predict", "--model", model.toString(), "--input", broken.toString(), "--output",
                out.toString(), "--master", "local[1]");
        assertEquals(2, none.code(), none.out() + none.err());
        assertTrue(none.err().contains("no image could be scored"), none.err());
        assertFalse(none.err().contains("\tat "), "no stack trace: " + none.err());
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertEquals(List.of(), left.toList(), "nothing written, not even hidden staging files");
        }
    }

    /** Equal lines; else the first difference, in context (a line holds thousands of numbers). */
    private static void assertSameLine(String expected, String actual, String image) {
        int at = 0;
        while (at < Math.min(expected.length(), actual.length()) && expected.charAt(at) == actual.charAt(at)) {
            at++;
        }
        if (at < expected.length() || at < actual.length()) {
            int from = Math.max(0, at - 80);
            throw new AssertionError("the line of " + image + " differs at character " + at + ": expected ..."
                    + expected.substring(from, Math.min(expected.length(), at + 80)) + "... but was ..."
                    + actual.substring(from, Math.min(actual.length(), at + 80)) + "...");
        }
    }

    private static String filename(String line) {
        try {
            return Json.MAPPER.readTree(line).get("filename").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
