package io.automlseg.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.weights.WeightCatalog;
import io.automlseg.driver.weights.WeightServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code automl weights fetch} against files served on 127.0.0.1: pre-seeding, verifying, and its exit codes. */
class WeightsCommandTest {

    @AfterEach
    void clear() {
        System.clearProperty(WeightCatalog.BASE_URL_PROPERTY);
        System.clearProperty(WeightCatalog.CATALOG_PROPERTY);
    }

    @Test
    void preSeedsACacheAndVerifiesItAgain(@TempDir Path dir) throws Exception {
        Map<String, Map<String, String>> names = new LinkedHashMap<>();
        try (WeightServer server = new WeightServer()) {
            int seed = 0;
            for (WeightCatalog.Entry e : WeightCatalog.TORCHVISION.entries()) {
                byte[] bytes = new byte[10_000 + seed];
                new Random(seed++).nextBytes(bytes);
                String name = WeightServer.hashedName(e.fileName().replaceAll("-[0-9a-f]+\\.pth$", ""), bytes);
                server.serve(name, bytes);
                names.computeIfAbsent(e.modelName(), k -> new LinkedHashMap<>())
                        .put(e.kind().name().toLowerCase(), name);
            }
            Path catalog = dir.resolve("catalog.json");
            Files.writeString(catalog, io.automlseg.executor.io.Json.line(names));
            System.setProperty(WeightCatalog.CATALOG_PROPERTY, catalog.toString());
            System.setProperty(WeightCatalog.BASE_URL_PROPERTY, server.baseUrl());
            Path cache = dir.resolve("cache");

            CliRun first = CliRun.of("weights", "fetch", "--all", "--cache", cache.toString());
            assertEquals(0, first.code(), first.out() + first.err());
            assertEquals(6, first.out().lines().filter(l -> l.startsWith("fetched")).count(), first.out());

            CliRun again = CliRun.of("weights", "fetch", "--model", "maskrcnn_resnet50_fpn", "--model",
                    "maskrcnn_resnet18_fpn", "--cache", cache.toString());
            assertEquals(0, again.code(), again.out() + again.err());
            assertTrue(again.out().contains("verified " + names.get("maskrcnn_resnet50_fpn").get("coco")), again.out());
            assertTrue(again.out().contains("verified " + names.get("maskrcnn_resnet18_fpn").get("imagenet")),
                    again.out());
            assertEquals(1, server.requests(names.get("maskrcnn_resnet18_fpn").get("imagenet"), "GET"),
                    "a verified file is not fetched again");
        }
    }

    @Test
    void aWrongFileIsRefusedAndNothingIsCached(@TempDir Path dir) throws Exception {
        try (WeightServer server = new WeightServer()
                .serve("resnet18-f37072fd.pth", "not the published file".getBytes(StandardCharsets.UTF_8))) {
            System.setProperty(WeightCatalog.BASE_URL_PROPERTY, server.baseUrl());
            Path cache = dir.resolve("cache");
            CliRun wrong = CliRun.of("weights", "fetch", "--model", "maskrcnn_resnet18_fpn", "--cache",
                    cache.toString());
            assertEquals(ExitCodes.BAD_INPUT, wrong.code(), wrong.out());
            assertTrue(wrong.out().contains("FAILED   resnet18-f37072fd.pth") && wrong.out().contains("SHA-256"),
                    wrong.out());
            assertFalse(Files.exists(cache.resolve("resnet18-f37072fd.pth")));

            CliRun missing = CliRun.of("weights", "fetch", "--model", "maskrcnn_resnet34_fpn", "--cache",
                    cache.toString());
            assertEquals(ExitCodes.BAD_INPUT, missing.code(), missing.out());
            assertTrue(missing.out().contains("HTTP 404"), missing.out());
        }
    }

    @Test
    void withoutNetworkItFailsInSecondsAndChecksHandCopiedFiles(@TempDir Path dir) throws Exception {
        System.setProperty(WeightCatalog.BASE_URL_PROPERTY, "http://127.0.0.1:" + WeightServer.closedPort() + "/");
        Path cache = Files.createDirectories(dir.resolve("cache"));
        CliRun offline = CliRun.of("weights", "fetch", "--model", "maskrcnn_resnet101_fpn", "--cache",
                cache.toString());
        assertEquals(ExitCodes.INTERNAL_ERROR, offline.code(), "a network failure may pass: " + offline.out());
        assertTrue(offline.out().contains("cannot connect"), offline.out());

        Files.writeString(cache.resolve("resnet101-63fe2227.pth"), "copied by hand, but not that file");
        CliRun handCopied = CliRun.of("weights", "fetch", "--model", "maskrcnn_resnet101_fpn",
                "--pretrained-weights", "imagenet", "--cache", cache.toString());
        assertEquals(ExitCodes.BAD_INPUT, handCopied.code(), handCopied.out());
        assertTrue(handCopied.out().contains("a damaged or wrong copy"), handCopied.out());

        assertEquals(ExitCodes.BAD_INPUT, CliRun.of("weights", "fetch", "--cache", cache.toString()).code());
        CliRun coco = CliRun.of("weights", "fetch", "--model", "maskrcnn_resnet18_fpn", "--pretrained-weights", "coco");
        assertEquals(ExitCodes.BAD_INPUT, coco.code());
        assertTrue(coco.err().contains("only for maskrcnn_resnet50_fpn"), coco.err());
    }
}
