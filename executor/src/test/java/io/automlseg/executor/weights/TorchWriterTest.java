package io.automlseg.executor.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the writer writes, the reader reads back, for every dtype, in both formats; the zip records are aligned. */
class TorchWriterTest {

    static byte[] write(Map<String, TorchTensor> tensors, TorchFormat format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TorchWriter.write(tensors, out, format);
        return out.toByteArray();
    }

    static Map<String, TorchTensor> everyDtype() {
        Map<String, TorchTensor> tensors = new LinkedHashMap<>();
        double[] values = {0, -1.5, 2.25, 100, -7, 1e-3};
        for (TorchDtype dtype : TorchDtype.values()) {
            tensors.put(dtype.name().toLowerCase() + ".matrix", TorchTensor.of(dtype, new long[] {2, 3}, values));
            tensors.put(dtype.name().toLowerCase() + ".scalar", TorchTensor.of(dtype, new long[0], new double[] {3}));
            tensors.put(dtype.name().toLowerCase() + ".empty", TorchTensor.of(dtype, new long[] {0, 2}, new double[0]));
        }
        tensors.put("num_batches_tracked", TorchTensor.int64(new long[0], new long[] {Long.MAX_VALUE}));
        return tensors;
    }

    @Test
    void everyDtypeRoundTripsInBothFormats() throws Exception {
        Map<String, TorchTensor> tensors = everyDtype();
        for (TorchFormat format : TorchFormat.values()) {
            Map<String, TorchTensor> read = PthFixtures.read(write(tensors, format), "round-trip." + format);
            assertEquals(new ArrayList<>(tensors.keySet()), new ArrayList<>(read.keySet()), format.toString());
            tensors.forEach((name, t) -> assertEquals(t, read.get(name), format + " " + name));
        }
        assertArrayEquals(new float[] {0, -1.5f, 2.25f, 100, -7, 1e-3f}, tensors.get("float32.matrix").toFloatArray());
        assertArrayEquals(new long[] {0, -1, 2, 100, -7, 0}, tensors.get("int8.matrix").toLongArray(),
                "truncated toward zero like torch's .to(int8)");
        assertArrayEquals(new long[] {0, 1, 1, 1, 1, 1}, tensors.get("bool.matrix").toLongArray());
    }

    @Test
    void halfPrecisionRoundsAsTorchDoes() throws Exception {
        // The values make_fixtures.py gave torch.tensor(..., dtype=...); dtypes.pth holds what torch made of them.
        Map<String, TorchTensor> torch = PthFixtures.read("dtypes.pth");
        assertEquals(torch.get("float16"), TorchTensor.of(TorchDtype.FLOAT16, new long[] {4},
                new double[] {0.1, -2.0, 65504.0, 6e-8}));
        assertEquals(torch.get("bfloat16"), TorchTensor.of(TorchDtype.BFLOAT16, new long[] {3},
                new double[] {0.1, -3.0e38, 1.0}));
        assertEquals(torch.get("int64"), TorchTensor.int64(new long[] {3}, new long[] {(1L << 40) + 3, -7, 0}));
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, 0f, -0f}, TorchTensor.of(TorchDtype.FLOAT16,
                new long[] {3}, new double[] {65520, 1e-8, -1e-8}).toFloatArray(), "overflow and underflow");
    }

    @Test
    void zipRecordsAreStoredAlignedAndInTorchsOrder() throws Exception {
        byte[] file = write(everyDtype(), TorchFormat.ZIP);
        ZipRecords zip = new ZipRecords(new ByteArrayInputStream(file), "written.pth");
        List<String> names = new ArrayList<>();
        Map<String, byte[]> small = new LinkedHashMap<>();
        for (ZipRecords.Record r = zip.next(); r != null; r = zip.next()) {
            names.add(r.name());
            assertEquals(0, r.dataOffset() % 64, r.name() + " starts at " + r.dataOffset());
            byte[] data = zip.read(r, -1);
            if (!r.name().contains("/data/")) {
                small.put(r.name(), data);
            }
        }
        assertEquals(List.of("archive/data.pkl", "archive/byteorder", "archive/data/0"), names.subList(0, 3));
        assertEquals("archive/version", names.get(names.size() - 1));
        assertEquals(3 + everyDtype().size(), names.size());
        assertEquals("little", new String(small.get("archive/byteorder"), StandardCharsets.US_ASCII));
        assertEquals("3\n", new String(small.get("archive/version"), StandardCharsets.US_ASCII));
        assertTrue(new String(small.get("archive/data.pkl"), StandardCharsets.ISO_8859_1)
                .startsWith("\u0080\u0002ccollections\nOrderedDict\n"), "a protocol-2 pickle of an OrderedDict");
    }

    @Test
    void theSameStateDictGivesTheSameBytes() throws Exception {
        for (TorchFormat format : TorchFormat.values()) {
            assertArrayEquals(write(everyDtype(), format), write(everyDtype(), format), format.toString());
        }
    }
}
