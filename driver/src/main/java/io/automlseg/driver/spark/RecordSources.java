package io.automlseg.driver.spark;

import io.automlseg.driver.config.BadInputException;
import io.automlseg.executor.data.DataError;
import io.automlseg.executor.data.LoadOptions;
import io.automlseg.executor.data.LoadedDataset;
import io.automlseg.executor.data.MLTableReader;

/** The record sources the command line uses. */
public final class RecordSources {
    private RecordSources() {}

    /** Reads MLTable folders with the executor's MLTable reader, which validates every line. */
    public static RecordSource mltable() {
        return (input, config, training) -> {
            LoadOptions options = (training ? LoadOptions.training() : LoadOptions.validation())
                    .withTargetColumnName(config.targetColumnName())
                    .withIgnoreDataErrors(config.ignoreDataErrors()).withDatastores(config.datastores());
            try {
                LoadedDataset loaded = MLTableReader.read(input.path(), options);
                if (loaded.report().total() > 0) {
                    System.out.println("skipped bad data in " + input.path() + " (ignore_data_errors): "
                            + loaded.report().summary());
                }
                return loaded.records();
            } catch (DataError e) {
                throw new BadInputException(e.getMessage(), e);
            }
        };
    }
}
