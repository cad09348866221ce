package io.automlseg.driver.scoring;

import java.io.Serializable;

/**
 * Ships a saved model to the executors by URI; there the model is taken from the per-JVM {@link ModelCache}, so it
 * is loaded once per executor JVM however many tasks and partitions use it. This is the part of DJL's Spark
 * extension ({@code ai.djl.spark.ModelLoader}) that this project needs, without its reload in every partition; that
 * artifact is not available from the package registry here.
 */
public final class ModelLoader implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String modelDir;

    public ModelLoader(String modelDir) {
        this.modelDir = modelDir;
    }

    public String modelDir() {
        return modelDir;
    }

    /** The model, loaded on first use in this JVM; close the lease when the partition is scored. */
    public ModelCache.Lease lease() {
        return ModelCache.acquire(modelDir);
    }
}
