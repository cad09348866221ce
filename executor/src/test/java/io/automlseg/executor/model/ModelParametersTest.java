package io.automlseg.executor.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ModelParametersTest {

    /** Counts from torchvision (plain BatchNorm, all layers trainable, 91 classes). */
    @ParameterizedTest
    @CsvSource({"maskrcnn_resnet18_fpn,31385713", "maskrcnn_resnet34_fpn,41493873", "maskrcnn_resnet50_fpn,44454513",
            "maskrcnn_resnet101_fpn,63446641", "maskrcnn_resnet152_fpn,79090289"})
    void parameterCountMatchesTorchvision(String name, long expected) {
        ModelConfig config = ModelConfig.builder().modelName(name).numClasses(91).norm(ModelConfig.NormKind.BATCH).build();
        try (NDManager manager = NDManager.newBaseManager(); MaskRCNN model = MaskRCNN.create(config, manager, 1)) {
            assertEquals(expected, model.parameterCount());
            assertEquals(expected, model.parameters().trainableParameterCount());
        }
    }

    @Test
    void namesFollowTorchvisionStateDict() {
        ModelConfig config = ModelConfig.builder().modelName("maskrcnn_resnet18_fpn").norm(ModelConfig.NormKind.BATCH).build();
        try (NDManager manager = NDManager.newBaseManager(); MaskRCNN model = MaskRCNN.create(config, manager, 1)) {
            List<String> names = List.copyOf(model.parameters().parameters().keySet());
            assertEquals("backbone.body.conv1.weight", names.get(0));
            assertTrue(names.indexOf("backbone.fpn.layer_blocks.0.0.weight") > names.indexOf("backbone.fpn.inner_blocks.3.0.bias"));
            assertEquals("roi_heads.mask_predictor.mask_fcn_logits.bias", names.get(names.size() - 1));
            assertArrayEquals(new long[] {256, 256, 2, 2},
                    model.parameters().get("roi_heads.mask_predictor.conv5_mask.weight").getShape().getShape());
            assertTrue(model.parameters().buffers().containsKey("backbone.body.layer4.1.bn2.running_var"));
        }
    }

    @Test
    void trainableBackboneLayersFreezesTheStemAndEarlyStages() {
        ModelConfig config = ModelConfig.builder().modelName("maskrcnn_resnet18_fpn").norm(ModelConfig.NormKind.GROUP)
                .trainableBackboneLayers(3).build();
        try (NDManager manager = NDManager.newBaseManager(); MaskRCNN model = MaskRCNN.create(config, manager, 1)) {
            NetworkWeights p = model.parameters();
            assertFalse(p.isTrainable("backbone.body.conv1.weight"));
            assertFalse(p.isTrainable("backbone.body.bn1.weight"));
            assertFalse(p.isTrainable("backbone.body.layer1.1.conv2.weight"));
            assertTrue(p.isTrainable("backbone.body.layer2.0.conv1.weight"));
            assertTrue(p.isTrainable("backbone.fpn.inner_blocks.0.0.weight"));
            assertFalse(p.get("backbone.body.conv1.weight").hasGradient());
            assertTrue(p.trainableParameterCount() < p.parameterCount());
        }
    }

    @Test
    void saveAndLoadRoundTripByName() throws IOException {
        ModelConfig config = ModelConfig.builder().modelName("maskrcnn_resnet18_fpn").numClasses(3)
                .norm(ModelConfig.NormKind.BATCH).build();
        try (NDManager manager = NDManager.newBaseManager();
             MaskRCNN a = MaskRCNN.create(config, manager, 1);
             MaskRCNN b = MaskRCNN.create(config, manager, 2)) {
            a.parameters().get("backbone.body.bn1.running_mean").set(new float[64]); // a buffer survives too
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            a.save(bytes);
            String name = "roi_heads.box_predictor.bbox_pred.weight";
            assertFalse(java.util.Arrays.equals(a.parameters().get(name).toFloatArray(), b.parameters().get(name).toFloatArray()));
            b.load(new ByteArrayInputStream(bytes.toByteArray()));
            for (String n : List.of(name, "backbone.body.conv1.weight", "backbone.body.bn1.running_var")) {
                assertArrayEquals(a.parameters().get(n).toFloatArray(), b.parameters().get(n).toFloatArray(), n);
            }
            NDArray loaded = b.parameters().get(name);
            assertTrue(loaded.hasGradient(), "loaded parameters keep their gradients");

            ModelConfig other = config.toBuilder().numClasses(5).build();
            try (MaskRCNN c = MaskRCNN.create(other, manager, 3)) {
                IOException e = assertThrows(IOException.class, () -> c.load(new ByteArrayInputStream(bytes.toByteArray())));
                assertTrue(e.getMessage().contains("roi_heads.box_predictor.cls_score.weight"), e.getMessage());
            }
        }
    }
}
