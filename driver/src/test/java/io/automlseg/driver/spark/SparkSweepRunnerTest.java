package io.automlseg.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.persist.BestModelPublisher;
import io.automlseg.driver.persist.SweepSummary;
import io.automlseg.driver.sweep.SweepStatus;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.Manifest;
import io.automlseg.executor.data.ObjectAnnotation;
import io.automlseg.executor.io.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real sweep end to end on Spark local[2] with {@link FakeTrialMain} as the trial: the data, the trials in parallel
 * child JVMs, the records and the best model. The loop's rules (the policy's stop requests among them) are checked
 * without Spark in sweep.SweepLoopTest.
 */
class SparkSweepRunnerTest {

    static List<ImageRecord> images(Path dir, int n) throws Exception {
        Files.createDirectories(dir);
        List<ImageRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BufferedImage image = new BufferedImage(16 + i, 12, BufferedImage.TYPE_INT_RGB);
            image.setRGB(3, 3, 0xff0000);
            Path file = dir.resolve("img" + i + ".png");
            ImageIO.write(image, "png", file.toFile());
            String label = i % 2 == 0 ? "can" : "milk_bottle";
            records.add(new ImageRecord(file.toUri().toString(), "train.jsonl:" + (i + 1), 0, 0, List.of(
                    new ObjectAnnotation(label, false, List.of(new double[] {0.1, 0.1, 0.5, 0.1, 0.5, 0.6})))));
        }
        return records;
    }

    static SweepConfig config(Path dir, String body) throws Exception {
        String yaml = "task: image_instance_segmentation\ntarget_column_name: label\ntraining_data: ./train\n" + body;
        return SweepConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "job.yaml", dir.toUri().toString());
    }

    static RunnerOptions options(double epochSeconds) {
        return RunnerOptions.defaults().withMaster("local[2]").withRunId("test")
                .withTrialMainClass(FakeTrialMain.class.getName()).withTrialMaxHeap("128m")
                .withExtraTrialJvmOptions(List.of("-Dfake.epochSeconds=" + epochSeconds, "-XX:TieredStopAtLevel=1"));
    }

    static Map<String, JsonNode> trialsById(Path out) throws Exception {
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode t : Json.MAPPER.readTree(out.resolve("trials.json").toFile()).get("trials")) {
            byId.put(t.get("trial_id").asText(), t);
        }
        return byId;
    }

    @Test
    void runsTrialsInParallelKeepsGoingAfterACrashAndPublishesTheBest(@TempDir Path tmp) throws Exception {
        List<ImageRecord> records = images(tmp.resolve("images"), 6);
        SweepConfig config = config(tmp, """
                limits: {max_trials: 4, max_concurrent_trials: 3}
                training_parameters: {number_of_epochs: 3}
                sweep: {sampling_algorithm: grid}
                search_space:
                  - learning_rate: "choice(0.001, 0.004, 0.003, 0.002)"
                """);
        Path out = tmp.resolve("run");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        SweepSummary summary = new SparkSweepRunner(config, out.toString(), (input, c, training) -> records,
                options(2), new PrintStream(console, true, StandardCharsets.UTF_8)).run();
        String printed = console.toString(StandardCharsets.UTF_8);
        System.out.println(printed);

        // Three of four succeed; 0.004 (trial 0002 in grid order) has the highest metric, 0.4.
        assertEquals(SweepStatus.COMPLETED, summary.status(), printed);
        assertEquals("0002", summary.bestTrial(), printed);
        assertEquals(0.4, summary.bestValue(), 1e-9);
        assertEquals(4, summary.trials());
        assertEquals(3, summary.completed());
        assertEquals(1, summary.failed());
        assertEquals(2, summary.concurrentTrials(), "capped to Spark's 2 task slots");
        assertTrue(printed.contains("max_concurrent_trials 3 capped to 2"), printed);

        Map<String, JsonNode> trials = trialsById(out);
        assertEquals(4, trials.size());
        JsonNode crashed = trials.get("0003");
        assertEquals("failed", crashed.get("status").asText());
        assertTrue(crashed.get("error").asText().contains("exited with code 3 without writing result.json"),
                crashed.toString());
        assertTrue(crashed.get("error").asText().contains("fake trial crashing on purpose"), crashed.toString());
        assertEquals(1, crashed.get("epochs_run").asInt(), "the crashed trial's first epoch was still recorded");
        assertTrue(Files.readString(out.resolve("trials/0003/trial.log")).contains("crashing on purpose"));
        for (String id : List.of("0001", "0002", "0004")) {
            JsonNode t = trials.get(id);
            assertEquals("completed", t.get("status").asText(), t.toString());
            assertEquals(3, t.get("epochs").size());
            assertEquals(3, t.get("best_epoch").asInt());
            String log = Files.readString(out.resolve("trials/" + id + "/trial.log"));
            assertTrue(log.contains("threads 1 OMP 1"), "two trials at once on 2 cores get one thread each");
            assertTrue(log.contains("GPUs []"), "a sweep that schedules no GPUs hides them all from its trials: " + log);
            assertTrue(log.contains("malloc mmap threshold " + TrialTask.MALLOC_MMAP_THRESHOLD_BYTES), "large blocks go back to the system: " + log);
            assertTrue(log.contains("tunables " + TrialTask.HUGE_PAGES_TUNABLE), "on huge pages: " + log);
        }
        assertEquals(0.004, trials.get("0002").get("parameters").get("learning_rate").asDouble());

        // Two trials really ran at the same time.
        List<Instant[]> periods = new ArrayList<>();
        for (JsonNode t : trials.values()) {
            periods.add(new Instant[] {Instant.parse(t.get("started_at").asText()),
                Instant.parse(t.get("finished_at").asText())});
        }
        boolean overlap = false;
        for (int i = 0; i < periods.size(); i++) {
            for (int j = i + 1; j < periods.size(); j++) {
                overlap |= periods.get(i)[0].isBefore(periods.get(j)[1]) && periods.get(j)[0].isBefore(periods.get(i)[1]);
            }
        }
        assertTrue(overlap, "no two trials overlapped: " + trials);

        // The best model is the 0.004 trial's, complete, with nothing left over from the publishing.
        Path best = out.resolve("best_model");
        assertEquals("0002", BestModelPublisher.publishedTrial(best.toString()));
        assertEquals(Files.readString(out.resolve("trials/0002/model/weights.txt")),
                Files.readString(best.resolve("weights.txt")));
        try (Stream<Path> s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".best_model")));
        }
        JsonNode summaryFile = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
        assertEquals("0002", summaryFile.get("best_trial").asText());
        assertEquals("mean_average_precision", summaryFile.get("primary_metric").asText());
        assertEquals(best.toUri().toString().replaceAll("/$", "").replace("file:///", "file:/"),
                summaryFile.get("best_model_path").asText());
        try (Stream<Path> s = Files.list(out.resolve("trials.parquet"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().endsWith(".parquet")));
        }

        // The report is written into the run folder at the end, and its path printed.
        String report = Files.readString(out.resolve("report.html"));
        assertTrue(report.contains("<td data-sort=\"0002\">0002</td>") && report.endsWith("</html>\n"));
        assertTrue(printed.contains("Report: " + out.toUri().toString().replace("file:///", "file:/") + "report.html")
                || printed.contains("Report: file:" + out + "/report.html"), printed);

        // Data: every image checked (sizes from the files), split reproducibly, labels listed.
        List<ImageRecord> train = Manifest.read(out.resolve("data/train.jsonl").toString());
        List<ImageRecord> validation = Manifest.read(out.resolve("data/validation.jsonl").toString());
        assertEquals(6, train.size() + validation.size());
        assertTrue(!validation.isEmpty() && !train.isEmpty());
        for (ImageRecord r : train) {
            assertEquals(12, r.height());
            assertTrue(r.width() >= 16);
        }
        assertEquals(List.of("can", "milk_bottle"),
                List.of(Json.MAPPER.readValue(out.resolve("data/labels.json").toFile(), String[].class)));
        JsonNode spec = Json.MAPPER.readTree(out.resolve("trials/0001/spec.json").toFile());
        assertEquals(1333, spec.get("parameters").get("max_size").asInt());
        assertEquals(3, spec.get("parameters").get("number_of_epochs").asInt());
    }
}
