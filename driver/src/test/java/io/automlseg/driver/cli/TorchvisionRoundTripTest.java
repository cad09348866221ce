package io.automlseg.driver.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.data.ImageDecoder;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.mask.Rle;
import io.automlseg.executor.mask.RleOverlap;
import io.automlseg.executor.model.Detections;
import io.automlseg.executor.model.NetworkWeights;
import io.automlseg.executor.predict.ImageScorer;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.weights.TorchReader;
import io.automlseg.executor.weights.TorchTensor;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our export and import against torchvision itself. Each model of {@link RoundTripModels} is rebuilt, exported with
 * {@code automl export}, and its model.pth must be the very file torchvision 0.14.1 consumed when
 * scripts/reference/torchvision_roundtrip.py wrote resources/torchvision-roundtrip/reference.json (same SHA-256).
 * That file goes back through {@code automl import}, and the imported model's predictions must be torchvision's:
 * boxes and scores within 1e-3, mask IoU at least 0.99.
 *
 * <p>The images are PNGs, so that Java and PIL decode the same pixels (JPEG decoders may differ by one level).
 * Detections are matched by label and box IoU, not by rank; those whose score is within {@link #BAND} of the cut
 * (the score threshold, or the last detection's score when box_detections_per_image was reached) are not compared,
 * since rounding may keep either of two near-tied ones. {@code -Dtorchvision.roundtrip.keep=DIR} keeps the models
 * and exports there, for the script.
 */
class TorchvisionRoundTripTest {
    private static final double BOX_TOLERANCE = 1e-3;
    private static final double SCORE_TOLERANCE = 1e-3;
    private static final double MASK_IOU = 0.99;
    private static final double BAND = 2e-3;
    /** Box IoU at which one of our detections counts as torchvision's of the same label. */
    private static final double MATCH_IOU = 0.9;
    /** Detections with a non-empty mask that each image must have among those compared. */
    private static final int MIN_COMPARED_PER_IMAGE = 5;

    private static JsonNode reference;
    private static Path images;

    @TempDir
    static Path temp;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = TorchvisionRoundTripTest.class.getResourceAsStream("/torchvision-roundtrip/reference.json")) {
            reference = Json.MAPPER.readTree(in);
        }
        images = resource("/torchvision-roundtrip/images");
        for (var image : iterable(reference.get("images").fields())) {
            assertEquals(image.getValue().get("sha256").asText(), sha256(images.resolve(image.getKey())),
                    image.getKey() + " is not the image torchvision saw");
        }
    }

    static List<RoundTripModels.Spec> specs() {
        return RoundTripModels.SPECS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void torchvisionDetectsWhatWeDetect(RoundTripModels.Spec spec) throws Exception {
        JsonNode expected = reference.get("models").get(spec.name());
        String keep = System.getProperty("torchvision.roundtrip.keep");
        Path root = (keep != null ? Path.of(keep) : temp).resolve(spec.name());
        Path model = root.resolve("model");
        Path export = root.resolve("export");
        Path imported = root.resolve("imported");
        RoundTripModels.write(spec, model.toString());

        CliRun exported = CliRun.of("export", "--model", model.toString(), "--format", "torchvision",
                "--output", export.toString());
        assertEquals(0, exported.code(), exported.err());
        assertEquals(expected.get("model_pth_sha256").asText(), sha256(export.resolve("model.pth")),
                "model.pth is not the file torchvision consumed: regenerate reference.json (see the script)");
        assertTrue(Files.readString(export.resolve("load_torchvision.py")).contains(normLayer(spec)));

        List<String> importArgs = new ArrayList<>(List.of("import", "--from", "torchvision", "--weights",
                export.resolve("model.pth").toString(), "--model-name", spec.modelName(), "--labels",
                String.join(",", RoundTripModels.LABELS), "--output", imported.toString()));
        RoundTripModels.settings(spec).forEach((name, value) -> {
            importArgs.add("--" + name.replace('_', '-'));
            importArgs.add(String.valueOf(value));
        });
        CliRun done = CliRun.of(importArgs.toArray(String[]::new));
        assertEquals(0, done.code(), done.err());
        assertTrue(done.out().contains(spec.norm().name().toLowerCase(java.util.Locale.ROOT) + " norm, told from the file"),
                done.out());
        assertTrue(done.out().contains("SHA-256 " + expected.get("model_pth_sha256").asText()), done.out());
        assertSameTensors(model, export, imported);

        Figures figures = new Figures();
        try (ImageScorer predictor = ImageScorer.load(imported.toString())) {
            for (var image : iterable(expected.get("images").fields())) {
                String url = images.resolve(image.getKey()).toUri().toString();
                Detections ours = predictor.detect(List.of(ImageDecoder.decode(url, url))).get(0);
                compare(spec.name() + " " + image.getKey(), image.getValue(), ours,
                        (float) expected.get("mask_threshold").asDouble(), figures);
            }
        }
        if (keep == null) {
            deleteTree(root); // some 400 MB per model
        }
        System.out.printf("%s: %d detections compared (%d with non-empty masks), largest box difference %.2e px,"
                        + " largest score difference %.2e, smallest mask IoU %.6f%n", spec.name(), figures.compared,
                figures.nonEmptyMasks, figures.boxDifference, figures.scoreDifference, figures.maskIou);
    }

    private static String normLayer(RoundTripModels.Spec spec) {
        return switch (spec.norm()) {
            case BATCH -> "norm_layer=nn.BatchNorm2d";
            case FROZEN_BATCH -> "norm_layer=misc_nn_ops.FrozenBatchNorm2d";
            case GROUP -> "norm_layer=functools.partial(nn.GroupNorm, 32)";
        };
    }

    /** The exported file holds our weights bit for bit, and the imported model holds the file's. */
    private static void assertSameTensors(Path model, Path export, Path imported) throws Exception {
        Map<String, NetworkWeights.Tensor> ours = weights(model);
        Map<String, NetworkWeights.Tensor> back = weights(imported);
        Map<String, TorchTensor> file;
        try (InputStream in = Files.newInputStream(export.resolve("model.pth"))) {
            file = TorchReader.read(in, "model.pth");
        }
        assertEquals(ours.keySet(), back.keySet());
        int counters = 0;
        for (Map.Entry<String, TorchTensor> e : file.entrySet()) {
            if (e.getKey().endsWith(".num_batches_tracked")) {
                assertArrayEquals(new long[0], e.getValue().shape(), e.getKey());
                counters++;
                continue;
            }
            NetworkWeights.Tensor original = ours.get(e.getKey());
            assertArrayEquals(original.shape().getShape(), e.getValue().shape(), e.getKey());
            assertArrayEquals(original.values(), e.getValue().toFloatArray(), e.getKey());
            assertArrayEquals(original.values(), back.get(e.getKey()).values(), e.getKey());
        }
        assertEquals(ours.size() + counters, file.size());
    }

    private static Map<String, NetworkWeights.Tensor> weights(Path folder) throws Exception {
        try (InputStream in = Files.newInputStream(folder.resolve(SavedModel.WEIGHTS))) {
            return NetworkWeights.read(in);
        }
    }

    /** The largest differences seen over a model's images. */
    private static final class Figures {
        int compared;
        int nonEmptyMasks;
        double boxDifference;
        double scoreDifference;
        double maskIou = 1;
    }

    private static void compare(String what, JsonNode expected, Detections ours, float maskThreshold, Figures figures) {
        JsonNode theirs = expected.get("detections");
        int height = expected.get("height").asInt();
        int width = expected.get("width").asInt();
        assertEquals(height, ours.imageHeight(), what);
        assertEquals(width, ours.imageWidth(), what);
        double floor = Math.max(cut(theirs.size(), theirs.size() == 0 ? 0 : theirs.get(theirs.size() - 1)
                .get("score").asDouble()), cut(ours.size(), ours.size() == 0 ? 0 : ours.scores()[ours.size() - 1])) + BAND;
        boolean[] used = new boolean[ours.size()];
        int compared = 0;
        int nonEmpty = 0;
        for (JsonNode t : theirs) {
            if (t.get("score").asDouble() < floor) {
                continue;
            }
            float[] box = floats(t.get("box"));
            int match = bestMatch(ours, used, t.get("label").asInt(), box);
            assertTrue(match >= 0, what + ": torchvision's detection " + t.get("label") + " " + t.get("score")
                    + " at " + t.get("box") + " has no counterpart among ours");
            used[match] = true;
            for (int c = 0; c < 4; c++) {
                figures.boxDifference = Math.max(figures.boxDifference, Math.abs(box[c] - ours.boxes()[match][c]));
            }
            figures.scoreDifference = Math.max(figures.scoreDifference,
                    Math.abs(t.get("score").asDouble() - ours.scores()[match]));
            Rle tv = Rle.ofCounts(height, width, ints(t.get("mask").get("counts")));
            Rle mine = Rle.encode(ours.binaryMask(match, maskThreshold), height, width);
            double iou = tv.area() == 0 && mine.area() == 0 ? 1 : RleOverlap.iou(mine, tv, false);
            figures.maskIou = Math.min(figures.maskIou, iou);
            nonEmpty += tv.area() > 0 ? 1 : 0;
            compared++;
        }
        for (int i = 0; i < ours.size(); i++) {
            assertTrue(used[i] || ours.scores()[i] < floor, what + ": our detection " + ours.labels()[i] + " "
                    + ours.scores()[i] + " has no counterpart among torchvision's");
        }
        assertTrue(nonEmpty >= MIN_COMPARED_PER_IMAGE, what + ": only " + nonEmpty + " of " + compared
                + " detections compared have a mask");
        assertTrue(figures.boxDifference <= BOX_TOLERANCE, what + ": box difference " + figures.boxDifference);
        assertTrue(figures.scoreDifference <= SCORE_TOLERANCE, what + ": score difference " + figures.scoreDifference);
        assertTrue(figures.maskIou >= MASK_IOU, what + ": mask IoU " + figures.maskIou);
        figures.compared += compared;
        figures.nonEmptyMasks += nonEmpty;
    }

    /** Where a list of detections was cut: the last score if the cap was reached, else the threshold. */
    private static double cut(int count, double lastScore) {
        return count >= RoundTripModels.DETECTIONS_PER_IMAGE ? lastScore : RoundTripModels.BOX_SCORE_THRESHOLD;
    }

    /** Our unused detection of that label with the largest box IoU, if at least {@link #MATCH_IOU}; else -1. */
    private static int bestMatch(Detections ours, boolean[] used, int label, float[] box) {
        int best = -1;
        double bestIou = MATCH_IOU;
        for (int i = 0; i < ours.size(); i++) {
            if (used[i] || ours.labels()[i] != label) {
                continue;
            }
            double iou = boxIou(box, ours.boxes()[i]);
            if (iou >= bestIou) {
                best = i;
                bestIou = iou;
            }
        }
        return best;
    }

    private static double boxIou(float[] a, float[] b) {
        double w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
        double h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double inter = w * h;
        return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
    }

    private static float[] floats(JsonNode node) {
        float[] out = new float[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) node.get(i).asDouble();
        }
        return out;
    }

    private static int[] ints(JsonNode node) {
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asInt();
        }
        return out;
    }

    static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(TorchvisionRoundTripTest.class.getResource(name).toURI());
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }
}
