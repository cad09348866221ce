package io.automlseg.driver.spark;

import java.time.Duration;
import java.util.List;

/**
 * Settings of a sweep run that are not part of the job YAML.
 *
 * @param master Spark master URL; null to use the one Spark is configured with, or {@code local[*]} if none
 * @param runId name of this run (recorded in summary.json and shown in the Spark UI); null for a time stamp
 * @param trialMainClass main class of a trial's child JVM
 * @param trialMaxHeap {@code -Xmx} of a trial's child JVM
 * @param threadsPerTrial CPU threads per trial; 0 to share the executor's cores among its trials
 * @param pollInterval how often the driver looks at the trials' folders
 * @param extraTrialJvmOptions further options of the child JVM
 */
public record RunnerOptions(String master, String runId, String trialMainClass, String trialMaxHeap,
                            int threadsPerTrial, Duration pollInterval, List<String> extraTrialJvmOptions) {

    public static RunnerOptions defaults() {
        return new RunnerOptions(null, null, TrialLaunch.DEFAULT_MAIN_CLASS, "6g", 0, Duration.ofSeconds(1),
                List.of());
    }

    public RunnerOptions withMaster(String value) {
        return new RunnerOptions(value, runId, trialMainClass, trialMaxHeap, threadsPerTrial, pollInterval,
                extraTrialJvmOptions);
    }

    public RunnerOptions withRunId(String value) {
        return new RunnerOptions(master, value, trialMainClass, trialMaxHeap, threadsPerTrial, pollInterval,
                extraTrialJvmOptions);
    }

    public RunnerOptions withTrialMainClass(String value) {
        return new RunnerOptions(master, runId, value, trialMaxHeap, threadsPerTrial, pollInterval,
                extraTrialJvmOptions);
    }

    public RunnerOptions withTrialMaxHeap(String value) {
        return new RunnerOptions(master, runId, trialMainClass, value, threadsPerTrial, pollInterval,
                extraTrialJvmOptions);
    }

    public RunnerOptions withThreadsPerTrial(int value) {
        return new RunnerOptions(master, runId, trialMainClass, trialMaxHeap, value, pollInterval,
                extraTrialJvmOptions);
    }

    public RunnerOptions withPollInterval(Duration value) {
        return new RunnerOptions(master, runId, trialMainClass, trialMaxHeap, threadsPerTrial, value,
                extraTrialJvmOptions);
    }

    public RunnerOptions withExtraTrialJvmOptions(List<String> value) {
        return new RunnerOptions(master, runId, trialMainClass, trialMaxHeap, threadsPerTrial, pollInterval,
                List.copyOf(value));
    }
}
