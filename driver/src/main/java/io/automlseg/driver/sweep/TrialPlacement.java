package io.automlseg.driver.sweep;

/**
 * Where a trial ran: the Spark executor and host, the GPU Spark assigned, and the device the trial trained on.
 *
 * @param executorId Spark executor id ({@code driver} in local mode)
 * @param host executor host name
 * @param gpuAddress GPU address assigned to the trial's task, or null
 * @param device {@code cpu} or {@code gpu}, or null if the trial did not say
 * @param deviceNote why the trial trained on the CPU although a GPU was assigned, or null
 */
public record TrialPlacement(String executorId, String host, String gpuAddress, String device, String deviceNote) {}
