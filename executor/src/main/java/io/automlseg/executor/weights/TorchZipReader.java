package io.automlseg.executor.weights;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the zip format of torch.save: {@code <archive>/data.pkl} (the object, storages as persistent ids), then
 * {@code <archive>/data/<key>} (each storage's raw little-endian elements), {@code <archive>/version} and, in newer
 * versions, {@code <archive>/byteorder}. torch writes data.pkl first, so each storage is turned into its tensors as it
 * streams past; storages met before data.pkl are held until it comes.
 */
final class TorchZipReader {
    private static final String PICKLE = "data.pkl";
    private static final String STORAGES = "data/";
    private static final String BYTE_ORDER = "byteorder";

    private TorchZipReader() {}

    static Map<String, TorchTensor> read(InputStream in, String source) throws IOException {
        ZipRecords zip = new ZipRecords(in, source);
        StorageCatalog storages = new StorageCatalog();
        TensorAssembly assembly = null;
        Map<String, byte[]> early = new LinkedHashMap<>();
        String archive = null;
        for (ZipRecords.Record r = zip.next(); r != null; r = zip.next()) {
            if (archive == null) { // torch names the archive folder after the file; the first record tells it
                int slash = r.name().indexOf('/');
                archive = slash < 0 ? "" : r.name().substring(0, slash + 1);
            }
            String local = r.name().startsWith(archive) ? r.name().substring(archive.length()) : r.name();
            if (local.equals(PICKLE)) {
                if (assembly != null) {
                    throw new TorchFileException(TorchFileException.Kind.MALFORMED, source, "has two " + PICKLE);
                }
                byte[] pickle = zip.read(r, -1);
                Object root = new StateDictUnpickler(source, r.name(), storages).read(new ByteArrayInputStream(pickle));
                assembly = TensorAssembly.of(root, source);
                for (Map.Entry<String, byte[]> e : early.entrySet()) {
                    StorageRef storage = storages.root(e.getKey());
                    if (storage != null) {
                        assembly.supply(storage, e.getValue());
                    }
                }
                early.clear();
            } else if (local.startsWith(STORAGES)) {
                String key = local.substring(STORAGES.length());
                StorageRef storage = storages.root(key);
                byte[] bytes = zip.read(r, storage == null ? -1 : storage.byteSize());
                if (assembly == null) {
                    early.put(key, bytes);
                } else if (storage != null && assembly.wants(key)) {
                    assembly.supply(storage, bytes);
                }
            } else if (local.equals(BYTE_ORDER)) {
                String order = new String(zip.read(r, -1), StandardCharsets.US_ASCII).trim();
                if (!order.equals("little")) {
                    throw new TorchFileException(TorchFileException.Kind.UNSUPPORTED_DTYPE, source, "was written with"
                            + " byte order '" + order + "'; only little-endian files are read");
                }
            } else {
                zip.read(r, -1); // version and other small records
            }
        }
        if (assembly == null) {
            throw new TorchFileException(TorchFileException.Kind.NOT_A_TORCH_FILE, source, "is a zip archive without a "
                    + PICKLE + " record, not a file written by torch.save");
        }
        String prefix = archive;
        return assembly.finish(key -> "record '" + prefix + STORAGES + key + "'");
    }
}
