package io.automlseg.executor.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.automlseg.executor.io.Json;
import org.junit.jupiter.api.Test;

class DeviceChoiceTest {

    @Test
    void cpuSweepsTrainOnTheCpuWithoutANote() {
        DeviceChoice c = DeviceChoice.decide("cpu", null, 0, false);
        assertEquals("cpu", c.device());
        assertNull(c.reason());
        assertEquals(Device.cpu(), c.djlDevice());
    }

    @Test
    void aCpuSweepTrainsOnTheCpuEvenWhereCudaDevicesAreVisible() {
        // The engine's default device on such a host is gpu(0): the choice, not the default, decides.
        DeviceChoice c = DeviceChoice.decide("cpu", null, 2, true);
        assertEquals("cpu", c.device());
        assertEquals(Device.cpu(), c.djlDevice());
        assertEquals("cpu()", c.engineDevice());
        assertNull(c.gpuAddress());
        assertEquals(c, DeviceChoice.decide("cpu", "", 0, true), "the launcher's empty " + DeviceChoice.GPU_ENV);
    }

    @Test
    void theAssignedGpuIsUsedWhenPyTorchSeesIt() {
        DeviceChoice c = DeviceChoice.decide("gpu", "1", 1, true);
        assertEquals("gpu", c.device());
        assertEquals("1", c.gpuAddress());
        assertNull(c.reason());
        // GPU 1 of the host is the only one the launcher leaves visible: device 0 of the trial's process.
        assertEquals(Device.gpu(0), c.djlDevice());
        assertEquals("gpu(0)", c.engineDevice());
    }

    @Test
    void aCpuOnlyPyTorchFallsBackToTheCpuAndSaysWhy() {
        DeviceChoice c = DeviceChoice.decide("gpu", "1", 0, false);
        assertEquals("cpu", c.device());
        assertEquals("1", c.gpuAddress());
        assertTrue(c.reason().contains("Spark assigned GPU 1") && c.reason().contains("CPU-only"), c.reason());
        assertEquals(Device.cpu(), c.djlDevice());
        assertEquals("cpu()", c.engineDevice());
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

    @Test
    void deviceJsonSaysTheEngineDeviceAndReadsBack() throws Exception {
        DeviceChoice c = DeviceChoice.decide("gpu", "1", 0, true);
        String json = Json.MAPPER.writeValueAsString(c);
        assertEquals("cpu()", Json.MAPPER.readTree(json).get("engine_device").asText(), json);
        assertEquals("1", Json.MAPPER.readTree(json).get("gpu_address").asText(), json);
        assertEquals(c, Json.MAPPER.readValue(json, DeviceChoice.class));
    }
}
