package io.automlseg.driver.sweep;

import java.io.Serializable;

/**
 * What the backend reports back about one run of a trial's process: how it exited and where it ran.
 *
 * @param exitCode the child JVM's exit code
 * @param logTail the last lines of its output, for error messages
 * @param startedAtMillis when the child started (epoch milliseconds, executor clock)
 * @param finishedAtMillis when it ended
 * @param host the executor host it ran on
 * @param executorId the executor that ran it ({@code driver} in Spark's local mode)
 * @param gpuAddress the GPU address(es) assigned to the run, or null
 * @param device what the trial trained on ({@code cpu}/{@code gpu}, from its {@code device.json}), or null
 * @param deviceNote why it trained on the CPU although a GPU was assigned, or null
 */
public record TrialExit(int exitCode, String logTail, long startedAtMillis, long finishedAtMillis, String host,
                        String executorId, String gpuAddress, String device, String deviceNote)
        implements Serializable {

    public TrialPlacement placement() {
        return new TrialPlacement(executorId, host, gpuAddress, device, deviceNote);
    }
}
