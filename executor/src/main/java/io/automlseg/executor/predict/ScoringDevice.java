package io.automlseg.executor.predict;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Where scoring runs the model: on the GPU assigned to the scoring task, else on the CPU, even on a host with CUDA
 * devices (the rule a trial follows): a Spark job that schedules no GPUs must not put every executor's model on
 * GPU 0, which is where the engine's default device would put it.
 *
 * @param device the DJL device the model and its forward passes live on
 * @param reason why scoring runs on the CPU although a GPU was assigned, or null
 */
public record ScoringDevice(Device device, String reason) {
    /** The CPU, nothing assigned. */
    public static final ScoringDevice CPU = new ScoringDevice(Device.cpu(), null);

    /**
     * @param assigned the GPU addresses assigned to the task (empty or null without GPU scheduling); a Spark executor
     *     sees its host's or container's GPUs by the indices its discovery script reported
     * @param visibleGpus how many CUDA devices PyTorch sees in this JVM
     */
    public static ScoringDevice decide(String[] assigned, int visibleGpus) {
        if (assigned == null || assigned.length == 0) {
            return CPU;
        }
        String address = assigned[0].strip();
        int index;
        try {
            index = Integer.parseInt(address);
        } catch (NumberFormatException e) {
            return new ScoringDevice(Device.cpu(), "GPU '" + address + "' was assigned, which is not a CUDA device "
                    + "index");
        }
        if (index < 0 || index >= visibleGpus) {
            return new ScoringDevice(Device.cpu(), "GPU " + address + " was assigned but PyTorch sees " + visibleGpus
                    + " CUDA device(s) (a CPU-only PyTorch build, or no driver)");
        }
        return new ScoringDevice(Device.gpu(index), null);
    }

    /** {@link #decide} with the CUDA devices this JVM's PyTorch sees (probed only when a GPU was assigned). */
    public static ScoringDevice forAssigned(String[] assigned) {
        if (assigned == null || assigned.length == 0) {
            return CPU;
        }
        return decide(assigned, Engine.getInstance().getGpuCount());
    }
}
