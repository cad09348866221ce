package io.automlseg.executor.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** Each way a file can fail to be a state dict gives its own kind and a message naming the file and the problem. */
class TorchReaderErrorsTest {

    static TorchFileException failure(byte[] file, String name, TorchFileException.Kind kind, String... mentions) {
        TorchFileException e = assertThrows(TorchFileException.class, () -> PthFixtures.read(file, name));
        assertEquals(kind, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith("file " + name + ": "), e.getMessage());
        for (String m : mentions) {
            assertTrue(e.getMessage().contains(m), e.getMessage() + " should mention " + m);
        }
        return e;
    }

    static TorchFileException failure(String fixture, TorchFileException.Kind kind, String... mentions) {
        return failure(PthFixtures.bytes(fixture), fixture, kind, mentions);
    }

    /** Where a zip's central directory starts, from its end-of-central-directory record. */
    static int centralDirectory(byte[] zip) {
        return ByteBuffer.wrap(zip, zip.length - 22, 22).order(ByteOrder.LITTLE_ENDIAN).getInt(zip.length - 22 + 16);
    }

    @Test
    void everyCutOfAZipFileBeforeItsCentralDirectoryIsTruncation() throws Exception {
        for (String fixture : List.of("module_state_dict.pth", "views.pth", "checkpoint.pth")) {
            byte[] whole = PthFixtures.bytes(fixture);
            int end = centralDirectory(whole);
            for (int cut = 4; cut < end + 4; cut++) {
                failure(Arrays.copyOf(whole, cut), fixture, TorchFileException.Kind.TRUNCATED, "truncated");
            }
            assertEquals(PthFixtures.read(whole, fixture), PthFixtures.read(Arrays.copyOf(whole, end + 4), fixture),
                    "every record is in once the central directory starts");
        }
    }

    @Test
    void everyCutOfALegacyFileIsTruncation() {
        for (String fixture : List.of("module_state_dict_legacy.pth", "views_legacy.pth", "dtypes_legacy.pth")) {
            byte[] whole = PthFixtures.bytes(fixture);
            for (int cut = 2; cut < whole.length; cut++) {
                failure(Arrays.copyOf(whole, cut), fixture, TorchFileException.Kind.TRUNCATED, "truncated");
            }
        }
    }

    @Test
    void whereATruncatedFileEndsIsNamed() {
        byte[] legacy = PthFixtures.bytes("views_legacy.pth");
        failure(Arrays.copyOf(legacy, legacy.length - 1), "cut.pth", TorchFileException.Kind.TRUNCATED,
                "ends inside storage", "(95 of 96 bytes)");
        failure(Arrays.copyOf(legacy, 40), "cut.pth", TorchFileException.Kind.TRUNCATED, "ends inside the system-info pickle");
        byte[] zip = PthFixtures.bytes("dtypes.pth");
        failure(Arrays.copyOf(zip, 100), "cut.pth", TorchFileException.Kind.TRUNCATED, "ends inside record dtypes/data.pkl");
    }

    @Test
    void filesThatAreNotTorchFilesSaySo() {
        failure("{\"not\": \"a pickle\"}".getBytes(StandardCharsets.UTF_8), "a.json", TorchFileException.Kind.NOT_A_TORCH_FILE,
                "starts with bytes 7b 22 6e 6f", "neither a zip archive");
        failure(new byte[0], "empty.pth", TorchFileException.Kind.NOT_A_TORCH_FILE, "is empty");
        // A pickle of the int 5, not torch's magic number.
        failure(new byte[] {(byte) 0x80, 2, 'K', 5, '.'}, "five.pkl", TorchFileException.Kind.NOT_A_TORCH_FILE,
                "not one written by torch.save");
    }

    @Test
    void aCompressedZipIsRefusedAsNotTorchs() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("conv1.weight.npy"));
            zip.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'});
            zip.closeEntry();
        }
        failure(bytes.toByteArray(), "weights.npz", TorchFileException.Kind.MALFORMED, "compressed");
    }

    @Test
    void aZipWithoutDataPklIsNotATorchFile() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            ZipEntry entry = new ZipEntry("archive/version");
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(2);
            entry.setCompressedSize(2);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(new byte[] {'3', '\n'});
            entry.setCrc(crc.getValue());
            zip.putNextEntry(entry);
            zip.write(new byte[] {'3', '\n'});
            zip.closeEntry();
        }
        failure(bytes.toByteArray(), "version.zip", TorchFileException.Kind.NOT_A_TORCH_FILE, "without a data.pkl record");
    }

    @Test
    void anUnsupportedDtypeNamesTheTensor() {
        failure("complex.pth", TorchFileException.Kind.UNSUPPORTED_DTYPE, "tensor 'c'", "torch.ComplexFloatStorage",
                "FloatStorage, DoubleStorage");
    }

    @Test
    void objectsThatAreNotStateDictsSayWhat() {
        failure("list.pth", TorchFileException.Kind.NOT_A_STATE_DICT, "is not a state dict: it holds a list");
        failure("mixed_dict.pth", TorchFileException.Kind.NOT_A_STATE_DICT, "entry 'step' is an int, not a tensor",
                "'state_dict' or 'model'");
    }

    @Test
    void aMissingStorageRecordAndAViewPastItsEndAreNamed() {
        failure("missing_storage.pth", TorchFileException.Kind.MISSING_STORAGE, "record 'archive/data/0'", "tensor 'w'");
        failure("view_past_end.pth", TorchFileException.Kind.VIEW_OUT_OF_BOUNDS, "tensor 'w'",
                "reaches element 4 of a storage of 4 elements");
    }

    @Test
    void aDictThatIsItsOwnKeyIsMalformedRatherThanEndlessRecursion() {
        // EMPTY_DICT, memo 0, then the dict set as a key into itself.
        byte[] pickle = {(byte) 0x80, 2, '}', 'q', 0, 'h', 0, 'h', 0, 's', '.'};
        failure(pickle, "loop.pth", TorchFileException.Kind.MALFORMED, "unhashable a dict");
    }

    @Test
    void aDamagedStorageFailsItsCrc() {
        byte[] zip = PthFixtures.bytes("views.pth").clone();
        zip[indexOf(zip, new byte[] {0, 0, (byte) 0xa0, 0x40})] ^= 1; // in the element 5.0f of the storage
        failure(zip, "views.pth", TorchFileException.Kind.MALFORMED, "fails its CRC check");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
