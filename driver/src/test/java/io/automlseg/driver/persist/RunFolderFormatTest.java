package io.automlseg.driver.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.automlseg.executor.io.Json;
import io.automlseg.executor.trial.TrialResult;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

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
    void theSummaryAndATrialResultWriteBackAsTheyWereRead() throws Exception {
        roundTrips(FIXTURE.resolve("sweep/summary.json"), SweepSummary.class);
        roundTrips(FIXTURE.resolve("sweep/result-0003.json"), TrialResult.class);
    }
}
