package io.automlseg.driver.sweep;

import static io.automlseg.driver.sweep.FakeSweep.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.cli.ExitCodes;
import io.automlseg.driver.persist.BestModelPublisher;
import io.automlseg.driver.persist.JournalEvent;
import io.automlseg.executor.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep loop's rules on the fake backend and a manual clock: concurrency, crashes, the termination policy's stop
 * requests and hard stops, the time limits, max_failed_trials, retries of lost trials and lingering processes. One
 * "minute" is a real minute of the manual clock; nothing sleeps.
 */
class SweepLoopTest {

    @Test
    void runsTrialsConcurrentlyRecordsACrashAndPublishesTheBest(@TempDir Path tmp) throws Exception {
        FakeSweep sweep = new FakeSweep(tmp, 2);
        FakeSweep.Ran r = sweep.run("""
                limits: {max_trials: 4, max_concurrent_trials: 3}
                training_parameters: {number_of_epochs: 3}
                sweep: {sampling_algorithm: grid}
                search_space:
                  - learning_rate: "choice(0.001, 0.004, 0.003, 0.002)"
                """);
        assertEquals(SweepStatus.COMPLETED, r.outcome().status(), r.printed());
        assertEquals(2, sweep.backend.mostAtOnce, "capped to the backend's 2 slots");
        assertEquals(List.of("0001", "0002", "0003", "0004"), sweep.backend.launches);
        assertEquals("0002", r.summary().bestTrial());
        assertEquals(0.4, r.summary().bestValue(), 1e-9);
        assertEquals(3, r.summary().completed());
        assertEquals(1, r.summary().failed());
        JsonNode crashed = r.trial("0003");
        assertEquals("failed", crashed.get("status").asText());
        assertTrue(crashed.get("error").asText().contains("exited with code 3 without writing result.json"),
                crashed.toString());
        assertTrue(crashed.get("error").asText().contains("fake trial crashing on purpose"), crashed.toString());
        assertEquals(1, crashed.get("epochs_run").asInt(), "the crashed trial's first epoch was still recorded");
        for (String id : List.of("0001", "0002", "0004")) {
            assertEquals("completed", r.trial(id).get("status").asText());
            assertEquals(3, r.trial(id).get("best_epoch").asInt());
            assertEquals(1, r.trial(id).get("attempts").asInt());
            assertEquals("node-a", r.trial(id).get("host").asText(), "where it ran, from its exit");
        }
        assertEquals("0002", BestModelPublisher.publishedTrial(sweep.run.bestModel()));
        assertEquals(4, r.journal().stream().filter(JournalEvent.TrialEnded.class::isInstance).count());
        assertEquals(3, Json.MAPPER.readTree(sweep.trialDir("0001").resolve("spec.json").toFile())
                .get("parameters").get("number_of_epochs").asInt(), "the spec has the resolved parameters");
        assertTrue(r.printed().contains("  trial 0002 epoch 3/3: loss 0.3333, mean_average_precision 0.4000 "
                + "(trial best 0.4000, sweep best 0.4000)"), r.printed());
        assertTrue(r.printed().contains("Trial 0003 failed: the trial process exited with code 3"), r.printed());
        assertTrue(r.printed().contains("New best: trial 0002 with mean_average_precision 0.4000 -> "), r.printed());
        assertTrue(r.printed().contains("Best trial 0002: mean_average_precision 0.4000, model in "), r.printed());
    }

    @Test
    void thePolicyStopsAWeakTrialThroughItsStopFile(@TempDir Path tmp) throws Exception {
        FakeSweep sweep = new FakeSweep(tmp, 1);
        FakeSweep.Ran r = sweep.run("""
                limits: {max_trials: 2, max_concurrent_trials: 1}
                training_parameters: {number_of_epochs: 4}
                sweep:
                  sampling_algorithm: grid
                  early_termination: {type: bandit, slack_factor: 0.2}
                search_space:
                  - learning_rate: "choice(0.004, 0.001)"
                """);
        assertEquals("completed", r.trial("0001").get("status").asText(), r.printed());
        JsonNode weak = r.trial("0002");
        assertEquals("early_terminated", weak.get("status").asText(), r.printed());
        assertTrue(weak.get("epochs_run").asInt() < 4, weak.toString());
        assertTrue(weak.get("stop_reason").asText().startsWith("bandit:"), weak.toString());
        assertTrue(Files.exists(sweep.trialDir("0002").resolve("STOP")));
        assertNull(weak.get("error"));
        assertFalse(sweep.backend.cancelled.contains("0002"), "it stopped by itself");
        assertEquals(1, r.summary().earlyTerminated());
        assertEquals("0001", r.summary().bestTrial());
        assertTrue(r.printed().contains("  trial 0002 asked to stop: bandit:"), r.printed());
    }

