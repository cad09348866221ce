package io.automlseg.executor.weights;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Damaged files (seeded random byte changes) fail with a TorchFileException or read, never with anything else. */
class TorchDamagedFilesTest {

    @Test
    void damagedFilesGiveOnlyTorchFileExceptions() {
        Random random = new Random(42);
        for (String fixture : List.of("module_state_dict.pth", "module_state_dict_legacy.pth", "views.pth",
                "views_legacy.pth", "checkpoint.pth", "dtypes_legacy.pth")) {
            byte[] whole = PthFixtures.bytes(fixture);
            for (int trial = 0; trial < Integer.getInteger("fuzz.trials", 400); trial++) {
                byte[] damaged = whole.clone();
                for (int changes = 1 + random.nextInt(3); changes > 0; changes--) {
                    damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                }
                try {
                    PthFixtures.read(damaged, fixture);
                } catch (TorchFileException expected) {
                    // the message names the problem
                } catch (IOException | RuntimeException | OutOfMemoryError e) {
                    fail(fixture + " trial " + trial + ": " + e, e);
                }
            }
        }
    }
}
