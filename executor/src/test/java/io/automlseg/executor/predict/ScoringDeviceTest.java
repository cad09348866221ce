package io.automlseg.executor.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

/** Where scoring runs, decided from the assigned GPUs and the CUDA devices PyTorch sees (no GPU needed). */
class ScoringDeviceTest {

    @Test
    void withoutAnAssignedGpuScoringRunsOnTheCpuEvenWhenCudaDevicesAreVisible() {
        assertSame(ScoringDevice.CPU, ScoringDevice.decide(null, 4));
        assertSame(ScoringDevice.CPU, ScoringDevice.decide(new String[0], 4));
        assertSame(ScoringDevice.CPU, ScoringDevice.forAssigned(null), "no engine probe without an assignment");
        assertEquals(Device.cpu(), ScoringDevice.CPU.device());
        assertNull(ScoringDevice.CPU.reason());
    }

    @Test
    void theAssignedGpuIsTheDeviceByItsIndex() {
        ScoringDevice d = ScoringDevice.decide(new String[] {"1"}, 2);
        assertEquals(Device.gpu(1), d.device());
        assertNull(d.reason());
        assertEquals(Device.gpu(0), ScoringDevice.decide(new String[] {" 0 ", "1"}, 2).device(), "the first of two");
    }

    @Test
    void anAssignedGpuPyTorchCannotSeeFallsBackToTheCpuAndSaysWhy() {
        ScoringDevice cpuBuild = ScoringDevice.decide(new String[] {"0"}, 0);
        assertEquals(Device.cpu(), cpuBuild.device());
        assertTrue(cpuBuild.reason().contains("GPU 0 was assigned but PyTorch sees 0 CUDA device(s)"),
                cpuBuild.reason());
        assertEquals(Device.cpu(), ScoringDevice.decide(new String[] {"3"}, 2).device(), "index beyond the devices");
        ScoringDevice named = ScoringDevice.decide(new String[] {"gpu-a"}, 2);
        assertEquals(Device.cpu(), named.device());
        assertTrue(named.reason().contains("'gpu-a'"), named.reason());
    }

    @Test
    void anAssignedGpuIsCheckedAgainstTheDevicesThisEnginesPyTorchSees() {
        int visible = Engine.getInstance().getGpuCount(); // 0 with the CPU build the tests run by default
        ScoringDevice d = ScoringDevice.forAssigned(new String[] {"0"});
        assertEquals(visible > 0 ? Device.gpu(0) : Device.cpu(), d.device(), d.toString());
        assertEquals(visible == 0, d.reason() != null, d.toString());
    }
}
