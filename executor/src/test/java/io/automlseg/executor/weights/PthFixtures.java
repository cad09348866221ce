package io.automlseg.executor.weights;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The committed .pth fixtures (src/test/resources/pth, made by make_fixtures.py). */
final class PthFixtures {
    private PthFixtures() {}

    static byte[] bytes(String file) {
        try (InputStream in = PthFixtures.class.getResourceAsStream("/pth/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, TorchTensor> read(String file) throws IOException {
        return TorchReader.read(new ByteArrayInputStream(bytes(file)), file);
    }

    static Map<String, TorchTensor> read(byte[] bytes, String name) throws IOException {
        return TorchReader.read(new ByteArrayInputStream(bytes), name);
    }
}
