package io.automlseg.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.automlseg.executor.interop.TorchvisionExport;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.model.WeightLoader;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.weights.TorchTensor;
import io.automlseg.executor.weights.TorchWriter;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import net.razorvine.pickle.Pickler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code automl import}: a state dict that fits is imported with torchvision's settings; every misfit is exit 2. */
class ImportCommandTest {
    private static final String LABELS = "cat,dog,bird";
    @TempDir
    static Path temp;
    /** The state dict of a maskrcnn_resnet18_fpn with frozen batch norm and three labels, as torchvision saves it. */
    private static Map<String, TorchTensor> state;
    private static Path good;

    @BeforeAll
    static void stateDict() throws Exception {
        ModelConfig config = ModelConfig.builder().modelName("maskrcnn_resnet18_fpn").numClasses(4)
                .norm(ModelConfig.NormKind.FROZEN_BATCH).build();
        try (NDManager manager = NDManager.newBaseManager(); MaskRCNN model = MaskRCNN.create(config, manager, 5)) {
            state = TorchvisionExport.stateDict(model);
        }
        good = write("good.pth", s -> {});
    }

    private static Path write(String name, Consumer<Map<String, TorchTensor>> change) throws Exception {
        Map<String, TorchTensor> changed = new LinkedHashMap<>(state);
        change.accept(changed);
        Path file = temp.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            TorchWriter.write(changed, out);
        }
        return file;
    }

    private static CliRun importing(Path weights, String labels, String... more) {
        List<String> args = new ArrayList<>(List.of("import", "--from", "torchvision", "--weights", weights.toString(),
                "--model-name", "maskrcnn_resnet18_fpn", "--labels", labels, "--output",
                temp.resolve("out-" + System.nanoTime()).toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** Exit 2 with one message line that contains every part, and no stack trace. */
    private static void refused(CliRun run, String... parts) {
        assertEquals(ExitCodes.BAD_INPUT, run.code(), run.out() + run.err());
        String message = run.err().strip();
        assertTrue(message.startsWith("error: ") && !message.contains("\n"), message);
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' not in: " + message);
        }
        assertFalse(message.contains("Exception"), message);
    }

    @Test
    void aFittingFileBecomesAModelWithTorchvisionsSettings() throws Exception {
        Path out = temp.resolve("imported");
        CliRun run = CliRun.of("import", "--from", "torchvision", "--weights", good.toString(), "--model-name",
                "maskrcnn_resnet18_fpn", "--labels", LABELS, "--output", out.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("frozen_batch norm, told from the file"), run.out());
        assertTrue(SavedModel.isComplete(out.toString()));
        SavedModel saved = SavedModel.read(out.toString());
        assertEquals(List.of("cat", "dog", "bird"), saved.labels());
        assertEquals("frozen_batch", saved.hyperparameters().get("norm"));
        assertTrue(String.valueOf(saved.hyperparameters().get("imported_from")).endsWith(good.getFileName().toString()));
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(java.nio.file.Files.readAllBytes(good))), saved.hyperparameters().get("imported_sha256"));
        Map<?, ?> settings = Json.MAPPER.readValue(out.resolve(SavedModel.SETTINGS_JSON).toFile(), Map.class);
        assertEquals(800, settings.get("min_size"));
        assertEquals(1333, settings.get("max_size"));
        assertEquals(0.05, ((Number) settings.get("box_score_thresh")).doubleValue(), 1e-9);
        assertEquals(0.5, ((Number) settings.get("nms_iou_thresh")).doubleValue(), 1e-9);
        assertEquals(100, settings.get("box_detections_per_img"));
        assertEquals(1000, saved.hyperparameters().get("rpn_pre_nms_top_n_test"));
        assertEquals(1000, saved.hyperparameters().get("rpn_post_nms_top_n_test"));
        // incremental training (checkpoint_model) takes it like a trained model: every weight loads
        ModelConfig config = ModelConfig.builder().modelName("maskrcnn_resnet18_fpn").numClasses(4)
                .norm(ModelConfig.NormKind.FROZEN_BATCH).build();
        try (NDManager manager = NDManager.newBaseManager(); MaskRCNN model = MaskRCNN.create(config, manager, 9)) {
            WeightLoader.Report report = WeightLoader.load(model, out.toString(), List.of("cat", "dog", "bird"));
            assertEquals(state.size(), report.loaded());
            assertTrue(report.kept().isEmpty() && report.skipped().isEmpty(), report.describe());
        }

        refused(CliRun.of("import", "--from", "torchvision", "--weights", good.toString(), "--model-name",
                "maskrcnn_resnet18_fpn", "--labels", LABELS, "--output", out.toString()), "already exists");
    }

    @Test
    void aFileWithoutRunningStatisticsIsGroupNormOfTheGroupCountGiven() throws Exception {
        // the same weights and biases are a group-norm model's, whatever its group count
        Path group = write("group.pth", s -> s.keySet().removeIf(n -> n.contains(".running_")));
        Path out = temp.resolve("group-model");
        CliRun run = CliRun.of("import", "--from", "torchvision", "--weights", group.toString(), "--model-name",
                "maskrcnn_resnet18_fpn", "--labels", LABELS, "--group-norm-groups", "16", "--output", out.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("group norm, told from the file"), run.out());
        assertEquals(16, SavedModel.read(out.toString()).hyperparameters().get("group_norm_groups"));
        refused(importing(group, LABELS, "--group-norm-groups", "5"), "must divide 64");
    }

    @Test
    void aWrongClassCountNamesTheRowsAndTheLabels() {
        refused(importing(good, "cat,dog"), good.toString(), "roi_heads.box_predictor.cls_score.weight has 4 rows",
                "2 labels were given", "give its 3 labels");
    }

    @Test
    void missingUnexpectedAndMisshapedEntriesAreNamed() throws Exception {
        Path missing = write("missing.pth", s -> s.remove("roi_heads.mask_predictor.mask_fcn_logits.bias"));
        refused(importing(missing, LABELS), missing.toString(), "does not fit maskrcnn_resnet18_fpn with frozen_batch"
                + " norm", "1 missing: roi_heads.mask_predictor.mask_fcn_logits.bias");
        Path unexpected = write("unexpected.pth", s -> s.put("roi_heads.extra.weight",
                TorchTensor.float32(new long[] {2}, new float[2])));
        refused(importing(unexpected, LABELS), "1 unexpected: roi_heads.extra.weight");
        Path misshaped = write("misshaped.pth", s -> s.put("rpn.head.conv.0.0.bias",
                TorchTensor.float32(new long[] {255}, new float[255])));
        refused(importing(misshaped, LABELS),
                "1 of another shape: rpn.head.conv.0.0.bias [255] in the file, [256] in the model");
    }

    @Test
    void aNormThatContradictsTheFileIsRefusedWithTheFilesNorm() {
        refused(importing(good, LABELS, "--norm", "group"), "does not fit maskrcnn_resnet18_fpn with group norm",
                "unexpected: backbone.body.bn1.running_mean", "the file has batch-norm statistics: its norm is"
                        + " frozen_batch");
    }

    @Test
    void anotherVariantsFileIsRecognised() throws Exception {
        // the names a ResNet-50 backbone has (3, 4, 6, 3 bottleneck blocks), with this model's class count
        Map<String, TorchTensor> r50 = new LinkedHashMap<>();
        int[] blocks = {3, 4, 6, 3};
        for (int stage = 0; stage < 4; stage++) {
            for (int b = 0; b < blocks[stage]; b++) {
                for (int conv = 1; conv <= 3; conv++) {
                    r50.put("backbone.body.layer" + (stage + 1) + "." + b + ".conv" + conv + ".weight",
                            TorchTensor.float32(new long[] {1}, new float[1]));
                }
            }
        }
        r50.put("roi_heads.box_predictor.cls_score.weight", state.get("roi_heads.box_predictor.cls_score.weight"));
        Path file = temp.resolve("r50.pth");
        try (OutputStream out = Files.newOutputStream(file)) {
            TorchWriter.write(r50, out);
        }
        refused(importing(file, LABELS), "the file's backbone is a ResNet-50: model name maskrcnn_resnet50_fpn");
    }

    @Test
    void filesThatAreNotStateDictsAreRefused() throws Exception {
        Path list = temp.resolve("list.pth");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(list))) {
            stored(zip, "archive/data.pkl", new Pickler().dumps(List.of(1, 2, 3)));
            stored(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        refused(importing(list, LABELS), list.toString(), "is not a state dict");
        Path text = Files.writeString(temp.resolve("notes.pth"), "not weights");
        refused(importing(text, LABELS), text.toString(), "neither a zip archive");
        refused(importing(temp.resolve("absent.pth"), LABELS), "absent.pth does not exist");
    }

    @Test
    void badCommandLinesAreRefused() {
        refused(importing(good, LABELS, "--min-size", "0"), "min_size must be a positive integer, got 0");
        refused(importing(good, LABELS, "--box-score-threshold", "1.5"), "box_score_threshold must be in [0, 1]");
        refused(importing(good, "cat,dog,cat"), "'cat' is given twice");
        refused(importing(good, LABELS, "--norm", "layer"), "--norm: unknown value 'layer'");
        refused(CliRun.of("import", "--from", "detectron2", "--weights", good.toString(), "--model-name",
                "maskrcnn_resnet18_fpn", "--labels", LABELS, "--output", temp.resolve("x").toString()),
                "--from: unknown format 'detectron2'");
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws Exception {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
    }
}
