package io.automlseg.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialExit;
import io.automlseg.driver.sweep.TrialState;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.TrialSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.status.api.v1.JobData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

/**
 * What Spark's UI shows of a trial, read from the status store its Jobs page reads: the trial's job named and
 * described at submission (trial, attempt, the epoch it resumes after), and a job of no tasks per epoch, stop and end
 * in the trial's job group, described with the epoch and its metric.
 */
class SparkTrialNotesTest {
    static SparkSession spark;
    static JavaSparkContext jsc;

    /** The trial body, run in the task's thread: it only returns. */
    public static final class ReturningTrial {
        public static int runTrial(String specUri) {
            return 0;
        }
    }

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("SparkTrialNotesTest")
                .config("spark.ui.enabled", "false").getOrCreate();
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    /** The highest job id before the current test began. */
    private static int jobsBefore = -1;

    @BeforeEach
    void rememberJobs() {
        for (JobData j : JavaConverters.seqAsJavaList(spark.sparkContext().statusStore().jobsList(null))) {
            jobsBefore = Math.max(jobsBefore, j.jobId());
        }
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /**
     * The jobs of a group as the status store holds them once its listener caught up (all ended), in job order;
     * only those submitted after this test began, as the session may be shared with earlier tests' sweeps.
     */
    static List<JobData> jobsOf(String group, int atLeast) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            List<JobData> jobs = new ArrayList<>();
            for (JobData j : JavaConverters.seqAsJavaList(spark.sparkContext().statusStore().jobsList(null))) {
                if (j.jobGroup().isDefined() && j.jobGroup().get().equals(group) && j.jobId() > jobsBefore) {
                    jobs.add(j);
                }
            }
            if (jobs.size() >= atLeast && jobs.stream().noneMatch(j -> j.status().name().equals("RUNNING"))) {
                jobs.sort((a, b) -> Integer.compare(a.jobId(), b.jobId()));
                return jobs;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the status store never showed " + atLeast + " jobs of " + group);
    }

    @Test
    void aTrialsJobIsNamedAtSubmissionAndItsEpochsFollowAsNotesInItsGroup(@TempDir Path tmp) throws Exception {
        Trial t = new Trial(2, Map.of("learning_rate", 0.004));
        t.addEpoch(new EpochReport(3, 0.5, Map.of(), Map.of("m", 0.3), null, 0.004, 1, 1), "m");
        t.setAttempts(2);
        t.markRunning(Instant.now());
        String spec = tmp.resolve("0002/spec.json").toUri().toString();
        Json.write(spec, new TrialSpec("0002", tmp.resolve("0002").toUri().toString(), "t.jsonl", "v.jsonl",
                List.of("a"), Map.of(), 1, "cpu"));
        SparkTrialBackend backend = new SparkTrialBackend(jsc,
                new TrialLaunch(ReturningTrial.class.getName(), null, 1, List.of(), true), 2);
        TrialExit exit = backend.launch(t, spec, () -> { }).get(2, TimeUnit.MINUTES);
        assertEquals(0, exit.exitCode());

        SweepState state = new SweepState("m");
        SparkTrialNotes notes = new SparkTrialNotes(jsc);
        EpochReport epoch4 = new EpochReport(4, 0.25, Map.of(), Map.of("m", 0.4), null, 0.004, 1, 1);
        t.addEpoch(epoch4, "m");
        notes.epochReported(t, epoch4, 10, true, state);
        notes.stopRequested(t, "bandit policy: 0.4000 is below 0.5000");
        t.finish(TrialState.EARLY_TERMINATED, Instant.now(), null);
        notes.trialEnded(t, state, Instant.now());
        notes.close();
        backend.close();

        List<JobData> jobs = jobsOf("trial-0002", 4);
        JobData run = jobs.get(0);
        assertEquals("automl-seg trial 0002 attempt 2, resuming after epoch 3 {learning_rate=0.004}",
                run.description().get());
        assertEquals("trial 0002 attempt 2", run.name(), "the job's (and its stage's) name");
        assertEquals(1, run.numTasks());
        assertEquals("automl-seg trial 0002 epoch 4/10: loss 0.2500, m 0.4000 (trial best 0.4000)",
                jobs.get(1).description().get());
        assertEquals(0, jobs.get(1).numTasks(), "a note runs no task");
        assertEquals("automl-seg trial 0002 asked to stop: bandit policy: 0.4000 is below 0.5000",
                jobs.get(2).description().get());
        assertEquals("automl-seg trial 0002 early_terminated: best m 0.4000 at epoch 4",
                jobs.get(3).description().get());
        for (JobData j : jobs) {
            assertEquals("SUCCEEDED", j.status().name(), j.description().get());
        }
        // A note leaves the job properties of the thread that told it as they were: its next job is in no group.
        new SparkTrialNotes(jsc).tell("trial-0009", "trial 0009 epoch 1", "a note");
        assertNull(jsc.getLocalProperty(SparkTrialNotes.JOB_GROUP));
        assertNull(jsc.getLocalProperty(SparkTrialNotes.JOB_DESCRIPTION));
        assertNull(jsc.getLocalProperty(SparkTrialNotes.CALL_SITE_SHORT));
        assertEquals("a note", jobsOf("trial-0009", 1).get(0).description().get());

        // What notes cost (printed, not asserted: figures for the docs): the loop only hands them over.
        SparkTrialNotes timed = new SparkTrialNotes(jsc);
        long began = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            timed.epochReported(t, epoch4, 10, true, state);
        }
        long handed = System.nanoTime();
        timed.close();
        System.out.printf("100 notes: %.3f ms each on the loop's thread, %.1f ms each to submit%n",
                (handed - began) / 1e6 / 100, (System.nanoTime() - began) / 1e6 / 100);
    }

    @Test
    void aFirstAttemptIsDescribedByItsParametersAndAFailureByItsErrorsFirstLine() {
        Trial t = new Trial(7, Map.of());
        t.setAttempts(1);
        assertEquals("automl-seg trial 0007 fixed parameters", SparkTrialNotes.jobDescription(t));
        assertEquals("trial 0007 attempt 1", SparkTrialNotes.jobName(t));
        t.finish(TrialState.FAILED, Instant.now(), "the trial process exited with code 3\nlog tail\nmore");
        assertEquals("automl-seg trial 0007 failed: the trial process exited with code 3",
                SparkTrialNotes.endNote(t, "m"));
        EpochReport noEval = new EpochReport(1, 0.75, Map.of(), Map.of(), null, 0.01, 1, 1);
        assertEquals("automl-seg trial 0007 epoch 1: loss 0.7500", SparkTrialNotes.epochNote(t, noEval, 0, false, "m"));
        assertTrue(SparkTrialNotes.endNote(t, "m").length() <= 200);
    }
}
