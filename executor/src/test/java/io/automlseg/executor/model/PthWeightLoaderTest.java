package io.automlseg.executor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.automlseg.executor.weights.TorchFormat;
import io.automlseg.executor.weights.TorchTensor;
import io.automlseg.executor.weights.TorchWriter;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .pth state dicts (both torch.save formats) with torchvision's names load like .npz files do. */
class PthWeightLoaderTest {
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /**
     * The source's weights as a torch state dict, names mapped by {@code rename} (null drops one), each BatchNorm
     * with an int64 {@code num_batches_tracked} as a trained torchvision module has, then {@code extra}.
     */
    static Path pth(Path file, TorchFormat format, MaskRCNN source, Function<String, String> rename,
                    Map<String, TorchTensor> extra) throws Exception {
        Map<String, TorchTensor> state = new LinkedHashMap<>();
        NetworkWeights s = source.parameters();
        for (Map<String, NDArray> group : List.of(s.parameters(), s.buffers())) {
            group.forEach((name, array) -> {
                String renamed = rename.apply(name);
                if (renamed != null) {
                    state.put(renamed, TorchTensor.float32(array.getShape().getShape(), array.toFloatArray()));
                    if (renamed.endsWith(".running_var")) {
                        String counter = renamed.replace(".running_var", ".num_batches_tracked");
                        state.put(counter, TorchTensor.int64(new long[0], new long[] {1234}));
                    }
                }
            });
        }
        state.putAll(extra);
        try (OutputStream out = Files.newOutputStream(file)) {
            TorchWriter.write(state, out, format);
        }
        return file;
    }

    /** The names of torchvision's published COCO file (before RPNHead and MaskRCNNHeads were version 2). */
    static String olderTorchvisionName(String name) {
        if (name.startsWith("rpn.head.conv.0.0.")) {
            return "rpn.head.conv." + name.substring("rpn.head.conv.0.0.".length());
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("roi_heads\\.mask_head\\.(\\d+)\\.0\\.(weight|bias)")
                .matcher(name);
        return m.matches() ? "roi_heads.mask_head.mask_fcn" + (Integer.parseInt(m.group(1)) + 1) + "." + m.group(2) : name;
    }

    private static boolean same(NetworkWeights a, NetworkWeights b, String name) {
        return Arrays.equals(a.get(name).toFloatArray(), b.get(name).toFloatArray());
    }

    @Test
    void aResNet18ClassifierGoesUnderTheBackboneInBothFormats(@TempDir Path dir) throws Exception {
        try (MaskRCNN source = MaskRCNN.create(WeightLoaderTest.config(3), manager, 1);
                MaskRCNN fresh = MaskRCNN.create(WeightLoaderTest.config(3), manager, 2)) {
            source.parameters().get("backbone.body.layer2.0.bn1.running_var").muli(3f);
            for (TorchFormat format : TorchFormat.values()) {
                try (MaskRCNN model = MaskRCNN.create(WeightLoaderTest.config(3), manager, 2)) {
                    Path file = pth(dir.resolve("resnet18-" + format + ".pth"), format, source,
                            n -> n.startsWith("backbone.body.") ? n.substring("backbone.body.".length()) : null,
                            Map.of("fc.weight", TorchTensor.float32(new long[] {1000, 512}, new float[512_000]),
                                    "fc.bias", TorchTensor.float32(new long[] {1000}, new float[1000])));

                    WeightLoader.Report report = WeightLoader.load(model, file.toString(), List.of("a", "b"));

                    for (String name : model.parameters().parameters().keySet()) {
                        boolean backbone = name.startsWith("backbone.body.");
                        assertTrue(same(model.parameters(), backbone ? source.parameters() : fresh.parameters(), name),
                                format + " " + name);
                    }
                    assertTrue(same(model.parameters(), source.parameters(), "backbone.body.layer2.0.bn1.running_var"));
                    assertTrue(report.ignored().containsAll(List.of("fc.weight", "fc.bias",
                            "backbone.body.layer2.0.bn1.num_batches_tracked")), report.ignored().toString());
                    assertTrue(report.skipped().isEmpty(), report.skipped().toString());
                }
            }
        }
    }

    @Test
    void aWholeMaskRCNNWithTorchvisionsOlderHeadNamesLoadsInBothFormats(@TempDir Path dir) throws Exception {
        Function<String, String> rename = PthWeightLoaderTest::olderTorchvisionName;
        assertEquals("roi_heads.mask_head.mask_fcn4.bias", rename.apply("roi_heads.mask_head.3.0.bias"));
        assertEquals("rpn.head.conv.weight", rename.apply("rpn.head.conv.0.0.weight"));
        try (MaskRCNN source = MaskRCNN.create(WeightLoaderTest.config(91), manager, 1)) {
            for (TorchFormat format : TorchFormat.values()) {
                try (MaskRCNN model = MaskRCNN.create(WeightLoaderTest.config(91), manager, 2)) {
                    Path file = pth(dir.resolve("coco-" + format + ".pth"), format, source, rename, Map.of());

                    WeightLoader.Report report = WeightLoader.load(model, file.toString(), List.of("a", "b"));

                    NetworkWeights loaded = model.parameters();
                    assertEquals(loaded.parameters().size() + loaded.buffers().size(), report.loaded(), report.describe());
                    assertTrue(report.kept().isEmpty() && report.skipped().isEmpty(), report.describe());
                    for (String name : List.of("rpn.head.conv.0.0.weight", "rpn.head.conv.0.0.bias",
                            "roi_heads.mask_head.0.0.weight", "roi_heads.mask_head.3.0.bias",
                            "roi_heads.box_predictor.cls_score.weight", "backbone.body.layer4.1.bn2.running_mean")) {
                        assertTrue(same(loaded, source.parameters(), name), format + " " + name);
                    }
                }
            }
        }
    }

    @Test
    void torchvisionsOlderNamesAreRenamedAsItsModulesDo() {
        assertEquals("rpn.head.conv.0.0.bias", WeightLoader.currentName("rpn.head.conv.bias"));
        assertEquals("roi_heads.mask_head.0.0.weight", WeightLoader.currentName("roi_heads.mask_head.mask_fcn1.weight"));
        assertEquals("roi_heads.mask_head.3.0.bias", WeightLoader.currentName("roi_heads.mask_head.mask_fcn4.bias"));
        assertEquals("rpn.head.conv.0.0.weight", WeightLoader.currentName("rpn.head.conv.0.0.weight"));
        assertEquals("rpn.head.cls_logits.weight", WeightLoader.currentName("rpn.head.cls_logits.weight"));
    }
}
