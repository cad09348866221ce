package io.automlseg.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.persist.SweepSummary;
import io.automlseg.driver.spark.RunnerOptions;
import io.automlseg.driver.sweep.SchedulerStats;
import io.automlseg.driver.spark.SparkSweepRunner;
import io.automlseg.driver.spark.TrialLaunch;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.ObjectAnnotation;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.trial.TrialSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCHEDULER BENCHMARK, not a unit test (Surefire's default includes skip it; {@code scripts/bench/scheduler.sh} runs
 * it): a sweep of {@link SleepTrialMain} trials (sleeping epochs with scripted metric reports, bandit early
 * termination) through the real Spark task path, measuring slot utilisation, the time a freed slot waits for its next
 * trial, the driver's CPU per trial and the termination policy's decision latency. Two runs: trials in the Spark task
 * itself (Spark and driver overhead alone) and trials in their child JVMs (the production path), plus the cost of
 * one child JVM on its own.
 *
 * <p>System properties: {@code bench.trials} (200), {@code bench.concurrency} (8), {@code bench.epochs} (4),
 * {@code bench.epochSeconds} (2), {@code bench.modes} ({@code in-task,child}).
 */
class SchedulerBenchmark {

    private static int intProperty(String key, int fallback) {
        return Integer.parseInt(System.getProperty(key, Integer.toString(fallback)));
    }

    private static List<ImageRecord> images(Path dir) throws Exception {
        Files.createDirectories(dir);
        List<ImageRecord> records = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            BufferedImage image = new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB);
            Path file = dir.resolve("img" + i + ".png");
            ImageIO.write(image, "png", file.toFile());
            records.add(new ImageRecord(file.toUri().toString(), "bench:" + (i + 1), 0, 0, List.of(
                    new ObjectAnnotation("thing", false, List.of(new double[] {0.1, 0.1, 0.5, 0.1, 0.5, 0.6})))));
        }
        return records;
    }

    @Test
    void scheduler(@TempDir Path tmp) throws Exception {
        int trials = intProperty("bench.trials", 200);
        int concurrency = intProperty("bench.concurrency", 8);
        int epochs = intProperty("bench.epochs", 4);
        String epochSeconds = System.getProperty("bench.epochSeconds", "2");
        List<String> modes = List.of(System.getProperty("bench.modes", "in-task,child").split(","));
        System.setProperty(SleepTrialMain.EPOCH_SECONDS, epochSeconds);
        List<ImageRecord> records = images(tmp.resolve("images"));
        String yaml = """
                task: image_instance_segmentation
                target_column_name: label
                training_data: ./train
                limits: {max_trials: %d, max_concurrent_trials: %d}
                training_parameters: {number_of_epochs: %d}
                sweep:
                  sampling_algorithm: random
                  early_termination: {type: bandit, slack_factor: 0.5, evaluation_interval: 1, delay_evaluation: 2}
                search_space:
                  - learning_rate: "uniform(0.001, 0.01)"
                """.formatted(trials, concurrency, epochs);
        SweepConfig config = SweepConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "bench.yaml",
                tmp.toUri().toString());
        List<String> lines = new ArrayList<>();
        boolean met = true;
        for (String mode : modes) {
            RunnerOptions options = RunnerOptions.defaults().withMaster("local[" + concurrency + "]")
                    .withRunId("bench-" + mode).withTrialMainClass(SleepTrialMain.class.getName())
                    .withTrialMaxHeap("64m").withThreadsPerTrial(1).withInTaskTrials(mode.equals("in-task"))
                    .withExtraTrialJvmOptions(List.of("-D" + SleepTrialMain.EPOCH_SECONDS + "=" + epochSeconds,
                            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            SparkSweepRunner runner = new SparkSweepRunner(config, tmp.resolve("run-" + mode).toString(),
                    (input, c, training) -> records, options, new PrintStream(console, true, StandardCharsets.UTF_8));
            SweepSummary summary = runner.run();
            assertEquals(trials, summary.trials(), console.toString(StandardCharsets.UTF_8));
            assertEquals(trials, summary.completed() + summary.earlyTerminated(),
                    console.toString(StandardCharsets.UTF_8));
            SchedulerStats s = runner.schedulerStats();
            String line = mode + ": " + s.report(concurrency) + "; " + summary.earlyTerminated()
                    + " early-terminated";
            lines.add(line);
            System.out.println("BENCH " + line);
            if (mode.equals("in-task")) {
                met &= s.utilisationWhileQueued(concurrency) >= 0.95 && s.meanSlotGapMillis() < 200
                        && s.maxDecisionMillis() <= Double.parseDouble(epochSeconds) * 1000;
            }
        }
        if (modes.contains("child")) {
            lines.add(childJvmCost(tmp));
        }
        System.out.println("\n=== Scheduler benchmark (" + trials + " trials, " + concurrency + " at once, local["
                + concurrency + "], " + epochs + " epochs of " + epochSeconds + " s) ===");
        lines.forEach(l -> System.out.println("BENCH " + l));
        assertTrue(met, "targets (in-task): utilisation >= 95%, freed slot to next start < 200 ms, decisions within "
                + "one evaluation interval; see the BENCH lines");
    }

    /** Wall time of one child JVM running a zero-epoch benchmark trial: start, spec, result, exit. */
    private static String childJvmCost(Path tmp) throws Exception {
        Path dir = tmp.resolve("jvm-cost");
        String spec = dir.resolve("spec.json").toUri().toString();
        Json.write(spec, new TrialSpec("jvm", dir.toUri().toString(), "t", "v", List.of("thing"),
                Map.of("learning_rate", 0.01, "number_of_epochs", 0), 1, "cpu"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        cmd.addAll(TrialLaunch.JAVA17_OPENS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SleepTrialMain.class.getName(), spec));
        long total = 0;
        int runs = 5;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertEquals(0, p.waitFor());
            total += System.nanoTime() - t0;
        }
        return String.format("child JVM start+exit (one trial's process, zero epochs): mean %.0f ms over %d runs",
                total / 1e6 / runs, runs);
    }
}
