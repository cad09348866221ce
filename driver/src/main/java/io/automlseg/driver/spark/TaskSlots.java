package io.automlseg.driver.spark;

import java.io.PrintStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;

/**
 * How many tasks, and so trials, Spark can run at once. Spark's own count is used: per executor the smaller of its
 * cores over {@code spark.task.cpus} and, for every resource a task asks for (GPUs), its amount over the task's share.
 * On a cluster the executors register a few seconds after the driver starts, so the count is taken once they are
 * all there: the number the configuration asks for ({@code spark.executor.instances}, or {@code spark.cores.max}
 * over {@code spark.executor.cores}), else when the count has not changed for a few seconds; at most
 * {@code spark.automlseg.executorWaitSeconds} (default 120).
 *
 * @param count task slots (at least 1)
 * @param executors executors counted (0 in local mode)
 * @param basis the task's share of an executor, for messages
 */
public record TaskSlots(int count, int executors, String basis) {

    private static final long STABLE_MILLIS = 4000;

    /** Counts the slots, waiting for a cluster's executors to register. */
    public static TaskSlots await(SparkContext sc, PrintStream out) {
        SparkConf conf = sc.getConf();
        String basis = "spark.task.cpus=" + conf.getInt("spark.task.cpus", 1)
                + (conf.contains("spark.task.resource.gpu.amount")
                        ? ", spark.task.resource.gpu.amount=" + conf.get("spark.task.resource.gpu.amount") : "");
        if (sc.isLocal()) {
            return new TaskSlots(Math.max(1, slots(sc)), 0, basis);
        }
        int expected = expectedExecutors(conf);
        long waitMillis = conf.getLong("spark.automlseg.executorWaitSeconds", 120) * 1000;
        long start = System.currentTimeMillis();
        long changedAt = start;
        int last = -1;
        int executors = 0;
        while (true) {
            int now = slots(sc);
            executors = sc.statusTracker().getExecutorInfos().length - 1;
            long t = System.currentTimeMillis();
            if (now != last) {
                last = now;
                changedAt = t;
            }
            boolean allThere = expected > 0 ? executors >= expected : now > 0 && t - changedAt >= STABLE_MILLIS;
            if (allThere || t - start >= waitMillis) {
                break;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (last <= 0) {
            int fallback = Math.max(1, sc.defaultParallelism() / conf.getInt("spark.task.cpus", 1));
            out.println("No executor registered within " + waitMillis / 1000 + " s: planning for " + fallback
                    + " task slot(s); trials wait in Spark's queue until executors come.");
            return new TaskSlots(fallback, executors, basis);
        }
        out.println("Spark has " + last + " task slot" + (last == 1 ? "" : "s") + " on " + executors + " executor"
                + (executors == 1 ? "" : "s") + " (" + basis + ").");
        return new TaskSlots(last, executors, basis);
    }

    /** For the message when the slots cap the concurrency. */
    public String describe() {
        return count + " task slot" + (count == 1 ? "" : "s")
                + (executors > 0 ? " on " + executors + " executor" + (executors == 1 ? "" : "s") : "")
                + " at " + basis;
    }

    /** Spark's own count for the default resource profile (cores and task resources such as GPUs). */
    private static int slots(SparkContext sc) {
        return sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
    }

    private static int expectedExecutors(SparkConf conf) {
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            return 0;
        }
        if (conf.contains("spark.executor.instances")) {
            return conf.getInt("spark.executor.instances", 0);
        }
        if (conf.contains("spark.cores.max") && conf.contains("spark.executor.cores")) {
            return conf.getInt("spark.cores.max", 0) / Math.max(1, conf.getInt("spark.executor.cores", 1));
        }
        return 0;
    }
}
