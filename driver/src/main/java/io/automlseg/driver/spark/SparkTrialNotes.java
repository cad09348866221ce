package io.automlseg.driver.spark;

import io.automlseg.driver.sweep.SweepListener;
import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialState;
import io.automlseg.executor.trial.EpochReport;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The sweep's story in the Spark UI. A trial's Spark job is named when it is submitted ({@link #jobName},
 * {@link #jobDescription}), and Spark's UI keeps a job's description as it was then (its status listener reads it
 * once, at the job's start). So each epoch report, stop request and end of a trial is told by a job of no tasks in
 * the trial's job group, described with the epoch and its metric: Spark lists it among the jobs (it runs no task),
 * and the group's jobs read as the trial's history. The notes are submitted in order on a thread of their own, as
 * submitting a job takes Spark some milliseconds the sweep loop must not wait for.
 */
final class SparkTrialNotes implements SweepListener, AutoCloseable {
    static final String JOB_GROUP = "spark.jobGroup.id";
    static final String JOB_DESCRIPTION = "spark.job.description";
    static final String INTERRUPT_ON_CANCEL = "spark.job.interruptOnCancel";
    static final String CALL_SITE_SHORT = "callSite.short";
    static final String CALL_SITE_LONG = "callSite.long";
    /** Spark's UI cuts longer descriptions anyway; an error's whole log tail has no place there. */
    private static final int MAX_NOTE = 200;

    private final JavaSparkContext jsc;
    private final ExecutorService teller = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "spark-trial-notes");
        t.setDaemon(true);
        return t;
    });

    SparkTrialNotes(JavaSparkContext jsc) {
        this.jsc = jsc;
    }

    /** Tells the notes still waiting (for a few seconds at most), then stops the notes' thread. */
    @Override
    public void close() {
        teller.shutdown();
        try {
            teller.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String jobGroup(Trial t) {
        return "trial-" + t.id();
    }

    /** The trial job's name (its stage's too): the trial and its attempt. */
    static String jobName(Trial t) {
        return "trial " + t.id() + " attempt " + Math.max(1, t.attempts());
    }

    /** The trial job's description at submission: the trial, its attempt, the epoch it resumes after, its parameters. */
    static String jobDescription(Trial t) {
        int attempt = Math.max(1, t.attempts());
        int lastEpoch = t.epochs().stream().mapToInt(EpochReport::epoch).max().orElse(0);
        return "automl-seg trial " + t.id() + (attempt > 1 ? " attempt " + attempt
                + (lastEpoch > 0 ? ", resuming after epoch " + lastEpoch : "") : "") + " "
                + (t.parameters().isEmpty() ? "fixed parameters" : t.parameters());
    }

    static String epochNote(Trial t, EpochReport report, int plannedEpochs, boolean evaluation, String metric) {
        String s = String.format(Locale.ROOT, "automl-seg trial %s epoch %d%s: loss %.4f", t.id(), report.epoch(),
                plannedEpochs > 0 ? "/" + plannedEpochs : "", report.trainLoss());
        if (evaluation) {
            s += String.format(Locale.ROOT, ", %s %.4f (trial best %.4f)", metric, report.metrics().get(metric),
                    t.bestValue());
        }
        return s;
    }

    static String endNote(Trial t, String metric) {
        String state = t.state().yamlName();
        return t.state() == TrialState.FAILED || t.state() == TrialState.CANCELED
                ? "automl-seg trial " + t.id() + " " + state + ": " + firstLine(t.error())
                : String.format(Locale.ROOT, "automl-seg trial %s %s: best %s %.4f at epoch %d", t.id(), state,
                        metric, t.bestValue(), t.bestEpoch());
    }

    @Override
    public void epochReported(Trial t, EpochReport report, int plannedEpochs, boolean evaluation, SweepState state) {
        note(t, "trial " + t.id() + " epoch " + report.epoch(),
                epochNote(t, report, plannedEpochs, evaluation, state.primaryMetric()));
    }

    @Override
    public void stopRequested(Trial t, String reason) {
        note(t, "trial " + t.id() + " asked to stop", "automl-seg trial " + t.id() + " asked to stop: " + reason);
    }

    @Override
    public void trialLost(Trial t, String reason, int retry, int budget) {
        note(t, "trial " + t.id() + " lost", "automl-seg trial " + t.id() + " lost: " + firstLine(reason)
                + "; running it again (retry " + retry + " of " + budget + ")");
    }

    @Override
    public void trialEnded(Trial t, SweepState state, Instant end) {
        note(t, "trial " + t.id() + " " + t.state().yamlName(), endNote(t, state.primaryMetric()));
    }

    private void note(Trial t, String name, String description) {
        String group = jobGroup(t);
        try {
            teller.execute(() -> tell(group, name, description));
        } catch (RejectedExecutionException e) {
            // After close: the sweep has ended, there is nothing left to tell.
        }
    }

    /**
     * A job of no partitions in the trial's group: Spark posts its start and end at once (no stage, no task) and the
     * UI lists it with this description. The thread's job properties are put back as they were.
     */
    void tell(String group, String name, String description) {
        Map<String, String> saved = new LinkedHashMap<>();
        for (String key : new String[] {JOB_GROUP, JOB_DESCRIPTION, INTERRUPT_ON_CANCEL, CALL_SITE_SHORT,
                CALL_SITE_LONG}) {
            saved.put(key, jsc.getLocalProperty(key));
        }
        try {
            jsc.setJobGroup(group, cut(description), false);
            jsc.setCallSite(name);
            jsc.emptyRDD().count();
        } catch (RuntimeException e) {
            // A note that cannot be told (Spark stopping) must not stop the sweep.
        } finally {
            saved.forEach(jsc::setLocalProperty);
        }
    }

    private static String firstLine(String text) {
        return text == null ? "" : cut(text.lines().findFirst().orElse(""));
    }

    private static String cut(String text) {
        return text.length() <= MAX_NOTE ? text : text.substring(0, MAX_NOTE - 1) + "…";
    }
}
