package io.automlseg.driver.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.automlseg.executor.interop.TorchvisionExport;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.weights.TorchDtype;
import io.automlseg.executor.weights.TorchTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code automl export}: what each norm's state dict holds, and the inputs it refuses. A whole export, and
 * torchvision loading it, is {@link TorchvisionRoundTripTest}'s.
 */
class ExportCommandTest {
    @TempDir
    Path temp;

    private static Map<String, TorchTensor> stateDict(ModelConfig.NormKind norm) {
        ModelConfig config = ModelConfig.builder().modelName("maskrcnn_resnet18_fpn").numClasses(3).norm(norm).build();
        try (NDManager manager = NDManager.newBaseManager(); MaskRCNN model = MaskRCNN.create(config, manager, 1)) {
            return TorchvisionExport.stateDict(model);
        }
    }

    @Test
    void batchNormGetsTorchvisionsStepCountersAndTheOtherNormsNone() {
        Map<String, TorchTensor> batch = stateDict(ModelConfig.NormKind.BATCH);
        TorchTensor counter = batch.get("backbone.body.layer1.0.bn1.num_batches_tracked");
        assertEquals(TorchDtype.INT64, counter.dtype());
        assertArrayEquals(new long[0], counter.shape());
        assertEquals(20, batch.keySet().stream().filter(n -> n.endsWith(".num_batches_tracked")).count());
        assertTrue(batch.containsKey("backbone.body.bn1.running_var"));

        Map<String, TorchTensor> frozen = stateDict(ModelConfig.NormKind.FROZEN_BATCH);
        assertTrue(frozen.containsKey("backbone.body.bn1.running_mean"));
        assertFalse(frozen.keySet().stream().anyMatch(n -> n.endsWith(".num_batches_tracked")));
        Map<String, TorchTensor> group = stateDict(ModelConfig.NormKind.GROUP);
        assertTrue(group.containsKey("backbone.body.bn1.weight"));
        assertFalse(group.keySet().stream().anyMatch(n -> n.contains(".running_") || n.endsWith(".num_batches_tracked")));
        for (TorchTensor t : group.values()) {
            assertEquals(TorchDtype.FLOAT32, t.dtype());
        }
    }

    @Test
    void aFolderThatIsNotAModelIsRefused() throws Exception {
        Path empty = Files.createDirectories(temp.resolve("empty"));
        CliRun run = CliRun.of("export", "--model", empty.toString(), "--format", "torchvision", "--output",
                temp.resolve("out").toString());
        assertEquals(ExitCodes.BAD_INPUT, run.code());
        assertTrue(run.err().contains(empty + " is not a saved model folder (no _COMPLETE marker)"), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
        run = CliRun.of("export", "--model", temp.resolve("absent").toString(), "--format", "torchvision", "--output",
                temp.resolve("out").toString());
        assertEquals(ExitCodes.BAD_INPUT, run.code());
        assertTrue(run.err().contains("is not a saved model folder"), run.err());
        assertFalse(Files.exists(temp.resolve("out")));
    }

    @Test
    void aUsedOutputAndAnUnknownFormatAreRefused() throws Exception {
        Path used = Files.createDirectories(temp.resolve("used"));
        Files.writeString(used.resolve("keep.txt"), "mine");
        CliRun run = CliRun.of("export", "--model", temp.toString(), "--format", "torchvision", "--output",
                used.toString());
        assertEquals(ExitCodes.BAD_INPUT, run.code());
        assertTrue(run.err().contains("already exists and is not an empty folder"), run.err());
        assertEquals("mine", Files.readString(used.resolve("keep.txt")));
        run = CliRun.of("export", "--model", temp.toString(), "--format", "onnx", "--output",
                temp.resolve("o").toString());
        assertEquals(ExitCodes.BAD_INPUT, run.code());
        assertTrue(run.err().contains("--format: unknown format 'onnx' (expected torchvision)"), run.err());
    }
}
