package io.automlseg.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Training and prediction are separate layers over the saved model: neither may name the other's package (in an
 * import or fully qualified), and the saved-model format depends on neither, so a change to one never drags the other.
 */
class PackageLayersTest {
    private static final Path SOURCES = Path.of("src/main/java/io/automlseg/executor");

    @ParameterizedTest(name = "{0} does not use {1}")
    @CsvSource({"train, predict", "predict, train", "savedmodel, train", "savedmodel, predict"})
    void packageDoesNotUse(String from, String to) throws IOException {
        Path dir = SOURCES.resolve(from);
        assertTrue(Files.isDirectory(dir), "no package folder " + dir.toAbsolutePath());
        String forbidden = "io.automlseg.executor." + to + ".";
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).contains(forbidden)) {
                        offenders.add(SOURCES.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).trim());
                    }
                }
            }
        }
        assertEquals(List.of(), offenders);
    }
}
