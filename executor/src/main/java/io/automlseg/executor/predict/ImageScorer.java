package io.automlseg.executor.predict;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.automlseg.executor.data.ImageDecoder;
import io.automlseg.executor.model.Detections;
import io.automlseg.executor.model.InputImage;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.savedmodel.PredictionSettings;
import io.automlseg.executor.savedmodel.SavedModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores images with a saved model and returns the reference product's scoring records. Safe to share between threads:
 * each call runs its own forward pass with autograd off on the calling thread.
 */
public final class ImageScorer implements AutoCloseable {
    private final SavedModel saved;
    private final NDManager manager;
    private final MaskRCNN model;
    private final PredictionSettings settings;

    private ImageScorer(SavedModel saved, PredictionSettings settings, NDManager manager, MaskRCNN model) {
        this.saved = saved;
        this.manager = manager;
        this.model = model;
        this.settings = settings;
    }

    /** Loads the model in {@code modelDir} (a folder written by {@link SavedModel#write}) to score on the CPU. */
    public static ImageScorer load(String modelDir) throws IOException {
        return load(modelDir, ScoringDevice.CPU);
    }

    /**
     * Loads the model in {@code modelDir} onto {@code device}: its weights and every array of its forward passes live
     * there. Callers choose it (a Spark scoring task: the GPU Spark assigned to it), never the engine's default,
     * which is GPU 0 on any host with CUDA whatever was scheduled.
     */
    public static ImageScorer load(String modelDir, ScoringDevice device) throws IOException {
        SavedModel saved = SavedModel.read(modelDir);
        PredictionSettings settings;
        try {
            settings = PredictionSettings.of(saved.settings());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(modelDir + "/" + SavedModel.SETTINGS_JSON + ": " + e.getMessage(), e);
        }
        NDManager manager = NDManager.newBaseManager(device.device());
        try {
            return new ImageScorer(saved, settings, manager, saved.loadNetwork(modelDir, manager));
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public SavedModel savedModel() {
        return saved;
    }

    /** The saved model's prediction settings ({@code settings.json}, defaults for those it lacks). */
    public PredictionSettings settings() {
        return settings;
    }

    /** Scores the images at these URIs; the records' {@code filename} is the URI as given. */
    public List<ScoredImage> predict(List<String> imageUrls) {
        List<InputImage> images = new ArrayList<>(imageUrls.size());
        for (String url : imageUrls) {
            images.add(ImageDecoder.decode(url, url));
        }
        List<Detections> found = detect(images);
        List<ScoredImage> out = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
            out.add(ScoringFormat.toScoredImage(imageUrls.get(i), found.get(i), saved.labels(),
                    (float) settings.maskPixelScoreThreshold(), settings.maxNumberOfPolygonPoints()));
        }
        return out;
    }

    /**
     * Sets how many threads libtorch's operators use on the calling thread (OpenMP keeps the count per thread;
     * threads that first run libtorch later start with it too), unless the JVM was started with
     * {@code -Dai.djl.pytorch.num_threads}. A scoring task should use the cores Spark gave it, not all
     * of the machine's, which the executor's other tasks share.
     */
    public static synchronized void limitThreads(int threads) {
        if (System.getProperty("ai.djl.pytorch.num_threads") != null || threads < 1) {
            return;
        }
        Engine.getEngine("PyTorch"); // loads libtorch, which a fresh executor JVM has not yet
        if (JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads);
        }
    }

    /** Scores decoded images as values (records without a filename), in the order given. */
    public List<ImagePrediction> score(List<InputImage> images) {
        return score(images, settings);
    }

    /** The same with other prediction settings than the saved model's (a run's overrides). */
    public List<ImagePrediction> score(List<InputImage> images, PredictionSettings with) {
        List<Detections> found = detect(images);
        List<ImagePrediction> out = new ArrayList<>(found.size());
        for (Detections d : found) {
            List<byte[]> masks = new ArrayList<>(d.size());
            for (int i = 0; i < d.size(); i++) {
                masks.add(d.binaryMask(i, (float) with.maskPixelScoreThreshold()));
            }
            ScoredImage record = ScoringFormat.toScoredImage(null, d, masks, saved.labels(),
                    with.maxNumberOfPolygonPoints());
            out.add(new ImagePrediction(d, masks, record));
        }
        return out;
    }

    /** Raw detections for decoded images. */
    public List<Detections> detect(List<InputImage> images) {
        // Grad mode is per thread in libtorch and on by default on threads the engine did not start.
        JniUtils.setGradMode(false);
        try (NDManager scope = manager.newSubManager()) {
            return model.detect(scope, images);
        }
    }

    @Override
    public void close() {
        model.close();
        manager.close();
    }
}
