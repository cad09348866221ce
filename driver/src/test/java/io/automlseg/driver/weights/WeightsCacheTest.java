package io.automlseg.driver.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.weights.WeightsUnavailableException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The weights cache against a server on 127.0.0.1: download, hash check, reuse, and every way a fetch can fail. */
class WeightsCacheTest {
    private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String[] cacheFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted()
                    .toArray(String[]::new);
        }
    }

    @Test
    void fetchesChecksAndReusesAFile(@TempDir Path dir) throws Exception {
        byte[] file = bytes(300_000, 1);
        String name = WeightServer.hashedName("resnet18", file);
        try (WeightServer server = new WeightServer().serve(name, file)) {
            WeightsCache cache = new WeightsCache(dir.toString());
            String prefix = WeightCatalog.hashInName(name).orElseThrow();

            WeightsCache.Stored first = cache.ensure(server.baseUrl() + name, name, prefix, QUIET);
            assertTrue(first.downloaded());
            assertEquals(WeightServer.sha256(file), first.sha256());
            assertArrayEquals(file, Files.readAllBytes(dir.resolve(name)));
            assertArrayEquals(new String[] {name}, cacheFiles(dir), "only the checked file, no partial download");

            WeightsCache.Stored again = cache.ensure(server.baseUrl() + name, name, prefix, QUIET);
            assertFalse(again.downloaded(), "a cached file with the right hash is not fetched again");
            assertEquals(first.sha256(), again.sha256());
            assertEquals(1, server.requests(name));
        }
    }

    @Test
    void aCorruptedDownloadNeverBecomesAnEntry(@TempDir Path dir) throws Exception {
        byte[] published = bytes(100_000, 2);
        String name = WeightServer.hashedName("resnet34", published);
        byte[] corrupted = published.clone();
        corrupted[5000] ^= 1;
        try (WeightServer server = new WeightServer().serve(name, corrupted)) {
            WeightsCache cache = new WeightsCache(dir.toString());
            WeightsUnavailableException e = assertThrows(WeightsUnavailableException.class,
                    () -> cache.ensure(server.baseUrl() + name, name, WeightCatalog.hashInName(name).get(), QUIET));
            assertEquals(Reason.HASH_MISMATCH, e.reason());
            assertTrue(e.getMessage().contains("nothing was cached"), e.getMessage());
            assertEquals(0, cacheFiles(dir).length, String.join(",", cacheFiles(dir)));
        }
    }

    @Test
    void aTransferCutShortIsANetworkFailureAndLeavesNothing(@TempDir Path dir) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread cutter = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.write(bytes(50_000, 3));
                    out.flush();
                } catch (IOException ignored) {
                    // the test is over
                }
            });
            cutter.setDaemon(true);
            cutter.start();
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/models/resnet50-0676ba61.pth";
            WeightsCache cache = new WeightsCache(dir.toString());
            WeightsUnavailableException e = assertThrows(WeightsUnavailableException.class,
                    () -> cache.ensure(url, "resnet50-0676ba61.pth", "0676ba61", QUIET));
            assertEquals(Reason.NETWORK, e.reason(), e.getMessage());
            assertEquals(0, cacheFiles(dir).length);
        }
    }

    @Test
    void aMissingFileOnTheServerIsAnHttpError(@TempDir Path dir) throws Exception {
        try (WeightServer server = new WeightServer()) {
            WeightsUnavailableException e = assertThrows(WeightsUnavailableException.class,
                    () -> new WeightsCache(dir.toString()).ensure(server.baseUrl() + "resnet18-f37072fd.pth",
                            "resnet18-f37072fd.pth", "f37072fd", QUIET));
            assertEquals(Reason.HTTP_STATUS, e.reason());
            assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
            assertThrows(WeightsUnavailableException.class,
                    () -> WeightDownloader.probe(server.baseUrl() + "resnet18-f37072fd.pth"));
        }
    }

    @Test
    void anUnreachableHostFailsAtOnce(@TempDir Path dir) throws Exception {
        String url = "http://127.0.0.1:" + WeightServer.closedPort() + "/models/resnet18-f37072fd.pth";
        WeightsUnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                WeightsUnavailableException.class,
                () -> new WeightsCache(dir.toString()).ensure(url, "resnet18-f37072fd.pth", "f37072fd", QUIET)));
        assertEquals(Reason.NETWORK, e.reason());
        assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
    }

    @Test
    void aServerThatNeverAnswersCannotHangTheSweep(@TempDir Path dir) throws Exception {
        Duration before = WeightDownloader.readTimeout;
        WeightDownloader.readTimeout = Duration.ofSeconds(1);
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                try (Socket ignored = silent.accept()) {
                    Thread.sleep(10_000);
                } catch (IOException | InterruptedException ignored) {
                    // the test is over
                }
            });
            accept.setDaemon(true);
            accept.start();
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/models/resnet18-f37072fd.pth";
            WeightsUnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                    WeightsUnavailableException.class,
                    () -> new WeightsCache(dir.toString()).ensure(url, "resnet18-f37072fd.pth", "f37072fd", QUIET)));
            assertEquals(Reason.NETWORK, e.reason());
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        } finally {
            WeightDownloader.readTimeout = before;
        }
    }

    @Test
    void aDamagedCopyInTheCacheFailsItsCheck(@TempDir Path dir) throws Exception {
        String name = damagedCopyIn(dir);
        WeightsUnavailableException verify = assertThrows(WeightsUnavailableException.class,
                () -> new WeightsCache(dir.toString()).verified(name, WeightCatalog.hashInName(name).get()));
        assertEquals(Reason.HASH_MISMATCH, verify.reason());
    }

    @Test
    void aDamagedCopyThatCannotBeFetchedAgainIsReported(@TempDir Path dir) throws Exception {
        String name = damagedCopyIn(dir);
        String unreachable = "http://127.0.0.1:" + WeightServer.closedPort() + "/models/" + name;
        WeightsUnavailableException offline = assertThrows(WeightsUnavailableException.class,
                () -> new WeightsCache(dir.toString()).ensure(unreachable, name, WeightCatalog.hashInName(name).get(),
                        QUIET));
        assertEquals(Reason.HASH_MISMATCH, offline.reason());
        assertTrue(offline.getMessage().contains("a damaged or wrong copy")
                && offline.getMessage().contains("could not be fetched"), offline.getMessage());
    }

    @Test
    void aDamagedCopyIsReplacedByTheServersFile(@TempDir Path dir) throws Exception {
        String name = damagedCopyIn(dir);
        byte[] file = bytes(50_000, 4);
        try (WeightServer server = new WeightServer().serve(name, file)) {
            WeightsCache.Stored stored = new WeightsCache(dir.toString()).ensure(server.baseUrl() + name, name,
                    WeightCatalog.hashInName(name).get(), QUIET);
            assertTrue(stored.downloaded());
            assertArrayEquals(file, Files.readAllBytes(dir.resolve(name)));
        }
    }

    /** A wrong file copied in by hand under the name of {@code bytes(50_000, 4)}; returns that name. */
    private static String damagedCopyIn(Path dir) throws Exception {
        String name = WeightServer.hashedName("resnet101", bytes(50_000, 4));
        Files.write(dir.resolve(name), bytes(50_000, 5));
        return name;
    }
}
