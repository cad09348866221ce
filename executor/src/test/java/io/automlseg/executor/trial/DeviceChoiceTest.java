package io.automlseg.executor.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeviceChoiceTest {

    @Test
    void cpuSweepsTrainOnTheCpuWithoutANote() {
        DeviceChoice c = DeviceChoice.decide("cpu", null, 0, false);
        assertEquals("cpu", c.device());
        assertNull(c.reason());
    }

    @Test
    void theAssignedGpuIsUsedWhenPyTorchSeesIt() {
        DeviceChoice c = DeviceChoice.decide("gpu", "1", 1, true);
        assertEquals("gpu", c.device());
        assertEquals("1", c.gpuAddress());
        assertNull(c.reason());
    }

    @Test
    void aCpuOnlyPyTorchFallsBackToTheCpuAndSaysWhy() {
        DeviceChoice c = DeviceChoice.decide("gpu", "1", 0, false);
        assertEquals("cpu", c.device());
        assertEquals("1", c.gpuAddress());
        assertTrue(c.reason().contains("Spark assigned GPU 1") && c.reason().contains("CPU-only"), c.reason());
    }

    @Test
    void aCudaPyTorchThatSeesNoDeviceSaysSo() {
        String reason = DeviceChoice.decide("gpu", "0", 0, true).reason();
        assertTrue(reason.contains("sees no CUDA device"), reason);
    }

    @Test
    void aGpuSweepWhoseTaskGotNoGpuSaysSo() {
        String reason = DeviceChoice.decide("gpu", null, 0, false).reason();
        assertTrue(reason.contains("assigned none"), reason);
    }
}
