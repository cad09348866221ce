package io.automlseg.driver.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code --add-opens} flags Spark and DJL need on Java 17, read from conf/java17-opens.txt, which the build
 * packages next to this class (the pom, the scripts and the trial launcher all read that one file).
 */
final class Java17Opens {
    static final String RESOURCE = "java17-opens.txt";

    private Java17Opens() {}

    static List<String> flags() {
        try (InputStream in = Java17Opens.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath next to "
                        + Java17Opens.class.getName() + "; rebuild with mvn package");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The flags of the file's lines: blank lines and {@code #} comments are left out, as in a java @argfile. */
    static List<String> parse(List<String> lines) {
        return lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }
}
