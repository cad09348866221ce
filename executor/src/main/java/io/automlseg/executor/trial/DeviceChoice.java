package io.automlseg.executor.trial;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a trial trains, written by the trial as {@code device.json} before training starts and reported by the driver
 * in {@code trials.json}: the driver knows which GPU Spark assigned, only the trial's own PyTorch knows whether it
 * can use it.
 *
 * @param device {@code "gpu"} or {@code "cpu"}: what the trial trains on
 * @param gpuAddress the GPU address Spark assigned to the trial's task ({@code CUDA_VISIBLE_DEVICES}), or null
 * @param reason why the trial trains on the CPU although a GPU was asked for, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceChoice(
        @JsonProperty("device") String device,
        @JsonProperty("gpu_address") String gpuAddress,
        @JsonProperty("reason") String reason) {

    /** The environment variable that carries the assigned GPU into the trial's process. */
    public static final String GPU_ENV = "CUDA_VISIBLE_DEVICES";

    /**
     * Decides the device from what the sweep asked for, the GPU Spark assigned and what PyTorch sees.
     *
     * @param requested the spec's device ({@code "gpu"} when the sweep schedules GPUs)
     * @param assigned the assigned address(es), or null
     * @param visibleGpus how many CUDA devices PyTorch sees in this process
     * @param hasCuda whether the loaded PyTorch native library is a CUDA build
     */
    public static DeviceChoice decide(String requested, String assigned, int visibleGpus, boolean hasCuda) {
        boolean wantsGpu = "gpu".equalsIgnoreCase(requested) || (assigned != null && !assigned.isBlank());
        if (!wantsGpu) {
            return new DeviceChoice("cpu", null, null);
        }
        if (visibleGpus > 0) {
            return new DeviceChoice("gpu", assigned, null);
        }
        String why;
        if (assigned == null || assigned.isBlank()) {
            why = "the sweep schedules GPUs but Spark assigned none to this trial's task";
        } else if (!hasCuda) {
            why = "Spark assigned GPU " + assigned + " (" + GPU_ENV + "=" + assigned + ") but the PyTorch native "
                    + "library is a CPU-only build (build with -Pcuda, or set "
                    + "PYTORCH_LIBRARY_PATH to a CUDA libtorch)";
        } else {
            why = "Spark assigned GPU " + assigned + " (" + GPU_ENV + "=" + assigned + ") but PyTorch sees no CUDA "
                    + "device (driver missing or the address does not exist on this host)";
        }
        return new DeviceChoice("cpu", assigned, why);
    }
}
