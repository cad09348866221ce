package io.automlseg.executor.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every fixture torch wrote decodes to what torch itself decodes (expected.json), in both formats. */
class TorchFixturesTest {
    private static final JsonNode EXPECTED = expected();

    private static JsonNode expected() {
        try {
            return new ObjectMapper().readTree(PthFixtures.bytes("expected.json")).get("fixtures");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureDecodesToTorchsValues() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode fixture : EXPECTED) {
            String file = fixture.get("file").asText();
            tests.add(DynamicTest.dynamicTest(file, () -> assertDecodes(file, fixture.get("tensors"))));
        }
        return tests.stream();
    }

    static void assertDecodes(String file, JsonNode tensors) throws Exception {
        Map<String, TorchTensor> read = PthFixtures.read(file);
        List<String> names = new ArrayList<>();
        tensors.forEach(t -> names.add(t.get("name").asText()));
        assertEquals(names, new ArrayList<>(read.keySet()), file + ": names in the file's order");
        for (JsonNode t : tensors) {
            String name = t.get("name").asText();
            TorchTensor tensor = read.get(name);
            String what = file + " " + name;
            assertEquals(TorchDtype.valueOf(t.get("dtype").asText().toUpperCase(Locale.ROOT)), tensor.dtype(), what);
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).asLong();
            }
            assertArrayEquals(shape, tensor.shape(), what);
            JsonNode values = t.get("values");
            if (tensor.dtype().isFloatingPoint()) {
                double[] expected = new double[values.size()];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = values.get(i).asDouble();
                }
                assertArrayEquals(expected, tensor.toDoubleArray(), what);
            } else {
                long[] expected = new long[values.size()];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = values.get(i).asLong();
                }
                assertArrayEquals(expected, tensor.toLongArray(), what);
            }
        }
    }

    @Test
    void bothFormatsAndEveryCaseAreCovered() {
        List<String> files = new ArrayList<>();
        EXPECTED.forEach(f -> files.add(f.get("file").asText()));
        for (String kind : List.of("dtypes", "views", "module_state_dict", "parameters", "checkpoint")) {
            assertTrue(files.contains(kind + ".pth") && files.contains(kind + "_legacy.pth"), kind);
        }
    }

    @Test
    void viewsOfOneStorageComeOutRowMajor() throws Exception {
        for (String file : List.of("views.pth", "views_legacy.pth")) {
            Map<String, TorchTensor> views = PthFixtures.read(file);
            assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, views.get("transposed").toFloatArray());
            assertArrayEquals(new long[] {4, 3}, views.get("transposed").shape());
            assertArrayEquals(new float[] {1, 7, 13, 19}, views.get("column").toFloatArray());
            assertArrayEquals(new float[] {12, 14, 16, 18, 20, 22}, views.get("stepped").toFloatArray());
            assertArrayEquals(new long[0], views.get("element").shape());
            assertArrayEquals(new float[] {5}, views.get("element").toFloatArray());
        }
    }

    @Test
    void aCheckpointGivesTheModelsStateDict() throws Exception {
        for (String suffix : List.of("", "_legacy")) {
            Map<String, TorchTensor> checkpoint = PthFixtures.read("checkpoint" + suffix + ".pth");
            assertEquals(List.of("conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean",
                    "bn.running_var", "bn.num_batches_tracked"), new ArrayList<>(checkpoint.keySet()));
            assertArrayEquals(new long[] {2}, checkpoint.get("bn.num_batches_tracked").toLongArray());
        }
    }
}
