package io.automlseg.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.persist.JournalEvent;
import io.automlseg.driver.persist.RunAdmission;
import io.automlseg.driver.persist.SweepJournal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ended sweep run again with a larger {@code max_trials} goes on: its trials stay, the new ones are proposed from
 * the whole history (the same ones an uninterrupted sweep of that size proposes), and its summary counts them all.
 * Run again with the limits it ended with, its outcome is repeated. On the fake backend: milliseconds.
 */
class SweepExtensionTest {
    private static String job(int maxTrials, String sampling) {
        return """
                limits: {max_trials: %d, max_concurrent_trials: 1}
                training_parameters: {number_of_epochs: 2}
                sweep: {sampling_algorithm: %s}
                search_space:
                  - learning_rate: "uniform(0.006, 0.02)"
                    momentum: "choice(0.8, 0.9)"
                """.formatted(maxTrials, sampling);
    }

    private static List<Map<String, Object>> parameters(SweepState state) {
        List<Map<String, Object>> out = new ArrayList<>();
        state.trials().forEach(t -> out.add(t.parameters()));
        return out;
    }

    @Test
    void raisingMaxTrialsExtendsAnEndedBayesianSweepAsIfItHadBeenThatLargeFromTheStart(@TempDir Path tmp)
            throws Exception {
        FakeSweep first = new FakeSweep(tmp.resolve("a"), 1);
        FakeSweep.Ran six = first.run(job(6, "bayesian"));
        assertEquals(6, six.summary().trials());
        List<JournalEvent> history = SweepJournal.read(first.run);
        assertTrue(RunAdmission.hasEnded(first.run, history));
        assertEquals(0, RunAdmission.extension(history, FakeSweep.config(tmp, job(6, "bayesian"))),
                "the same limits: a retry repeats the outcome");
        assertThrows(FakeSweep.AlreadyEnded.class, () -> new FakeSweep(tmp.resolve("a"), 1).run(job(6, "bayesian")));
        assertEquals(3, RunAdmission.extension(history, FakeSweep.config(tmp, job(9, "bayesian"))));
        assertEquals(0, RunAdmission.extension(history, FakeSweep.config(tmp, job(5, "bayesian"))),
                "fewer trials than it has: nothing to add");

        FakeSweep extended = new FakeSweep(tmp.resolve("a"), 1);
        FakeSweep.Ran nine = extended.run(job(9, "bayesian"));
        assertEquals(List.of("0007", "0008", "0009"), extended.backend.launches, "the ended trials stay");
        assertTrue(nine.printed().startsWith("Journal: 6 trial(s) ended, 0 interrupted"), nine.printed());
        assertEquals(9, nine.trials().size());
        nine.trials().values().forEach(t -> assertEquals("completed", t.get("status").asText(), t.toString()));
        assertEquals(9, nine.summary().trials());
        assertEquals(SweepStatus.COMPLETED, nine.outcome().status());

        FakeSweep whole = new FakeSweep(tmp.resolve("b"), 1);
        FakeSweep.Ran uninterrupted = whole.run(job(9, "bayesian"));
        assertEquals(parameters(uninterrupted.state()), parameters(nine.state()),
                "the new trials came from the sampler with the whole history");
        assertEquals(uninterrupted.summary().bestTrial(), nine.summary().bestTrial());
        assertEquals(uninterrupted.summary().bestValue(), nine.summary().bestValue());

        List<JournalEvent> after = SweepJournal.read(extended.run);
        assertTrue(RunAdmission.hasEnded(extended.run, after));
        assertEquals(0, RunAdmission.extension(after, FakeSweep.config(tmp, job(9, "bayesian"))));
    }

    @Test
    void anExtensionInterruptedPartWayIsResumedNotTakenForTheEndedSweep(@TempDir Path tmp) throws Exception {
        new FakeSweep(tmp, 1).run(job(2, "random"));
        FakeSweep extending = new FakeSweep(tmp, 1);
        extending.killDriverWhen = s -> s.backend.launches.size() == 2;
        assertThrows(FakeSweep.DriverKilled.class, () -> extending.run(job(5, "random")));
        List<JournalEvent> history = SweepJournal.read(extending.run);
        assertFalse(RunAdmission.hasEnded(extending.run, history), "its last run did not end");

        FakeSweep resumed = new FakeSweep(tmp, 1);
        FakeSweep.Ran r = resumed.run(job(5, "random"));
        assertEquals(5, r.summary().trials());
        assertEquals(List.of("0004", "0005"), resumed.backend.launches, "the interrupted trial 4 ran again, then 5");
        assertEquals(5, r.trials().size());
    }

    @Test
    void aLongerTimeoutExtendsASweepThatTimedOut(@TempDir Path tmp) throws Exception {
        String timed = job(6, "random").replace("max_concurrent_trials: 1}",
                "max_concurrent_trials: 1, timeout_minutes: %d}");
        FakeSweep.Ran r = new FakeSweep(tmp, 1).run(timed.formatted(3));
        assertEquals(SweepStatus.TIMED_OUT, r.outcome().status());
        List<JournalEvent> history = SweepJournal.read(new FakeSweep(tmp, 1).run);
        int had = r.summary().trials();
        assertEquals(0, RunAdmission.extension(history, FakeSweep.config(tmp, timed.formatted(3))));
        assertEquals(6 - had, RunAdmission.extension(history, FakeSweep.config(tmp, timed.formatted(60))));
        FakeSweep.Ran more = new FakeSweep(tmp, 1).run(timed.formatted(60));
        assertEquals(6, more.summary().trials());
        assertEquals(SweepStatus.COMPLETED, more.outcome().status());
    }
}
