package io.automlseg.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.persist.BestModelPublisher;
import io.automlseg.driver.persist.JournalEvent;
import io.automlseg.driver.persist.JournalReplay;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.persist.RunRecorder;
import io.automlseg.driver.persist.SweepJournal;
import io.automlseg.driver.spark.FakeTrialMain;
import io.automlseg.driver.sweep.SweepState;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.TrialFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A sweep of 16 short trials on a standalone cluster of two Workers, submitted with {@code scripts/submit.sh},
 * while chaos strikes: trial processes are killed at random throughout, the driver is killed twice (after 3 and
 * after 8 trials ended) and resumed each time, and one executor is killed in the last run with a trial that has
 * checkpointed, which must complete on another executor without running its first epoch again. The trial
 * body is the protocol-following stand-in {@link FakeTrialMain} (checkpoint every epoch, resume from it), so the
 * test exercises the sweep's bookkeeping, not training. Afterwards nothing is lost or done twice: every trial has
 * exactly one final record, no trial was started again after it ended, the journal replays to the same trials.json,
 * and best_model/ is the best trial's.
 */
@Tag("cluster")
class ChaosSweepTest {
    private static final int TRIALS = 16;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(6);
    /** Each killed trial runs again from its checkpoint; more kills only make the test longer. */
    private static final int MAX_TRIAL_KILLS = 8;

