package io.automlseg.driver.report;

import io.automlseg.driver.persist.RunFolder;
import io.automlseg.executor.data.DataError;
import io.automlseg.executor.data.ImageDecoder;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.Manifest;
import io.automlseg.executor.data.ObjectAnnotation;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.mask.PolygonRaster;
import io.automlseg.executor.model.Detections;
import io.automlseg.executor.model.InputImage;
import io.automlseg.executor.predict.ImagePrediction;
import io.automlseg.executor.predict.ImageScorer;
import io.automlseg.executor.predict.ScoredImage;
import io.automlseg.executor.savedmodel.SavedModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The report's prediction gallery: the run's best model ({@code best_model/}) scores a sample of the run's validation
 * images ({@code data/validation.jsonl}), and each image is drawn twice, with the predictions and with its ground
 * truth, in the same class colours. Everything is read through {@link Storage}, so the run folder may be on any
 * Hadoop file system.
 */
public final class PredictionGallery {
    /** How many images the report shows unless told otherwise. */
    public static final int DEFAULT_IMAGES = 6;
    /** The environment variable that changes {@link #DEFAULT_IMAGES} (0: no gallery), e.g. for a test suite. */
    public static final String IMAGES_ENV = "AUTOML_REPORT_GALLERY_IMAGES";
    /** The default as picocli reads it: the environment variable, else {@link #DEFAULT_IMAGES}. */
    public static final String IMAGES_OPTION_DEFAULT = "${env:" + IMAGES_ENV + ":-" + DEFAULT_IMAGES + "}";

    /**
     * Images are scored together until their decoded pixels reach this many: a batch is about twice as fast as one
     * image at a time, and the bound keeps large photos (12 bytes a pixel decoded) from filling the driver's heap.
     */
    private static final long BATCH_PIXELS = 8_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(PredictionGallery.class);

    private PredictionGallery() {}

    /** {@link #IMAGES_ENV} if set, else {@link #DEFAULT_IMAGES}. */
    public static int defaultImages() {
        String value = System.getenv(IMAGES_ENV);
        if (value == null || value.isBlank()) {
            return DEFAULT_IMAGES;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(IMAGES_ENV + " must be an integer 0 or more, not '" + value + "'");
    }

    /** The gallery of {@code images} images of a run's best model, as the report asks for it. */
    public static GallerySource of(int images) {
        return (run, report) -> render(run.uri(), images);
    }

    /**
     * Draws up to {@code maxImages} validation images of the run, spread evenly over {@code data/validation.jsonl} in
     * its order (so the same run gives the same sample). The predictions are those above the model's
     * {@code box_score_thresh}, with masks at its {@code mask_pixel_score_threshold} (both from its settings.json).
     * An image that can no longer be read is left out with a warning.
     *
     * @param runFolderUri the sweep's output folder, a local path or any Hadoop URI
     * @return the gallery, in data set order; empty when the run has no complete best model yet (a sweep still
     *     running, or one whose trials all failed) or no validation data
     * @throws IOException when the best model or the validation manifest exists but cannot be read
     */
    public static List<GalleryImage> render(String runFolderUri, int maxImages) throws IOException {
        RunFolder run = new RunFolder(runFolderUri);
        if (maxImages < 1 || !SavedModel.isComplete(run.bestModel()) || !Storage.exists(run.validationManifest())) {
            return List.of();
        }
        List<ImageRecord> sample = sample(Manifest.read(run.validationManifest()), maxImages);
        if (sample.isEmpty()) {
            return List.of();
        }
        List<GalleryImage> gallery = new ArrayList<>(sample.size());
        try (ImageScorer scorer = ImageScorer.load(run.bestModel())) {
            LabelColours colours = new LabelColours(scorer.savedModel().labels());
            List<ImageRecord> records = new ArrayList<>();
            List<InputImage> images = new ArrayList<>();
            long pixels = 0;
            for (int i = 0; i < sample.size(); i++) {
                ImageRecord record = sample.get(i);
                try {
                    InputImage image = ImageDecoder.decode(record.imageUrl(), record.source());
                    records.add(record);
                    images.add(image);
                    pixels += (long) image.width() * image.height();
                } catch (DataError e) {
                    LOG.warn("prediction gallery: left out {}: {}", record.imageUrl(), e.getMessage());
                }
                if (!images.isEmpty() && (pixels >= BATCH_PIXELS || i == sample.size() - 1)) {
                    List<ImagePrediction> predictions = scorer.score(images);
                    for (int j = 0; j < images.size(); j++) {
                        gallery.add(draw(records.get(j), images.get(j), predictions.get(j), colours));
                    }
                    records.clear();
                    images.clear();
                    pixels = 0;
                }
            }
        }
        return gallery;
    }

    /** {@code count} records spread evenly over the list, first one included, in list order. */
    static List<ImageRecord> sample(List<ImageRecord> records, int count) {
        int n = records.size();
        if (n <= count) {
            return records;
        }
        List<ImageRecord> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(records.get((int) ((long) i * n / count)));
        }
        return out;
    }

    static GalleryImage draw(ImageRecord record, InputImage image, ImagePrediction prediction, LabelColours colours) {
        GalleryPainter painter = new GalleryPainter(image, colours);
        List<GalleryPainter.Shape> predicted = predictedShapes(prediction);
        List<GalleryPainter.Shape> truth = groundTruthShapes(record.objects(), image.height(), image.width());
        return new GalleryImage(imageName(record.imageUrl()), painter.drawPng(predicted), painter.drawPng(truth),
                predicted.size(), truth.size());
    }

    /**
     * The detections, lowest score first so the most confident are drawn on top and get their captions first; the
     * fainter the lower their score.
     */
    static List<GalleryPainter.Shape> predictedShapes(ImagePrediction prediction) {
        Detections d = prediction.detections();
        List<ScoredImage.Detection> named = prediction.record().boxes();
        List<GalleryPainter.Shape> shapes = new ArrayList<>(d.size());
        for (int i = d.size() - 1; i >= 0; i--) {
            float[] b = d.boxes()[i];
            String label = named.get(i).label();
            float score = d.scores()[i];
            shapes.add(new GalleryPainter.Shape(label, prediction.masks().get(i), new double[] {b[0], b[1], b[2], b[3]},
                    String.format(Locale.ROOT, "%s %.2f", label, score), opacity(score)));
        }
        return shapes;
    }

    /** How strongly a detection is drawn: a confident one as the ground truth, an unlikely one faintly. */
    static float opacity(float score) {
        return 0.3f + 0.7f * Math.max(0f, Math.min(1f, score));
    }

    /** The labelled objects, rasterised as the evaluation does (pycocotools' rules). */
    static List<GalleryPainter.Shape> groundTruthShapes(List<ObjectAnnotation> objects, int height, int width) {
        List<GalleryPainter.Shape> shapes = new ArrayList<>(objects.size());
        for (ObjectAnnotation o : objects) {
            byte[] mask = PolygonRaster.fromNormalizedPolygons(o.polygons(), height, width).decode();
            double[] n = o.normalizedBox();
            double[] box = {n[0] * width, n[1] * height, n[2] * width, n[3] * height};
            shapes.add(new GalleryPainter.Shape(o.label(), mask, box, o.crowd() ? o.label() + " (crowd)" : o.label(),
                    1f));
        }
        return shapes;
    }

    /** The last path segment of an image URL. */
    static String imageName(String imageUrl) {
        String trimmed = imageUrl.endsWith("/") ? imageUrl.substring(0, imageUrl.length() - 1) : imageUrl;
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
}
