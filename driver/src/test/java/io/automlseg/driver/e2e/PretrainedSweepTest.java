package io.automlseg.driver.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.cli.AutomlCli;
import io.automlseg.driver.weights.WeightCatalog;
import io.automlseg.driver.weights.WeightServer;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.model.NetworkWeights;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.weights.TorchReader;
import io.automlseg.executor.weights.TorchTensor;
import io.automlseg.executor.weights.TorchWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep with the default {@code pretrained_weights: auto} whose trial starts from ImageNet-style ResNet-18 weights
 * in torchvision's .pth format, served on 127.0.0.1: the driver fetches them once into the weights cache, the trial
 * reads them from there, and every record says where they came from.
 */
class PretrainedSweepTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clear() {
        System.clearProperty(WeightCatalog.BASE_URL_PROPERTY);
        System.clearProperty(WeightCatalog.CATALOG_PROPERTY);
    }

    /** A torchvision-style ResNet-18 classifier's state dict (conv1.*, bn1.*, layer1.0.*, ..., fc.*) as a .pth. */
    private static byte[] resnet18Classifier() throws Exception {
        ModelConfig config = ModelConfig.builder().modelName("maskrcnn_resnet18_fpn").numClasses(2)
                .norm(ModelConfig.NormKind.FROZEN_BATCH).build();
        try (NDManager manager = NDManager.newBaseManager(); MaskRCNN model = MaskRCNN.create(config, manager, 5)) {
            Map<String, NDArray> all = new LinkedHashMap<>(model.parameters().parameters());
            all.putAll(model.parameters().buffers());
            Map<String, TorchTensor> classifier = new LinkedHashMap<>();
            all.forEach((name, a) -> {
                if (name.startsWith("backbone.body.")) {
                    classifier.put(name.substring("backbone.body.".length()),
                            TorchTensor.float32(a.getShape().getShape(), a.toFloatArray()));
                }
            });
            classifier.put("fc.weight", TorchTensor.float32(new long[] {1000, 512}, new float[1000 * 512]));
            classifier.put("fc.bias", TorchTensor.float32(new long[] {1000}, new float[1000]));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TorchWriter.write(classifier, out);
            return out.toByteArray();
        }
    }

    @Test
    void trialsStartFromServedWeightsFetchedOnceIntoTheCache() throws Exception {
        byte[] weights = resnet18Classifier();
        String name = WeightServer.hashedName("resnet18", weights);
        Path catalog = Files.writeString(tmp.resolve("catalog.json"),
                "{\"maskrcnn_resnet18_fpn\": {\"imagenet\": \"" + name + "\"}}");
        try (WeightServer server = new WeightServer().serve(name, weights)) {
            System.setProperty(WeightCatalog.BASE_URL_PROPERTY, server.baseUrl());
            System.setProperty(WeightCatalog.CATALOG_PROPERTY, catalog.toString());
            Path train = EndToEndTest.subset(EndToEndTest.SAMPLE.resolve("train"), 10, tmp.resolve("train"));
            Path validation = EndToEndTest.subset(EndToEndTest.SAMPLE.resolve("validation"), 2,
                    tmp.resolve("validation"));
            Path cache = tmp.resolve("weights-cache");
            Path config = tmp.resolve("job.yaml");
            Files.writeString(config, """
                    type: automl
                    task: image_instance_segmentation
                    target_column_name: label
                    training_data: {type: mltable, path: %s}
                    validation_data: {type: mltable, path: %s}
                    weights_cache: %s
                    limits: {max_trials: 1}
                    training_parameters:
                    %s
                    """.formatted(train, validation, cache, EndToEndTest.FAST_TRAINING));
            Path output = tmp.resolve("run");

            int code = AutomlCli.execute("sweep", "--config", config.toString(), "--output", output.toString(),
                    "--master", "local[1]", "--trial-memory", "2g");

            assertEquals(0, code, "sweep exit code");
            String url = server.baseUrl() + name;
            assertEquals(1, server.requests(name, "GET"), "the driver fetched the file once");
            JsonNode trial = Json.MAPPER.readTree(output.resolve("trials.json").toFile()).get("trials").get(0);
            JsonNode start = trial.get("starting_weights");
            assertEquals("pretrained_imagenet", start.get("from").asText(), trial.toString());
            assertEquals(url, start.get("source").asText());
            assertEquals(WeightServer.sha256(weights), start.get("sha256").asText());
            assertEquals("[\"backbone.fpn\",\"rpn\",\"roi_heads\"]", start.get("reinitialised").toString());
            // Loading the weights into the model prints nothing of libtorch's (DJL's NDArray.set did, on stderr).
            String log = Files.readString(output.resolve("trials/0001/trial.log"));
            assertTrue(log.contains("started in") && !log.contains("AutoNonVariableTypeMode"), log);
            JsonNode summary = Json.MAPPER.readTree(output.resolve("summary.json").toFile());
            JsonNode planned = summary.get("pretrained_weights").get("models").get("maskrcnn_resnet18_fpn");
            assertEquals(cache.resolve(name).toUri().getPath(), Path.of(java.net.URI.create(
                    planned.get("file").asText())).toString(), "trials read the cache, not the network");

            Path bestModel = output.resolve("best_model");
            assertEquals("frozen_batch", SavedModel.read(bestModel.toString()).hyperparameters().get("norm"));
            Map<String, TorchTensor> served = TorchReader.read(new ByteArrayInputStream(weights), name);
            Map<String, NetworkWeights.Tensor> trained;
            try (InputStream in = new FileInputStream(bestModel.resolve(SavedModel.WEIGHTS).toFile())) {
                trained = NetworkWeights.read(in);
            }
            assertArrayEquals(served.get("conv1.weight").toFloatArray(), trained.get("backbone.body.conv1.weight").values(),
                    "conv1 is frozen by default when starting from pretrained weights");

            // A second sweep over the same cache: its pre-flight check finds the file there, checked, and asks no one.
            int check = AutomlCli.execute("sweep", "--config", config.toString(), "--output",
                    tmp.resolve("run2").toString(), "--validate-only");
            assertEquals(0, check);
            assertEquals(1, server.requests(name, "GET"));
            assertEquals(0, server.requests(name, "HEAD"));
        }
    }
}
