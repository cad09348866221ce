package io.automlseg.executor.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** export_as_image's files: the reference's names, and masks that decode to the image's size in every type. */
class MaskImagesTest {

    @Test
    void maskImagesFollowTheReferencesLayout() throws Exception {
        assertEquals("street_01/traffic_light/street_01_3_label_traffic_light_conf_0.87.png",
                MaskImages.relativePath("abfss://c@a/imgs/street_01.jpg", 3, "traffic light", 0.8712, "png"));
        assertEquals("a_b/x/a_b_0_label_x_conf_1.00.bmp", MaskImages.relativePath("a b.tif", 0, "x", 0.999, "bmp"));
        byte[] mask = new byte[6 * 4];
        mask[5] = 1;
        for (String type : new String[] {"jpg", "png", "bmp"}) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(MaskImages.encode(mask, 4, 6, type)));
            assertEquals(6, img.getWidth(), type);
            assertEquals(4, img.getHeight(), type);
            assertTrue(img.getRaster().getSample(5, 0, 0) > 200, type);
            assertTrue(img.getRaster().getSample(0, 3, 0) < 50, type);
        }
    }
}
