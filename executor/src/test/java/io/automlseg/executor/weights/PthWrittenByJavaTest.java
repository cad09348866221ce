package io.automlseg.executor.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed written_by_java.pth and written_by_java_legacy.pth are what the writer makes of two torch-written
 * fixtures; {@code make_fixtures.py --check} confirmed once that torch.load reads them back equal and that the
 * module's load_state_dict(strict=True) accepts them (README.md in the fixtures). This test keeps the writer making
 * those very bytes. After an intended change of the writer: run with {@code -Dautomlseg.pth.rewrite=<the fixtures
 * folder>}, then make_fixtures.py --check again.
 */
class PthWrittenByJavaTest {

    static Map<String, TorchTensor> source() throws Exception {
        Map<String, TorchTensor> tensors = new LinkedHashMap<>(PthFixtures.read("dtypes.pth"));
        tensors.putAll(PthFixtures.read("module_state_dict.pth"));
        return tensors;
    }

    @Test
    void theWriterStillWritesTheCheckedFiles() throws Exception {
        Map<String, TorchTensor> source = source();
        for (TorchFormat format : TorchFormat.values()) {
            String file = format == TorchFormat.ZIP ? "written_by_java.pth" : "written_by_java_legacy.pth";
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TorchWriter.write(source, out, format);
            String rewrite = System.getProperty("automlseg.pth.rewrite");
            if (rewrite != null) {
                Files.write(Path.of(rewrite, file), out.toByteArray());
            }
            assertArrayEquals(PthFixtures.bytes(file), out.toByteArray(), file);
            assertEquals(source, PthFixtures.read(file), file + " decodes to the torch-written tensors");
        }
    }
}
