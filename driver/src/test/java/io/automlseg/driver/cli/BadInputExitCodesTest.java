package io.automlseg.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.scoring.TinyScoringModel;
import io.automlseg.executor.data.ImageDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input is exit code 2 in every command (1 would tell a scheduler that a retry may help), with one message that
 * names what is wrong and no stack trace: data errors of convert, an output that is a file or an occupied folder,
 * a damaged model folder.
 */
class BadInputExitCodesTest {
    static final Path SAMPLE = BadDataCliTest.SAMPLE;
    static final Path QUICKSTART = SAMPLE.resolve("../../conf/quickstart.yaml").normalize();

    @TempDir
    Path tmp;

    private static void assertBadInput(CliRun run, String... fragments) {
        assertEquals(ExitCodes.BAD_INPUT, run.code(), run.out() + run.err());
        for (String f : fragments) {
            assertTrue(run.err().contains(f), "'" + f + "' missing from: " + run.err());
        }
        assertFalse((run.out() + run.err()).contains("\tat "), "no stack trace: " + run.err());
    }

    @Test
    void convertDataErrorsAreBadInput() throws Exception {
        Path coco = tmp.resolve("coco.json");
        Files.writeString(coco, """
                {"images": [{"id": 1, "file_name": "missing.png"}],
                 "categories": [{"id": 1, "name": "can"}], "annotations": []}
                """);
        assertBadInput(CliRun.of("convert", "--from", "coco", "--input", coco.toString(), "--output",
                tmp.resolve("out").toString()), "missing.png", "file_name");

        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "{\"images\": [\n{\"id\": 1 \"file_name\": \"a.png\"}]}");
        assertBadInput(CliRun.of("convert", "--from", "coco", "--input", broken.toString(), "--output",
                tmp.resolve("out2").toString()), "broken.json", "line 2");

        Path table = Files.createDirectories(tmp.resolve("table"));
        Files.copy(SAMPLE.resolve("validation/MLTable"), table.resolve("MLTable"));
        Files.writeString(table.resolve("annotations.jsonl"), "{\"image_url\": \"a.png\", \"label\": [}\n");
        assertBadInput(CliRun.of("convert", "--from", "mltable", "--input", table.toString(), "--output",
                tmp.resolve("coco-out.json").toString(), "--no-ignore-data-errors"), "annotations.jsonl", "line 1");
    }

    @Test
    void anOutputThatIsAFileOrHoldsASweepIsRefusedBySweepAndByValidateOnly() throws Exception {
        Path file = tmp.resolve("output.txt");
        Files.writeString(file, "not a folder");
        for (String[] extra : new String[][] {{}, {"--validate-only"}}) {
            String[] args = concat(new String[] {"sweep", "--config", QUICKSTART.toString(), "--output",
                    file.toString()}, extra);
            assertBadInput(CliRun.of(args), "output.txt", "is a file, not a folder");
        }
        Path occupied = Files.createDirectories(tmp.resolve("occupied"));
        Files.writeString(occupied.resolve("trials.json"), "[]");
        assertBadInput(CliRun.of("sweep", "--config", QUICKSTART.toString(), "--output", occupied.toString(),
                "--validate-only"), "occupied", "already holds a sweep");
    }

    @Test
    void aSweepWhoseFolderAnotherDriverRunsExitsFiveAndLeavesItAlone() throws Exception {
        Path output = Files.createDirectories(tmp.resolve("busy"));
        // This very process, alive, holds the lease: as a first Airflow attempt that still runs would.
        String lease = "{\"holder\": \"first-attempt\", \"host\": \""
                + java.net.InetAddress.getLocalHost().getHostName() + "\", \"pid\": " + ProcessHandle.current().pid()
                + ", \"expires_at\": \"" + java.time.Instant.now().plusSeconds(60) + "\"}";
        Files.writeString(output.resolve("lease.json"), lease);
        CliRun run = CliRun.of("sweep", "--config", QUICKSTART.toString(), "--output", output.toString());
        assertEquals(ExitCodes.RUN_FOLDER_BUSY, run.code(), run.out() + run.err());
        assertTrue(run.err().contains("is being run by another driver (process " + ProcessHandle.current().pid()),
                run.err());
        assertEquals(lease, Files.readString(output.resolve("lease.json")), "the other driver's lease is untouched");
    }

    @Test
    void validateOnlyAppliesThePixelLimitFromTheImageHeaders() {
        // The sample's 160x160 images against a limit of 1000 pixels stand for a decompression bomb (the executor's
        // decoder tests use a real one): the pre-flight check reads the same headers with the same limit.
        System.setProperty(ImageDecoder.MAX_PIXELS_PROPERTY, "1000");
        try {
            assertBadInput(CliRun.of("sweep", "--config", QUICKSTART.toString(), "--output",
                    tmp.resolve("run").toString(), "--validate-only"), "train/annotations.jsonl line 1, field image_url", "160x160",
                    "more than the limit of 1000");
        } finally {
            System.clearProperty(ImageDecoder.MAX_PIXELS_PROPERTY);
        }
    }

    @Test
    void predictRefusesAModelWithoutOrWithADamagedWeightFileBeforeSparkStarts() throws Exception {
        Path model = tmp.resolve("model");
        TinyScoringModel.write(model);
        Path image = tmp.resolve("a.png");
        Files.write(image, TinyScoringModel.png(TinyScoringModel.shapes(1, 40, 30, 1)));
        Path weights = model.resolve("weights.params");
        byte[] whole = Files.readAllBytes(weights);

        Files.write(weights, Arrays.copyOf(whole, whole.length - 100));
        assertBadInput(predict(model, image), "weights.params", "truncated");
        Files.write(weights, "garbage".getBytes());
        assertBadInput(predict(model, image), "weights.params");
        Files.delete(weights);
        assertBadInput(predict(model, image), "weights.params", "missing");
        assertFalse(Files.exists(tmp.resolve("p.jsonl")));
    }

    private CliRun predict(Path model, Path image) {
        return CliRun.of("predict", "--model", model.toString(), "--input", image.toString(), "--output",
                tmp.resolve("p.jsonl").toString(), "--master", "local[1]");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
