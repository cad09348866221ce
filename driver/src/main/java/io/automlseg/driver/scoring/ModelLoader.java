package io.automlseg.driver.scoring;

import io.automlseg.executor.predict.ImageScorer;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ships a saved model to the executors by path and builds it there lazily, once per executor JVM, however many tasks
 * and partitions use it. This is the part of DJL's Spark extension ({@code ai.djl.spark.ModelLoader}) that this
 * project needs; that artifact is not available from the package registry here.
 */
public final class ModelLoader implements Serializable {
    private static final long serialVersionUID = 1L;
    /** One scorer per model folder and executor JVM; the model's weights are read only on first use. */
    private static final ConcurrentHashMap<String, ImageScorer> LOADED = new ConcurrentHashMap<>();

    private final String modelDir;

    public ModelLoader(String modelDir) {
        this.modelDir = modelDir;
    }

    public String modelDir() {
        return modelDir;
    }

    public ImageScorer scorer() {
        return LOADED.computeIfAbsent(modelDir, dir -> {
            try {
                return ImageScorer.load(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the model in " + dir, e);
            }
        });
    }
}
