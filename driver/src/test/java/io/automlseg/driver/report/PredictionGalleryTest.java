package io.automlseg.driver.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.automlseg.driver.datasets.SyntheticShapes;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.executor.data.ImageDecoder;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.MLTableLine;
import io.automlseg.executor.data.Manifest;
import io.automlseg.executor.data.ObjectAnnotation;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.savedmodel.ModelConfigs;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.trial.TrainingParameters;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gallery of a tiny run folder: a random-weight model as best_model/ (its score threshold lowered so that it
 * detects something) and a validation manifest of a large hand-drawn image with one known rectangle and small
 * synthetic shape images.
 */
class PredictionGalleryTest {
    private static final Color BACKGROUND = new Color(120, 120, 120);
    private static final Color OBJECT = new Color(30, 60, 200);
    private static final int LARGE_WIDTH = 800;
    private static final int LARGE_HEIGHT = 600;
    /** The large image's rectangle, normalised x1, y1, x2, y2. */
    private static final double[] RECTANGLE = {0.25, 0.25, 0.75, 0.75};
    private static final int SYNTHETIC_SIZE = 96;

    @TempDir
    static Path dir;
    private static RunFolder run;
    private static List<ImageRecord> validation;
    /** The gallery of three of the four images, drawn once for the tests that look at it. */
    private static List<GalleryImage> gallery;

    @BeforeAll
    static void runFolder() throws IOException {
        run = new RunFolder(dir.resolve("run").toUri().toString());
        writeModel(run.bestModel());
        validation = new ArrayList<>();
        validation.add(largeImage(dir.resolve("large.png")));
        SyntheticShapes.Options opts = SyntheticShapes.Options.defaults().withImageSize(SYNTHETIC_SIZE).withSeed(5);
        for (int i = 0; i < 3; i++) {
            validation.add(synthetic(opts, i, dir.resolve("shapes-" + i + ".png")));
        }
        Manifest.write(run.validationManifest(), validation);
        gallery = PredictionGallery.render(run.uri(), 3);
    }

    @Test
    void drawsPredictionsAndGroundTruthOfASample() throws IOException {
        assertEquals(List.of("large.png", "shapes-0.png", "shapes-1.png"),
                gallery.stream().map(GalleryImage::imageName).toList());
        LabelColours colours = new LabelColours(SyntheticShapes.CLASSES);
        int detections = 0;
        for (int i = 0; i < gallery.size(); i++) {
            GalleryImage g = gallery.get(i);
            ImageRecord record = validation.get(i);
            BufferedImage predicted = decode(g.predictionPng());
            BufferedImage truth = decode(g.groundTruthPng());
            int longest = Math.max(predicted.getWidth(), predicted.getHeight());
            assertTrue(longest <= GalleryPainter.MAX_SIDE && longest >= GalleryPainter.MIN_SIDE, "side " + longest);
            assertEquals(predicted.getWidth(), truth.getWidth());
            assertEquals(predicted.getHeight(), truth.getHeight());
            assertEquals(record.objects().size(), g.objects());
            assertTrue(g.detections() <= 4, "at most box_detections_per_img: " + g.detections());
            BufferedImage plain = new GalleryPainter(ImageDecoder.decode(record.imageUrl(), "test"), colours).base();
            int changed = differingPixels(plain, predicted);
            if (g.detections() > 0) {
                assertTrue(changed > 0, g.imageName() + ": detections drawn but the image is unchanged");
            } else {
                assertEquals(0, changed, g.imageName() + ": nothing detected, yet the image changed");
            }
            assertTrue(differingPixels(plain, truth) > 0, g.imageName() + ": ground truth not drawn");
            detections += g.detections();
        }
        assertTrue(detections > 0, "the low score threshold should give random weights some detections");

        // The large image is shrunk to 512 px, keeping its aspect ratio.
        BufferedImage large = decode(gallery.get(0).groundTruthPng());
        assertEquals(GalleryPainter.MAX_SIDE, large.getWidth());
        assertEquals(LARGE_HEIGHT * GalleryPainter.MAX_SIDE / LARGE_WIDTH, large.getHeight());
        // Inside the rectangle (away from its edges, box and caption) the class colour is blended in ...
        double s = (double) GalleryPainter.MAX_SIDE / LARGE_WIDTH;
        Color expected = blend(OBJECT, colours.of("rectangle"));
        for (double[] p : new double[][] {{0.5, 0.5}, {0.3, 0.6}, {0.7, 0.7}}) {
            int x = (int) (p[0] * LARGE_WIDTH * s);
            int y = (int) (p[1] * LARGE_HEIGHT * s);
            assertClose(expected, new Color(large.getRGB(x, y)), "ground truth inside the polygon at " + x + "," + y);
        }
        // ... and outside it the original pixels are untouched.
        for (double[] p : new double[][] {{0.05, 0.5}, {0.9, 0.9}, {0.5, 0.05}, {0.95, 0.1}}) {
            int x = (int) (p[0] * LARGE_WIDTH * s);
            int y = (int) (p[1] * LARGE_HEIGHT * s);
            assertEquals(BACKGROUND.getRGB(), large.getRGB(x, y), "ground truth outside the polygon at " + x + "," + y);
        }
        // Small images are enlarged by a whole factor: 96 px times 3.
        assertEquals(3 * SYNTHETIC_SIZE, decode(gallery.get(1).groundTruthPng()).getWidth());
    }

