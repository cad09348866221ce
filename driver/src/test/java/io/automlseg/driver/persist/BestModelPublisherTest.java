package io.automlseg.driver.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BestModelPublisherTest {

    private static Path model(Path dir, String content) throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("weights.bin"), content);
        Files.writeString(dir.resolve("sub/labels.json"), "[\"a\"]");
        return dir;
    }

    private static long leftovers(Path run) throws IOException {
        try (Stream<Path> s = Files.list(run)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".best_model")).count();
        }
    }

    @Test
    void replacesTheModelWholeAndMarksItComplete(@TempDir Path run) throws Exception {
        String target = run.resolve("best_model").toString();
        assertNull(BestModelPublisher.publishedTrial(target));
        BestModelPublisher.publish(model(run.resolve("t1/model"), "one").toString(), target, "0001",
                "mean_average_precision", 0.3);
        assertEquals("0001", BestModelPublisher.publishedTrial(target));
        BestModelPublisher.publish(model(run.resolve("t2/model"), "two").toString(), target, "0002",
                "mean_average_precision", 0.5);
        assertEquals("0002", BestModelPublisher.publishedTrial(target));
        assertEquals("two", Files.readString(run.resolve("best_model/weights.bin")));
        assertTrue(Files.exists(run.resolve("best_model/sub/labels.json")));
        assertEquals(0, leftovers(run));
    }

    @Test
    void aFailedCopyLeavesThePreviousModelUntouched(@TempDir Path run) throws Exception {
        String target = run.resolve("best_model").toString();
        BestModelPublisher.publish(model(run.resolve("t1/model"), "one").toString(), target, "0001", "m", 0.3);
        assertThrows(IOException.class, () -> BestModelPublisher.publish(run.resolve("t2/model").toString(), target,
                "0002", "m", 0.5));
        assertEquals("0001", BestModelPublisher.publishedTrial(target));
        assertEquals("one", Files.readString(run.resolve("best_model/weights.bin")));
        assertEquals(0, leftovers(run));
        assertFalse(Files.exists(run.resolve("t2")));
    }

    @Test
    void aStoreThatFailsWritesMidwayLeavesThePreviousBestCompleteAndPublished(@TempDir Path run) throws Exception {
        FaultyFileSystem.install();
        String target = FaultyFileSystem.uri(run.resolve("best_model"));
        BestModelPublisher.publish(model(run.resolve("t1/model"), "one".repeat(1000)).toString(), target, "0001", "m",
                0.3);
        FaultyFileSystem.failWrites(".best_model.tmp-", 1500);
        try {
            IOException failed = assertThrows(IOException.class, () -> BestModelPublisher.publish(
                    model(run.resolve("t2/model"), "two".repeat(1000)).toString(), target, "0002", "m", 0.5));
            assertTrue(failed.getMessage().contains("injected fault"), failed.getMessage());
        } finally {
            FaultyFileSystem.heal();
        }
        assertEquals("0001", BestModelPublisher.publishedTrial(target));
        assertEquals("one".repeat(1000), Files.readString(run.resolve("best_model/weights.bin")));
        assertTrue(Files.exists(run.resolve("best_model/sub/labels.json")));
        assertEquals(0, leftovers(run), "the half-written copy is removed");
    }
}
