package io.automlseg.driver.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Runs {@code scripts/submit.sh} as an operator would, without SPARK_HOME: the script submits through Spark's
 * SparkSubmit class from the Maven-built Spark home. The application is this build's classes as a thin jar plus the
 * jars the shaded application jar bundles, passed with {@code --jars} (shading the 100 MB PyTorch library on every
 * test run would cost more than the test; executors fetch and load both the same way).
 */
final class Submission {
    static final Path REPO = StandaloneCluster.REPO;

    /** Artifacts the application jar bundles (see the driver pom's shade configuration), by file name prefix. */
    private static final List<String> BUNDLED = List.of("api-", "pytorch-engine-", "pytorch-jni-",
            "pytorch-native-cpu-", "gson-", "jna-", "picocli-");

    private Submission() {}

    record Result(int exitCode, String output, Duration wallTime) {}

    /** Builds the thin application jar: the driver's and executor's compiled classes. */
    static Path thinAppJar(Path dir) throws IOException {
        Path jar = dir.resolve("automl-seg-test-app.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            Set<String> seen = new LinkedHashSet<>();
            for (Path classes : List.of(REPO.resolve("driver/target/classes"), REPO.resolve("executor/target/classes"))) {
                try (Stream<Path> files = Files.walk(classes)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                        String name = classes.relativize(f).toString().replace(File.separatorChar, '/');
                        if (seen.add(name) && !name.equals("META-INF/MANIFEST.MF")) {
                            out.putNextEntry(new JarEntry(name));
                            Files.copy(f, out);
                            out.closeEntry();
                        }
                    }
                }
            }
        }
        return jar;
    }

    /** The bundled libraries' jars from this test's classpath, comma-separated for {@code --jars}. */
    static String bundledJars() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> jars = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            String name = Path.of(e).getFileName().toString();
            if (name.endsWith(".jar") && BUNDLED.stream().anyMatch(name::startsWith)
                    && (!name.startsWith("api-") || e.contains("/ai/djl/"))) {
                jars.add(e);
            }
        }
        return String.join(",", jars);
    }

    /** A submission in progress; a shutdown hook ends it if the test JVM ends first. */
    record Running(Process process, Path log, long startNanos, Thread hook) {
        Result await(Duration timeout) throws IOException, InterruptedException {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("submit.sh did not end within " + timeout + ":\n" + tail(log, 60));
                }
            } finally {
                stop();
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8),
                    Duration.ofNanos(System.nanoTime() - startNanos));
        }

        /** Ends the submission's processes (the driver JVM; Spark then releases the executors). */
        void stop() {
            killTree(process);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs anyway.
            }
        }
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /**
     * Starts the script.
     *
     * @param appJar the application jar ({@code AUTOML_APP_JAR})
     * @param log where its output goes
     */
    static Running start(Path appJar, Path log, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", REPO.resolve("scripts/submit.sh").toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("SPARK_HOME");
        pb.environment().put("AUTOML_APP_JAR", appJar.toString());
        pb.environment().put("AUTOML_DRIVER_MEMORY", "1g");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process process = pb.start();
        Thread hook = new Thread(() -> killTree(process), "submission-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        return new Running(process, log, System.nanoTime(), hook);
    }

    /** Runs the script to its end. */
    static Result run(Path appJar, Path log, Duration timeout, List<String> args)
            throws IOException, InterruptedException {
        return start(appJar, log, args).await(timeout);
    }

    static String tail(Path log, int lines) throws IOException {
        if (!Files.exists(log)) {
            return "(no output)";
        }
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
