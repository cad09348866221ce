package io.automlseg.driver.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.config.BadInputException;
import io.automlseg.executor.trial.PretrainedWeights;
import io.automlseg.executor.weights.TorchTensor;
import io.automlseg.executor.weights.TorchWriter;
import io.automlseg.executor.trial.PretrainedWeights.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What pretrained_weights resolves to before a sweep starts, against weights served on 127.0.0.1. */
class PretrainedResolverTest {
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

    @AfterEach
    void clearBaseUrl() {
        System.clearProperty(WeightCatalog.BASE_URL_PROPERTY);
    }

    private static SweepConfig config(Path dir, String trainingParameters, String searchSpace) throws Exception {
        String yaml = """
                type: automl
                task: image_instance_segmentation
                target_column_name: label
                training_data: train
                limits: {max_trials: 2}
                training_parameters:
                %s
                sweep: {sampling_algorithm: random}
                search_space:
                %s
                """.formatted(trainingParameters.indent(2), searchSpace.indent(2));
        return SweepConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "job.yaml", dir.toUri().toString());
    }

    private static final String TWO_MODELS = "- model_name: \"choice('maskrcnn_resnet18_fpn', 'maskrcnn_resnet50_fpn')\"";

    /** A catalog whose files are the given bytes (named with their own hashes), and a server that has them. */
    private record Served(WeightCatalog catalog, WeightServer server, byte[] r18, byte[] r50coco) {}

    private static Served served() throws Exception {
        byte[] r18 = new byte[40_000];
        byte[] coco = new byte[60_000];
        new Random(7).nextBytes(r18);
        new Random(8).nextBytes(coco);
        String r18Name = WeightServer.hashedName("resnet18", r18);
        String cocoName = WeightServer.hashedName("maskrcnn_resnet50_fpn_coco", coco);
        WeightCatalog catalog = new WeightCatalog(List.of(
                new WeightCatalog.Entry("maskrcnn_resnet50_fpn", Kind.COCO, cocoName, "COCO_V1"),
                new WeightCatalog.Entry("maskrcnn_resnet18_fpn", Kind.IMAGENET, r18Name, "IMAGENET1K_V1"),
                new WeightCatalog.Entry("maskrcnn_resnet50_fpn", Kind.IMAGENET, "resnet50-0676ba61.pth", "V1")));
        WeightServer server = new WeightServer().serve(r18Name, r18).serve(cocoName, coco);
        System.setProperty(WeightCatalog.BASE_URL_PROPERTY, server.baseUrl());
        return new Served(catalog, server, r18, coco);
    }

    @Test
    void autoStartsResnet50FromCocoAndTheOthersFromImageNet(@TempDir Path dir) throws Exception {
        Served s = served();
        try (WeightServer ignored = s.server()) {
            WeightsCache cache = new WeightsCache(dir.resolve("cache").toString());
            PretrainedPlan plan = new PretrainedResolver(s.catalog(), cache, out).resolve(
                    config(dir, "number_of_epochs: 1", TWO_MODELS));

            PretrainedWeights r18 = plan.models().get("maskrcnn_resnet18_fpn");
            PretrainedWeights r50 = plan.models().get("maskrcnn_resnet50_fpn");
            assertEquals(Kind.IMAGENET, r18.kind());
            assertEquals(Kind.COCO, r50.kind());
            assertEquals(WeightServer.sha256(s.r18()), r18.sha256());
            assertEquals(WeightServer.sha256(s.r50coco()), r50.sha256());
            assertEquals(s.server().baseUrl() + s.catalog().auto("maskrcnn_resnet18_fpn").fileName(), r18.source());
            assertTrue(r18.file().startsWith(cache.uri()), r18.file());
            assertNull(plan.warning());
            assertEquals(r50, plan.forTrial(Map.of("model_name", "maskrcnn_resnet50_fpn", "norm", "frozen_batch")));
            assertNull(plan.forTrial(Map.of("model_name", "maskrcnn_resnet50_fpn", "norm", "group")));
            assertTrue(plan.scratchReason(Map.of("model_name", "maskrcnn_resnet50_fpn", "norm", "group"))
                    .contains("norm group"));
        }
    }

    @Test
    void autoWithoutNetworkTrainsFromScratchAfterOneAttempt(@TempDir Path dir) throws Exception {
        AtomicInteger secondFile = new AtomicInteger();
        try (ServerSocket hangUp = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (true) {
                    try (Socket client = hangUp.accept()) {
                        byte[] request = new byte[2048];
                        int n = client.getInputStream().read(request);
                        if (n > 0 && new String(request, 0, n, StandardCharsets.US_ASCII).contains("resnet50")) {
                            secondFile.incrementAndGet();
                        }
                        // and hang up without an answer: a broken network path
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            System.setProperty(WeightCatalog.BASE_URL_PROPERTY, "http://127.0.0.1:" + hangUp.getLocalPort() + "/m/");
            Path cacheDir = dir.resolve("cache");
            PretrainedPlan plan = new PretrainedResolver(WeightCatalog.TORCHVISION,
                    new WeightsCache(cacheDir.toString()), out).resolve(config(dir, "number_of_epochs: 1", TWO_MODELS));

            assertTrue(plan.models().isEmpty());
            assertEquals(List.of("maskrcnn_resnet18_fpn", "maskrcnn_resnet50_fpn"),
                    List.copyOf(plan.fromScratch().keySet()));
            assertTrue(plan.warning().contains("train from scratch") && plan.warning().contains("automl weights fetch"),
                    plan.warning());
            assertEquals(0, secondFile.get(), "after a network failure nothing more is downloaded");
            assertTrue(plan.fromScratch().get("maskrcnn_resnet50_fpn").contains("resnet50"),
                    "each variant's reason names its own file: " + plan.fromScratch());
            assertTrue(!Files.exists(cacheDir) || listing(cacheDir).isEmpty(), listing(cacheDir).toString());
        }
    }

    @Test
    void anExplicitRequestThatCannotBeMetIsRefusedWithTheWaysOut(@TempDir Path dir) throws Exception {
        System.setProperty(WeightCatalog.BASE_URL_PROPERTY, "http://127.0.0.1:" + WeightServer.closedPort() + "/m/");
        BadInputException e = assertThrows(BadInputException.class, () -> new PretrainedResolver(
                WeightCatalog.TORCHVISION, new WeightsCache(dir.resolve("cache").toString()), out)
                .resolve(config(dir, "pretrained_weights: imagenet", TWO_MODELS)));
        String m = e.getMessage();
        assertTrue(m.contains("/m/resnet18-f37072fd.pth") && m.contains("/m/resnet50-0676ba61.pth"), m);
        assertTrue(m.contains("cannot connect"), m);
        assertTrue(m.contains("automl weights fetch --model maskrcnn_resnet18_fpn --model maskrcnn_resnet50_fpn"), m);
        assertTrue(m.contains("pretrained_weights: auto") && m.contains("or none"), m);
    }

    @Test
    void thePreflightCheckWritesNothing(@TempDir Path dir) throws Exception {
        Served s = served();
        try (WeightServer ignored = s.server()) {
            Path cacheDir = dir.resolve("cache");
            PretrainedPlan plan = new PretrainedResolver(s.catalog(), new WeightsCache(cacheDir.toString()), out)
                    .check(config(dir, "pretrained_weights: auto", TWO_MODELS));
            assertTrue(plan.fromScratch().isEmpty(), plan.toString());
            assertTrue(console.toString().contains("will be fetched"), console.toString());
            assertTrue(!Files.exists(cacheDir) || listing(cacheDir).isEmpty(), listing(cacheDir).toString());
            String r18 = s.catalog().auto("maskrcnn_resnet18_fpn").fileName();
            assertEquals(0, s.server().requests(r18, "GET"), "nothing is downloaded");
            assertEquals(1, s.server().requests(r18, "HEAD"), "the server is asked whether it has the file");
        }
    }

    @Test
    void noneTrainsFromScratchWithoutAWarning(@TempDir Path dir) throws Exception {
        PretrainedPlan none = resolverIn(dir).resolve(config(dir, "pretrained_weights: none", TWO_MODELS));
        assertEquals("pretrained_weights: none", none.fromScratch().get("maskrcnn_resnet18_fpn"));
        assertNull(none.warning());
    }

    @Test
    void anotherStartingPointNeedsNoPretrainedWeights(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("mine.pth"), tinyStateDict());
        PretrainedPlan given = resolverIn(dir).resolve(config(dir, "weights_path: mine.pth", TWO_MODELS));
        assertTrue(given.models().isEmpty() && given.fromScratch().isEmpty() && given.warning() == null);
    }

    @Test
    void aUsersWeightFileIsRecordedWithItsHash(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("mine.pth"), tinyStateDict());
        PretrainedPlan uri = resolverIn(dir).resolve(config(dir, "pretrained_weights: mine.pth", TWO_MODELS));
        PretrainedWeights w = uri.models().get("maskrcnn_resnet18_fpn");
        assertEquals(Kind.URI, w.kind());
        assertEquals(file.toUri().toString().replace("file:///", "file:/"), w.file().replace("file:///", "file:/"));
        assertEquals(WeightServer.sha256(tinyStateDict()), w.sha256());
    }

    @Test
    void aUsersFileThatIsNotWeightsIsRefusedByName(@TempDir Path dir) throws Exception {
        PretrainedResolver resolver = resolverIn(dir);
        Files.writeString(dir.resolve("notes.pth"), "not weights");
        BadInputException bad = assertThrows(BadInputException.class,
                () -> resolver.resolve(config(dir, "pretrained_weights: notes.pth", TWO_MODELS)));
        assertTrue(bad.getMessage().contains("notes.pth"), bad.getMessage());
    }

    /** A one-tensor state dict in torch.save's format. */
    private static byte[] tinyStateDict() throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        TorchWriter.write(Map.of("w", TorchTensor.float32(new long[] {2}, new float[] {1, 2})), out);
        return out.toByteArray();
    }

    @Test
    void aUrlIsFetchedIntoTheCacheAndCheckedByTheHashInItsName(@TempDir Path dir) throws Exception {
        byte[] bytes = tinyStateDict();
        String name = WeightServer.hashedName("mine", bytes);
        try (WeightServer server = new WeightServer().serve(name, bytes).serve("wrong-00000000.pth", bytes)) {
            WeightsCache cache = new WeightsCache(dir.resolve("cache").toString());
            PretrainedResolver resolver = new PretrainedResolver(WeightCatalog.TORCHVISION, cache, out);
            PretrainedPlan plan = resolver.resolve(config(dir, "pretrained_weights: " + server.baseUrl() + name,
                    TWO_MODELS));
            assertEquals(cache.fileUri(name), plan.models().get("maskrcnn_resnet50_fpn").file());
            BadInputException wrong = assertThrows(BadInputException.class, () -> resolver.resolve(config(dir,
                    "pretrained_weights: " + server.baseUrl() + "wrong-00000000.pth", TWO_MODELS)));
            assertTrue(wrong.getMessage().contains("SHA-256"), wrong.getMessage());
        }
    }

    private PretrainedResolver resolverIn(Path dir) {
        return new PretrainedResolver(WeightCatalog.TORCHVISION, new WeightsCache(dir.resolve("cache").toString()), out);
    }

    private static List<String> listing(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
