package io.automlseg.executor.trial;

import ai.djl.Device;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a trial trains, written by the trial as {@code device.json} before training starts and reported by the driver
 * in {@code trials.json}: the driver knows which GPU Spark assigned, only the trial's own PyTorch knows whether it
 * can use it. The trial creates its arrays on {@link #djlDevice()}, never on the engine's default device, so that
 * this file is the one source of the device it really uses.
 *
 * @param device {@code "gpu"} or {@code "cpu"}: what the trial trains on
 * @param gpuAddress the GPU address Spark assigned to the trial's task ({@code CUDA_VISIBLE_DEVICES}), or null
 * @param reason why the trial trains on the CPU although a GPU was asked for, or null
 * @param engineDevice the DJL device the trial's arrays live on ({@code cpu()} or {@code gpu(0)})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceChoice(
        @JsonProperty("device") String device,
        @JsonProperty("gpu_address") String gpuAddress,
        @JsonProperty("reason") String reason,
        @JsonProperty("engine_device") String engineDevice) {

    /** The environment variable that carries the assigned GPU into the trial's process. */
    public static final String GPU_ENV = "CUDA_VISIBLE_DEVICES";

    private static DeviceChoice of(String device, String gpuAddress, String reason) {
        return new DeviceChoice(device, gpuAddress, reason, deviceOf(device).toString());
    }

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
            // Even if this host's GPUs were visible: a sweep that schedules no GPUs trains on the CPU.
            return of("cpu", null, null);
        }
        if (visibleGpus > 0) {
            return of("gpu", assigned, null);
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
        return of("cpu", assigned, why);
    }

    /** The DJL device to create the trial's arrays on: the assigned GPU (its process's CUDA device 0) or the CPU. */
    public Device djlDevice() {
        return deviceOf(device);
    }

    /**
     * The launcher leaves only the assigned GPU visible to the trial's process ({@link #GPU_ENV}), so it is always
     * CUDA device 0 there, whatever its address on the host.
     */
    private static Device deviceOf(String device) {
        return "gpu".equals(device) ? Device.gpu(0) : Device.cpu();
    }
}
