package io.automlseg.driver.config;

import java.util.List;

/**
 * A configuration that cannot be run. The message lists every problem found, one a line, each with its YAML line
 * and path, so the user can fix them all at once.
 */
public class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String message) {
        this(message, List.of(message));
    }

    /** Each problem as {@code line N: path: what is wrong}. */
    public List<String> problems() {
        return problems;
    }
}
