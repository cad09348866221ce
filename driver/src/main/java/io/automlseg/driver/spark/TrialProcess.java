package io.automlseg.driver.spark;

import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.TrialFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Supervises a trial's child JVM: starts it, pumps its output into the trial's {@code trial.log} (keeping the tail
 * for error messages), records where it runs ({@value #PROCESS_FILE}), kills its whole process tree when the run is
 * cancelled or the executor goes down, and ends a process a dead driver left behind.
 */
public final class TrialProcess {
    private static final int TAIL_LINES = 40;
    private static final long LOG_SYNC_NANOS = 30_000_000_000L;
    /** Host and pid of the trial's child process, in the trial folder. */
    public static final String PROCESS_FILE = TrialFiles.PROCESS;
    /**
     * The system property that names a trial's spec on its JVM's command line. It comes before the classpath: the
     * command line the JDK reports for another process may be cut short, and the classpath is long.
     */
    static final String SPEC_PROPERTY = "automlseg.trial.spec";

    static String specOption(String specUri) {
        return "-D" + SPEC_PROPERTY + "=" + specUri;
    }

    private TrialProcess() {}

    /** How the child exited: its code, the last lines of its output, and when it ran (epoch milliseconds). */
    record Ended(int exitCode, String logTail, long startedAtMillis, long finishedAtMillis) {}

    /**
     * Runs the child to its end. Its output goes to a local file that is copied to {@code trial.log} now and then
     * and at the end.
     *
     * @throws InterruptedException when this thread was interrupted (a cancelled task): the child's tree is killed
     *     first, and its log kept
     */
    static Ended run(ProcessBuilder builder, String trialId, String trialDir) throws IOException,
            InterruptedException {
        Path localLog = Files.createTempFile("automlseg-trial-" + trialId + "-", ".log");
        Deque<String> tail = new ArrayDeque<>();
        long started = System.currentTimeMillis();
        Process process = builder.redirectErrorStream(true).start();
        recordProcess(trialDir, process);
        Thread killer = new Thread(() -> destroyTree(process), "trial-" + trialId + "-reaper");
        // If the executor JVM goes down, its trials must not live on as orphans.
        Runtime.getRuntime().addShutdownHook(killer);
        String logTarget = TrialFiles.resolve(trialDir, TrialFiles.LOG);
        Thread pump = new Thread(() -> pump(process, localLog, logTarget, tail), "trial-" + trialId + "-log");
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
            throw new InterruptedException("trial " + trialId + " was cancelled; its process was stopped");
        }
        long finished = System.currentTimeMillis();
        synchronized (tail) {
            return new Ended(exitCode, String.join("\n", tail), started, finished);
        }
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
     * command line names the trial's spec in {@value #SPEC_PROPERTY}): a trial left running by a driver that died must not write into the folder
     * while the trial runs again.
     *
     * @return whether a process was ended
     */
    public static boolean endLeftoverProcess(String trialDir) {
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
                    .filter(p -> p.info().commandLine().map(c -> c.contains(specOption(spec))).orElse(false));
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

    /** Replaces the folder's copy as a whole, so that a JVM ending mid-copy leaves the last copy, not a truncated one. */
    private static synchronized void copyLog(Path localLog, String target) {
        try {
            Storage.writeAtomically(target, Files.readAllBytes(localLog));
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