    @Test
    void theSameRunGivesTheSameGallery() throws IOException {
        List<GalleryImage> again = PredictionGallery.render(run.uri(), 3);
        assertEquals(gallery.size(), again.size());
        for (int i = 0; i < gallery.size(); i++) {
            assertEquals(gallery.get(i).detections(), again.get(i).detections());
            assertArrayEquals(gallery.get(i).predictionPng(), again.get(i).predictionPng());
            assertArrayEquals(gallery.get(i).groundTruthPng(), again.get(i).groundTruthPng());
        }
    }

    @Test
    void noBestModelGivesAnEmptyGallery() throws IOException {
        assertEquals(List.of(), PredictionGallery.render(dir.resolve("empty-run").toString(), 6));

        // A best_model/ without its _COMPLETE marker is still being published.
        RunFolder unfinished = new RunFolder(dir.resolve("unfinished").toString());
        Storage.copy(run.bestModel(), unfinished.bestModel());
        Storage.copy(run.validationManifest(), unfinished.validationManifest());
        Storage.delete(unfinished.bestModel() + "/" + RunFolder.COMPLETE_MARKER);
        assertEquals(List.of(), PredictionGallery.render(unfinished.uri(), 6));

        // A model but no validation data (the sweep died before writing data/).
        RunFolder noData = new RunFolder(dir.resolve("no-data").toString());
        Storage.copy(run.bestModel(), noData.bestModel());
        assertEquals(List.of(), PredictionGallery.render(noData.uri(), 6));
        assertEquals(List.of(), PredictionGallery.render(run.uri(), 0));
    }

    @Test
    void anImageThatIsGoneIsLeftOut() throws IOException {
        RunFolder gone = new RunFolder(dir.resolve("gone").toString());
        Storage.copy(run.bestModel(), gone.bestModel());
        ImageRecord missing = new ImageRecord(dir.resolve("deleted.png").toUri().toString(), "validation:9", 96, 96,
                List.of());
        Manifest.write(gone.validationManifest(), List.of(missing, validation.get(3)));
        List<GalleryImage> images = PredictionGallery.render(gone.uri(), 6);
        assertEquals(List.of("shapes-2.png"), images.stream().map(GalleryImage::imageName).toList());
    }

    @Test
    void sampleSpreadsOverTheValidationSet() {
        List<ImageRecord> records = IntStream.range(0, 20)
                .mapToObj(i -> new ImageRecord("file:/v/" + i + ".png", "v:" + i, 8, 8, List.of())).toList();
        assertEquals(List.of("0.png", "3.png", "6.png", "10.png", "13.png", "16.png"),
                PredictionGallery.sample(records, 6).stream()
                        .map(r -> PredictionGallery.imageName(r.imageUrl())).toList());
        assertEquals(records, PredictionGallery.sample(records, 25));
    }

