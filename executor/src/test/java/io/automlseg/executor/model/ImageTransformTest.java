package io.automlseg.executor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The resize rule of torchvision's transform, including a min_size above max_size (which torchvision allows). */
class ImageTransformTest {

    @Test
    void theShorterSideGetsMinSizeUnlessTheLongerWouldExceedMaxSize() {
        assertEquals(2f, ImageTransform.scale(300, 400, 600, 1333), "600 / 300: the longer side 800 fits");
        assertEquals(1333f / 1000, ImageTransform.scale(300, 1000, 600, 1333), "the longer side caps it");
        assertEquals(600, ImageTransform.resizedLength(300, ImageTransform.scale(300, 400, 600, 1333)));
    }

    @Test
    void aMinSizeAboveMaxSizeScalesTheLongerSideToMaxSize() {
        // min(900 / 100, 800 / 200) = 4: a 100 x 200 image becomes 400 x 800.
        float scale = ImageTransform.scale(100, 200, 900, 800);
        assertEquals(4f, scale);
        assertEquals(800, ImageTransform.resizedLength(200, scale));
        ModelConfig config = ModelConfig.builder().modelName("maskrcnn_resnet18_fpn").numClasses(3).minSize(900)
                .maxSize(800).build();
        assertEquals(900, config.minSize());
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.builder().modelName("maskrcnn_resnet18_fpn")
                .numClasses(3).minSize(0).maxSize(800).build());
    }
}
