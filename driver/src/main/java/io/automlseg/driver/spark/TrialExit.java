package io.automlseg.driver.spark;

import java.io.Serializable;

/**
 * What the Spark task reports back about one trial's child process.
 *
 * @param exitCode the child JVM's exit code
 * @param logTail the last lines of its output, for error messages
 * @param startedAtMillis when the child started (epoch milliseconds, executor clock)
 * @param finishedAtMillis when it ended
 * @param host the executor host it ran on
 */
public record TrialExit(int exitCode, String logTail, long startedAtMillis, long finishedAtMillis, String host)
        implements Serializable {}
