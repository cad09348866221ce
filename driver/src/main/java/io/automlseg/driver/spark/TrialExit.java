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
 * @param executorId the Spark executor that ran it ({@code driver} in local mode)
 * @param gpuAddress the GPU address(es) Spark assigned to the task, or null
 * @param device what the trial trained on ({@code cpu}/{@code gpu}, from its {@code device.json}), or null
 * @param deviceNote why it trained on the CPU although a GPU was assigned, or null
 */
public record TrialExit(int exitCode, String logTail, long startedAtMillis, long finishedAtMillis, String host,
                        String executorId, String gpuAddress, String device, String deviceNote)
        implements Serializable {}
