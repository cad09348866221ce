package io.automlseg.executor.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.automlseg.executor.savedmodel.SavedModel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting weights: .npz files with torchvision names (whole model or ResNet classifier) and saved models. */
class WeightLoaderTest {
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** The ResNet-18 model with frozen batch norm that the weight-loading tests load into. */
    static ModelConfig config(int classes) {
        return ModelConfig.builder().modelName("maskrcnn_resnet18_fpn").numClasses(classes)
                .norm(ModelConfig.NormKind.FROZEN_BATCH).build();
    }

    /** Writes the source's weights as a torchvision-style npz, names mapped by {@code rename} (null drops one). */
    private static Path npz(Path file, MaskRCNN source, Function<String, String> rename, Map<String, NDArray> extra)
            throws IOException {
        NDList list = new NDList();
        NetworkWeights s = source.parameters();
        for (Map<String, NDArray> group : List.of(s.parameters(), s.buffers())) {
            for (Map.Entry<String, NDArray> e : group.entrySet()) {
                String name = rename.apply(e.getKey());
                if (name != null) {
                    NDArray copy = e.getValue().duplicate();
                    copy.setName(name);
                    list.add(copy);
                }
            }
        }
        extra.forEach((name, a) -> {
            a.setName(name);
            list.add(a);
        });
        try (OutputStream out = Files.newOutputStream(file)) {
            list.encode(out, NDList.Encoding.NPZ);
        }
        return file;
    }

    private static boolean same(NetworkWeights a, NetworkWeights b, String name) {
        return Arrays.equals(a.get(name).toFloatArray(), b.get(name).toFloatArray());
    }

    @Test
    void resNetClassifierWeightsGoUnderTheBackbone(@TempDir Path dir) throws Exception {
        try (MaskRCNN source = MaskRCNN.create(config(3), manager, 1);
                MaskRCNN model = MaskRCNN.create(config(3), manager, 2);
                MaskRCNN fresh = MaskRCNN.create(config(3), manager, 2)) {
            // Make the running statistics distinguishable from their initial 0/1.
            source.parameters().get("backbone.body.layer2.0.bn1.running_var").muli(3f);
            Path file = npz(dir.resolve("resnet18.npz"), source,
                    n -> n.startsWith("backbone.body.") ? n.substring("backbone.body.".length()) : null,
                    Map.of("fc.weight", manager.ones(new Shape(1000, 512)), "fc.bias", manager.zeros(new Shape(1000)),
                            "bn1.num_batches_tracked", manager.create(7L)));

            WeightLoader.Report report = WeightLoader.load(model, file.toString(), List.of("a", "b"));

            NetworkWeights loaded = model.parameters();
            for (String name : loaded.buffers().keySet()) {
                if (name.startsWith("backbone.body.")) {
                    assertTrue(same(loaded, source.parameters(), name), name);
                }
            }
            for (String name : loaded.parameters().keySet()) {
                boolean expectSource = name.startsWith("backbone.body.");
                assertTrue(same(loaded, expectSource ? source.parameters() : fresh.parameters(), name), name);
            }
            assertTrue(report.ignored().containsAll(List.of("fc.weight", "fc.bias", "backbone.body.bn1.num_batches_tracked")),
                    report.ignored().toString());
            assertTrue(report.kept().contains("backbone.fpn.layer_blocks.0.0.weight") || report.kept().stream()
                    .anyMatch(n -> n.startsWith("backbone.fpn.")), report.kept().toString());
            assertTrue(report.skipped().isEmpty());
        }
    }

