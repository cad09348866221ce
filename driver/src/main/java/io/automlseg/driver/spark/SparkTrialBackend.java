package io.automlseg.driver.spark;

import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialBackend;
import io.automlseg.driver.sweep.TrialExit;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * Runs trials on Spark: each run of a trial is one Spark job with one task ({@link TrialTask}), in its own job group
 * {@code trial-<id>} so it can be cancelled alone, named and described as {@link SparkTrialNotes} says. Driver
 * threads submit the jobs and wait for them, one per running trial. Closing waits for the cancelled trials' tasks to
 * end, so their logs are in their folders when the sweep returns.
 */
final class SparkTrialBackend implements TrialBackend {
    /**
     * How long closing waits for cancelled trials' tasks to end: a cancelled job fails on the driver at once, while
     * its task still stops the trial's process (up to 10 s of grace) and copies its log to the trial folder; a driver
     * that stopped Spark and exited then would leave that log empty.
     */
    static final Duration TASK_DRAIN_LIMIT = Duration.ofSeconds(40);
    private final JavaSparkContext jsc;
    private final TrialLaunch launch;
    private final int slots;
    private final Set<Trial> cancelled = ConcurrentHashMap.newKeySet();
    /** The runs not ended yet, with their trials (a trial's next run may start before its last one is forgotten). */
    private final Map<Future<TrialExit>, Trial> running = new ConcurrentHashMap<>();
    private final ExecutorService submitters;
    private final RunningTasks tasks = new RunningTasks();

    SparkTrialBackend(JavaSparkContext jsc, TrialLaunch launch, int slots) {
        this.jsc = jsc;
        this.launch = launch;
        this.slots = slots;
        AtomicInteger threadNumber = new AtomicInteger();
        this.submitters = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "trial-submitter-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        jsc.sc().addSparkListener(tasks);
    }

    @Override
    public int slots() {
        return slots;
    }

    @Override
    public Future<TrialExit> launch(Trial t, String specUri, Runnable onEnd) {
        cancelled.remove(t);
        // Named now, on the loop's thread, as the trial stands at this launch (its attempt, its epochs so far).
        String description = SparkTrialNotes.jobDescription(t);
        String name = SparkTrialNotes.jobName(t);
        FutureTask<TrialExit> task = new FutureTask<>(() -> {
            jsc.setJobGroup(jobGroup(t), description, true);
            jsc.setCallSite(name);
            try {
                if (cancelled.contains(t)) {
                    throw new IllegalStateException("cancelled before its Spark job started");
                }
                return jsc.parallelize(List.of(specUri), 1).mapPartitions(new TrialTask(launch)).collect().get(0);
            } finally {
                jsc.clearJobGroup();
                jsc.clearCallSite();
            }
        }) {
            @Override
            protected void done() {
                running.remove(this);
                onEnd.run();
            }
        };
        running.put(task, t);
        submitters.execute(task);
        return task;
    }

    @Override
    public void cancel(Trial t) {
        cancelled.add(t);
        jsc.cancelJobGroup(jobGroup(t));
    }

    @Override
    public boolean endLeftoverProcess(String trialDir) {
        return TrialProcess.endLeftoverProcess(trialDir);
    }

    @Override
    public void close() {
        for (Trial t : running.values()) {
            jsc.cancelJobGroup(jobGroup(t));
        }
        submitters.shutdownNow();
        try {
            if (!tasks.awaitNone(TASK_DRAIN_LIMIT)) {
                System.err.println("trial tasks still running " + TASK_DRAIN_LIMIT.toSeconds()
                        + " s after their cancellation: their trial.log may be incomplete");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            jsc.sc().removeSparkListener(tasks);
        }
    }

    /** The tasks Spark started and has not seen end, as its listener bus reports them. */
    private static final class RunningTasks extends SparkListener {
        private final Set<Long> running = new HashSet<>();

        @Override
        public synchronized void onTaskStart(SparkListenerTaskStart start) {
            running.add(start.taskInfo().taskId());
        }

        @Override
        public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
            running.remove(end.taskInfo().taskId());
            notifyAll();
        }

        synchronized boolean awaitNone(Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (!running.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    private static String jobGroup(Trial t) {
        return SparkTrialNotes.jobGroup(t);
    }
}
