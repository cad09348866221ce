package io.automlseg.driver.cluster;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A jar of test classes for {@code --jars} / {@code spark.jars}: the application jar holds only main code, and what
 * a cluster test runs on the executors (a stand-in trial, a UDF) must reach them the same way.
 */
final class TestJar {
    private TestJar() {}

    /** Writes {@code dir/name} holding each class with its nested and lambda classes ({@code Name$...}). */
    static Path of(Path dir, String name, Class<?>... classes) throws IOException, URISyntaxException {
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Class<?> c : classes) {
                Path root = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
                String folder = c.getPackageName().replace('.', '/');
                try (Stream<Path> files = Files.list(root.resolve(folder))) {
                    for (Path f : files.filter(f -> isPartOf(f.getFileName().toString(), c)).sorted().toList()) {
                        out.putNextEntry(new JarEntry(folder + "/" + f.getFileName()));
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
            }
        }
        return jar;
    }

    private static boolean isPartOf(String file, Class<?> c) {
        return file.equals(c.getSimpleName() + ".class") || file.startsWith(c.getSimpleName() + "$");
    }
}