    @Test
    void wholeModelLoadsAllButThePredictorsOfOtherClasses(@TempDir Path dir) throws Exception {
        try (MaskRCNN source = MaskRCNN.create(config(91), manager, 1);
                MaskRCNN model = MaskRCNN.create(config(3), manager, 2);
                MaskRCNN fresh = MaskRCNN.create(config(3), manager, 2)) {
            Path file = npz(dir.resolve("coco.npz"), source, n -> n, Map.of());

            WeightLoader.Report report = WeightLoader.load(model, file.toString(), List.of("a", "b"));

            assertEquals(List.of("roi_heads.box_predictor.cls_score.weight", "roi_heads.box_predictor.cls_score.bias",
                    "roi_heads.box_predictor.bbox_pred.weight", "roi_heads.box_predictor.bbox_pred.bias",
                    "roi_heads.mask_predictor.mask_fcn_logits.weight", "roi_heads.mask_predictor.mask_fcn_logits.bias"),
                    report.skipped());
            assertTrue(report.kept().isEmpty(), report.kept().toString());
            for (String name : model.parameters().parameters().keySet()) {
                boolean classSpecific = WeightLoader.isClassSpecific(name);
                assertTrue(same(model.parameters(), classSpecific ? fresh.parameters() : source.parameters(), name), name);
            }
            assertTrue(report.describe().contains("class-specific skipped"), report.describe());
        }
    }

    @Test
    void aShapeMismatchNamesTheWeight(@TempDir Path dir) throws Exception {
        try (MaskRCNN source = MaskRCNN.create(config(3), manager, 1);
                MaskRCNN model = MaskRCNN.create(config(3), manager, 2)) {
            Path file = npz(dir.resolve("bad.npz"), source,
                    n -> n.equals("backbone.body.layer1.0.conv1.weight") ? null : n,
                    Map.of("backbone.body.layer1.0.conv1.weight", manager.zeros(new Shape(64, 64, 1, 1))));
            IOException e = assertThrows(IOException.class, () -> WeightLoader.load(model, file.toString(), List.of("a", "b")));
            assertTrue(e.getMessage().contains("backbone.body.layer1.0.conv1.weight"), e.getMessage());
            assertTrue(e.getMessage().contains("(64, 64, 1, 1)") && e.getMessage().contains("(64, 64, 3, 3)"), e.getMessage());

            Path deeper = npz(dir.resolve("r50.npz"), source, n -> n,
                    Map.of("backbone.body.layer3.5.conv1.weight", manager.zeros(new Shape(1))));
            IOException other = assertThrows(IOException.class,
                    () -> WeightLoader.load(model, deeper.toString(), List.of("a", "b")));
            assertTrue(other.getMessage().contains("layer3.5.conv1.weight") && other.getMessage().contains("model_name"),
                    other.getMessage());
        }
    }

    @Test
    void aSavedModelKeepsItsPredictorsOnlyForTheSameLabels(@TempDir Path dir) throws Exception {
        try (MaskRCNN source = MaskRCNN.create(config(3), manager, 1);
                MaskRCNN sameTask = MaskRCNN.create(config(3), manager, 2);
                MaskRCNN otherTask = MaskRCNN.create(config(3), manager, 2);
                MaskRCNN fresh = MaskRCNN.create(config(3), manager, 2)) {
            String folder = dir.resolve("best_model").toString();
            new SavedModel("maskrcnn_resnet18_fpn", List.of("a", "b"), Map.of("norm", "frozen_batch"),
                    SavedModel.inferenceSettings(config(3)), Map.of()).write(folder, source);

            WeightLoader.Report same = WeightLoader.load(sameTask, folder, List.of("a", "b"));
            WeightLoader.Report other = WeightLoader.load(otherTask, folder, List.of("b", "c"));

            assertTrue(same.skipped().isEmpty());
            assertEquals(6, other.skipped().size());
            String predictor = "roi_heads.box_predictor.cls_score.weight";
            assertTrue(same(sameTask.parameters(), source.parameters(), predictor));
            assertTrue(same(otherTask.parameters(), fresh.parameters(), predictor));
            assertTrue(same(otherTask.parameters(), source.parameters(), "roi_heads.box_head.fc6.weight"));
            assertFalse(same(fresh.parameters(), source.parameters(), "roi_heads.box_head.fc6.weight"));
        }
    }
}
