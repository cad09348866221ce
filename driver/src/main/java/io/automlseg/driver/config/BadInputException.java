package io.automlseg.driver.config;

import java.util.List;

/** Input the user must fix (data, output folder); the CLI prints the message alone and exits with code 2. */
public class BadInputException extends Exception {
    /** Problems listed in one message; the rest are counted. */
    private static final int SHOWN_PROBLEMS = 20;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** One message for images that cannot be used: the first problems, one a line, and how many more there are. */
    public static BadInputException unusableImages(List<String> problems) {
        StringBuilder msg = new StringBuilder(problems.size() + " image" + (problems.size() == 1 ? "" : "s")
                + " cannot be used:");
        problems.stream().limit(SHOWN_PROBLEMS).forEach(p -> msg.append("\n  ").append(p));
        if (problems.size() > SHOWN_PROBLEMS) {
            msg.append("\n  ... and ").append(problems.size() - SHOWN_PROBLEMS).append(" more");
        }
        return new BadInputException(msg.toString());
    }
}
