package io.automlseg.driver.spark;

import java.time.Duration;
import java.util.List;

/**
 * Settings of a sweep run that are not part of the job YAML.
 *
 * @param master Spark master URL; null to use the one Spark is configured with, or {@code local[*]} if none
 * @param runId name of this run (recorded in summary.json and shown in the Spark UI); null for a time stamp, or for
 *     the journaled one when resuming
 * @param trialMainClass main class of a trial's child JVM
 * @param trialMaxHeap {@code -Xmx} of a trial's child JVM
 * @param threadsPerTrial CPU threads per trial; 0 to share the executor's cores among its trials
 * @param pollInterval how often the driver looks at the running trials' folders (a finished trial wakes it at once)
 * @param extraTrialJvmOptions further options of the child JVM
 * @param resume continue the sweep journaled in the output folder, if there is one
 * @param stopGrace the least time a trial asked to stop gets to stop by itself before its Spark job is cancelled
 *     (it gets at least two of its own evaluation intervals)
 * @param inTaskTrials run the trial main class inside the Spark task instead of a child JVM: for the scheduler
 *     benchmark only (its main class must have {@code static int runTrial(String specUri)})
 * @param limitMinute how long one minute of the configuration's limits lasts: one minute, shortened only by tests
 */
public record RunnerOptions(String master, String runId, String trialMainClass, String trialMaxHeap,
                            int threadsPerTrial, Duration pollInterval, List<String> extraTrialJvmOptions,
                            boolean resume, Duration stopGrace, boolean inTaskTrials,
                            Duration limitMinute) {

    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(60);

    /** Whether trials run on this machine: the given master, else Spark's configured one, else local[*]. */
    public static boolean isLocalMaster(String master) {
        String m = master != null ? master : new org.apache.spark.SparkConf().get("spark.master", "local[*]");
        return m.startsWith("local");
    }

    public static RunnerOptions defaults() {
        return new RunnerOptions(null, null, TrialLaunch.DEFAULT_MAIN_CLASS, "6g", 0, Duration.ofSeconds(1),
                List.of(), false, DEFAULT_STOP_GRACE, false, Duration.ofMinutes(1));
    }

    public RunnerOptions withMaster(String value) {
        return new RunnerOptions(value, runId, trialMainClass, trialMaxHeap, threadsPerTrial, pollInterval,
                extraTrialJvmOptions, resume, stopGrace, inTaskTrials, limitMinute);
    }

    public RunnerOptions withRunId(String value) {
        return new RunnerOptions(master, value, trialMainClass, trialMaxHeap, threadsPerTrial, pollInterval,
                extraTrialJvmOptions, resume, stopGrace, inTaskTrials, limitMinute);
    }

    public RunnerOptions withTrialMainClass(String value) {
        return new RunnerOptions(master, runId, value, trialMaxHeap, threadsPerTrial, pollInterval,
                extraTrialJvmOptions, resume, stopGrace, inTaskTrials, limitMinute);
    }

    public RunnerOptions withTrialMaxHeap(String value) {
        return new RunnerOptions(master, runId, trialMainClass, value, threadsPerTrial, pollInterval,
                extraTrialJvmOptions, resume, stopGrace, inTaskTrials, limitMinute);
    }

    public RunnerOptions withThreadsPerTrial(int value) {
        return new RunnerOptions(master, runId, trialMainClass, trialMaxHeap, value, pollInterval,
                extraTrialJvmOptions, resume, stopGrace, inTaskTrials, limitMinute);
    }

    public RunnerOptions withPollInterval(Duration value) {
        return new RunnerOptions(master, runId, trialMainClass, trialMaxHeap, threadsPerTrial, value,
                extraTrialJvmOptions, resume, stopGrace, inTaskTrials, limitMinute);
    }

    public RunnerOptions withExtraTrialJvmOptions(List<String> value) {
        return new RunnerOptions(master, runId, trialMainClass, trialMaxHeap, threadsPerTrial, pollInterval,
                List.copyOf(value), resume, stopGrace, inTaskTrials, limitMinute);
    }

    public RunnerOptions withResume(boolean value) {
        return new RunnerOptions(master, runId, trialMainClass, trialMaxHeap, threadsPerTrial, pollInterval,
                extraTrialJvmOptions, value, stopGrace, inTaskTrials, limitMinute);
    }

    public RunnerOptions withStopGrace(Duration value) {
        return new RunnerOptions(master, runId, trialMainClass, trialMaxHeap, threadsPerTrial, pollInterval,
                extraTrialJvmOptions, resume, value, inTaskTrials, limitMinute);
    }

    public RunnerOptions withInTaskTrials(boolean value) {
        return new RunnerOptions(master, runId, trialMainClass, trialMaxHeap, threadsPerTrial, pollInterval,
                extraTrialJvmOptions, resume, stopGrace, value, limitMinute);
    }

    public RunnerOptions withLimitMinute(Duration value) {
        return new RunnerOptions(master, runId, trialMainClass, trialMaxHeap, threadsPerTrial, pollInterval,
                extraTrialJvmOptions, resume, stopGrace, inTaskTrials, value);
    }
}
