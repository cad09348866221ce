package io.automlseg.driver.sweep;

import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the sweep machinery costs, measured while a sweep runs (for the scheduler benchmark and the closing line of a
 * sweep): how busy the trial slots were, how long a freed slot waited for its next trial, and how long after a
 * metric report landed the termination policy judged it.
 */
public final class SchedulerStats {
    private final Deque<long[]> freedSlots = new ArrayDeque<>();
    private final Map<Trial, long[]> slotFreedFor = new HashMap<>();
    private final List<Long> resultMillis = new ArrayList<>();
    private final List<Long> bookkeepingMillis = new ArrayList<>();
    private final List<Long> startMillis = new ArrayList<>();
    private final List<Long> slotGapsMillis = new ArrayList<>();
    private final List<Long> decisionMillis = new ArrayList<>();
    private final List<Long> stopDecisionMillis = new ArrayList<>();
    private final List<long[]> taskSpans = new ArrayList<>();
    private long busyMillis;
    private long firstStart = Long.MAX_VALUE;
    private long lastEnd;
    private int tasks;
    private long monitorCpuNanos;
    private long processCpuNanos;
    private long[] cpuStarted;

    /**
     * A trial's task ended at {@code taskEndMillis} and the driver learnt it at {@code seenMillis}: its slot is free
     * for the next launch.
     */
    synchronized void slotFreed(long taskEndMillis, long seenMillis) {
        freedSlots.addLast(new long[] {taskEndMillis, seenMillis, 0});
    }

    /** A trial was launched; if a slot had been freed for it, the gap is measured once its task reports its start. */
    synchronized void launched(Trial t, long launchMillis) {
        long[] freed = freedSlots.pollFirst();
        if (freed != null) {
            freed[2] = launchMillis;
            slotFreedFor.put(t, freed);
        }
    }

    /** A trial's task ran from {@code startMillis} to {@code endMillis} (executor clock). */
    synchronized void taskRan(Trial t, long startMillis, long endMillis) {
        tasks++;
        taskSpans.add(new long[] {startMillis, endMillis});
        busyMillis += Math.max(0, endMillis - startMillis);
        firstStart = Math.min(firstStart, startMillis);
        lastEnd = Math.max(lastEnd, endMillis);
        long[] freed = slotFreedFor.remove(t);
        if (freed != null) {
            slotGapsMillis.add(Math.max(0, startMillis - freed[0]));
            resultMillis.add(freed[1] - freed[0]);
            bookkeepingMillis.add(freed[2] - freed[1]);
            this.startMillis.add(startMillis - freed[2]);
        }
    }

    /** The policy judged an evaluation whose report file was written at {@code writtenMillis}. */
    synchronized void decision(long writtenMillis, long decidedMillis, boolean stop) {
        long latency = Math.max(0, decidedMillis - writtenMillis);
        decisionMillis.add(latency);
        if (stop) {
            stopDecisionMillis.add(latency);
        }
    }

    /** Starts measuring the CPU the sweep loop's thread (and the whole driver) spends. */
    synchronized void cpuStart() {
        cpuStarted = new long[] {ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime(), processCpuNanosNow()};
    }

    /** Stops the measurement {@link #cpuStart()} began, on the same thread; nothing if it did not begin. */
    synchronized void cpuStop() {
        if (cpuStarted != null) {
            monitorCpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStarted[0];
            processCpuNanos = processCpuNanosNow() - cpuStarted[1];
        }
    }

    private static long processCpuNanosNow() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** Sum of the tasks' busy time over slots × (last task end − first task start). */
    public synchronized double utilisation(int slots) {
        long wall = lastEnd - firstStart;
        return wall <= 0 || slots <= 0 ? Double.NaN : busyMillis / ((double) slots * wall);
    }

    /**
     * Utilisation while trials were still waiting for a slot: from the first task's start to the last task's start.
     * The drain after that (fewer trials left than slots) is the sweep's shape, not scheduler overhead.
     */
    public synchronized double utilisationWhileQueued(int slots) {
        long lastStart = taskSpans.stream().mapToLong(a -> a[0]).max().orElse(0);
        long wall = lastStart - firstStart;
        if (wall <= 0 || slots <= 0) {
            return Double.NaN;
        }
        long busy = 0;
        for (long[] span : taskSpans) {
            busy += Math.max(0, Math.min(span[1], lastStart) - Math.max(span[0], firstStart));
        }
        return busy / ((double) slots * wall);
    }

    public synchronized double meanSlotGapMillis() {
        return mean(slotGapsMillis);
    }

    public synchronized long maxSlotGapMillis() {
        return slotGapsMillis.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    public synchronized double meanDecisionMillis() {
        return mean(decisionMillis);
    }

    public synchronized long maxDecisionMillis() {
        return decisionMillis.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    public synchronized int decisions() {
        return decisionMillis.size();
    }

    public synchronized int stopDecisions() {
        return stopDecisionMillis.size();
    }

    public synchronized long maxStopDecisionMillis() {
        return stopDecisionMillis.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    public synchronized int tasks() {
        return tasks;
    }

    public synchronized long wallMillis() {
        return lastEnd - firstStart;
    }

    /** CPU time of the driver's monitor thread per task, in milliseconds. */
    public synchronized double monitorCpuMillisPerTrial() {
        return tasks == 0 ? Double.NaN : monitorCpuNanos / 1e6 / tasks;
    }

    /** CPU time of the whole driver JVM (Spark's scheduler included; with local trials, their tasks too). */
    public synchronized double processCpuMillisPerTrial() {
        return tasks == 0 ? Double.NaN : processCpuNanos / 1e6 / tasks;
    }

    public synchronized String report(int slots) {
        return String.format("scheduler: %d tasks on %d slots in %.1f s: slot utilisation %.1f%% (%.1f%% while "
                        + "trials were queued); freed slot to next trial's start: mean %.0f ms, max %d ms (%d gaps); driver CPU per trial: monitor %.1f ms, "
                        + "whole JVM %.1f ms; policy decisions: %d, mean %.0f ms, max %d ms after the report landed "
                        + "(%d stops, max %d ms); the gap's parts: task end to driver %.0f ms, driver bookkeeping "
                        + "%.0f ms, launch to task start %.0f ms",
                tasks, slots, wallMillis() / 1000.0, 100 * utilisation(slots), 100 * utilisationWhileQueued(slots),
                meanSlotGapMillis(),
                maxSlotGapMillis(), slotGapsMillis.size(), monitorCpuMillisPerTrial(), processCpuMillisPerTrial(),
                decisions(), meanDecisionMillis(), maxDecisionMillis(), stopDecisions(), maxStopDecisionMillis(),
                mean(resultMillis), mean(bookkeepingMillis), mean(startMillis));
    }

    private static double mean(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).average().orElse(Double.NaN);
    }
}
