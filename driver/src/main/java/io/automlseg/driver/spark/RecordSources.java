package io.automlseg.driver.spark;

/** The record sources the command line uses. */
public final class RecordSources {
    private RecordSources() {}

    /**
     * Reads MLTable folders with the executor's MLTable reader.
     *
     * <p>Wiring point: until {@code io.automlseg.executor.data.MLTableReader} is merged this source reports that it is
     * missing. Once merged, the body is:
     * <pre>{@code
     * return (input, config, training) -> {
     *     LoadOptions options = (training ? LoadOptions.training() : LoadOptions.validation())
     *             .withTargetColumnName(config.targetColumnName());
     *     try {
     *         return MLTableReader.read(input.path(), options).records();
     *     } catch (DataError e) {
     *         throw new BadInputException(e.getMessage(), e);
     *     }
     * };
     * }</pre>
     */
    public static RecordSource mltable() {
        return (input, config, training) -> {
            throw new BadInputException("cannot read " + input.path()
                    + ": the MLTable reader is not part of this build yet");
        };
    }
}
