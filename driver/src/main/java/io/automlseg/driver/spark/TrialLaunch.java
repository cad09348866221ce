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

    /**
     * The {@code --add-opens} flags Spark and DJL need on Java 17: the same list as the parent pom's
     * {@code java17.opens} property (keep them in step).
     */
    public static final List<String> JAVA17_OPENS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED");
}
