package io.automlseg.driver.sweep;

import static io.automlseg.driver.sweep.FakeSweep.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.persist.JournalEvent;
import io.automlseg.driver.persist.SweepJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep whose driver died is continued from its journal (replayed by persist's JournalReplay): ended trials are
 * kept, interrupted ones run again in their folders or are recorded from the result they wrote meanwhile, and the
 * sampler, the retry counts and the published best go on. On the fake backend: milliseconds.
 */
class SweepResumeRulesTest {
    private static final String JOB = """
            limits: {max_trials: 3, max_concurrent_trials: 1, max_trial_retries: 1}
            training_parameters: {number_of_epochs: 4}
            sweep: {sampling_algorithm: grid}
            search_space:
              - learning_rate: "choice(0.004, 0.002, 0.001)"
            """;

    private static boolean ended(FakeSweep s, int trial) {
        try {
            return count(SweepJournal.read(s.run), JournalEvent.TrialEnded.class, trial) == 1;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void endedTrialsAreKeptAnInterruptedOneRunsAgainFromItsCheckpointAndTheSamplerGoesOn(@TempDir Path tmp)
            throws Exception {
        FakeSweep first = new FakeSweep(tmp, 1);
        first.killDriverWhen = s -> ended(s, 1) && Files.exists(s.trialDir("0002").resolve("checkpoint/state.json"));
        assertThrows(FakeSweep.DriverKilled.class, () -> first.run(JOB));
        assertFalse(Files.exists(first.trialDir("0002").resolve("result.json")), "trial 2 was stopped part-way");

        FakeSweep resumed = new FakeSweep(tmp, 1);
        FakeSweep.Ran r = resumed.run(JOB);
        assertTrue(r.printed().startsWith("Journal: 1 trial(s) ended, 1 interrupted (run again in their folders, "
                + "from their checkpoints).\n"), r.printed());
        assertTrue(r.printed().contains("Trial 0002 was interrupted: running it again (attempt 2)"), r.printed());
        assertEquals(List.of("0002", "0003"), resumed.backend.launches, "the ended trial was not run again");
        assertTrue(resumed.backend.resumedFromEpoch.get("0002") >= 1, "from its checkpoint");
        assertEquals(1, count(r.journal(), JournalEvent.TrialStarted.class, 1));
        assertEquals(2, count(r.journal(), JournalEvent.TrialStarted.class, 2));
        assertEquals(1, r.trial("0001").get("attempts").asInt());
        assertEquals(4, r.trial("0001").get("epochs_run").asInt(), "its epochs were read back from its folder");
        assertEquals(2, r.trial("0002").get("attempts").asInt());
        assertEquals(0.001, r.trial("0003").get("parameters").get("learning_rate").asDouble(),
                "the sampler went on from the history");
        r.trials().values().forEach(t -> assertEquals("completed", t.get("status").asText(), t.toString()));
        assertEquals(SweepStatus.COMPLETED, r.outcome().status());
        assertEquals("0001", r.summary().bestTrial());
        assertFalse(r.printed().contains("New best: trial 0001"), "its model was already published:\n" + r.printed());
    }

    @Test
    void aTrialThatFinishedWhileTheDriverWasDownIsRecordedFromItsResult(@TempDir Path tmp) throws Exception {
        FakeSweep first = new FakeSweep(tmp, 1);
        first.killDriverWhen = s -> Files.exists(s.trialDir("0001").resolve("result.json"));
        assertThrows(FakeSweep.DriverKilled.class, () -> first.run(JOB));

        FakeSweep resumed = new FakeSweep(tmp, 1);
        resumed.backend.leftovers.add(resumed.run.trialDir("0001"));
        FakeSweep.Ran r = resumed.run(JOB);
        assertTrue(r.printed().contains("  ended the process trial 0001 had left running"), r.printed());
        assertFalse(r.printed().contains("Trial 0001 was interrupted"), r.printed());
        assertEquals(List.of("0002", "0003"), resumed.backend.launches);
        assertEquals("completed", r.trial("0001").get("status").asText());
        assertEquals(1, r.trial("0001").get("attempts").asInt());
        assertEquals(1, count(r.journal(), JournalEvent.TrialEnded.class, 1));
    }

    @Test
    void anInterruptedTrialKeepsItsStopRequestAndItsLossesAcrossAResume(@TempDir Path tmp) throws Exception {
        FakeSweep first = new FakeSweep(tmp, 1);
        first.backend.killsAfterEpoch.put("0001", 1);
        first.killDriverWhen = s -> s.backend.launches.size() == 2
                && Files.exists(s.trialDir("0001").resolve("metrics/epoch-0002.json"));
        assertThrows(FakeSweep.DriverKilled.class, () -> first.run(JOB));
        Files.writeString(first.trialDir("0001").resolve("STOP"), "bandit: asked before the driver died\n");

        FakeSweep resumed = new FakeSweep(tmp, 1);
        resumed.backend.killsAfterEpoch.put("0001", 1);
        FakeSweep.Ran r = resumed.run(JOB);
        assertTrue(r.printed().contains("Trial 0001 was interrupted: running it again (attempt 3)"), r.printed());
        assertEquals("failed", r.trial("0001").get("status").asText(), r.printed());
        assertTrue(r.trial("0001").get("error").asText().startsWith("lost 2 times to infrastructure failures "
                + "(max_trial_retries 1)"), r.trial("0001").toString());
        assertEquals("bandit: asked before the driver died", r.trial("0001").get("stop_reason").asText());
        assertEquals(1, r.summary().retries(), "the retry before the resume still counts");
        assertEquals(3, r.trial("0001").get("attempts").asInt());
    }
}
