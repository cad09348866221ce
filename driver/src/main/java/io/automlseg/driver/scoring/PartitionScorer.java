package io.automlseg.driver.scoring;

import io.automlseg.executor.data.DataError;
import io.automlseg.executor.model.InputImage;
import io.automlseg.executor.predict.ImagePrediction;
import io.automlseg.executor.predict.ImageScorer;
import io.automlseg.executor.predict.ScoringDevice;
import io.automlseg.executor.predict.MaskImages;
import io.automlseg.executor.savedmodel.PredictionSettings;
import io.automlseg.executor.model.Detections;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores one partition as a stream: it reads {@code batchSize} rows, scores those whose image decodes in one forward
 * pass, hands the rows on with their predictions and reads the next batch, so that no more than one batch of the
 * partition is held in memory. A row whose image cannot be decoded gets null predictions and the reason in the error
 * column; their count is logged when the partition ends.
 */
final class PartitionScorer implements Iterator<Row> {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionScorer.class);

    private final Iterator<Row> rows;
    private final ImageCells cells;
    private final String modelUri;
    private final int batchSize;
    private final boolean includeRle;
    private final Options options;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private ModelCache.Lease lease;
    private boolean finished;
    private long scored;
    private long undecodable;

    /**
     * What a scoring stage changes of the saved model's prediction settings (null: the model's), and the folder of
     * mask images (null: none written).
     */
    record Options(Double maskPixelScoreThreshold, Integer maxNumberOfPolygonPoints, String maskImageFolder,
                   String imageType) implements java.io.Serializable {
        /** The saved model's settings, no mask images. */
        static final Options NONE = new Options(null, null, null, null);
    }

    PartitionScorer(Iterator<Row> rows, ImageCells cells, String modelUri, int batchSize, boolean includeRle,
                    Options options) {
        this.rows = rows;
        this.cells = cells;
        this.modelUri = modelUri;
        this.batchSize = batchSize;
        this.includeRle = includeRle;
        this.options = options;
        TaskContext task = TaskContext.get();
        if (task != null) {
            // a partition read only in part (e.g. under limit) never reaches its end: release the model anyway
            task.addTaskCompletionListener((TaskCompletionListener) ctx -> finish());
        }
    }

    @Override
    public boolean hasNext() {
        if (ready.isEmpty() && !finished) {
            if (rows.hasNext()) {
                scoreNextBatch();
            } else {
                finish();
            }
        }
        return !ready.isEmpty();
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    private void scoreNextBatch() {
        List<Row> batch = new ArrayList<>(batchSize);
        List<InputImage> images = new ArrayList<>(batchSize);
        List<String> errors = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && rows.hasNext()) {
            Row row = rows.next();
            batch.add(row);
            try {
                images.add(cells.decode(row));
                errors.add(null);
            } catch (RuntimeException e) {
                errors.add(reason(e));
            }
        }
        PredictionSettings settings = images.isEmpty() ? null : lease().scorer().settings().withOverrides(
                options.maskPixelScoreThreshold(), options.maxNumberOfPolygonPoints(), null, options.imageType());
        List<ImagePrediction> predictions = images.isEmpty() ? List.of() : lease().scorer().score(images, settings);
        int next = 0;
        for (int i = 0; i < batch.size(); i++) {
            String error = errors.get(i);
            Object predicted = null;
            if (error == null) {
                ImagePrediction prediction = predictions.get(next++);
                predicted = PredictionRows.of(prediction, includeRle);
                if (options.maskImageFolder() != null) {
                    String name = cells.name(batch.get(i));
                    // bytes without a name: the row's place in its partition keeps the files apart
                    writeMasks(name != null ? name : "image_" + partition() + "_" + (scored + undecodable),
                            prediction, settings.imageType());
                }
                scored++;
            } else {
                undecodable++;
            }
            ready.add(withColumns(batch.get(i), predicted, error));
        }
    }

    private void writeMasks(String image, ImagePrediction prediction, String imageType) {
        Detections d = prediction.detections();
        try {
            MaskImages.write(options.maskImageFolder(), image, prediction.record(), prediction.masks(),
                    d.imageHeight(), d.imageWidth(), imageType);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the mask images of " + image + " into "
                    + options.maskImageFolder(), e);
        }
    }

    /** The model, taken from the per-JVM cache on the first image, so an empty partition loads nothing. */
    private ModelCache.Lease lease() {
        if (lease == null) {
            TaskContext task = TaskContext.get();
            if (task != null) {
                // one intra-op thread per core the task was given: the executor's other tasks use the rest
                ImageScorer.limitThreads(task.cpus());
            }
            ScoringDevice device = ScoringDevice.forAssigned(assignedGpus(task));
            if (device.reason() != null) {
                LOG.warn("partition {}: scoring on the CPU: {}", partition(), device.reason());
            }
            lease = ModelCache.acquire(modelUri, device);
        }
        return lease;
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (lease != null) {
            lease.close();
        }
        String partition = partition();
        if (undecodable > 0) {
            LOG.warn("partition {}: scored {} images, {} could not be decoded (null predictions, reason in the error "
                    + "column)", partition, scored, undecodable);
        } else if (scored > 0) {
            LOG.info("partition {}: scored {} images", partition, scored);
        }
    }

    private static Row withColumns(Row row, Object predictions, String error) {
        Object[] values = new Object[row.length() + 2];
        for (int c = 0; c < row.length(); c++) {
            values[c] = row.get(c);
        }
        values[row.length()] = predictions;
        values[row.length() + 1] = error;
        return RowFactory.create(values);
    }

    /** The GPU addresses Spark assigned to the task ({@code spark.task.resource.gpu.amount}), or null. */
    private static String[] assignedGpus(TaskContext task) {
        ResourceInformation gpu = task == null ? null : task.resourcesJMap().get("gpu");
        return gpu == null ? null : gpu.addresses();
    }

    private static String partition() {
        TaskContext task = TaskContext.get();
        return task == null ? "0" : Integer.toString(task.partitionId());
    }

    /** The problem itself, without the data-error location prefix that means nothing here. */
    private static String reason(RuntimeException e) {
        if (e instanceof DataError de && !de.problems().isEmpty()) {
            return de.problems().get(0).message();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
