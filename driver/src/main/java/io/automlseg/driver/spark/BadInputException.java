package io.automlseg.driver.spark;

/** Input the user must fix (data, output folder); the CLI prints the message alone and exits with code 2. */
public class BadInputException extends Exception {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
