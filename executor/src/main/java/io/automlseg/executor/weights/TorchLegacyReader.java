package io.automlseg.executor.weights;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Reads the legacy format of torch.save (before PyTorch 1.6, or {@code _use_new_zipfile_serialization=False}):
 * pickles of the magic number, the protocol version 1001 and the system info, the pickled object, the pickled list of
 * storage keys, then for each key its element count (8 bytes, little-endian) and raw elements. Every pickle goes
 * through {@link StateDictUnpickler}, the header ones included.
 */
final class TorchLegacyReader {
    static final BigInteger MAGIC_NUMBER = new BigInteger("1950a86a20f9469cfc6c", 16);
    static final int PROTOCOL_VERSION = 1001;
    private static final long MAX_STORAGE_BYTES = Integer.MAX_VALUE - 16;

    private TorchLegacyReader() {}

    static Map<String, TorchTensor> read(InputStream in, String source) throws IOException {
        Object magic = new StateDictUnpickler(source, "the magic-number pickle", null).read(in);
        if (!(magic instanceof BigInteger number) || !number.equals(MAGIC_NUMBER)) {
            throw new TorchFileException(TorchFileException.Kind.NOT_A_TORCH_FILE, source, "is a pickle, but not one"
                    + " written by torch.save (it does not start with torch's magic number)");
        }
        Object protocol = new StateDictUnpickler(source, "the protocol-version pickle", null).read(in);
        if (!(protocol instanceof Integer version) || version != PROTOCOL_VERSION) {
            throw new TorchFileException(TorchFileException.Kind.MALFORMED, source, "has legacy protocol version "
                    + protocol + "; only " + PROTOCOL_VERSION + " is known");
        }
        Object systemInfo = new StateDictUnpickler(source, "the system-info pickle", null).read(in);
        if (systemInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
            throw new TorchFileException(TorchFileException.Kind.UNSUPPORTED_DTYPE, source, "was written on a"
                    + " big-endian machine; only little-endian files are read");
        }
        StorageCatalog storages = new StorageCatalog();
        Object root = new StateDictUnpickler(source, "the pickled object", storages).read(in);
        TensorAssembly assembly = TensorAssembly.of(root, source);
        Object keys = new StateDictUnpickler(source, "the list of storage keys", null).read(in);
        if (!(keys instanceof List<?> list)) {
            throw new TorchFileException(TorchFileException.Kind.MALFORMED, source, "has "
                    + PickledValues.describe(keys) + " where the list of storage keys belongs");
        }
        for (Object k : list) {
            String key = k instanceof byte[] ascii ? new String(ascii, StandardCharsets.US_ASCII) : String.valueOf(k);
            StorageRef storage = storages.root(key);
            if (storage == null) {
                throw new TorchFileException(TorchFileException.Kind.MALFORMED, source, "lists storage " + key
                        + ", which its pickled object never names");
            }
            assembly.supply(storage, readStorage(in, storage, source));
        }
        return assembly.finish(key -> "storage " + key + " after its pickles");
    }

    private static byte[] readStorage(InputStream in, StorageRef storage, String source) throws IOException {
        byte[] count = in.readNBytes(8);
        if (count.length < 8) {
            throw truncated(source, "before the data of storage " + storage.key());
        }
        long numel = ByteBuffer.wrap(count).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (numel != storage.numel()) {
            throw new TorchFileException(TorchFileException.Kind.MALFORMED, source, "has " + numel + " elements in"
                    + " storage " + storage.key() + ", but its pickle says " + storage.numel());
        }
        long size = storage.byteSize();
        if (size > MAX_STORAGE_BYTES) {
            throw new TorchFileException(TorchFileException.Kind.MALFORMED, source, "has a storage of " + size
                    + " bytes, more than one tensor can hold here");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw truncated(source, "inside storage " + storage.key() + " (" + data.length + " of " + size + " bytes)");
        }
        return data;
    }

    private static TorchFileException truncated(String source, String where) {
        return new TorchFileException(TorchFileException.Kind.TRUNCATED, source, "ends " + where
                + " (the file is truncated)");
    }
}
