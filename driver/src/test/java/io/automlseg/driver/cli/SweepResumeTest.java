package io.automlseg.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.automlseg.driver.persist.JournalEvent;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.persist.SweepJournal;
import io.automlseg.driver.spark.FakeTrialMain;
import io.automlseg.driver.spark.TrialLaunch;
import io.automlseg.executor.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep whose driver is killed part-way is continued with {@code --resume}: the finished trial is kept, the
 * interrupted one runs again in its folder from its checkpoint, the sampler goes on, and a later retry of the ended
 * sweep is a no-op with the same exit code.
 */
class SweepResumeTest {
    static final Path SAMPLE = Path.of("..").toAbsolutePath().normalize().resolve("datasets/synthetic-shapes/train");

    @TempDir
    Path tmp;

    private Path trainingData(int n) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("train"));
        Files.copy(SAMPLE.resolve("MLTable"), out.resolve("MLTable"));
        StringBuilder jsonl = new StringBuilder();
        for (String line : Files.readAllLines(SAMPLE.resolve("annotations.jsonl")).subList(0, n)) {
            ObjectNode record = (ObjectNode) Json.MAPPER.readTree(line);
            record.put("image_url", SAMPLE.resolve(record.get("image_url").asText()).toUri().toString());
            jsonl.append(Json.line(record)).append('\n');
        }
        Files.writeString(out.resolve("annotations.jsonl"), jsonl);
        return out;
    }

    private Path job(String name, Path train, String choices) throws Exception {
        Path job = tmp.resolve(name);
        Files.writeString(job, """
                task: image_instance_segmentation
                target_column_name: label
                training_data: {type: mltable, path: %s}
                limits: {max_trials: 3, max_concurrent_trials: 1}
                training_parameters: {number_of_epochs: 4}
                sweep: {sampling_algorithm: grid}
                search_space:
                  - learning_rate: "choice(%s)"
                """.formatted(train, choices));
        return job;
    }

    private static List<String> sweepArgs(Path job, Path output, String... more) {
        List<String> args = new ArrayList<>(List.of("sweep", "--config", job.toString(), "--output",
                output.toString(), "--master", "local[2]", "--trial-main-class", FakeTrialMain.class.getName(),
                "--trial-memory", "128m", "--trial-jvm-option", "-Dfake.epochSeconds=1",
                "--trial-jvm-option", "-XX:TieredStopAtLevel=1"));
        args.addAll(List.of(more));
        return args;
    }

    private static List<JournalEvent> journal(Path output) throws Exception {
        return SweepJournal.read(new RunFolder(output.toUri().toString()));
    }

    private static long count(List<JournalEvent> events, Class<? extends JournalEvent> kind, int trial) {
        return events.stream().filter(kind::isInstance)
                .filter(e -> e instanceof JournalEvent.TrialStarted s ? s.trial() == trial
                        : e instanceof JournalEvent.TrialEnded d && d.trial() == trial)
                .count();
    }

    @Test
    void aKilledSweepResumesWithoutRepeatingFinishedTrialsAndAnEndedOneIsANoOp() throws Exception {
        Path train = trainingData(12);
        Path job = job("job.yaml", train, "0.004, 0.002, 0.001");
        Path output = tmp.resolve("run");

        // The first run, in its own JVM, killed with its trials once trial 1 ended and trial 2 is part-way.
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
        command.addAll(TrialLaunch.JAVA17_OPENS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), AutomlCli.class.getName()));
        command.addAll(sweepArgs(job, output, "--run-id", "r1"));
        Path firstLog = tmp.resolve("first-run.log");
        Process first = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(firstLog.toFile())
                .start();
        long deadline = System.currentTimeMillis() + 180_000;
        try {
            while (System.currentTimeMillis() < deadline) {
                boolean trialOneEnded = Files.exists(output.resolve("journal"))
                        && count(journal(output), JournalEvent.TrialEnded.class, 1) == 1;
                if (trialOneEnded && Files.exists(output.resolve("trials/0002/checkpoint/state.json"))) {
                    break;
                }
                assertTrue(first.isAlive(), "the first run ended early:\n" + Files.readString(firstLog));
                Thread.sleep(100);
            }
        } finally {
            first.descendants().forEach(ProcessHandle::destroyForcibly);
            first.destroyForcibly();
            first.waitFor();
        }
        System.out.println(Files.readString(firstLog));
        assertFalse(Files.exists(output.resolve("summary.json")), "killed before the end");
        assertFalse(Files.exists(output.resolve("trials/0002/result.json")), "trial 2 was killed part-way");

        // Continuing needs --resume (or the same run id), and the same configuration.
        CliRun refused = CliRun.of(sweepArgs(job, output).toArray(String[]::new));
        assertEquals(ExitCodes.BAD_INPUT, refused.code());
        assertTrue(refused.err().contains("already holds sweep r1; continue it with --resume"), refused.err());
        Path changed = job("changed.yaml", train, "0.004, 0.003, 0.001");
        CliRun changedRun = CliRun.of(sweepArgs(changed, output, "--resume").toArray(String[]::new));
        assertEquals(ExitCodes.BAD_INPUT, changedRun.code());
        assertTrue(changedRun.err().contains("search_space: was"), changedRun.err());

        CliRun resumed = CliRun.of(sweepArgs(job, output, "--resume").toArray(String[]::new));
        System.out.println(resumed.out() + resumed.err());
        assertEquals(ExitCodes.OK, resumed.code(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains("Resuming sweep r1"), resumed.out());

        Map<String, JsonNode> trials = new HashMap<>();
        for (JsonNode t : Json.MAPPER.readTree(output.resolve("trials.json").toFile()).get("trials")) {
            trials.put(t.get("trial_id").asText(), t);
        }
        assertEquals(3, trials.size(), trials.toString());
        trials.values().forEach(t -> assertEquals("completed", t.get("status").asText(), t.toString()));
        List<JournalEvent> events = journal(output);
        assertEquals(1, count(events, JournalEvent.TrialStarted.class, 1), "the finished trial was not run again");
        assertEquals(1, trials.get("0001").get("attempts").asInt());
        assertEquals(4, trials.get("0001").get("epochs_run").asInt(), "its epochs were read back from its folder");
        assertEquals(2, count(events, JournalEvent.TrialStarted.class, 2), "the interrupted trial ran again");
        assertEquals(2, trials.get("0002").get("attempts").asInt());
        assertTrue(Files.readString(output.resolve("trials/0002/trial.log")).contains("resumed from checkpoint"));
        assertEquals(0.001, trials.get("0003").get("parameters").get("learning_rate").asDouble(),
                "the sampler went on from the history");
        JsonNode summary = Json.MAPPER.readTree(output.resolve("summary.json").toFile());
        assertEquals("r1", summary.get("run_id").asText());
        assertEquals("0001", summary.get("best_trial").asText());
        assertEquals(3, summary.get("trials").asInt());

        // An ended sweep run again (an Airflow retry) does nothing and repeats its outcome.
        int eventsBefore = events.size();
        CliRun again = CliRun.of(sweepArgs(job, output, "--run-id", "r1").toArray(String[]::new));
        assertEquals(ExitCodes.OK, again.code(), again.err());
        assertTrue(again.out().contains("already ended (completed"), again.out());
        assertTrue(again.out().contains("Best trial 0001"), again.out());
        assertEquals(eventsBefore, journal(output).size());
    }
}
