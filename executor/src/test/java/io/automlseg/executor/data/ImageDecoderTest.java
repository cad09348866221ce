package io.automlseg.executor.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.model.InputImage;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
    @TempDir
    Path tmp;

    @Test
    void losslessFormatsDecodeToExactRgb() {
        for (String ext : List.of("png", "bmp", "tif")) {
            Path file = TestData.image(tmp.resolve("img." + ext), 7, 5);
            InputImage img = ImageDecoder.decode(file.toString(), "t.jsonl:1");
            assertEquals(5, img.height());
            assertEquals(7, img.width());
            int plane = 35;
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 7; x++) {
                    int i = y * 7 + x;
                    assertEquals(x * 10 / 255f, img.chw()[i], 1e-6, ext + " red " + x + "," + y);
                    assertEquals(y * 10 / 255f, img.chw()[plane + i], 1e-6, ext + " green");
                    assertEquals(128 / 255f, img.chw()[2 * plane + i], 1e-6, ext + " blue");
                }
            }
        }
    }

    @Test
    void jpegDecodesApproximately() {
        BufferedImage src = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                src.setRGB(x, y, 0xC83264); // (200, 50, 100)
            }
        }
        Path file = TestData.write(src, tmp.resolve("a.jpg"));
        InputImage img = ImageDecoder.decode(file.toUri().toString(), "t.jsonl:1");
        assertEquals(200 / 255f, img.chw()[0], 0.03);
        assertEquals(50 / 255f, img.chw()[256], 0.03);
        assertEquals(100 / 255f, img.chw()[512], 0.03);
    }

    @Test
    void greyLevelsAreCopiedNotGammaConverted() {
        BufferedImage grey = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 0, 0, 128);
        grey.getRaster().setSample(2, 1, 0, 255);
        InputImage img = ImageDecoder.decode(TestData.write(grey, tmp.resolve("g.png")).toString(), "t.jsonl:1");
        for (int c = 0; c < 3; c++) {
            assertEquals(0f, img.chw()[c * 6], 1e-6);
            assertEquals(128 / 255f, img.chw()[c * 6 + 1], 1e-6);
            assertEquals(1f, img.chw()[c * 6 + 5], 1e-6);
        }
        BufferedImage grey16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        grey16.getRaster().setSample(1, 0, 0, 65535 / 4);
        InputImage img16 = ImageDecoder.decode(TestData.write(grey16, tmp.resolve("g16.png")).toString(), "t.jsonl:1");
        assertEquals((65535 / 4) / 65535f, img16.chw()[1], 1e-6);
        assertEquals((65535 / 4) / 65535f, img16.chw()[5], 1e-6);
    }

    @Test
    void paletteAndAlphaImagesBecomeRgb() {
        byte[] r = {0, (byte) 255, 10, 1};
        byte[] g = {0, 0, 20, 1};
        byte[] b = {0, 0, 30, 1};
        // 8x8: the JDK's interlaced GIF writer garbles images of only two rows
        BufferedImage pal = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 4, r, g, b));
        pal.getRaster().setSample(1, 0, 0, 1);
        pal.getRaster().setSample(0, 1, 0, 2);
        for (String ext : List.of("png", "gif")) {
            InputImage img = ImageDecoder.decode(TestData.write(pal, tmp.resolve("p." + ext)).toString(), "t.jsonl:1");
            assertEquals(1f, img.chw()[1], 1e-6, ext);
            assertEquals(0f, img.chw()[64 + 1], 1e-6, ext);
            assertEquals(10 / 255f, img.chw()[8], 1e-6, ext);
            assertEquals(20 / 255f, img.chw()[64 + 8], 1e-6, ext);
            assertEquals(30 / 255f, img.chw()[128 + 8], 1e-6, ext);
        }
        BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x80112233);
        InputImage img = ImageDecoder.decode(TestData.write(argb, tmp.resolve("a.png")).toString(), "t.jsonl:1");
        assertEquals(0x11 / 255f, img.chw()[0], 1e-6);
        assertEquals(0x22 / 255f, img.chw()[1], 1e-6);
        assertEquals(0x33 / 255f, img.chw()[2], 1e-6);
    }

    @Test
    void missingAndBrokenImagesNameTheImageAndTheLine() throws Exception {
        String missing = tmp.resolve("nope.png").toString();
        DataError e = assertThrows(DataError.class, () -> ImageDecoder.decode(missing, "ds/train.jsonl:12"));
        assertEquals("ds/train.jsonl line 12, field image_url: image " + missing + " does not exist", e.getMessage());
        DataError p = assertThrows(DataError.class, () -> ImageDecoder.probeSize(missing, "ds/train.jsonl:12"));
        assertEquals(DataProblem.Kind.MISSING_IMAGE, p.problems().get(0).kind());

        Path junk = Files.writeString(tmp.resolve("junk.png"), "this is not an image");
        DataError d = assertThrows(DataError.class, () -> ImageDecoder.decode(junk.toString(), "ds/train.jsonl:3"));
        assertTrue(d.getMessage().startsWith("ds/train.jsonl line 3, field image_url: cannot decode image " + junk),
                d.getMessage());
        assertEquals(DataProblem.Kind.UNDECODABLE_IMAGE, d.problems().get(0).kind());
    }

    @Test
    void probeSizeAndWithSizes() {
        Path dir = TestData.validMLTable(tmp.resolve("ds"), 3);
        TestData.image(dir.resolve("images/1.png"), 11, 4);
        assertEquals(new ImageDecoder.Size(11, 4), ImageDecoder.probeSize(dir.resolve("images/1.png").toString(), "x:1"));
        List<ImageRecord> records = MLTableReader.read(dir.toString(), LoadOptions.validation()).records();
        List<ImageRecord> sized = ImageDecoder.withSizes(records, false, new DataReport());
        assertEquals(8, sized.get(0).width());
        assertEquals(6, sized.get(0).height());
        assertEquals(11, sized.get(1).width());
        assertEquals(records.get(1).objects(), sized.get(1).objects());

        List<ImageRecord> withMissing = new java.util.ArrayList<>(records);
        withMissing.add(new ImageRecord(dir.resolve("images/9.png").toString(), "ds/train_annotations.jsonl:4", 0, 0, List.of()));
        DataError e = assertThrows(DataError.class, () -> ImageDecoder.withSizes(withMissing, false, new DataReport()));
        assertTrue(e.getMessage().startsWith("ds/train_annotations.jsonl line 4, field image_url: image"), e.getMessage());
        DataReport report = new DataReport();
        assertEquals(3, ImageDecoder.withSizes(withMissing, true, report).size());
        assertEquals(1, report.count(DataProblem.Kind.MISSING_IMAGE));
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderBeforeDecoding() throws Exception {
        byte[] bomb = TestData.pngDeclaring(23000, 23000);
        assertTrue(bomb.length < 1000, bomb.length + " bytes");
        Path file = Files.write(tmp.resolve("bomb.png"), bomb);
        for (Runnable read : List.<Runnable>of(
                () -> ImageDecoder.decode(file.toString(), "t.jsonl:4"),
                () -> ImageDecoder.probeSize(file.toString(), "t.jsonl:4"),
                () -> ImageDecoder.decodeBytes(bomb, "bomb.png", "t.jsonl:4"))) {
            DataError e = assertThrows(DataError.class, read::run);
            assertEquals(DataProblem.Kind.TOO_MANY_PIXELS, e.problems().get(0).kind(), e.getMessage());
            assertTrue(e.getMessage().contains("23000x23000") && e.getMessage().contains("t.jsonl")
                    && e.getMessage().contains(ImageDecoder.MAX_PIXELS_PROPERTY), e.getMessage());
        }
        // Under the limit, the same header is read as the size it declares.
        String before = System.getProperty(ImageDecoder.MAX_PIXELS_PROPERTY);
        System.setProperty(ImageDecoder.MAX_PIXELS_PROPERTY, Long.toString(23000L * 23000L));
        try {
            assertEquals(new ImageDecoder.Size(23000, 23000), ImageDecoder.probeSize(file.toString(), "t.jsonl:4"));
        } finally {
            if (before == null) {
                System.clearProperty(ImageDecoder.MAX_PIXELS_PROPERTY);
            } else {
                System.setProperty(ImageDecoder.MAX_PIXELS_PROPERTY, before);
            }
        }
    }
}
