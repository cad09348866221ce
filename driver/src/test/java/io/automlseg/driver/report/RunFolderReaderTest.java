package io.automlseg.driver.report;

import static io.automlseg.driver.report.RunFolderFixture.METRIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.cli.AutomlCli;
import io.automlseg.driver.config.BadInputException;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.sweep.SweepStatus;
import io.automlseg.driver.sweep.TrialState;
import io.automlseg.executor.io.Storage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderReaderTest {
    @TempDir
    Path dir;

    @Test
    void aFinishedSweepOfOneTrial() throws Exception {
        RunFolderFixture f = new RunFolderFixture(dir);
        f.trial(Map.of("learning_rate", 0.01), List.of(0.2, 0.5, 0.4), TrialState.COMPLETED, null);
        f.writeTrials();
        f.summary("shapes <script>alert('x')</script>", SweepStatus.COMPLETED);

        SweepReportModel m = RunFolderReader.read(f.run);
        assertEquals(SweepStatus.COMPLETED, m.status());
        assertFalse(m.running());
        assertEquals("0001", m.bestTrial());
        assertEquals(0.5, m.bestValue());
        assertEquals(Map.of("completed", 1), m.trialsByStatus());
        assertEquals(List.of("learning_rate"), m.searchedParameters());
        assertEquals(900.0, m.wallSeconds());
        assertEquals(3, m.trials().get(0).epochs().size());
        assertEquals("host-0001", m.trials().get(0).host());
        // best so far: 0.2 then 0.5 (0.4 is no improvement), 70 and 130 s into the sweep
        assertEquals(List.of(0.2, 0.5), m.bestSoFar().stream().map(SweepReportModel.BestPoint::value).toList());
        assertEquals(130.0, m.bestSoFar().get(1).wallSeconds());
        assertEquals(2, m.bestModel().epoch());
        assertEquals(0.5, m.bestModel().perLabel().get("circle").get("average_precision"));

        String html = ReportHtml.page(m, List.of(), null);
        assertFalse(html.contains("<script>alert"), "the experiment's name is escaped");
        assertTrue(html.contains("shapes &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        String json = ReportHtml.json(m);
        assertFalse(json.contains("<") || json.contains(">") || json.contains("&"), json);
        assertTrue(json.contains("\"per_label\":{\"circle\"") && !json.contains("per_label_metrics"),
                "per-label metrics of the best model only: " + json);
        assertTrue(html.contains("star &lt;b&gt;&amp;amp;&lt;/b&gt;"), "a label is escaped in the tables");
    }

    @Test
    void aSweepWhoseTrialsAllFailed() throws Exception {
        RunFolderFixture f = new RunFolderFixture(dir);
        f.trial(Map.of("optimizer", "sgd"), List.of(), TrialState.FAILED, "out of memory");
        f.trial(Map.of("optimizer", "adam"), List.of(), TrialState.FAILED, "CUDA error");
        f.writeTrials();
        f.summary("all failed", SweepStatus.NO_SUCCESSFUL_TRIAL);

        SweepReportModel m = RunFolderReader.read(f.run);
        assertEquals(SweepStatus.NO_SUCCESSFUL_TRIAL, m.status());
        assertNull(m.bestTrial());
        assertNull(m.bestModel());
        assertEquals(Map.of("failed", 2), m.trialsByStatus());
        assertEquals(List.of(), m.bestSoFar());
        String html = ReportHtml.page(m, List.of(), null);
        assertTrue(html.contains("CUDA error"));
        assertTrue(html.contains("No trial has produced a model yet."));
    }

    @Test
    void aRunningSweepWithoutSummaryReadsTheJournalAndTheTrialFolders() throws Exception {
        RunFolderFixture f = new RunFolderFixture(dir);
        f.trial(Map.of("learning_rate", 0.01), List.of(0.3), TrialState.COMPLETED, null);
        f.writeTrials(); // trials.json knows trial 1 only
        f.trial(Map.of("learning_rate", 0.001), List.of(0.1, 0.35), null, null);
        f.lease(Instant.now().plusSeconds(60));

        SweepReportModel m = RunFolderReader.read(f.run);
        assertNull(m.status());
        assertTrue(m.running());
        assertEquals("running", m.statusText());
        assertEquals(Map.of("completed", 1, "running", 1), m.trialsByStatus());
        TrialFacts running = m.trials().get(1);
        assertEquals(TrialState.RUNNING, running.status());
        assertEquals(Map.of("learning_rate", 0.001), running.parameters(), "from the journal");
        assertEquals(2, running.epochs().size(), "from the trial's folder");
        assertEquals(3.3 / 2, running.epochs().get(1).validationLoss(), 1e-12);
        assertEquals("host-0002", running.host());
        assertEquals("cpu", running.device());
        assertEquals("0001", m.bestTrial(), "the best finished trial, not the running one");
        assertEquals(0.35, m.bestSoFar().get(m.bestSoFar().size() - 1).value());
        assertTrue(ReportHtml.page(m, List.of(), null).contains("the sweep is running"));
    }

    @Test
    void aSweepWhoseDriverDiedShowsItsTrialsInterrupted() throws Exception {
        RunFolderFixture f = new RunFolderFixture(dir);
        f.trial(Map.of("learning_rate", 0.01), List.of(0.3), null, null);
        f.lease(Instant.now().minusSeconds(600));

        SweepReportModel m = RunFolderReader.read(f.run);
        assertFalse(m.running());
        assertEquals("stopped before its end (no summary.json)", m.statusText());
        assertEquals("interrupted", TrialsTableHtml.statusText(m.trials().get(0), m.running()));
        assertEquals("0001", m.bestTrial(), "nothing finished: the best running trial");
    }

    @Test
    void aFolderThatIsNoRunFolderIsBadInputWithExitCode2() throws Exception {
        assertThrows(BadInputException.class, () -> RunFolderReader.read(new RunFolder(dir.toString())));
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(2, AutomlCli.execute("report", dir.toString()));
            assertEquals(2, AutomlCli.execute("report", dir.resolve("missing").toString()));
        } finally {
            System.setErr(err);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("is not a sweep's run folder"), text);
        assertTrue(text.contains("does not exist"), text);
        assertFalse(text.contains("\tat "), "no stack trace");
    }

    @Test
    void theCommandWritesTheReportIntoTheRunFolderOrWhereItIsTold() throws Exception {
        RunFolderFixture f = new RunFolderFixture(dir.resolve("run"));
        f.trial(Map.of("learning_rate", 0.01), List.of(0.2), TrialState.COMPLETED, null);
        f.writeTrials();
        f.summary("cli", SweepStatus.COMPLETED);
        assertEquals(0, AutomlCli.execute("report", dir.resolve("run").toString()));
        assertTrue(Storage.readString(f.run.uri() + "/report.html").contains("</html>"));
        Path other = dir.resolve("elsewhere/r.html");
        assertEquals(0, AutomlCli.execute("report", dir.resolve("run").toString(), "--output", other.toString()));
        assertTrue(Files.readString(other).startsWith("<!DOCTYPE html>"));
        try (var files = Files.list(other.getParent())) {
            assertEquals(List.of(other), files.toList(), "no temporary file is left behind");
        }
    }
}