    @Test
    void aTrialThatIgnoresItsStopRequestIsHardStoppedAfterItsGraceAndKeepsItsModel(@TempDir Path tmp)
            throws Exception {
        FakeSweep sweep = new FakeSweep(tmp, 1);
        sweep.backend.ignoreStop = true;
        sweep.stopGrace = Duration.ofMinutes(3);
        FakeSweep.Ran r = sweep.run("""
                limits: {max_trials: 2, max_concurrent_trials: 1}
                training_parameters: {number_of_epochs: 8}
                sweep:
                  sampling_algorithm: grid
                  early_termination: {type: bandit, slack_factor: 0.2}
                search_space:
                  - learning_rate: "choice(0.004, 0.001)"
                """);
        JsonNode weak = r.trial("0002");
        assertEquals("early_terminated", weak.get("status").asText(), r.printed());
        assertTrue(weak.get("stop_reason").asText().startsWith("bandit:"), weak.toString());
        assertTrue(weak.get("stop_reason").asText().contains("Spark job was cancelled"), weak.toString());
        assertNull(weak.get("error"));
        assertTrue(sweep.backend.cancelled.contains("0002"));
        assertFalse(Files.exists(sweep.trialDir("0002").resolve("result.json")), "it never ended by itself");
        // Asked to stop after its first epoch (at 1 min), it got its grace of 3 minutes, then one poll interval.
        Duration ran = Duration.between(Instant.parse(weak.get("started_at").asText()),
                Instant.parse(weak.get("finished_at").asText()));
        assertTrue(ran.compareTo(Duration.ofMinutes(4)) > 0 && ran.compareTo(Duration.ofMinutes(4).plus(
                FakeSweep.POLL.multipliedBy(2))) <= 0, ran.toString());
        assertEquals(4, weak.get("epochs_run").asInt(), weak.toString());
        assertEquals(1, r.summary().earlyTerminated());
        assertTrue(r.printed().contains("  trial 0002 did not stop when asked: cancelling its Spark job"));
    }

    @Test
    void aHardStoppedTrialWithoutAModelFailed(@TempDir Path tmp) throws Exception {
        FakeSweep sweep = new FakeSweep(tmp, 1);
        sweep.backend.ignoreStop = true;
        sweep.backend.noModel.add("0002");
        FakeSweep.Ran r = sweep.run("""
                limits: {max_trials: 2, max_concurrent_trials: 1}
                training_parameters: {number_of_epochs: 8}
                sweep:
                  sampling_algorithm: grid
                  early_termination: {type: bandit, slack_factor: 0.2}
                search_space:
                  - learning_rate: "choice(0.004, 0.001)"
                """);
        JsonNode weak = r.trial("0002");
        assertEquals("failed", weak.get("status").asText(), r.printed());
        assertTrue(weak.get("error").asText().startsWith("asked to stop, it had not stopped "), weak.toString());
        assertTrue(weak.get("error").asText().endsWith(", and it had saved no model"), weak.toString());
    }

