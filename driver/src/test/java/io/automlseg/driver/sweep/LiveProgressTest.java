package io.automlseg.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live progress through a whole sweep on the fake backend: four trials of three one-minute epochs on two slots
 * take six minutes, which the ETA knows from the first epoch on; on a terminal the event lines come out exactly as
 * without it.
 */
class LiveProgressTest {
    static final String YAML = """
            limits: {max_trials: 4, max_concurrent_trials: 2}
            training_parameters: {number_of_epochs: 3}
            sweep: {sampling_algorithm: grid}
            search_space:
              - learning_rate: "choice(0.001, 0.004, 0.002, 0.006)"
            """;
    static final Pattern TIMES = Pattern.compile("ETA (\\S+) \\(elapsed (\\S+)\\)");

    static Duration parse(String d) {
        Matcher m = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?").matcher(d);
        assertTrue(m.matches(), d);
        long s = 0;
        for (int i = 1; i <= 3; i++) {
            s = s * 60 + (m.group(i) == null ? 0 : Long.parseLong(m.group(i)));
        }
        return Duration.ofSeconds(s);
    }

    @Test
    void inALogAPlainLineEveryMinuteAndAtEveryEndWithAnEtaThatAddsUpToTheSweep(@TempDir Path tmp)
            throws Exception {
        FakeSweep sweep = new FakeSweep(tmp, 2);
        sweep.progressInPlace = false;
        String printed = sweep.run(YAML).printed();
        List<String> progress = printed.lines().filter(l -> l.startsWith("Progress: ")).toList();
        assertFalse(printed.contains("\r"), printed);
        // Minutes 1, 2, 4 and 5, and the four ends (two at minute 3, two at 6, where no minute's line repeats them).
        assertEquals(4 + 4, progress.size(), printed);
        assertEquals("Progress: 2 running, 0 completed, 0 early-terminated, 0 failed of 4; ETA 5m00s "
                + "(elapsed 1m00s); best 0.1333 (trial 0002)", progress.get(0));
        for (String line : progress) {
            Matcher m = TIMES.matcher(line);
            assertTrue(m.find(), line);
            assertEquals(Duration.ofMinutes(6), parse(m.group(1)).plus(parse(m.group(2))), line);
        }
        assertTrue(progress.get(progress.size() - 1).startsWith("Progress: 0 running, 4 completed, "
                + "0 early-terminated, 0 failed of 4; ETA 0s (elapsed 6m00s)"), printed);
        assertTrue(printed.contains("Trial 0001 completed: best mean_average_precision 0.1000 at epoch 3 (180.0 s)\n"
                + "Progress: 1 running, 1 completed,"), "a trial's end, then the progress: " + printed);
    }

    @Test
    void onATerminalTheEventLinesComeOutAsWithoutIt(@TempDir Path tmp) throws Exception {
        FakeSweep plain = new FakeSweep(tmp.resolve("a"), 2);
        String without = plain.run(YAML).printed().replace(tmp.resolve("a").toUri().toString(), "DIR/");
        FakeSweep live = new FakeSweep(tmp.resolve("b"), 2);
        live.progressInPlace = true;
        String shown = live.run(YAML).printed().replace(tmp.resolve("b").toUri().toString(), "DIR/");
        assertTrue(shown.contains("\r\033[KProgress: 2 running, 0 completed, 0 early-terminated, 0 failed of 4; "
                + "ETA 5m00s (elapsed 1m00s)"), shown);
        String events = shown.replaceAll("Progress: [^\n\r\033]*", "").replace("\r\033[K", "");
        assertEquals(without, events, "the live line erased, what is left is the console's lines, whole");
    }
}
