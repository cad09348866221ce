package io.automlseg.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.automlseg.driver.sweep.SweepListener;
import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The progress on a terminal (one line redrawn in place, event lines kept whole) and in a log (plain lines). */
class SweepProgressTest {
    static final Instant T0 = SweepEtaTest.T0;
    static final String E = StatusLine.ERASE;

    /** A clock that moves only when told. */
    static final class FakeClock extends Clock {
        Instant now = T0;

        void advance(int seconds) {
            now = now.plusSeconds(seconds);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final FakeClock clock = new FakeClock();
    final SweepState state = new SweepState("m");

    String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    SweepProgress progress(StatusLine line) {
        return new SweepProgress(line, new SweepEta.Plan(2, 1, 2, null), T0, clock, Duration.ofMinutes(1));
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlaceAndEventLinesStayWhole() {
        StatusLine line = new StatusLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 200);
        SweepProgress progress = progress(line);
        SweepConsole console = new SweepConsole(line.out());
        SweepListener listener = SweepListener.all(console, progress);

        listener.progress(state, 2);
        String first = "Progress: 0 running, 0 completed, 0 early-terminated, 0 failed of 2; ETA unknown until an "
                + "epoch ends (elapsed 0s)";
        String counts = "Sweep: 0 running, 0 completed, 0 early-terminated, 0 failed of 2\n";
        assertEquals(counts + first, printed(), "the console's count line first, then the live line under it");

        Trial t = state.addTrial(Map.of("learning_rate", 0.01));
        t.markRunning(clock.instant());
        listener.trialStarted(t);
        clock.advance(30);
        t.addEpoch(SweepEtaTest.epoch(1, 30), "m");
        listener.epochReported(t, SweepEtaTest.epoch(1, 30), 2, true, state);
        listener.progress(state, 2);
        listener.progress(state, 2);
        String started = "Trial 0001 started: {learning_rate=0.01}\n";
        String epoch = "  trial 0001 epoch 1/2: loss 1.0000, m 0.1000 (trial best 0.1000, sweep best 0.1000)\n";
        String runningCounts = "Sweep: 1 running, 0 completed, 0 early-terminated, 0 failed of 2\n";
        String running = "Progress: 1 running, 0 completed, 0 early-terminated, 0 failed of 2; ETA 1m30s "
                + "(elapsed 30s); best 0.1000 (trial 0001)";
        // Each event line: the live line erased, the line written, the live line drawn again; a round that changed
        // nothing draws nothing.
        String shown = counts + first + E + started + first + E + epoch + first + E + runningCounts + first + E
                + running;
        assertEquals(shown, printed());

        line.out().print("partial ");
        line.out().println("line");
        line.out().flush();
        progress.close();
        assertEquals(shown + E + "partial line\n" + running + E, printed(),
                "a line printed in pieces is not interrupted; the live line goes at the end");
        String withoutLive = printed().replace(first, "").replace(running, "").replace(E, "");
        assertEquals(counts + started + epoch + runningCounts + "partial line\n", withoutLive);
    }

    @Test
    void standardErrorOnTheSameTerminalTakesTheLiveLineAwayToo() {
        // Two streams onto one terminal (here one buffer): standard output and standard error.
        StatusLine line = new StatusLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 200);
        PrintStream err = line.alongside(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        line.show("live");
        err.println("12:00:00 WARN TaskSetManager: Lost task 0.0");
        line.show("live 2");
        assertEquals("live" + E + "12:00:00 WARN TaskSetManager: Lost task 0.0\nlive" + E + "live 2", printed());
        PrintStream plainErr = new PrintStream(new ByteArrayOutputStream());
        assertEquals(plainErr, new StatusLine(plainErr, false, 80).alongside(plainErr), "not in place: as it was");
    }

    @Test
    void theLiveLineIsCutToTheTerminalsWidth() {
        StatusLine line = new StatusLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 40);
        progress(line).progress(state, 2);
        assertEquals("Progress: 0 running, 0 completed, 0 ea…", printed());
    }

    @Test
    void inALogItIsAPlainLineEveryMinuteAndAfterEveryTrialsEnd() {
        StatusLine line = new StatusLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 80);
        SweepProgress progress = progress(line);
        SweepListener listener = SweepListener.all(new SweepConsole(line.out()), progress);
        Trial t = state.addTrial(Map.of());
        t.markRunning(clock.instant());
        for (int round = 0; round < 7; round++) {
            listener.progress(state, 2);
            clock.advance(15);
        }
        t.addEpoch(SweepEtaTest.epoch(1, 40), "m");
        t.addEpoch(SweepEtaTest.epoch(2, 40), "m");
        t.finish(TrialState.COMPLETED, clock.instant(), null);
        listener.trialEnded(t, state, clock.instant());
        listener.progress(state, 2);
        List<String> lines = printed().lines().toList();
        assertEquals(List.of(
                "Sweep: 1 running, 0 completed, 0 early-terminated, 0 failed of 2",
                "Progress: 1 running, 0 completed, 0 early-terminated, 0 failed of 2; ETA unknown until an epoch ends"
                        + " (elapsed 1m00s)",
                "Trial 0001 completed: best m 0.2000 at epoch 2 (105.0 s)",
                "Progress: 0 running, 1 completed, 0 early-terminated, 0 failed of 2; ETA 1m45s (elapsed 1m45s); "
                        + "best 0.2000 (trial 0001)",
                "Sweep: 0 running, 1 completed, 0 early-terminated, 0 failed of 2; best 0.2000 (trial 0001)"), lines);
        assertFalse(printed().contains("\r") || printed().contains("\033"), "no terminal controls in a log");
    }
}
