package io.automlseg.executor.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ResidentMemoryTest {

    @Test
    void parsesTheKernelsLine() {
        assertEquals(123456, ResidentMemory.parseKibibytes("VmRSS:\t  123456 kB"));
    }

    @Test
    void growsWhenTheProcessTouchesMemory() {
        assumeTrue(Files.exists(Path.of("/proc/self/status")), "needs Linux /proc");
        Double before = ResidentMemory.mebibytes();
        assertNotNull(before);
        // 256 MiB written page by page becomes resident (the heap is committed lazily).
        java.nio.ByteBuffer block = java.nio.ByteBuffer.allocateDirect(256 << 20);
        for (int i = 0; i < block.capacity(); i += 4096) {
            block.put(i, (byte) 1);
        }
        Double after = ResidentMemory.mebibytes();
        assertTrue(after - before > 200, before + " MiB then " + after + " MiB");
        assertTrue(block.get(4096) == 1);
    }
}
