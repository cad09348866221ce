package io.automlseg.executor.data;

import java.util.Map;

/**
 * How to read a user's MLTable.
 *
 * @param targetColumnName the JSONL column holding the objects (reference {@code target_column_name}, default
 *     {@code label})
 * @param ignoreDataErrors skip bad rows, objects and polygon parts and report them instead of failing (reference
 *     {@code ignore_data_errors})
 * @param minImages the fewest usable images accepted (the reference requires 10 for training)
 * @param datastores the reference's datastore names and the Hadoop folders they stand for ({@link
 *     AzureMlDatastores})
 */
public record LoadOptions(String targetColumnName, boolean ignoreDataErrors, int minImages,
                          Map<String, String> datastores) {
    public static final String DEFAULT_TARGET_COLUMN = MLTableLine.LABELS;
    public static final int MIN_TRAINING_IMAGES = 10;

    public LoadOptions {
        if (targetColumnName == null || targetColumnName.isBlank()) {
            throw new IllegalArgumentException("target column name must not be empty");
        }
        if (minImages < 0) {
            throw new IllegalArgumentException("minImages must be >= 0, got " + minImages);
        }
        datastores = Map.copyOf(datastores);
    }

    /** Training data: column {@code label}, fail on bad data, at least 10 images. */
    public static LoadOptions training() {
        return new LoadOptions(DEFAULT_TARGET_COLUMN, false, MIN_TRAINING_IMAGES, Map.of());
    }

    /** Validation data: column {@code label}, fail on bad data, at least one image. */
    public static LoadOptions validation() {
        return new LoadOptions(DEFAULT_TARGET_COLUMN, false, 1, Map.of());
    }

    public LoadOptions withTargetColumnName(String name) {
        return new LoadOptions(name, ignoreDataErrors, minImages, datastores);
    }

    public LoadOptions withIgnoreDataErrors(boolean ignore) {
        return new LoadOptions(targetColumnName, ignore, minImages, datastores);
    }

    public LoadOptions withMinImages(int min) {
        return new LoadOptions(targetColumnName, ignoreDataErrors, min, datastores);
    }

    public LoadOptions withDatastores(Map<String, String> mapping) {
        return new LoadOptions(targetColumnName, ignoreDataErrors, minImages, mapping);
    }
}
