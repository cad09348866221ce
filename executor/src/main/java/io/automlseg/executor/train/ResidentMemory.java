package io.automlseg.executor.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory as the kernel counts it ({@code VmRSS} of {@code /proc/self/status}, its peak so far
 * {@code VmHWM}). It includes
 * native memory (PyTorch tensors, allocator caches) that the JVM's heap figures do not see, so it is what shows an
 * NDArray leak.
 */
public final class ResidentMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {}

    /** Resident memory in MiB, or null where {@code /proc/self/status} is unavailable (not Linux). */
    public static Double mebibytes() {
        return field("VmRSS:");
    }

    /** The highest resident memory of the process so far in MiB, or null where it is unavailable (not Linux). */
    public static Double peakMebibytes() {
        return field("VmHWM:");
    }

    private static Double field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    return parseKibibytes(line) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux or not readable: the figure is optional.
        }
        return null;
    }

    /**
     * Collects and shrinks the Java heap once the model exists. Its random initialisation and any weight file pass
     * through Java arrays (the size of the model, many of them humongous objects), and without a full collection G1
     * keeps those pages committed, and resident, for the whole trial: r50 at 128 px peaked at 1249 MiB without this,
     * 1133 MiB with it.
     */
    public static void returnFreeHeap() {
        System.gc();
    }

    /** The number of a {@code VmRSS:   123456 kB} line. */
    static long parseKibibytes(String line) {
        String digits = line.substring(line.indexOf(':') + 1).replace("kB", "").trim();
        return Long.parseLong(digits);
    }
}
