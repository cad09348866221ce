package io.automlseg.driver.datasets;

/**
 * A data set file the user supplied is wrong. The message already names the file, line or entry and the field, so
 * the command line prints it as is, without a stack trace.
 */
public class DataSetException extends RuntimeException {
    public DataSetException(String message) {
        super(message);
    }
}
