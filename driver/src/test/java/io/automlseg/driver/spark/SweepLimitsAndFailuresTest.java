package io.automlseg.driver.spark;

import static io.automlseg.driver.spark.SparkSweepRunnerTest.config;
import static io.automlseg.driver.spark.SparkSweepRunnerTest.images;
import static io.automlseg.driver.spark.SparkSweepRunnerTest.options;
import static io.automlseg.driver.spark.SparkSweepRunnerTest.trialsById;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.persist.JournalEvent;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.persist.SweepJournal;
import io.automlseg.driver.persist.SweepSummary;
import io.automlseg.driver.sweep.SchedulerStats;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hard stops and infrastructure failures through Spark local[2] and real child JVMs ({@link FakeTrialMain}): that a
 * cancelled Spark job kills the trial's process tree, and that a process killed by a signal is a lost trial run again
 * in its folder. The rules themselves (time limits, max_failed_trials, retries, hard stops) are checked without
 * Spark in sweep.SweepLoopTest. Minutes of the limits last one second here ({@link RunnerOptions#limitMinute()}).
 */
class SweepLimitsAndFailuresTest {

    private record Ran(SweepSummary summary, String printed, Map<String, JsonNode> trials, Path out,
                       SparkSweepRunner runner) {}

    private static Ran sweep(Path tmp, String yaml, RunnerOptions options) throws Exception {
        List<ImageRecord> records = images(tmp.resolve("images"), 4);
        SweepConfig config = config(tmp, yaml);
        Path out = tmp.resolve("run");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        SparkSweepRunner runner = new SparkSweepRunner(config, out.toString(), (input, c, training) -> records,
                options, new PrintStream(console, true, StandardCharsets.UTF_8));
        SweepSummary summary = runner.run();
        String printed = console.toString(StandardCharsets.UTF_8);
        System.out.println(printed);
        return new Ran(summary, printed, trialsById(out), out, runner);
    }

    private static RunnerOptions fast(double epochSeconds) {
        return options(epochSeconds).withLimitMinute(Duration.ofSeconds(1)).withPollInterval(Duration.ofMillis(200));
    }

    private static long pid(Path trialDir) {
        try {
            return ((Number) Json.MAPPER.readValue(trialDir.resolve(TrialProcess.PROCESS_FILE).toFile(), Map.class)
                    .get("pid")).longValue();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void aTrialThatIgnoresItsStopRequestIsHardStoppedAndRecordedAsEarlyTerminated(@TempDir Path tmp)
            throws Exception {
        Ran r = sweep(tmp, """
                limits: {max_trials: 2, max_concurrent_trials: 1}
                training_parameters: {number_of_epochs: 8}
                sweep:
                  sampling_algorithm: grid
                  early_termination: {type: bandit, slack_factor: 0.2}
                search_space:
                  - learning_rate: "choice(0.004, 0.001)"
                """, fast(1).withStopGrace(Duration.ofSeconds(1)).withExtraTrialJvmOptions(
                        List.of("-Dfake.epochSeconds=1", "-Dfake.ignoreStop=true", "-Dfake.exitSeconds=3")));
        JsonNode weak = r.trials().get("0002");
        assertEquals("early_terminated", weak.get("status").asText(), r.printed());
        assertTrue(weak.get("stop_reason").asText().startsWith("bandit:"), weak.toString());
        assertTrue(weak.get("stop_reason").asText().contains("Spark job was cancelled"), weak.toString());
        assertNull(weak.get("error"));
        assertTrue(weak.get("epochs_run").asInt() < 8, weak.toString());
        assertFalse(Files.exists(r.out().resolve("trials/0002/result.json")), "it never ended by itself");
        // It takes 3 s to end once signalled, long after its job failed on the driver: the sweep returns (and a CLI
        // exits) only once the task has saved the log (a timed-out sweep cancels its trials the same way).
        String log = Files.readString(r.out().resolve("trials/0002/trial.log"));
        assertTrue(log.contains("fake trial 0002") && log.contains("epoch 2 map"), log);
        assertFalse(ProcessHandle.of(pid(r.out().resolve("trials/0002"))).map(ProcessHandle::isAlive).orElse(false),
                "its child JVM was killed with its job");
        assertEquals(1, r.summary().earlyTerminated());
        assertEquals("0001", r.summary().bestTrial());
        // Every evaluation was judged within one evaluation interval (1 s) of its report landing.
        SchedulerStats stats = r.runner().schedulerStats();
        assertTrue(stats.decisions() >= 9, stats.report(1));
        assertTrue(stats.stopDecisions() >= 1, stats.report(1));
        assertTrue(stats.maxDecisionMillis() < 1000, stats.report(1));
    }

    @Test
    void aTrialWhoseProcessIsKilledRunsAgainFromItsCheckpointWithinItsRetryBudget(@TempDir Path tmp)
            throws Exception {
        // Trial 0001 is killed once and completes on its second attempt; 0002 is killed twice, which exceeds the
        // budget of one retry.
        Map<String, Integer> killsWanted = Map.of("0001", 1, "0002", 2);
        Map<String, Integer> kills = new HashMap<>();
        Map<String, Long> killedPid = new HashMap<>();
        AtomicBoolean done = new AtomicBoolean();
        Path trials = tmp.resolve("run/trials");
        Thread killer = new Thread(() -> {
            while (!done.get()) {
                for (Map.Entry<String, Integer> w : killsWanted.entrySet()) {
                    Path dir = trials.resolve(w.getKey());
                    long pid = pid(dir);
                    if (pid > 0 && kills.getOrDefault(w.getKey(), 0) < w.getValue()
                            && !Long.valueOf(pid).equals(killedPid.get(w.getKey()))
                            && Files.exists(dir.resolve("checkpoint/state.json"))) {
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL, as an OOM killer
                        killedPid.put(w.getKey(), pid);
                        kills.merge(w.getKey(), 1, Integer::sum);
                    }
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        killer.setDaemon(true);
        killer.start();
        Ran r;
        try {
            r = sweep(tmp, """
                    limits: {max_trials: 2, max_concurrent_trials: 2, max_trial_retries: 1}
                    training_parameters: {number_of_epochs: 4}
                    sweep: {sampling_algorithm: grid}
                    search_space:
                      - learning_rate: "choice(0.004, 0.002)"
                    """, fast(1));
        } finally {
            done.set(true);
        }
        JsonNode retried = r.trials().get("0001");
        assertEquals("completed", retried.get("status").asText(), r.printed());
        assertEquals(2, retried.get("attempts").asInt(), retried.toString());
        assertEquals(4, retried.get("epochs_run").asInt());
        assertTrue(Files.readString(r.out().resolve("trials/0001/trial.log")).contains("resumed from checkpoint"),
                "the second attempt ran in the same folder and resumed");
        JsonNode lost = r.trials().get("0002");
        assertEquals("failed", lost.get("status").asText(), lost.toString());
        assertEquals(2, lost.get("attempts").asInt());
        assertTrue(lost.get("error").asText().contains("lost 2 times to infrastructure failures (max_trial_retries 1)"),
                lost.toString());
        assertTrue(lost.get("error").asText().contains("killed by signal 9"), lost.toString());
        assertEquals(2, r.summary().retries());
        assertEquals("0001", r.summary().bestTrial());
        List<JournalEvent> journal = SweepJournal.read(new RunFolder(r.out().toUri().toString()));
        assertEquals(3, journal.stream().filter(JournalEvent.TrialLost.class::isInstance).count());
    }

}
