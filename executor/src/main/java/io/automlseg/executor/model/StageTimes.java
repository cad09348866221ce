package io.automlseg.executor.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall-clock time per stage of the training step, and counters of the work done in it, for profiling (off unless
 * {@code -Dautomlseg.stageTimes=true}).
 * PyTorch on CPU runs each op synchronously, so the time between two marks is the time of the ops issued between them.
 */
public final class StageTimes {
    private static final boolean ENABLED = Boolean.getBoolean("automlseg.stageTimes");
    private static final Map<String, Long> TOTALS = new LinkedHashMap<>();
    private static final Map<String, Long> COUNTS = new LinkedHashMap<>();
    private static long last;

    private StageTimes() {}

    public static boolean enabled() {
        return ENABLED;
    }

    /** Starts timing from now (the time since the previous mark is dropped). */
    public static void start() {
        if (ENABLED) {
            last = System.nanoTime();
        }
    }

    /** Adds the time since the previous mark to {@code stage}. */
    public static void mark(String stage) {
        if (ENABLED) {
            long now = System.nanoTime();
            TOTALS.merge(stage, now - last, Long::sum);
            last = now;
        }
    }

    /** Adds {@code n} to the counter {@code name} (work done per step: proposals, sampled RoIs...). */
    public static void count(String name, long n) {
        if (ENABLED) {
            COUNTS.merge(name, n, Long::sum);
        }
    }

    /** Counter totals since the last reset, in first-seen order. */
    public static Map<String, Long> counts() {
        return new LinkedHashMap<>(COUNTS);
    }

    /** Total milliseconds per stage since the last reset, in first-seen order. */
    public static Map<String, Double> millis() {
        Map<String, Double> out = new LinkedHashMap<>();
        TOTALS.forEach((k, v) -> out.put(k, v / 1e6));
        return out;
    }

    public static void reset() {
        TOTALS.clear();
        COUNTS.clear();
    }
}
