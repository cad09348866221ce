package io.automlseg.executor.weights;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a state dict as {@code torch.save(OrderedDict(...))} does, so that {@code torch.load} and
 * {@code load_state_dict} accept it. The zip format has {@code archive/data.pkl}, {@code archive/byteorder},
 * {@code archive/data/<i>} (one storage per tensor, contiguous) and {@code archive/version}, all STORED, each
 * record's data 64-byte aligned as PyTorch aligns it. The same input gives the same bytes.
 */
public final class TorchWriter {
    /** The folder torch.load expects the records in (torch.save names it after the file; any name is read). */
    public static final String ARCHIVE = "archive";
    /** PyTorch's alignment of record data, which lets it map storages straight from the file. */
    private static final int ALIGNMENT = 64;
    /** The file-format version torch.save writes, newline included. */
    private static final String VERSION = "3\n";
    /**
     * A fixed time stamp, so the bytes do not depend on when (or in which time zone) they were written; a plain DOS
     * time, for which Java adds no extra field (it would for 1980-01-01 00:00 and earlier).
     */
    private static final LocalDateTime TIME_STAMP = LocalDateTime.of(2000, 1, 1, 0, 0);

    private TorchWriter() {}

    /** Writes {@code stateDict} in the zip format; {@code out} is left open. */
    public static void write(Map<String, TorchTensor> stateDict, OutputStream out) throws IOException {
        write(stateDict, out, TorchFormat.ZIP);
    }

    /** Writes {@code stateDict} in either format; {@code out} is left open. */
    public static void write(Map<String, TorchTensor> stateDict, OutputStream out, TorchFormat format)
            throws IOException {
        Map<String, Object> items = new LinkedHashMap<>();
        List<TorchTensor> storages = new ArrayList<>();
        stateDict.forEach((name, tensor) -> {
            items.put(name, new StateDictPickler.TensorRef(Integer.toString(storages.size()), tensor));
            storages.add(tensor);
        });
        Object root = new StateDictPickler.OrderedDictOf(items);
        if (format == TorchFormat.ZIP) {
            writeZip(root, storages, out);
        } else {
            writeLegacy(root, storages, out);
        }
    }

    private static void writeZip(Object root, List<TorchTensor> storages, OutputStream out) throws IOException {
        CountingStream counted = new CountingStream(out);
        ZipOutputStream zip = new ZipOutputStream(counted);
        String prefix = ARCHIVE + "/";
        record(zip, counted, prefix + "data.pkl", pickle(root, TorchFormat.ZIP));
        record(zip, counted, prefix + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < storages.size(); i++) {
            record(zip, counted, prefix + "data/" + i, storages.get(i).data());
        }
        record(zip, counted, prefix + "version", VERSION.getBytes(StandardCharsets.US_ASCII));
        zip.close(); // writes the central directory; the counting stream leaves out open
    }

    /** One STORED record, padded in its header's extra field (id "FB", filled with 'Z') so that its data is aligned. */
    private static void record(ZipOutputStream zip, CountingStream counted, String name, byte[] data)
            throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(data.length);
        entry.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        entry.setCrc(crc.getValue());
        entry.setTimeLocal(TIME_STAMP);
        int nameLength = name.getBytes(StandardCharsets.UTF_8).length;
        long dataStart = counted.count + 30 + nameLength + 4; // local header, name, extra field header
        int padding = (int) ((ALIGNMENT - dataStart % ALIGNMENT) % ALIGNMENT);
        byte[] extra = new byte[4 + padding];
        extra[0] = 'F';
        extra[1] = 'B';
        extra[2] = (byte) padding;
        extra[3] = (byte) (padding >>> 8);
        java.util.Arrays.fill(extra, 4, extra.length, (byte) 'Z');
        entry.setExtra(extra);
        zip.putNextEntry(entry);
        if (counted.count != dataStart + padding) {
            throw new IllegalStateException("the zip header of " + name + " is not the size the alignment assumes");
        }
        zip.write(data);
        zip.closeEntry();
    }

    private static void writeLegacy(Object root, List<TorchTensor> storages, OutputStream out) throws IOException {
        Map<String, Object> typeSizes = new LinkedHashMap<>();
        typeSizes.put("short", 2);
        typeSizes.put("int", 4);
        typeSizes.put("long", 4);
        Map<String, Object> systemInfo = new LinkedHashMap<>();
        systemInfo.put("protocol_version", TorchLegacyReader.PROTOCOL_VERSION);
        systemInfo.put("little_endian", true);
        systemInfo.put("type_sizes", typeSizes);
        out.write(pickle(TorchLegacyReader.MAGIC_NUMBER, TorchFormat.LEGACY));
        out.write(pickle(TorchLegacyReader.PROTOCOL_VERSION, TorchFormat.LEGACY));
        out.write(pickle(systemInfo, TorchFormat.LEGACY));
        out.write(pickle(root, TorchFormat.LEGACY));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < storages.size(); i++) {
            keys.add(Integer.toString(i));
        }
        out.write(pickle(keys, TorchFormat.LEGACY));
        byte[] count = new byte[8];
        for (TorchTensor t : storages) {
            ByteBuffer.wrap(count).order(ByteOrder.LITTLE_ENDIAN).putLong(t.numel());
            out.write(count);
            out.write(t.data());
        }
        out.flush();
    }

    private static byte[] pickle(Object value, TorchFormat format) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new StateDictPickler(format).dump(value, bytes);
        return bytes.toByteArray();
    }

    /** Counts the bytes that reach the file, to place each record's data on the alignment. */
    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            flush(); // the caller owns the stream
        }
    }
}
