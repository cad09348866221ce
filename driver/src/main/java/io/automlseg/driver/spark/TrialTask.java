package io.automlseg.driver.spark;

import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.DeviceChoice;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialSpec;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.resource.ResourceInformation;

/**
 * The body of a trial's single Spark task: runs the trial in a child JVM on the executor and waits for it.
 *
 * <p>A child process is needed because DJL's PyTorch engine allows one training per JVM, while an executor with
 * several task slots must run several trials at once; it also returns all native and GPU memory when the trial
 * ends. The child gets the executor's classpath, the Java 17 flags, its share of the CPU threads and (when Spark
 * assigned one) its GPU. Its output goes to a local file that is copied to the trial's {@code trial.log} at the
 * end; the tail is kept for error messages. When Spark cancels the task (the sweep's timeout, a trial timeout)
 * the task thread is interrupted and the child's whole process tree is destroyed.
 */
public final class TrialTask implements FlatMapFunction<Iterator<String>, TrialExit> {
    private static final long serialVersionUID = 1L;
    private static final int TAIL_LINES = 40;
    private static final long LOG_SYNC_NANOS = 30_000_000_000L;
    /** Host and pid of the trial's child process, in the trial folder. */
    public static final String PROCESS_FILE = "process.json";

    private final TrialLaunch launch;

    public TrialTask(TrialLaunch launch) {
        this.launch = launch;
    }

    @Override
    public Iterator<TrialExit> call(Iterator<String> specUris) throws Exception {
        List<TrialExit> exits = new ArrayList<>();
        while (specUris.hasNext()) {
            exits.add(run(specUris.next()));
        }
        return exits.iterator();
    }

    private TrialExit run(String specUri) throws Exception {
        TrialSpec spec = Json.read(specUri, TrialSpec.class);
        if (launch.inTask()) {
            return runInTask(specUri);
        }
        List<String> command = command(specUri);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        String threads = Integer.toString(Math.max(1, launch.numThreads()));
        env.put("OMP_NUM_THREADS", threads);
        env.put("MKL_NUM_THREADS", threads);
        // Only the GPU Spark assigned is visible to the trial (as its CUDA device 0): trials sharing an executor
        // never train on the same card.
        String gpus = assignedGpus();
        if (gpus != null) {
            env.put(DeviceChoice.GPU_ENV, gpus);
        } else if ("gpu".equals(spec.device())) {
            env.put(DeviceChoice.GPU_ENV, "");
        }
        Path localLog = Files.createTempFile("automlseg-trial-" + spec.trialId() + "-", ".log");
        Deque<String> tail = new ArrayDeque<>();
        long started = System.currentTimeMillis();
        Process process = builder.start();
        recordProcess(spec.trialDir(), process);
        Thread killer = new Thread(() -> destroyTree(process), "trial-" + spec.trialId() + "-reaper");
        // If the executor JVM goes down, its trials must not live on as orphans.
        Runtime.getRuntime().addShutdownHook(killer);
        String logTarget = TrialFiles.resolve(spec.trialDir(), TrialFiles.LOG);
        Thread pump = new Thread(() -> pump(process, localLog, logTarget, tail),
                "trial-" + spec.trialId() + "-log");
        pump.setDaemon(true);
        pump.start();
        int exitCode = -1;
        boolean cancelled = false;
        try {
            exitCode = process.waitFor();
        } catch (InterruptedException e) {
            cancelled = true;
            destroyTree(process);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException shuttingDown) {
            // The hook is already running.
        }
        pump.join(10_000);
        copyLog(localLog, logTarget);
        deleteQuietly(localLog);
        if (cancelled) {
            Thread.currentThread().interrupt();
            throw new InterruptedException("trial " + spec.trialId() + " was cancelled; its process was stopped");
        }
        long finished = System.currentTimeMillis();
        String text;
        synchronized (tail) {
            text = String.join("\n", tail);
        }
        DeviceChoice device = readDevice(spec);
        return new TrialExit(exitCode, text, started, finished, host(), executorId(), gpus,
                device == null ? null : device.device(), device == null ? null : device.reason());
    }

    /** The trial's {@code device.json}, or null if it crashed before writing it. */
    private static DeviceChoice readDevice(TrialSpec spec) {
        String uri = TrialFiles.resolve(spec.trialDir(), TrialFiles.DEVICE);
        try {
            return Storage.exists(uri) ? Json.read(uri, DeviceChoice.class) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The executor's host as Spark knows it (its block manager's), else the machine's name. */
    private static String host() throws IOException {
        SparkEnv env = SparkEnv.get();
        if (env != null && env.blockManager() != null && env.blockManager().blockManagerId() != null) {
            return env.blockManager().blockManagerId().host();
        }
        return InetAddress.getLocalHost().getHostName();
    }

    private static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env != null ? env.executorId() : null;
    }

    /** The scheduler benchmark's body: {@code mainClass.runTrial(specUri)} in this thread, no child JVM. */
    private TrialExit runInTask(String specUri) throws Exception {
        long started = System.currentTimeMillis();
        int code;
        try {
            code = (Integer) Class.forName(launch.mainClass()).getMethod("runTrial", String.class)
                    .invoke(null, specUri);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw e;
        }
        return new TrialExit(code, "", started, System.currentTimeMillis(), host(), executorId(), null, "cpu", null);
    }

