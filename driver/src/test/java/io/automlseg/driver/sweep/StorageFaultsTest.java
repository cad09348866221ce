package io.automlseg.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.persist.FaultyFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store that starts failing writes mid-sweep: the sweep stops with a clear error rather than run unjournaled. */
class StorageFaultsTest {
    @AfterEach
    void heal() {
        FaultyFileSystem.heal();
    }

    @Test
    void aFailedJournalWriteStopsTheSweepAndCancelsItsRunningTrials(@TempDir Path tmp) throws Exception {
        FaultyFileSystem.install();
        FakeSweep sweep = new FakeSweep(tmp, 2, FaultyFileSystem.uri(tmp.resolve("run")));
        long[] journaled = new long[1];
        sweep.killDriverWhen = s -> {
            if (s.backend.launches.size() == 2 && FaultyFileSystem.failUnder == null) {
                journaled[0] = journalFiles(tmp);
                FaultyFileSystem.failWrites("/journal/", 0);
            }
            return false;
        };
        IOException stopped = assertThrows(IOException.class, () -> sweep.run("""
                limits: {max_trials: 4, max_concurrent_trials: 2}
                training_parameters: {number_of_epochs: 3}
                sweep: {sampling_algorithm: grid}
                search_space:
                  - learning_rate: "choice(0.001, 0.004, 0.003, 0.002)"
                """));
        assertTrue(stopped.getMessage().startsWith("cannot write the sweep's journal")
                && stopped.getMessage().contains("injected fault") && stopped.getMessage().contains("--resume"),
                stopped.getMessage());
        assertTrue(sweep.backend.launches.size() <= 3, "at most the trial whose start could not be journaled: "
                + sweep.backend.launches);
        for (String id : sweep.backend.launches) {
            assertTrue(Files.exists(sweep.trialDir(id).resolve(io.automlseg.executor.trial.TrialFiles.RESULT)) || sweep.backend.cancelled.contains(id),
                    "trial " + id + " either ended or was cancelled when the sweep stopped");
        }
        assertTrue(!sweep.backend.cancelled.isEmpty(), "a trial still running was cancelled");
        assertEquals(journaled[0], journalFiles(tmp), "nothing half-written was left in the journal");
    }

    private static long journalFiles(Path tmp) {
        try (Stream<Path> files = Files.list(tmp.resolve("run/journal"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
