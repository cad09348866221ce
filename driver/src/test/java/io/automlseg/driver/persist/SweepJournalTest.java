package io.automlseg.driver.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.sweep.SweepStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's files and order, and which configuration changes a resume refuses. */
class SweepJournalTest {

    private static SweepConfig config(Path dir, String limits, String space) throws Exception {
        String yaml = "task: image_instance_segmentation\ntarget_column_name: label\ntraining_data: ./train\n"
                + "limits: " + limits + "\ntraining_parameters: {number_of_epochs: 3}\n"
                + "sweep: {sampling_algorithm: random}\nsearch_space:\n  - learning_rate: \"" + space + "\"\n";
        return SweepConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "job.yaml", dir.toUri().toString());
    }

    @Test
    void eventsAreReadBackInTheOrderWrittenAcrossReopens(@TempDir Path dir) throws Exception {
        RunFolder run = new RunFolder(dir.resolve("run").toUri().toString());
        assertFalse(SweepJournal.exists(run));
        SweepJournal journal = SweepJournal.open(run);
        journal.sweepStarted("r1", Map.of("k", "v"), Map.of("max_trials", "3"), "random", 7);
        for (int i = 1; i <= 11; i++) {
            journal.trialStarted(i, Map.of("learning_rate", 0.001 * i), 1);
        }
        // A second driver (a resume) goes on after the last event, never over it.
        SweepJournal reopened = SweepJournal.open(run);
        reopened.trialLost(11, 1, "its process was killed by signal 9");
        reopened.sweepEnded(SweepStatus.COMPLETED);
        List<JournalEvent> events = SweepJournal.read(run);
        assertEquals(14, events.size());
        JournalEvent.SweepStarted started = assertInstanceOf(JournalEvent.SweepStarted.class, events.get(0));
        assertEquals("r1", started.runId());
        assertEquals(7L, started.seed());
        for (int i = 1; i <= 11; i++) {
            assertEquals(i, assertInstanceOf(JournalEvent.TrialStarted.class, events.get(i)).trial(),
                    "numeric order, 000010 after 000009");
        }
        assertEquals(0.011, ((Number) ((JournalEvent.TrialStarted) events.get(11)).parameters().get("learning_rate"))
                .doubleValue(), 1e-12);
        assertEquals(11, assertInstanceOf(JournalEvent.TrialLost.class, events.get(12)).trial());
        assertEquals(SweepStatus.COMPLETED, assertInstanceOf(JournalEvent.SweepEnded.class, events.get(13)).status());
        assertTrue(Files.exists(dir.resolve("run/journal/000014.json")));
        try (var files = Files.list(dir.resolve("run/journal"))) {
            assertEquals(14, files.count(), "no temporary files left");
        }
    }

    @Test
    void limitsMayChangeOnResumeButTheSearchSpaceMayNot(@TempDir Path dir) throws Exception {
        Map<String, String> first = SweepFingerprint.of(config(dir, "{max_trials: 4}", "uniform(0.001, 0.01)"));
        assertEquals(List.of(), SweepFingerprint.differences(first,
                SweepFingerprint.of(config(dir, "{max_trials: 9, timeout_minutes: 5}", "uniform(0.001, 0.01)"))));
        List<String> diffs = SweepFingerprint.differences(first,
                SweepFingerprint.of(config(dir, "{max_trials: 4}", "uniform(0.001, 0.02)")));
        assertEquals(1, diffs.size(), diffs.toString());
        assertTrue(diffs.get(0).startsWith("search_space: was "), diffs.toString());
        assertEquals(SweepConfig.Limits.DEFAULT_MAX_TRIAL_RETRIES,
                config(dir, "{max_trials: 4}", "uniform(0.001, 0.01)").limits().maxTrialRetries());
        assertEquals(0, config(dir, "{max_trials: 4, max_trial_retries: 0}", "uniform(0.001, 0.01)").limits()
                .maxTrialRetries());
    }
}
