package io.automlseg.driver.spark;

import java.io.Serializable;
import java.util.List;

/**
 * How a trial's child JVM is started on the executor.
 *
 * @param mainClass the trial's main class, run with the spec URI as its only argument
 * @param maxHeap {@code -Xmx} value, e.g. {@code 6g}; null for the JVM default
 * @param numThreads CPU threads of the trial (PyTorch and OpenMP)
 * @param extraJvmOptions further options, e.g. {@code -Dkey=value}
 * @param inTask run {@code mainClass.runTrial(specUri)} in the Spark task's own thread instead of a child JVM
 *     (scheduler benchmark only: it measures Spark and the driver without the JVM start)
 */
public record TrialLaunch(String mainClass, String maxHeap, int numThreads, List<String> extraJvmOptions,
                          boolean inTask) implements Serializable {

    public TrialLaunch(String mainClass, String maxHeap, int numThreads, List<String> extraJvmOptions) {
        this(mainClass, maxHeap, numThreads, extraJvmOptions, false);
    }

    public static final String DEFAULT_MAIN_CLASS = "io.automlseg.executor.train.TrialMain";

    /** The {@code --add-opens} flags Spark and DJL need on Java 17, from conf/java17-opens.txt. */
    public static final List<String> JAVA17_OPENS = Java17Opens.flags();
}
