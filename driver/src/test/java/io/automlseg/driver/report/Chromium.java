package io.automlseg.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (Debian's chromium package; .ci/run installs it when missing) opening a file: page, with a fresh
 * profile each time and no network use of its own.
 */
final class Chromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    /** Time the page's scripts may run (virtual: Chromium fast-forwards through idle time). */
    private static final int VIRTUAL_TIME_MS = 10_000;

    private final Path work;

    Chromium(Path work) {
        assertTrue(Files.isExecutable(BINARY), BINARY + " is missing: install Debian's chromium package "
                + "(apt-get install -y chromium), as .ci/run does");
        this.work = work;
    }

    /** The page's DOM once its scripts have run. */
    String dumpDom(Path page) throws IOException, InterruptedException {
        return run(page, "--dump-dom");
    }

    /** Saves a screenshot of the page's first {@code height} pixels at a width of 1280 as a PNG. */
    void screenshot(Path page, Path png, int height) throws IOException, InterruptedException {
        run(page, "--screenshot=" + png.toAbsolutePath(), "--window-size=1280," + height, "--hide-scrollbars");
    }

    private String run(Path page, String... extra) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(work, "chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile.toAbsolutePath(),
                "--virtual-time-budget=" + VIRTUAL_TIME_MS));
        cmd.addAll(List.of(extra));
        cmd.add(page.toAbsolutePath().toUri().toString());
        Path log = work.resolve("chromium-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("chromium did not end; its log: " + log);
        }
        assertEquals(0, p.exitValue(), "chromium failed; its log: " + Files.readString(log));
        return new String(out, StandardCharsets.UTF_8);
    }
}
