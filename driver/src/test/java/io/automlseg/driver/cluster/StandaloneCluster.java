package io.automlseg.driver.cluster;

import io.automlseg.driver.spark.TrialLaunch;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on 127.0.0.1 for tests: a Master and Workers, each in its own JVM started from the
 * Spark home the build assembles ({@code driver/target/spark-home/jars}, the Maven-resolved Spark). Workers launch
 * their executors from that Spark home as on a real cluster. {@link #close()} stops every process it started and
 * their descendants (executors and the trials they run); a shutdown hook does the same if the test JVM ends first.
 */
final class StandaloneCluster implements AutoCloseable {
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path SPARK_HOME = REPO.resolve("driver/target/spark-home");

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> workerLogs = new ArrayList<>();
    private final Thread hook = new Thread(this::stopAll, "standalone-cluster-stop");
    private final int masterPort;
    private Path masterLog;

    /**
     * @param dir folder for logs, work folders and properties
     * @param workers number of Workers
     * @param coresPerWorker cores each Worker offers
     * @param workerProperties extra Spark properties of every Worker (e.g. its GPU resources)
     */
    StandaloneCluster(Path dir, int workers, int coresPerWorker, Map<String, String> workerProperties)
            throws IOException, InterruptedException {
        if (!Files.isDirectory(SPARK_HOME.resolve("jars"))) {
            throw new IllegalStateException(SPARK_HOME + "/jars is missing: run the tests through Maven, which "
                    + "assembles it in generate-test-resources");
        }
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(hook);
        masterPort = freePort();
        masterLog = dir.resolve("master.log");
        start(masterLog, "256m", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", Integer.toString(masterPort), "--webui-port", "0");
        awaitLine(masterLog, "New state: ALIVE", Duration.ofSeconds(60));
        StringBuilder props = new StringBuilder();
        workerProperties.forEach((k, v) -> props.append(k).append(' ').append(v).append('\n'));
        Path propsFile = dir.resolve("worker.conf");
        Files.writeString(propsFile, props);
        for (int i = 1; i <= workers; i++) {
            Path work = Files.createDirectories(dir.resolve("worker-" + i));
            Path log = dir.resolve("worker-" + i + ".log");
            workerLogs.add(log);
            start(log, "384m", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--cores", Integer.toString(coresPerWorker), "--memory", "4g", "--webui-port", "0",
                    "--work-dir", work.toString(), "--properties-file", propsFile.toString(), masterUrl());
        }
        for (Path log : workerLogs) {
            awaitLine(log, "Successfully registered with master", Duration.ofSeconds(90));
        }
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** The executor JVMs the Workers run now (children of the Worker processes). */
    List<ProcessHandle> executors() {
        List<ProcessHandle> list = new ArrayList<>();
        for (Process p : processes) {
            p.descendants().filter(c -> commandLine(c).contains("CoarseGrainedExecutorBackend")).forEach(list::add);
        }
        return list;
    }

    /** The executor id on an executor JVM's command line ({@code --executor-id N}). */
    static String executorId(ProcessHandle executor) {
        String[] args = arguments(executor).toArray(new String[0]);
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--executor-id")) {
                return args[i + 1];
            }
        }
        return null;
    }

    static String commandLine(ProcessHandle p) {
        return String.join(" ", arguments(p));
    }

    /**
     * A process's whole command line from {@code /proc/PID/cmdline}. {@code ProcessHandle.Info} is not used: on
     * Linux it can drop the arguments of a long command line, and a trial JVM's class path is long.
     */
    static List<String> arguments(ProcessHandle p) {
        try {
            byte[] raw = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc", Long.toString(p.pid()), "cmdline"));
            List<String> args = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    args.add(new String(raw, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return args;
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    /** Kills a process and its descendants at once, as a lost machine would. */
    static void killTree(ProcessHandle p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    String logs() {
        StringBuilder b = new StringBuilder();
        for (Path log : concat(Optional.ofNullable(masterLog).stream().toList(), workerLogs)) {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                b.append("== ").append(log.getFileName()).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())))
                        .append('\n');
            } catch (IOException e) {
                b.append("== ").append(log).append(": ").append(e.getMessage()).append('\n');
            }
        }
        return b.toString();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private void start(Path log, String heap, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.addAll(TrialLaunch.JAVA17_OPENS);
        cmd.add("-cp");
        cmd.add(SPARK_HOME.resolve("jars") + "/*");
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(log.toFile()).directory(dir.toFile());
        pb.environment().put("SPARK_HOME", SPARK_HOME.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().remove("SPARK_CONF_DIR");
        processes.add(pb.start());
    }

    static void awaitLine(Path log, String text, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no '" + text + "' in " + log + " within " + timeout + ":\n"
                + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void stopAll() {
        // Collected first: once a Worker is gone its executors are no longer its descendants.
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : processes) {
            p.descendants().forEach(all::add);
            all.add(p.toHandle());
        }
        all.forEach(ProcessHandle::destroy);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception notYet) {
                h.destroyForcibly();
            }
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
    }
}