    /**
     * Writes {@value #PROCESS_FILE} in the trial folder: where the trial's process runs, so a resumed sweep can end a
     * process its crashed driver left behind, and an operator (or a test) can find it.
     */
    private static void recordProcess(String trialDir, Process process) {
        try {
            Json.writeAtomically(TrialFiles.resolve(trialDir, PROCESS_FILE), Map.of(
                    "host", InetAddress.getLocalHost().getHostName(), "pid", process.pid()));
        } catch (IOException e) {
            System.err.println("could not write " + PROCESS_FILE + " of " + trialDir + ": " + e.getMessage());
        }
    }

    /**
     * Ends the process that {@value #PROCESS_FILE} names if it still runs on this host and is this trial's (its
     * command line names the trial folder): a trial left running by a driver that died must not write into the folder
     * while the trial runs again.
     *
     * @return whether a process was ended
     */
    static boolean endLeftoverProcess(String trialDir) {
        try {
            String file = TrialFiles.resolve(trialDir, PROCESS_FILE);
            if (!Storage.exists(file)) {
                return false;
            }
            Map<?, ?> info = Json.read(file, Map.class);
            if (!InetAddress.getLocalHost().getHostName().equals(info.get("host"))
                    || !(info.get("pid") instanceof Number pid)) {
                return false;
            }
            String spec = TrialFiles.resolve(trialDir, TrialFiles.SPEC);
            java.util.Optional<ProcessHandle> handle = ProcessHandle.of(pid.longValue())
                    .filter(p -> p.info().commandLine().map(c -> c.contains(spec)).orElse(false));
            if (handle.isEmpty()) {
                return false;
            }
            List<ProcessHandle> all = new ArrayList<>();
            handle.get().descendants().forEach(all::add);
            all.add(handle.get());
            all.forEach(ProcessHandle::destroyForcibly);
            handle.get().onExit().get(10, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    List<String> command(String specUri) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (launch.maxHeap() != null && !launch.maxHeap().isBlank()) {
            cmd.add("-Xmx" + launch.maxHeap());
        }
        cmd.addAll(TrialLaunch.JAVA17_OPENS);
        cmd.add("-Dai.djl.pytorch.num_threads=" + Math.max(1, launch.numThreads()));
        cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
        cmd.addAll(launch.extraJvmOptions());
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add(launch.mainClass());
        cmd.add(specUri);
        return cmd;
    }

    /**
     * The executor's classpath: the jars Spark added at run time, then {@code java.class.path}. With spark-submit
     * the application jar (and {@code --jars}) are fetched into the executor's working folder and put in the task's
     * class loader, not on {@code java.class.path}, which holds Spark's own {@code jars/*}. The application's jars
     * come first so that what it bundles wins over older copies in a Spark distribution.
     */
    static String classpath() {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader cl = Thread.currentThread().getContextClassLoader(); cl != null; cl = cl.getParent()) {
            if (cl instanceof URLClassLoader ucl) {
                for (URL url : ucl.getURLs()) {
                    if ("file".equals(url.getProtocol())) {
                        try {
                            entries.add(Path.of(url.toURI()).toString());
                        } catch (Exception ignored) {
                            // Not a plain file URL: the child cannot use it.
                        }
                    }
                }
            }
        }
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isBlank()) {
                entries.add(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The GPU addresses Spark gave this task, comma-separated, or null without GPU scheduling. */
    private static String assignedGpus() {
        TaskContext context = TaskContext.get();
        if (context == null) {
            return null;
        }
        scala.Option<ResourceInformation> gpu = context.resources().get("gpu");
        return gpu.isDefined() ? String.join(",", gpu.get().addresses()) : null;
    }

    /** Copies the child's output to the local log, keeps the tail, and syncs the log to the trial folder now and then. */
    private static void pump(Process process, Path localLog, String target, Deque<String> tail) {
        long lastSync = System.nanoTime();
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(localLog, StandardCharsets.UTF_8)) {
            String line;
            boolean nnpackNoted = false;
            while ((line = in.readLine()) != null) {
                // PyTorch repeats this warning on every convolution of CPUs without NNPACK support; keep it once.
                if (line.contains("Could not initialize NNPACK")) {
                    if (nnpackNoted) {
                        continue;
                    }
                    nnpackNoted = true;
                }
                out.write(line);
                out.write('\n');
                out.flush();
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
                // So the user can follow a long trial in its folder (a whole copy: not every file system appends).
                if (System.nanoTime() - lastSync > LOG_SYNC_NANOS) {
                    copyLog(localLog, target);
                    lastSync = System.nanoTime();
                }
            }
        } catch (IOException e) {
            synchronized (tail) {
                tail.addLast("[log capture failed: " + e.getMessage() + "]");
            }
        }
    }

    private static synchronized void copyLog(Path localLog, String target) {
        try {
            Storage.copy(localLog.toUri().toString(), target);
        } catch (IOException e) {
            System.err.println("could not copy the trial log to " + target + ": " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover temp file is harmless.
        }
    }

    /** Asks the process and its descendants to end, then forces them after a grace period. */
    static void destroyTree(Process process) {
        List<ProcessHandle> all = new ArrayList<>();
        process.descendants().forEach(all::add);
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