    /** A random-weight maskrcnn_resnet18_fpn for the synthetic classes, saved as a sweep's best model. */
    private static void writeModel(String folder) throws IOException {
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("model_name", "maskrcnn_resnet18_fpn");
        hp.put("random_seed", 7);
        hp.put("min_size", 64);
        hp.put("max_size", 128);
        hp.put("box_detections_per_image", 4);
        hp.put("rpn_pre_nms_top_n_test", 50);
        hp.put("rpn_post_nms_top_n_test", 20);
        List<String> labels = SyntheticShapes.CLASSES;
        ModelConfig config = ModelConfigs.fromHyperparameters(new TrainingParameters(hp), labels.size() + 1);
        try (NDManager manager = NDManager.newBaseManager();
                MaskRCNN model = MaskRCNN.create(config, manager, 7L)) {
            Map<String, Object> settings = new LinkedHashMap<>(SavedModel.inferenceSettings(config));
            // Random weights score every class about equally: a threshold below 1/5 lets some through.
            settings.put("box_score_thresh", 0.01);
            new SavedModel("maskrcnn_resnet18_fpn", labels, hp, settings, Map.of()).write(folder, model);
        }
        assertNotNull(Json.read(folder + "/" + SavedModel.SETTINGS_JSON, Map.class));
    }

    /** 800x600 grey with one filled rectangle, labelled by the same rectangle as a polygon. */
    private static ImageRecord largeImage(Path file) throws IOException {
        BufferedImage img = new BufferedImage(LARGE_WIDTH, LARGE_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, LARGE_WIDTH, LARGE_HEIGHT);
        g.setColor(OBJECT);
        g.fillRect((int) (RECTANGLE[0] * LARGE_WIDTH), (int) (RECTANGLE[1] * LARGE_HEIGHT),
                (int) ((RECTANGLE[2] - RECTANGLE[0]) * LARGE_WIDTH),
                (int) ((RECTANGLE[3] - RECTANGLE[1]) * LARGE_HEIGHT));
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
        double[] polygon = {RECTANGLE[0], RECTANGLE[1], RECTANGLE[2], RECTANGLE[1], RECTANGLE[2], RECTANGLE[3],
            RECTANGLE[0], RECTANGLE[3]};
        return new ImageRecord(file.toUri().toString(), "validation:1", LARGE_WIDTH, LARGE_HEIGHT,
                List.of(new ObjectAnnotation("rectangle", false, List.of(polygon))));
    }

    private static ImageRecord synthetic(SyntheticShapes.Options opts, int index, Path file) throws IOException {
        SyntheticShapes.RenderedImage image = SyntheticShapes.render(opts, index);
        Files.write(file, SyntheticShapes.encode(image, "png"));
        MLTableLine line = SyntheticShapes.jsonLine(image, file.toUri().toString(), "png");
        List<ObjectAnnotation> objects = line.labels().stream()
                .map(l -> new ObjectAnnotation(l.label(), l.isCrowd() == 1, l.polygon())).toList();
        return new ImageRecord(line.imageUrl(), "validation:" + (index + 2), image.size(), image.size(), objects);
    }

    private static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(img, "not a decodable PNG");
        return img;
    }

    private static int differingPixels(BufferedImage a, BufferedImage b) {
        assertEquals(a.getWidth(), b.getWidth());
        assertEquals(a.getHeight(), b.getHeight());
        int n = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if ((a.getRGB(x, y) & 0xffffff) != (b.getRGB(x, y) & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static Color blend(Color under, Color over) {
        float a = GalleryPainter.MASK_ALPHA;
        return new Color(Math.round((1 - a) * under.getRed() + a * over.getRed()),
                Math.round((1 - a) * under.getGreen() + a * over.getGreen()),
                Math.round((1 - a) * under.getBlue() + a * over.getBlue()));
    }

    private static void assertClose(Color expected, Color actual, String what) {
        int d = Math.abs(expected.getRed() - actual.getRed()) + Math.abs(expected.getGreen() - actual.getGreen())
                + Math.abs(expected.getBlue() - actual.getBlue());
        assertTrue(d <= 3, what + ": expected " + expected + ", got " + actual);
        assertNotEquals(BACKGROUND.getRGB(), actual.getRGB(), what);
    }
}
