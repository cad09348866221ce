package io.automlseg.executor.train;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How long a trial took from its JVM's start to its first training step, phase by phase: every trial of a sweep pays
 * this before it learns anything, so the trial log shows it once (and {@code scripts/bench/trial-start.sh} reads it).
 */
final class StartupTimes {
    private final long startMillis;
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private long lastMillis;

    private StartupTimes(long startMillis) {
        this.startMillis = startMillis;
        this.lastMillis = startMillis;
    }

    /** Measured from this JVM's start: the first phase ("jvm") is the launch up to the trial's main method. */
    static StartupTimes sinceJvmStart() {
        return new StartupTimes(ManagementFactory.getRuntimeMXBean().getStartTime());
    }

    /** Measured from now, for a trial trained inside a JVM that has been running for other reasons (tests). */
    static StartupTimes sinceNow() {
        return new StartupTimes(System.currentTimeMillis());
    }

    /** Ends the phase that has run since the previous one ended. */
    void end(String phase) {
        long now = System.currentTimeMillis();
        seconds.merge(phase, (now - lastMillis) / 1000.0, Double::sum);
        lastMillis = now;
    }

    /**
     * For example {@code started in 2.85 s (CPU: process 4.03 s, this thread 2.62 s): jvm 0.06 s, spec 1.07 s,
     * engine 0.70 s, data 0.03 s, model 0.96 s, weights 0.03 s}.
     */
    String summary() {
        // The process's CPU time beside the wall time: on a busy machine the wall time mostly measures the load,
        // and CPU time above the wall time shows work that ran in parallel (JIT compilers, GC, overlapped phases).
        // The main thread's CPU time is what the start would take at least on an idle machine.
        double cpu = ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getProcessCpuTime() / 1e9 : Double.NaN;
        double mainCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1e9;
        return String.format(Locale.ROOT, "started in %.2f s (CPU: process %.2f s, this thread %.2f s): ",
                        (lastMillis - startMillis) / 1000.0, cpu, mainCpu)
                + seconds.entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "%s %.2f s", e.getKey(), e.getValue()))
                        .collect(Collectors.joining(", "));
    }
}
