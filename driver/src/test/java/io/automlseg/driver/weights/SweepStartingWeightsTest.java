package io.automlseg.driver.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.config.SweepConfig;
import io.automlseg.executor.trial.PretrainedWeights;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A resumed sweep keeps the starting weights its first run chose, whatever the network does in between. */
class SweepStartingWeightsTest {
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

    @AfterEach
    void clear() {
        System.clearProperty(WeightCatalog.BASE_URL_PROPERTY);
        System.clearProperty(WeightCatalog.CATALOG_PROPERTY);
    }

    private static SweepConfig config(Path dir) throws Exception {
        String yaml = """
                type: automl
                task: image_instance_segmentation
                target_column_name: label
                training_data: train
                weights_cache: cache
                training_parameters: {model_name: maskrcnn_resnet18_fpn}
                """;
        return SweepConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "job.yaml", dir.toUri().toString());
    }

    @Test
    void theFirstRunsDecisionIsKeptAndItsFilesCheckedAgain(@TempDir Path dir) throws Exception {
        byte[] weights = new byte[20_000];
        new Random(3).nextBytes(weights);
        String name = WeightServer.hashedName("resnet18", weights);
        Files.writeString(dir.resolve("catalog.json"), "{\"maskrcnn_resnet18_fpn\": {\"imagenet\": \"" + name + "\"}}");
        System.setProperty(WeightCatalog.CATALOG_PROPERTY, dir.resolve("catalog.json").toString());
        String run = dir.resolve("run").toUri().toString();
        PretrainedPlan first;
        try (WeightServer server = new WeightServer().serve(name, weights)) {
            System.setProperty(WeightCatalog.BASE_URL_PROPERTY, server.baseUrl());
            first = SweepStartingWeights.prepare(config(dir), run, true, out);
        }
        PretrainedWeights w = first.models().get("maskrcnn_resnet18_fpn");
        assertEquals(PretrainedWeights.Kind.IMAGENET, w.kind());
        assertTrue(Files.exists(dir.resolve("run").resolve(SweepStartingWeights.FILE)));

        // The server is gone: the resume still starts its trials from the recorded, checked file.
        System.setProperty(WeightCatalog.BASE_URL_PROPERTY, "http://127.0.0.1:" + WeightServer.closedPort() + "/");
        PretrainedPlan resumed = SweepStartingWeights.prepare(config(dir), run, true, out);
        assertEquals(first, resumed);
        assertTrue(console.toString().contains("Pretrained weights for maskrcnn_resnet18_fpn: imagenet"),
                console.toString());

        // The recorded file went missing and cannot be fetched again: the resume fails (a retry may help), rather
        // than training the rest of the sweep differently.
        Files.delete(dir.resolve("cache").resolve(name));
        IOException gone = assertThrows(IOException.class,
                () -> SweepStartingWeights.prepare(config(dir), run, true, out));
        assertTrue(gone.getMessage().contains(name), gone.getMessage());
    }

    @Test
    void aRunThatStartedFromScratchStaysFromScratch(@TempDir Path dir) throws Exception {
        System.setProperty(WeightCatalog.BASE_URL_PROPERTY, "http://127.0.0.1:" + WeightServer.closedPort() + "/");
        String run = dir.resolve("run").toUri().toString();
        PretrainedPlan first = SweepStartingWeights.prepare(config(dir), run, true, out);
        assertTrue(first.models().isEmpty());
        assertTrue(console.toString().contains("Warning: pretrained weights unavailable"), console.toString());
        byte[] weights = new byte[1000];
        try (WeightServer server = new WeightServer().serve("resnet18-f37072fd.pth", weights)) {
            System.setProperty(WeightCatalog.BASE_URL_PROPERTY, server.baseUrl());
            assertEquals(first, SweepStartingWeights.prepare(config(dir), run, true, out));
            assertEquals(0, server.requests("resnet18-f37072fd.pth"));
        }
    }
}
