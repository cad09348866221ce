package io.automlseg.executor.data;

import java.util.List;

/**
 * The images read from an MLTable, and what was skipped on the way (empty unless {@code ignoreDataErrors} or
 * {@code invalid_lines: drop} let problems through).
 *
 * @param folder qualified URI of the MLTable folder
 * @param records the usable images, in file and line order
 * @param report the problems that were skipped
 */
public record LoadedDataset(String folder, List<ImageRecord> records, DataReport report) {}
