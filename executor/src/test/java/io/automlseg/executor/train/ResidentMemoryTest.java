package io.automlseg.executor.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ResidentMemoryTest {

    @Test
    void parsesTheKernelsLine() {
        assertEquals(123456, ResidentMemory.parseKibibytes("VmRSS:\t  123456 kB"));
    }

    @Test
    void aLineWithoutANumberIsRefused() {
        assertThrows(NumberFormatException.class, () -> ResidentMemory.parseKibibytes("VmRSS:\t kB"));
    }

    @Test
    void growsWhenTheProcessTouchesMemoryAndThePeakIncludesIt() {
        // Trials run on Linux, where the figure comes from /proc/self/status: without it this fails, not skips.
        Double before = ResidentMemory.mebibytes();
        assertNotNull(before, "no VmRSS in /proc/self/status");
        // 256 MiB written page by page becomes resident (the heap is committed lazily).
        ByteBuffer block = ByteBuffer.allocateDirect(256 << 20);
        for (int i = 0; i < block.capacity(); i += 4096) {
            block.put(i, (byte) 1);
        }
        Double after = ResidentMemory.mebibytes();
        assertTrue(after - before > 200, before + " MiB then " + after + " MiB");
        Double peak = ResidentMemory.peakMebibytes();
        assertNotNull(peak, "no VmHWM in /proc/self/status");
        assertTrue(peak >= after, "peak " + peak + " MiB below the current " + after + " MiB");
        // Keeps the block alive (and resident) until after the second reading.
        Reference.reachabilityFence(block);
    }
}
