package io.automlseg.driver.spark;

import io.automlseg.driver.config.BadInputException;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.executor.data.ImageRecord;
import java.io.IOException;
import java.util.List;

/**
 * Reads one input data set of a sweep (an MLTable folder) into records. The driver then checks the images on the
 * executors, splits and writes the manifests. The production source is the executor's MLTable reader; tests supply
 * their own.
 */
@FunctionalInterface
public interface RecordSource {

    /**
     * @param input the training or validation input of the configuration
     * @param config the whole configuration (for {@code target_column_name} and data options)
     * @param training whether this is the training set (the reference requires at least 10 images there)
     * @throws BadInputException for data the user must fix (one message naming file, line and field)
     */
    List<ImageRecord> read(SweepConfig.DataInput input, SweepConfig config, boolean training)
            throws IOException, BadInputException;
}