    @Test
    void aTrialTimeoutFailsTheTrialAndMaxFailedTrialsStopsLaunching(@TempDir Path tmp) throws Exception {
        // Grid order: a good trial, one that hangs (timed out after 8 minutes), one that crashes, two never run.
        FakeSweep sweep = new FakeSweep(tmp, 1);
        FakeSweep.Ran r = sweep.run("""
                limits: {max_trials: 5, max_concurrent_trials: 1, trial_timeout_minutes: 8, max_failed_trials: 2}
                training_parameters: {number_of_epochs: 2}
                sweep: {sampling_algorithm: grid}
                search_space:
                  - learning_rate: "choice(0.004, 0.005, 0.003, 0.002, 0.001)"
                """);
        assertEquals(3, r.summary().trials(), r.printed());
        assertEquals(1, r.summary().completed());
        assertEquals(2, r.summary().failed());
        assertEquals(SweepStatus.COMPLETED, r.outcome().status());
        assertEquals(ExitCodes.OK, ExitCodes.of(r.summary()), "a model exists: success, with a warning");
        assertEquals("the sweep stopped early: 2 trials failed, reaching max_failed_trials (2)", r.summary().warning());
        assertTrue(r.printed().contains("Warning: the sweep stopped early"), r.printed());
        assertTrue(r.printed().contains("2 trials failed, reaching max_failed_trials (2): no new trials are "
                + "started; the running ones finish."), r.printed());
        JsonNode hung = r.trial("0002");
        assertEquals("failed", hung.get("status").asText());
        assertEquals("timed out after 8 minutes (trial_timeout_minutes)", hung.get("error").asText());
        assertTrue(sweep.backend.cancelled.contains("0002"), "the timed-out trial's run was cancelled");
        Duration ran = Duration.between(Instant.parse(hung.get("started_at").asText()),
                Instant.parse(hung.get("finished_at").asText()));
        assertTrue(ran.compareTo(Duration.ofMinutes(8)) > 0
                && ran.compareTo(Duration.ofMinutes(8).plus(FakeSweep.POLL.multipliedBy(2))) <= 0, ran.toString());
        assertTrue(r.trial("0003").get("error").asText().contains("exited with code 3"));
        assertEquals("0001", r.summary().bestTrial());
        assertFalse(Files.exists(sweep.trialDir("0004")), "no trial after max_failed_trials");
    }

    @Test
    void theSweepTimeoutCancelsRunningTrialsAndKeepsTheBest(@TempDir Path tmp) throws Exception {
        FakeSweep sweep = new FakeSweep(tmp, 2);
        FakeSweep.Ran r = sweep.run("""
                limits: {max_trials: 2, max_concurrent_trials: 2, timeout_minutes: 25}
                training_parameters: {number_of_epochs: 2}
                sweep: {sampling_algorithm: grid}
                search_space:
                  - learning_rate: "choice(0.004, 0.005)"
                """);
        assertEquals(SweepStatus.TIMED_OUT, r.outcome().status(), r.printed());
        assertEquals(ExitCodes.TIMEOUT, ExitCodes.of(r.summary()));
        assertEquals("0001", r.summary().bestTrial());
        assertEquals("0001", BestModelPublisher.publishedTrial(sweep.run.bestModel()));
        JsonNode hung = r.trial("0002");
        assertEquals("canceled", hung.get("status").asText(), hung.toString());
        assertEquals("cancelled: the sweep's timeout_minutes (25) ran out", hung.get("error").asText());
        assertEquals(1, r.summary().canceled());
        assertEquals(0, r.summary().failed(), "a canceled trial is not a failed one");
        assertNull(r.summary().warning());
        double minutes = r.summary().wallSeconds() / 60;
        assertTrue(minutes >= 25 && minutes <= 25 + 3 * FakeSweep.POLL.toSeconds() / 60.0, "" + minutes);
        assertTrue(r.printed().contains("The sweep's timeout_minutes (25) ran out: cancelling 1 running trial(s)."),
                r.printed());
        assertTrue(r.printed().contains("Sweep: 0 running, 1 completed, 0 early-terminated, 0 failed, 1 canceled "
                + "of 2; best 0.4000 (trial 0001)"), r.printed());
    }

