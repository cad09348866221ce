package io.automlseg.executor.data;

import java.util.List;

/**
 * One validated image of a data set, as the driver hands it to a trial.
 *
 * @param imageUrl absolute Hadoop FileSystem URI of the image file ({@code file:}, {@code hdfs:}, ...)
 * @param source where the record came from, {@code "<jsonl file>:<line>"}, for error messages
 * @param width image width in pixels (from the decoded file)
 * @param height image height in pixels (from the decoded file)
 * @param objects the labelled objects; may be empty
 */
public record ImageRecord(String imageUrl, String source, int width, int height, List<ObjectAnnotation> objects) {}
