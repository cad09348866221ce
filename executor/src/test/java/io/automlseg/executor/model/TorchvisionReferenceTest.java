package io.automlseg.executor.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Components against values computed once with torchvision 0.14.1 (see resources/reference/make_reference.py).
 */
class TorchvisionReferenceTest {
    private static JsonNode ref;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = TorchvisionReferenceTest.class.getResourceAsStream("/reference/components.json")) {
            ref = new ObjectMapper().readTree(in);
        }
    }

    static float[] floats(JsonNode node) {
        float[] out = new float[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) node.get(i).asDouble();
        }
        return out;
    }

    static int[] ints(JsonNode node) {
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asInt();
        }
        return out;
    }

    static void assertClose(float[] expected, float[] actual, float tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            float scale = Math.max(1f, Math.abs(expected[i]));
            if (Math.abs(expected[i] - actual[i]) > tolerance * scale) {
                throw new AssertionError(what + "[" + i + "]: expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }

    @Test
    void nmsKeepsWhatTorchvisionKeeps() {
        JsonNode n = ref.get("nms");
        float[] boxes = floats(n.get("boxes"));
        float[] scores = floats(n.get("scores"));
        int count = scores.length;
        assertArrayEquals(ints(n.get("keep_05")), Nms.nms(boxes, scores, count, 0.5f));
        assertArrayEquals(ints(n.get("keep_03")), Nms.nms(boxes, scores, count, 0.3f));
        assertArrayEquals(ints(n.get("batched_keep_05")), Nms.batched(boxes, scores, ints(n.get("keys")), count, 0.5f));
        float[] a = java.util.Arrays.copyOfRange(boxes, 0, 20);
        float[] b = java.util.Arrays.copyOfRange(boxes, 20, 48);
        assertClose(floats(n.get("iou")), BoxOps.iou(a, 5, b, 7), 1e-6f, "iou");
    }

    @Test
    void boxCoderEncodesAndDecodesLikeTorchvision() {
        JsonNode n = ref.get("box_coder");
        float[] reference = floats(n.get("reference"));
        float[] gt = floats(n.get("gt"));
        float[] deltas = floats(n.get("deltas"));
        int count = reference.length / 4;
        int[] identity = new int[count];
        for (int i = 0; i < count; i++) {
            identity[i] = i;
        }
        for (String name : List.of("rpn", "roi")) {
            float[] w = floats(n.get(name).get("weights"));
            BoxCoder coder = new BoxCoder(w[0], w[1], w[2], w[3]);
            assertClose(floats(n.get(name).get("encoded")), coder.encode(gt, identity, reference, identity), 1e-5f, name + " encode");
            float[] decoded = new float[4 * count];
            for (int i = 0; i < count; i++) {
                coder.decode(deltas, i, reference, i, decoded, i);
            }
            assertClose(floats(n.get(name).get("decoded")), decoded, 1e-5f, name + " decode");
        }
    }

    @Test
    void anchorsMatchTorchvisionExactly() {
        JsonNode n = ref.get("anchors");
        int[][] sizes = new int[5][];
        for (int l = 0; l < 5; l++) {
            sizes[l] = ints(n.get("feature_sizes").get(l));
        }
        float[] anchors = AnchorGenerator.anchors(n.get("padded").get(0).asInt(), n.get("padded").get(1).asInt(), sizes);
        assertArrayEquals(floats(n.get("anchors")), anchors);
    }

    @Test
    void matcherIncludingLowQualityTies() {
        JsonNode n = ref.get("matcher");
        float[] iou = floats(n.get("iou"));
        int g = n.get("gt").asInt();
        int p = n.get("pred").asInt();
        assertArrayEquals(ints(n.get("low_quality")), new Matcher(0.7f, 0.3f, true).match(iou, g, p));
        assertArrayEquals(ints(n.get("plain_05")), new Matcher(0.5f, 0.5f, false).match(iou, g, p));
    }

    @Test
    void roiAlignMatchesTorchvisionAndPassesGradients() {
        JsonNode n = ref.get("roi_align");
        float[] features = floats(n.get("features"));
        int[] shape = ints(n.get("shape"));
        float[] rois = floats(n.get("rois"));
        float scale = (float) n.get("scale").asDouble();
        int count = rois.length / 5;
        float[] boxes = new float[4 * count];
        int[] image = new int[count];
        for (int r = 0; r < count; r++) {
            image[r] = (int) rois[5 * r];
            System.arraycopy(rois, 5 * r + 1, boxes, 4 * r, 4);
        }
        int batch = shape[0], channels = shape[1], h = shape[2], w = shape[3];
        RoIAlign.Source source = new RoIAlign.Source() {
            @Override public int rowOffset(int roi) { return image[roi] * h * w; }
            @Override public int height(int roi) { return h; }
            @Override public int width(int roi) { return w; }
            @Override public float scale(int roi) { return scale; }
        };
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray table = manager.create(features, new Shape(batch, channels, h, w)).transpose(0, 2, 3, 1).reshape(-1, channels);
            float[] s2 = RoIAlign.apply(table, RoIAlign.plan(boxes, count, source, 3, 2), count, 3, manager).toFloatArray();
            assertClose(floats(n.get("out_s2")), s2, 1e-5f, "roi_align sampling 2");
            float[] adaptive = RoIAlign.apply(table, RoIAlign.plan(boxes, count, source, 4, -1), count, 4, manager).toFloatArray();
            assertClose(floats(n.get("out_adaptive")), adaptive, 1e-5f, "roi_align adaptive");
        }
        // the single-channel Java path used for mask targets agrees with the gather path
        byte[] mask = new byte[h * w];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = (byte) (features[i] > 0.5f ? 1 : 0);
        }
        float[] single = RoIAlign.alignSingle(mask, h, w, java.util.Arrays.copyOfRange(boxes, 0, 4), scale, 3, 2);
        float[] maskFloats = new float[mask.length];
        for (int i = 0; i < mask.length; i++) {
            maskFloats[i] = mask[i];
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray table = manager.create(maskFloats, new Shape(h * w, 1));
            RoIAlign.Source one = new RoIAlign.Source() {
                @Override public int rowOffset(int roi) { return 0; }
                @Override public int height(int roi) { return h; }
                @Override public int width(int roi) { return w; }
                @Override public float scale(int roi) { return scale; }
            };
            float[] gathered = RoIAlign.apply(table, RoIAlign.plan(java.util.Arrays.copyOfRange(boxes, 0, 4), 1, one, 3, 2), 1, 3, manager)
                    .toFloatArray();
            assertClose(gathered, single, 1e-5f, "single-channel roi_align");
        }
    }

    @Test
    void maskPredictorMatchesTorchvisionsOnEachRoIsOwnClass() {
        JsonNode n = ref.get("mask_predictor");
        int[] classes = ints(n.get("classes"));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray features = manager.create(floats(n.get("features")), new Shape(classes.length, 8, 4, 4));
            NDArray deconvWeight = manager.create(floats(n.get("deconv_weight")), new Shape(8, 6, 2, 2));
            NDArray logitsWeight = manager.create(floats(n.get("logits_weight")), new Shape(5, 6, 1, 1));
            NDArray own = manager.create(java.util.Arrays.stream(classes).asLongStream().toArray());
            float[] logits = MaskHead.predict(features, deconvWeight, manager.create(floats(n.get("deconv_bias"))),
                    logitsWeight, manager.create(floats(n.get("logits_bias"))), own).toFloatArray();
            assertEquals(classes.length * 8 * 8, logits.length);
            assertClose(floats(n.get("logits")), logits, 1e-5f, "mask logits");
        }
    }

    @Test
    void levelMapperAssignsTorchvisionLevels() {
        JsonNode n = ref.get("level_mapper");
        float[] boxes = floats(n.get("boxes"));
        try (NDManager manager = NDManager.newBaseManager()) {
            // features of a 256x256 batch: P2..P5 = 64, 32, 16, 8 pixels -> scales 1/4..1/32
            NDArray[] features = new NDArray[4];
            for (int l = 0; l < 4; l++) {
                int s = 64 >> l;
                features[l] = manager.zeros(new Shape(1, 2, s, s));
            }
            MultiScaleRoIAlign pooler = new MultiScaleRoIAlign(features, 256);
            assertArrayEquals(ints(n.get("levels")), pooler.levels(boxes, boxes.length / 4));
            assertEquals(0.25f, pooler.scale(0));
            assertEquals(1f / 32, pooler.scale(3));
        }
    }

    @Test
    void maskTargetsMatchProjectMasksOnBoxes() {
        JsonNode n = ref.get("mask_targets");
        int[] maskInts = ints(n.get("mask"));
        byte[] mask = new byte[maskInts.length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = (byte) maskInts[i];
        }
        float[] proposals = floats(n.get("proposals"));
        float[] expected = floats(n.get("targets"));
        int cells = 28 * 28;
        for (int p = 0; p < proposals.length / 4; p++) {
            float[] actual = MaskTargets.target(mask, n.get("height").asInt(), n.get("width").asInt(),
                    java.util.Arrays.copyOfRange(proposals, 4 * p, 4 * p + 4));
            assertClose(java.util.Arrays.copyOfRange(expected, p * cells, (p + 1) * cells), actual, 1e-5f, "mask target " + p);
        }
    }

    @Test
    void pastedMasksMatchPasteMasksInImage() {
        JsonNode n = ref.get("paste");
        float[] masks = floats(n.get("masks"));
        float[] boxes = floats(n.get("boxes"));
        float[] expected = floats(n.get("pasted"));
        int h = n.get("height").asInt();
        int w = n.get("width").asInt();
        for (int i = 0; i < boxes.length / 4; i++) {
            float[] actual = MaskPaster.paste(java.util.Arrays.copyOfRange(masks, i * 784, (i + 1) * 784),
                    java.util.Arrays.copyOfRange(boxes, 4 * i, 4 * i + 4), h, w);
            assertClose(java.util.Arrays.copyOfRange(expected, i * h * w, (i + 1) * h * w), actual, 1e-5f, "pasted " + i);
        }
    }

    @Test
    void transformResizesNormalisesAndPadsLikeTorchvision() {
        JsonNode n = ref.get("transform");
        float[] pixels = floats(n.get("image"));
        float[] pixels2 = floats(n.get("image2"));
        ModelConfig config = ModelConfig.builder().modelName("maskrcnn_resnet18_fpn")
                .minSize(n.get("min_size").asInt()).maxSize(n.get("max_size").asInt()).build();
        InputImage image = new InputImage(pixels, 37, 53);
        ImageTransform.Batch batch = ImageTransform.batch(List.of(image, new InputImage(pixels2, 90, 45)), config);
        int[] shape = ints(n.get("batch_shape"));
        assertEquals(shape[2], batch.paddedHeight());
        assertEquals(shape[3], batch.paddedWidth());
        int[] size0 = ints(n.get("image_sizes").get(0));
        int[] size1 = ints(n.get("image_sizes").get(1));
        assertArrayEquals(size0, new int[] {batch.heights()[0], batch.widths()[0]});
        assertArrayEquals(size1, new int[] {batch.heights()[1], batch.widths()[1]});
        // torch 1.13 computes interpolation weights in a different precision: differences stay ~1e-5
        assertClose(floats(n.get("batch")), batch.pixels(), 1e-4f, "batch pixels");

        int[] maskInts = ints(n.get("mask"));
        byte[] mask = new byte[maskInts.length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = (byte) maskInts[i];
        }
        TrainingTarget target = new TrainingTarget(new float[][] {{2f, 3f, 40f, 30f}}, new int[] {1}, new byte[][] {mask});
        ImageTransform.ResizedTarget resized = ImageTransform.resizeTarget(target, image, size0[0], size0[1]);
        assertClose(floats(n.get("boxes")), resized.boxes()[0], 1e-6f, "resized box");
        int[] expectedMask = ints(n.get("resized_mask"));
        byte[] expectedBytes = new byte[expectedMask.length];
        for (int i = 0; i < expectedBytes.length; i++) {
            expectedBytes[i] = (byte) expectedMask[i];
        }
        assertArrayEquals(expectedBytes, resized.masks()[0]);
    }
}
