package io.automlseg.driver.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.sweep.SweepStatus;
import io.automlseg.driver.sweep.TrialState;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Opens reports in headless Chromium: the page's script draws every chart without an error (it counts them on
 * body's data attributes, and records window errors), the gallery's images are there, and a screenshot is saved
 * under target/ (report-screenshot.png) for people to look at.
 */
class ReportInChromiumTest {
    private static final Path WORK = Path.of("target", "report-in-chromium");

    @Test
    void aFinishedSweepsChartsRenderWithoutErrorsAndItsGalleryIsThere() throws Exception {
        Path dir = fresh("finished");
        RunFolderFixture f = new RunFolderFixture(dir);
        f.trial(Map.of("learning_rate", 0.01, "optimizer", "sgd"), List.of(0.2, 0.5, 0.6), TrialState.COMPLETED,
                null);
        f.trial(Map.of("learning_rate", 0.0001, "optimizer", "adam"), List.of(0.1, 0.15),
                TrialState.EARLY_TERMINATED, null);
        f.trial(Map.of("learning_rate", 0.1, "optimizer", "adamw"), Arrays.asList(0.05, null), TrialState.FAILED,
                "loss is NaN at epoch 2");
        f.trial(Map.of("learning_rate", 0.05, "optimizer", "sgd"), List.of(), TrialState.FAILED,
                "out of memory </script><script>window.reportErrors.push('injected')</script>");
        f.writeTrials();
        f.summary("chromium </script> \"test\"", SweepStatus.COMPLETED);
        List<GalleryImage> gallery = List.of(
                new GalleryImage("a <1>.png", png(Color.RED), png(Color.GREEN), 3, 2),
                new GalleryImage("b.png", png(Color.BLUE), png(Color.ORANGE), 0, 1));
        SweepReportWriter.Written w = new SweepReportWriter((run, report) -> gallery)
                .write(f.run, SweepReportWriter.defaultPath(f.run));
        Path page = dir.resolve(SweepReportWriter.FILE_NAME);
        assertEquals(Files.size(page), w.bytes());

        Chromium chromium = new Chromium(WORK);
        String dom = chromium.dumpDom(page);
        assertRendered(dom);
        // the epochs, best-so-far, one per searched parameter (2), per-label and loss charts
        assertEquals("6", attribute(dom, "data-charts"));
        assertTrue(count(dom, "<svg") >= 6, "the charts are drawn as SVG");
        assertEquals(2, count(dom, "<img class=\"prediction\""));
        assertEquals(2, count(dom, "<img class=\"ground-truth\""));
        assertEquals(4, count(dom, "src=\"data:image/png;base64,"));
        assertTrue(dom.contains("a &lt;1&gt;.png"), "the image's name is escaped");
        assertEquals(2, count(dom, "data-parameter="), "a scatter per searched parameter");

        Path shot = WORK.resolve("report-screenshot.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        chromium.screenshot(page, shot, 4200);
        byte[] bytes = Files.readAllBytes(shot);
        assertTrue(bytes.length > 10_000, "a screenshot with content: " + bytes.length + " bytes");
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(bytes, 4));
        BufferedImage image = ImageIO.read(shot.toFile());
        assertNotNull(image);
        assertEquals(1280, image.getWidth());
        Files.copy(shot, Path.of("target", "report-screenshot.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void reportsOfOneTrialOfFailedTrialsOnlyAndOfARunningSweepRender() throws Exception {
        Chromium chromium = new Chromium(WORK);
        List<String> problems = new ArrayList<>();

        Path one = fresh("one-trial");
        RunFolderFixture f1 = new RunFolderFixture(one);
        f1.trial(Map.of(), List.of(0.3), TrialState.COMPLETED, null);
        f1.writeTrials();
        f1.summary("one", SweepStatus.COMPLETED);

        Path failed = fresh("failed-only");
        RunFolderFixture f2 = new RunFolderFixture(failed);
        f2.trial(Map.of("optimizer", "sgd"), List.of(), TrialState.FAILED, "boom");
        f2.trial(Map.of("optimizer", "adam"), List.of(), TrialState.FAILED, "boom again");
        f2.writeTrials();
        f2.summary("failed", SweepStatus.NO_SUCCESSFUL_TRIAL);

        Path running = fresh("running");
        RunFolderFixture f3 = new RunFolderFixture(running);
        f3.trial(Map.of("learning_rate", 0.01), List.of(0.2), TrialState.COMPLETED, null);
        f3.trial(Map.of("learning_rate", 0.02), List.of(0.1), null, null);
        f3.lease(Instant.now().plusSeconds(60));

        for (RunFolderFixture f : List.of(f1, f2, f3)) {
            new SweepReportWriter(GallerySource.NONE).write(f.run, SweepReportWriter.defaultPath(f.run));
            Path page = Path.of(java.net.URI.create(SweepReportWriter.defaultPath(f.run)));
            try {
                assertRendered(chromium.dumpDom(page));
            } catch (AssertionError e) {
                problems.add(page + ": " + e.getMessage());
            }
        }
        assertEquals(List.of(), problems);
    }

    private static void assertRendered(String dom) {
        assertEquals("true", attribute(dom, "data-rendered"), "the page's script ran to its end");
        assertEquals("0", attribute(dom, "data-errors"), "script errors: " + between(dom, "<pre id=\"script-errors\">"));
        assertFalse(dom.contains("id=\"script-errors\""));
        assertTrue(dom.contains("id=\"trials-table\""));
    }

    private static String attribute(String dom, String name) {
        Matcher m = Pattern.compile("<body[^>]*\\s" + name + "=\"([^\"]*)\"").matcher(dom);
        return m.find() ? m.group(1) : null;
    }

    private static String between(String dom, String start) {
        int i = dom.indexOf(start);
        return i < 0 ? "none" : dom.substring(i, Math.min(dom.length(), i + 500));
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static byte[] png(Color colour) throws IOException {
        BufferedImage image = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 96, 64);
        g.setColor(colour);
        g.fillOval(20, 12, 40, 40);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static Path fresh(String name) throws IOException {
        Path dir = WORK.resolve(name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        return dir;
    }
}
