package io.automlseg.driver.cli;

/** Ends a command with a message for the user (no stack trace) and one of the {@link ExitCodes}. */
public class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
