package io.automlseg.driver.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.sweep.SweepStatus;
import io.automlseg.driver.sweep.TrialState;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.trial.StartingWeights;
import io.automlseg.executor.trial.TrialResult;
import io.automlseg.executor.trial.TrialStatus;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run folders written before the typed statuses and events (December 2026, by the code of that time) still read,
 * and what is read writes back byte for byte: so an existing run folder resumes and its files keep their shape.
 */
class RunFolderFormatTest {
    static final Path FIXTURE = fixture();

    private static Path fixture() {
        try {
            URL url = RunFolderFormatTest.class.getResource("format-2026-12");
            return Path.of(url.toURI());
        } catch (Exception e) {
            throw new IllegalStateException("test fixture format-2026-12 missing", e);
        }
    }

    static List<Path> journalFiles(String run) throws Exception {
        try (Stream<Path> files = Files.list(FIXTURE.resolve(run).resolve("journal"))) {
            return files.sorted().toList();
        }
    }

    private static <T> void roundTrips(Path file, Class<T> type) throws Exception {
        String written = Files.readString(file, StandardCharsets.UTF_8);
        T read = Json.MAPPER.readValue(written, type);
        assertEquals(written, Json.MAPPER.writeValueAsString(read), file.toString());
    }

    @Test
    void everyJournalEventWritesBackAsItWasRead() throws Exception {
        for (String run : List.of("sweep", "lost-and-timed-out")) {
            List<Path> files = journalFiles(run);
            assertEquals(run.equals("sweep") ? 8 : 6, files.size());
            for (Path f : files) {
                roundTrips(f, JournalEvent.class);
            }
        }
    }

    @Test
    void theEventsReadAsTheirTypesWithTheirStatuses() throws Exception {
        List<JournalEvent> sweep = SweepJournal.read(new RunFolder(FIXTURE.resolve("sweep").toUri().toString()));
        assertEquals(List.of(JournalEvent.SweepStarted.class, JournalEvent.TrialStarted.class,
                JournalEvent.TrialStarted.class, JournalEvent.TrialEnded.class, JournalEvent.TrialStarted.class,
                JournalEvent.TrialEnded.class, JournalEvent.TrialEnded.class, JournalEvent.SweepEnded.class),
                sweep.stream().map(Object::getClass).toList());
        JournalEvent.SweepStarted started = (JournalEvent.SweepStarted) sweep.get(0);
        assertEquals("test", started.runId());
        assertEquals(47L, started.seed());
        assertEquals("grid", started.fingerprint().get("sweep.sampling_algorithm"));
        assertEquals(List.of(TrialState.COMPLETED, TrialState.FAILED, TrialState.EARLY_TERMINATED),
                sweep.stream().filter(JournalEvent.TrialEnded.class::isInstance)
                        .map(e -> ((JournalEvent.TrialEnded) e).record().status()).toList());
        assertEquals(SweepStatus.COMPLETED, ((JournalEvent.SweepEnded) sweep.get(7)).status());

        List<JournalEvent> lost = SweepJournal.read(
                new RunFolder(FIXTURE.resolve("lost-and-timed-out").toUri().toString()));
        JournalEvent.TrialLost loss = (JournalEvent.TrialLost) lost.get(2);
        assertEquals(1, loss.trial());
        assertEquals(1, loss.attempt());
        assertTrue(loss.reason().contains("signal 9"), loss.reason());
        assertEquals(2, ((JournalEvent.TrialStarted) lost.get(3)).attempt());
        TrialRecord canceled = ((JournalEvent.TrialEnded) lost.get(4)).record();
        assertEquals(TrialState.CANCELED, canceled.status());
        assertEquals(StartingWeights.From.PRETRAINED_COCO, canceled.startingWeights().from());
        assertEquals(SweepStatus.TIMED_OUT, ((JournalEvent.SweepEnded) lost.get(5)).status());
    }

    @Test
    void aNewEventIsWrittenInTheSameShape(@TempDir Path dir) throws Exception {
        RunFolder run = new RunFolder(dir.toUri().toString());
        SweepJournal journal = SweepJournal.open(run);
        journal.trialLost(1, 1, "its process was killed by signal 9 (not sent by the sweep)");
        journal.sweepEnded(SweepStatus.TIMED_OUT);
        for (String[] pair : List.of(new String[] {"000001.json", "000003.json"},
                new String[] {"000002.json", "000006.json"})) {
            String written = Files.readString(dir.resolve("journal").resolve(pair[0]));
            String old = Files.readString(FIXTURE.resolve("lost-and-timed-out/journal").resolve(pair[1]));
            assertEquals(withoutTime(old), withoutTime(written));
        }
        assertEquals(SweepStatus.TIMED_OUT, ((JournalEvent.SweepEnded) SweepJournal.read(run).get(1)).status());
    }

    private static String withoutTime(String json) {
        return json.replaceAll("\"at\" : \"[^\"]*\"", "\"at\" : \"-\"");
    }

    @Test
    void theTrialsTableReadsAsTrialRecordsThatWriteBackTheSame() throws Exception {
        JsonNode trials = Json.MAPPER.readTree(FIXTURE.resolve("sweep/trials.json").toFile()).get("trials");
        assertEquals(3, trials.size());
        for (JsonNode node : trials) {
            TrialRecord record = Json.MAPPER.treeToValue(node, TrialRecord.class);
            assertEquals(node, Json.MAPPER.valueToTree(record));
        }
        assertEquals(TrialState.EARLY_TERMINATED, Json.MAPPER.treeToValue(trials.get(2), TrialRecord.class).status());
    }

    @Test
    void theSummaryAndATrialResultWriteBackAsTheyWereRead() throws Exception {
        roundTrips(FIXTURE.resolve("sweep/summary.json"), SweepSummary.class);
        roundTrips(FIXTURE.resolve("sweep/result-0003.json"), TrialResult.class);
        assertEquals(SweepStatus.COMPLETED,
                Json.MAPPER.readValue(FIXTURE.resolve("sweep/summary.json").toFile(), SweepSummary.class).status());
        assertEquals(TrialStatus.EARLY_TERMINATED, Json.MAPPER.readValue(
                FIXTURE.resolve("sweep/result-0003.json").toFile(), TrialResult.class).status());
    }
}