    @Test
    void aSweepSurvivesKilledTrialsTwoKilledDriversAndAKilledExecutorWithNothingLostOrRepeated() throws Exception {
        Path tmp = Files.createTempDirectory("automlseg-chaos-");
        long seed = System.nanoTime();
        System.out.println("chaos seed " + seed);
        Random random = new Random(seed);
        long t0 = System.nanoTime();
        try (StandaloneCluster cluster = new StandaloneCluster(Files.createDirectories(tmp.resolve("cluster")), 2, 1,
                Map.of())) {
            Path train = TinyData.mltable("train", 10, tmp.resolve("train"));
            Path validation = TinyData.mltable("validation", 2, tmp.resolve("validation"));
            Path config = tmp.resolve("chaos.yaml");
            Files.writeString(config, """
                    task: image_instance_segmentation
                    primary_metric: mean_average_precision
                    target_column_name: label
                    training_data: {type: mltable, path: "%s"}
                    validation_data: {type: mltable, path: "%s"}
                    limits: {max_trials: %d, max_concurrent_trials: 2, max_trial_retries: 20}
                    training_parameters: {number_of_epochs: 4}
                    sweep: {sampling_algorithm: random}
                    search_space:
                      - learning_rate: "uniform(0.001, 0.002)"
                    """.formatted(train, validation, TRIALS));
            Path output = tmp.resolve("run");
            List<String> args = List.of(config.toString(), "--master", cluster.masterUrl(), "--output",
                    output.toString(), "--run-id", "chaos", "--jars", String.join(",", Submission.bundledJars(),
                            TestJar.of(tmp, "fake-trial.jar", FakeTrialMain.class).toString()),
                    "--executor-memory", "512m", "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=2",
                    "--trial-main-class", FakeTrialMain.class.getName(), "--trial-memory", "128m",
                    "--trial-jvm-option", "-Dfake.epochSeconds=0.4", "--trial-jvm-option", "-XX:TieredStopAtLevel=1");
            Path appJar = Submission.thinAppJar(tmp);
            AtomicInteger trialKills = new AtomicInteger();
            ExecutorKill executorKill = null;
            IntSupplier ended = () -> endedTrials(output);

            // Run 1 and run 2 are killed once enough trials ended; run 3 loses an executor and must finish.
            for (int run = 1; run <= 3; run++) {
                List<String> runArgs = new ArrayList<>(args);
                if (run > 1) {
                    runArgs.add("--resume");
                }
                Path log = tmp.resolve("submit-" + run + ".log");
                Submission.Running running = Submission.start(appJar, log, runArgs);
                try {
                    int killDriverAt = run == 1 ? 3 : run == 2 ? 8 : Integer.MAX_VALUE;
                    boolean executorKilled = run != 3;
                    long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
                    while (running.process().isAlive() && ended.getAsInt() < killDriverAt) {
                        assertTrue(System.nanoTime() < deadline, "run " + run + " stalled:\n"
                                + Submission.tail(log, 60) + cluster.logs());
                        Thread.sleep(200 + random.nextInt(400));
                        if (trialKills.get() < MAX_TRIAL_KILLS && random.nextInt(8) == 0
                                && killRandomTrial(cluster, random)) {
                            trialKills.incrementAndGet();
                        }
                        if (!executorKilled && ended.getAsInt() >= 11) {
                            executorKill = killExecutorRunningATrial(cluster);
                            executorKilled = executorKill != null;
                        }
                    }
                    if (run < 3) {
                        assertTrue(running.process().isAlive(), "run " + run + " ended before its driver was killed:\n"
                                + Submission.tail(log, 60));
                        running.stop();
                        System.out.printf("killed driver of run %d after %d ended trials, %.0f s into the test%n", run,
                                ended.getAsInt(), (System.nanoTime() - t0) / 1e9);
                    } else {
                        Submission.Result r = running.await(RUN_TIMEOUT);
                        assertEquals(0, r.exitCode(), "the last run finishes:\n" + Submission.tail(log, 80)
                                + cluster.logs());
                        assertTrue(executorKilled, "an executor was killed in the last run");
                    }
                } finally {
                    running.stop();
                }
            }
            System.out.printf("chaos: %d trial processes killed; the sweep ended %.0f s into the test%n",
                    trialKills.get(), (System.nanoTime() - t0) / 1e9);
            assertTrue(trialKills.get() >= 1, "at least one trial process was killed");
            assertNothingLostOrRepeated(output);
            assertRerunElsewhereFromItsCheckpoint(output, executorKill);
        } finally {
            if (Boolean.getBoolean("chaos.keep")) { // -Dchaos.keep=true keeps the logs and the run folder
                System.out.println("kept " + tmp);
                return;
            }
            try (Stream<Path> files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void assertNothingLostOrRepeated(Path output) throws Exception {
        RunFolder run = new RunFolder(Storage.qualify(output.toString()));
        List<JournalEvent> events = SweepJournal.read(run);
        Map<Integer, Integer> finalRecords = new TreeMap<>();
        Map<Integer, Integer> starts = new TreeMap<>();
        for (JournalEvent e : events) {
            if (e instanceof JournalEvent.TrialEnded d) {
                finalRecords.merge(d.trial(), 1, Integer::sum);
            } else if (e instanceof JournalEvent.TrialStarted s) {
                assertFalse(finalRecords.containsKey(s.trial()), "trial " + s.trial() + " started again after it"
                        + " ended: " + s);
                starts.merge(s.trial(), 1, Integer::sum);
            }
        }
        assertEquals(TRIALS, finalRecords.size(), "every trial ended: " + finalRecords);
        finalRecords.forEach((trial, n) -> assertEquals(1, n, "final records of trial " + trial));

        JsonNode trialsJson = Json.MAPPER.readTree(output.resolve("trials.json").toFile());
        assertEquals(TRIALS, trialsJson.get("trials").size());
        String best = null;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (JsonNode t : trialsJson.get("trials")) {
            assertEquals("completed", t.get("status").asText(), t.toString());
            assertEquals(4, t.get("epochs_run").asInt(), t.toString());
            assertEquals(starts.get(t.get("number").asInt()), t.get("attempts").asInt(), "attempts of " + t);
            if (t.get("best_value").asDouble() > bestValue) {
                bestValue = t.get("best_value").asDouble();
                best = t.get("trial_id").asText();
            }
        }

        SweepState replayed = new SweepState(trialsJson.get("primary_metric").asText());
        JournalReplay.replay(events, replayed, run);
        List<?> records = new RunRecorder(run, null, replayed, table -> {}).records(Instant.now());
        assertEquals(trialsJson.get("trials"), Json.MAPPER.valueToTree(records),
                "the journal replays to the same trials.json");

        assertNotNull(best);
        assertEquals(best, Json.MAPPER.readTree(output.resolve("summary.json").toFile()).get("best_trial").asText());
        assertEquals(best, BestModelPublisher.publishedTrial(run.bestModel()), "best_model/ is the best trial's");
        assertEquals(Files.readString(output.resolve("trials").resolve(best).resolve(TrialFiles.MODEL_DIR)
                        .resolve("weights.txt")),
                Files.readString(output.resolve("best_model/weights.txt")), "best_model/ holds the best trial's model");
    }

    /** How many trials the journal says ended, 0 before it exists. */
    private static int endedTrials(Path output) {
        try {
            if (!Files.exists(output.resolve("journal"))) {
                return 0;
            }
            return (int) SweepJournal.read(new RunFolder(Storage.qualify(output.toString()))).stream()
                    .filter(e -> e instanceof JournalEvent.TrialEnded).count();
        } catch (Exception partlyWritten) {
            return 0;
        }
    }

    /** Kills one running trial JVM picked at random, as the OS's OOM killer would. */
    private static boolean killRandomTrial(StandaloneCluster cluster, Random random) {
        List<ProcessHandle> trials = new ArrayList<>();
        for (ProcessHandle executor : cluster.executors()) {
            executor.descendants().filter(ChaosSweepTest::isTrial).forEach(trials::add);
        }
        if (trials.isEmpty()) {
            return false;
        }
        ProcessHandle victim = trials.get(random.nextInt(trials.size()));
        System.out.println("chaos: killing trial process " + victim.pid());
        return victim.destroyForcibly();
    }

    /** An executor killed with the trial it ran, whose first epoch had been reported. */
    private record ExecutorKill(String executorId, String trialId, Instant at) {}

    /**
     * Kills the executor JVM (with its trial) of the first executor found running a trial that has checkpointed an
     * epoch, or returns null when there is none yet.
     */
    private static ExecutorKill killExecutorRunningATrial(StandaloneCluster cluster) {
        for (ProcessHandle executor : cluster.executors()) {
            for (ProcessHandle trial : executor.descendants().filter(ChaosSweepTest::isTrial).toList()) {
                List<String> a = StandaloneCluster.arguments(trial);
                Path trialDir = Path.of(a.get(a.size() - 1).replaceFirst("^file:", "")).getParent();
                // FakeTrialMain's checkpoint, written after the epoch's report.
                if (Files.exists(trialDir.resolve(TrialFiles.CHECKPOINT_DIR).resolve("state.json"))) {
                    String id = StandaloneCluster.executorId(executor);
                    System.out.println("chaos: killing executor " + id + " running trial " + trialDir.getFileName());
                    Instant at = Instant.now();
                    StandaloneCluster.killTree(executor);
                    return new ExecutorKill(id, trialDir.getFileName().toString(), at);
                }
            }
        }
        return null;
    }

    /** The lost executor's trial completed on another executor without reporting its first epoch again. */
    private static void assertRerunElsewhereFromItsCheckpoint(Path output, ExecutorKill kill) throws Exception {
        for (JsonNode t : Json.MAPPER.readTree(output.resolve("trials.json").toFile()).get("trials")) {
            if (t.get("trial_id").asText().equals(kill.trialId())) {
                assertNotEquals(kill.executorId(), t.get("executor_id").asText(), "rerun elsewhere: " + t);
                Path firstEpoch = output.resolve("trials").resolve(kill.trialId()).resolve(TrialFiles.epochReport(1));
                assertTrue(Files.getLastModifiedTime(firstEpoch).toInstant().isBefore(kill.at()),
                        "epoch 1 was not run again: the rerun started from the checkpoint");
                return;
            }
        }
        throw new AssertionError("trial " + kill.trialId() + " is missing from trials.json");
    }

    private static boolean isTrial(ProcessHandle p) {
        List<String> a = StandaloneCluster.arguments(p);
        return !a.isEmpty() && a.get(a.size() - 1).endsWith("/" + TrialFiles.SPEC);
    }
}
