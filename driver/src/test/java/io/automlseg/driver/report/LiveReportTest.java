package io.automlseg.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveReportTest {
    @TempDir
    Path dir;

    /** A clock the test moves. */
    private static final class StepClock extends Clock {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void rewritesAtMostEveryThirtySecondsAndOnceMoreAtTheEnd() throws Exception {
        RunFolderFixture f = new RunFolderFixture(dir);
        Trial t = f.trial(Map.of("learning_rate", 0.01), List.of(0.2), null, null);
        StepClock clock = new StepClock();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LiveReport live = new LiveReport(f.run, new PrintStream(out, true, StandardCharsets.UTF_8), clock,
                (run, report) -> List.of(new GalleryImage("a.png", new byte[] {1}, new byte[] {2}, 1, 1)));
        Path report = dir.resolve("report.html");

        live.trialStarted(t);
        assertTrue(Files.exists(report), "the first event writes the report");
        Files.delete(report);
        clock.now = clock.now.plusSeconds(10);
        live.epochReported(t, t.epochs().get(0), 3, true, f.state);
        assertFalse(Files.exists(report), "not again within 30 s");
        clock.now = clock.now.plusSeconds(25);
        live.progress(f.state, 2);
        assertTrue(Files.exists(report), "the pending change is written once 30 s have passed");
        assertFalse(Files.readString(report).contains("data:image/png"), "no gallery while running");

        assertEquals(f.run.uri() + "/report.html", live.finish());
        assertTrue(Files.readString(report).contains("data:image/png;base64,AQ=="), "the end's report has it");
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Report: " + f.run.uri() + "/report.html"));
    }

    @Test
    void aReportThatCannotBeWrittenIsAWarningNotAFailure() throws Exception {
        Files.writeString(dir.resolve("file"), "not a folder");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LiveReport live = new LiveReport(new RunFolder(dir.resolve("file").toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), Clock.systemUTC(), GallerySource.NONE);
        Trial t = new Trial(1, Map.of());
        live.trialStarted(t);
        live.trialEnded(t, null, Instant.now());
        assertNull(live.finish());
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("Warning: could not write the report"), text);
        assertEquals(2, text.lines().count(), "once while running, once at the end: " + text);
    }

    @Test
    void aGalleryThatFailsLeavesTheRestOfTheReport() throws Exception {
        RunFolderFixture f = new RunFolderFixture(dir);
        f.trial(Map.of("learning_rate", 0.01), List.of(0.2), TrialState.COMPLETED, null);
        SweepReportWriter.Written w = new SweepReportWriter((run, report) -> {
            throw new IllegalStateException("no model");
        }).write(f.run, SweepReportWriter.defaultPath(f.run));
        assertTrue(Files.readString(dir.resolve("report.html")).contains("The gallery could not be drawn: no model"));
        assertEquals(0, w.galleryImages());
    }
}