    @Test
    void aLostTrialRunsAgainInItsFolderWithinItsRetryBudget(@TempDir Path tmp) throws Exception {
        // Trial 0001 is killed once and completes on its second attempt; 0002 is killed twice, one more than its
        // budget of one retry; 0003 loses its executor once.
        FakeSweep sweep = new FakeSweep(tmp, 3);
        sweep.backend.killsAfterEpoch.put("0001", 1);
        sweep.backend.killsAfterEpoch.put("0002", 2);
        sweep.backend.executorLossesAfterEpoch.put("0003", 1);
        FakeSweep.Ran r = sweep.run("""
                limits: {max_trials: 3, max_concurrent_trials: 3, max_trial_retries: 1}
                training_parameters: {number_of_epochs: 4}
                sweep: {sampling_algorithm: grid}
                search_space:
                  - learning_rate: "choice(0.004, 0.002, 0.001)"
                """);
        JsonNode retried = r.trial("0001");
        assertEquals("completed", retried.get("status").asText(), r.printed());
        assertEquals(2, retried.get("attempts").asInt(), retried.toString());
        assertEquals(4, retried.get("epochs_run").asInt());
        assertEquals(1, sweep.backend.resumedFromEpoch.get("0001"), "the second attempt resumed from its checkpoint");
        JsonNode lost = r.trial("0002");
        assertEquals("failed", lost.get("status").asText(), lost.toString());
        assertEquals(2, lost.get("attempts").asInt());
        assertTrue(lost.get("error").asText().startsWith("lost 2 times to infrastructure failures "
                + "(max_trial_retries 1); the last: its process was killed by signal 9"), lost.toString());
        JsonNode executorLost = r.trial("0003");
        assertEquals("completed", executorLost.get("status").asText(), executorLost.toString());
        assertEquals(2, executorLost.get("attempts").asInt());
        assertTrue(r.printed().contains("Trial 0003 lost: its Spark task failed: Lost executor 1 on node-b: worker "
                + "lost; running it again in its folder (retry 1 of 1)"), r.printed());
        assertEquals(3, r.summary().retries());
        assertEquals("0001", r.summary().bestTrial());
        assertEquals(4, r.journal().stream().filter(JournalEvent.TrialLost.class::isInstance).count());
        assertEquals(2, count(r.journal(), JournalEvent.TrialLost.class, 2));
        assertEquals(2, count(r.journal(), JournalEvent.TrialStarted.class, 1));
    }

    @Test
    void theSweepTimeoutAlsoCancelsATrialRunAgainAfterALoss(@TempDir Path tmp) throws Exception {
        FakeSweep sweep = new FakeSweep(tmp, 1);
        sweep.backend.killsAfterEpoch.put("0001", 1);
        sweep.backend.epochTime = Duration.ofMinutes(10);
        FakeSweep.Ran r = sweep.run("""
                limits: {max_trials: 1, max_concurrent_trials: 1, timeout_minutes: 15, max_trial_retries: 1}
                training_parameters: {number_of_epochs: 4}
                sweep: {sampling_algorithm: grid}
                search_space:
                  - learning_rate: "choice(0.004)"
                """);
        assertEquals(SweepStatus.TIMED_OUT, r.outcome().status(), r.printed());
        assertEquals("canceled", r.trial("0001").get("status").asText());
        assertEquals(2, r.trial("0001").get("attempts").asInt());
    }

    @Test
    void aProcessLingeringAfterItsResultIsStoppedAndItsResultCounts(@TempDir Path tmp) throws Exception {
        FakeSweep sweep = new FakeSweep(tmp, 1);
        sweep.backend.lingering.add("0001");
        FakeSweep.Ran r = sweep.run("""
                limits: {max_trials: 1, max_concurrent_trials: 1}
                training_parameters: {number_of_epochs: 2}
                sweep: {sampling_algorithm: grid}
                search_space:
                  - learning_rate: "choice(0.004)"
                """);
        JsonNode t = r.trial("0001");
        assertEquals("completed", t.get("status").asText(), r.printed());
        assertTrue(sweep.backend.cancelled.contains("0001"));
        Duration ran = Duration.between(Instant.parse(t.get("started_at").asText()),
                Instant.parse(t.get("finished_at").asText()));
        assertTrue(ran.compareTo(Duration.ofMinutes(3)) > 0, "two epochs and more than " + StopRules.RESULT_GRACE
                + " of lingering: " + ran);
        assertTrue(r.printed().contains("  trial 0001 wrote its result but its process is still running: stopping "
                + "it"), r.printed());
        assertEquals(Set.of("0001"), sweep.backend.cancelled);
    }

    @Test
    void aSecondListenerBesideTheConsoleHearsTheSameEvents() {
        List<String> first = new java.util.ArrayList<>();
        List<String> second = new java.util.ArrayList<>();
        SweepListener both = SweepListener.all(new SweepListener() {
            @Override
            public void trialStarted(Trial t) {
                first.add("started " + t.id());
            }
        }, new SweepListener() {
            @Override
            public void trialStarted(Trial t) {
                second.add("started " + t.id());
            }

            @Override
            public void sweepTimedOut(int timeoutMinutes, int running) {
                second.add("timed out " + timeoutMinutes);
            }
        });
        both.trialStarted(new Trial(3, java.util.Map.of()));
        both.sweepTimedOut(5, 1);
        both.progress(new SweepState("m"), 1);
        assertEquals(List.of("started 0003"), first);
        assertEquals(List.of("started 0003", "timed out 5"), second);
    }
}
