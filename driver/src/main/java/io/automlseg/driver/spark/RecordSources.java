package io.automlseg.driver.spark;

import io.automlseg.executor.data.DataError;
import io.automlseg.executor.data.LoadOptions;
import io.automlseg.executor.data.LoadedDataset;
import io.automlseg.executor.data.MLTableReader;

/** The record sources the command line uses. */
public final class RecordSources {
    private RecordSources() {}

    /**
     * Reads MLTable folders with the executor's {@link MLTableReader}: at least 10 training images and 1 validation
     * image, bad data reported in one message (exit code 2), skipped lines counted when the MLTable says
     * {@code invalid_lines: drop}.
     */
    public static RecordSource mltable() {
        return (input, config, training) -> {
            LoadOptions options = (training ? LoadOptions.training() : LoadOptions.validation())
                    .withTargetColumnName(config.targetColumnName());
            try {
                LoadedDataset data = MLTableReader.read(input.path(), options);
                if (!data.report().isEmpty()) {
                    System.out.println((training ? "Training" : "Validation") + " data " + input.path() + ": "
                            + data.report().total() + " problem(s) skipped, e.g. " + data.report().examples().get(0));
                }
                return data.records();
            } catch (DataError e) {
                throw new BadInputException((training ? "training_data" : "validation_data") + " " + input.path()
                        + ":\n" + e.getMessage(), e);
            }
        };
    }
}
