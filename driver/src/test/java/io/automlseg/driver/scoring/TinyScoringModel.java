package io.automlseg.driver.scoring;

import ai.djl.ndarray.NDManager;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.savedmodel.ModelConfigs;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.trial.TrainingParameters;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The scoring tests' model and images: a randomly initialised maskrcnn_resnet18_fpn at 64-128 px whose score
 * threshold is low enough that random weights still detect objects, and small PNG images of coloured shapes in
 * grey, RGB and RGBA. Public for the scoring test on the standalone cluster (driver.cluster).
 */
public final class TinyScoringModel {
    public static final List<String> LABELS = List.of("circle", "square", "triangle");

    private TinyScoringModel() {}

    /** Writes the model into {@code folder} (a saved model folder, as a sweep's best_model/). */
    public static void write(Path folder) throws IOException {
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("model_name", "maskrcnn_resnet18_fpn");
        hp.put("random_seed", 7);
        hp.put("min_size", 64);
        hp.put("max_size", 128);
        hp.put("box_score_threshold", 0.05);
        hp.put("box_detections_per_image", 4);
        hp.put("rpn_pre_nms_top_n_test", 50);
        hp.put("rpn_post_nms_top_n_test", 20);
        ModelConfig config = ModelConfigs.fromHyperparameters(new TrainingParameters(hp), LABELS.size() + 1);
        try (NDManager manager = NDManager.newBaseManager();
                MaskRCNN model = MaskRCNN.create(config, manager, 7L)) {
            new SavedModel("maskrcnn_resnet18_fpn", LABELS, hp, SavedModel.inferenceSettings(config), Map.of())
                    .write(folder.toString(), model);
        }
    }

    /** A copy of the model folder under a new name: a model URI this JVM has not loaded yet. */
    static Path copy(Path model, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(model)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        return target;
    }

    /** An image of {@code type} (TYPE_INT_RGB, TYPE_BYTE_GRAY or TYPE_4BYTE_ABGR) with a disc and a square. */
    public static BufferedImage shapes(int type, int width, int height, long seed) {
        BufferedImage img = new BufferedImage(width, height, type);
        Graphics2D g = img.createGraphics();
        java.util.Random rng = new java.util.Random(seed);
        g.setColor(new Color(rng.nextInt(80), 90 + rng.nextInt(60), 160 + rng.nextInt(90), 255));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(230, 40 + rng.nextInt(40), 30, 200));
        g.fillOval(width / 8, height / 6, width / 2, height / 2);
        g.setColor(new Color(20, 200, 60 + rng.nextInt(100), 255));
        g.fillRect(width / 2, height / 2, width / 3, height / 3);
        g.dispose();
        return img;
    }

    public static byte[] png(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer for image type " + img.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The pixels as Spark's image data source holds them: row-major, B, G, R[, A] bytes, or one grey byte. */
    static byte[] sparkImageBytes(BufferedImage img) {
        int n = img.getColorModel().getNumComponents();
        byte[] out = new byte[img.getWidth() * img.getHeight() * n];
        int at = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (n == 1) {
                    out[at++] = (byte) img.getRaster().getSample(x, y, 0);
                    continue;
                }
                int argb = img.getRGB(x, y);
                out[at++] = (byte) argb;
                out[at++] = (byte) (argb >> 8);
                out[at++] = (byte) (argb >> 16);
                if (n == 4) {
                    out[at++] = (byte) (argb >>> 24);
                }
            }
        }
        return out;
    }
}
