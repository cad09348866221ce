package io.automlseg.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.automlseg.driver.spark.FakeTrialMain;
import io.automlseg.executor.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code automl sweep --resume} on an ended sweep with a larger {@code max_trials} runs the missing trials and
 * rewrites the summary; with any other setting changed it is refused with the setting named.
 */
class SweepExtensionCliTest {
    @TempDir
    Path tmp;

    private Path trainingData() throws Exception {
        Path sample = SweepResumeTest.SAMPLE;
        Path out = Files.createDirectories(tmp.resolve("train"));
        Files.copy(sample.resolve("MLTable"), out.resolve("MLTable"));
        StringBuilder jsonl = new StringBuilder();
        for (String line : Files.readAllLines(sample.resolve("annotations.jsonl")).subList(0, 12)) {
            ObjectNode record = (ObjectNode) Json.MAPPER.readTree(line);
            record.put("image_url", sample.resolve(record.get("image_url").asText()).toUri().toString());
            jsonl.append(Json.line(record)).append('\n');
        }
        Files.writeString(out.resolve("annotations.jsonl"), jsonl);
        return out;
    }

    private Path job(String name, Path train, int maxTrials, int epochs) throws Exception {
        Path job = tmp.resolve(name);
        Files.writeString(job, """
                task: image_instance_segmentation
                target_column_name: label
                training_data: {type: mltable, path: %s}
                limits: {max_trials: %d, max_concurrent_trials: 1}
                training_parameters: {number_of_epochs: %d}
                sweep: {sampling_algorithm: grid}
                search_space:
                  - learning_rate: "choice(0.001, 0.002, 0.004)"
                """.formatted(train, maxTrials, epochs));
        return job;
    }

    private static String[] sweep(Path job, Path output) {
        List<String> args = new ArrayList<>(List.of("sweep", "--config", job.toString(), "--output",
                output.toString(), "--resume", "--master", "local[1]", "--trial-main-class",
                FakeTrialMain.class.getName(), "--trial-memory", "128m", "--trial-jvm-option",
                "-Dfake.epochSeconds=0.2", "--trial-jvm-option", "-XX:TieredStopAtLevel=1"));
        return args.toArray(String[]::new);
    }

    @Test
    void anEndedSweepResumedWithALargerMaxTrialsRunsTheMissingTrials() throws Exception {
        Path train = trainingData();
        Path output = tmp.resolve("run");
        CliRun first = CliRun.of(sweep(job("two.yaml", train, 2, 1), output));
        assertEquals(ExitCodes.OK, first.code(), first.out() + first.err());
        assertEquals(2, Json.MAPPER.readTree(output.resolve("summary.json").toFile()).get("trials").asInt());

        CliRun changed = CliRun.of(sweep(job("epochs.yaml", train, 3, 2), output));
        assertEquals(ExitCodes.BAD_INPUT, changed.code());
        assertTrue(changed.err().contains("training_parameters: was"), changed.err());

        CliRun extended = CliRun.of(sweep(job("three.yaml", train, 3, 1), output));
        assertEquals(ExitCodes.OK, extended.code(), extended.out() + extended.err());
        assertTrue(extended.out().contains("the changed limits extend it: up to 1 more trial (max_trials 3)"),
                extended.out());
        JsonNode summary = Json.MAPPER.readTree(output.resolve("summary.json").toFile());
        assertEquals(3, summary.get("trials").asInt());
        assertEquals("0003", summary.get("best_trial").asText(), "learning_rate 0.004, the grid's last, is best");
        assertEquals(3, Json.MAPPER.readTree(output.resolve("trials.json").toFile()).get("trials").size());
        assertTrue(Files.exists(output.resolve("best_model")));

        CliRun again = CliRun.of(sweep(job("three.yaml", train, 3, 1), output));
        assertEquals(ExitCodes.OK, again.code(), again.err());
        assertTrue(again.out().contains("already ended (completed"), again.out());
    }
}
