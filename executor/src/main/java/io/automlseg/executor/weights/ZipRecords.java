package io.automlseg.executor.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Reads a zip archive front to back, record by record, from a stream. java.util.zip.ZipInputStream cannot: torch.save
 * writes STORED records whose sizes follow the data in a data descriptor, which it refuses. Here the caller supplies
 * a storage's size from the pickle; a record of unknown size (data.pkl, version) is read up to the data descriptor
 * that matches its length and CRC. Only STORED records are read, as torch writes them. Every record's CRC is checked.
 */
final class ZipRecords {
    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;
    private static final int DATA_DESCRIPTOR = 0x08074b50;
    private static final int ZIP64_EXTRA = 0x0001;
    private static final int FLAG_ENCRYPTED = 0x1;
    private static final int FLAG_DATA_DESCRIPTOR = 0x8;
    private static final long MAX_RECORD_BYTES = Integer.MAX_VALUE - 16;
    /** Longest record read without a known size: torch's are small (a pickle of names, a version number). */
    private static final int MAX_UNSIZED_RECORD_BYTES = 256 << 20;

    /**
     * One record's local header.
     *
     * @param size the data's length, or -1 when only the data descriptor after the data gives it
     * @param dataOffset where the data starts in the file
     */
    record Record(String name, long size, long crc, boolean descriptor, boolean zip64, long dataOffset) {}

    private final InputStream in;
    private final String source;
    private long position;

    ZipRecords(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** The next record's header, or null at the central directory (the end of the records). */
    Record next() throws IOException {
        byte[] signature = in.readNBytes(4);
        position += signature.length;
        if (signature.length < 4) {
            throw truncated("before the zip archive's central directory");
        }
        int kind = (int) le(signature, 0, 4);
        if (kind == CENTRAL_HEADER || kind == END_OF_CENTRAL_DIRECTORY) {
            return null;
        }
        if (kind != LOCAL_HEADER) {
            throw malformed("has no zip record at byte " + (position - 4));
        }
        byte[] h = readFully(26, "a zip record header");
        int flags = (int) le(h, 2, 2);
        int method = (int) le(h, 4, 2);
        long crc = le(h, 10, 4);
        long size = le(h, 18, 4);
        String name = new String(readFully((int) le(h, 22, 2), "a zip record name"), StandardCharsets.UTF_8);
        byte[] extra = readFully((int) le(h, 24, 2), "a zip record header");
        long zip64Size = zip64Size(extra);
        if (size == 0xFFFFFFFFL && zip64Size >= 0) {
            size = zip64Size;
        }
        if ((flags & FLAG_ENCRYPTED) != 0 || method != 0) {
            throw malformed("record " + name + " is " + ((flags & FLAG_ENCRYPTED) != 0 ? "encrypted" : "compressed")
                    + "; torch.save writes stored records");
        }
        boolean descriptor = (flags & FLAG_DATA_DESCRIPTOR) != 0;
        return new Record(name, descriptor && size == 0 ? -1 : size, crc, descriptor, zip64Size >= 0, position);
    }

    /**
     * The record's data.
     *
     * @param expectedSize its length if the caller knows it (a storage's from the pickle), else -1
     */
    byte[] read(Record r, long expectedSize) throws IOException {
        if (r.size() >= 0 && expectedSize >= 0 && r.size() != expectedSize) {
            throw malformed("record " + r.name() + " holds " + r.size() + " bytes, but the pickle expects "
                    + expectedSize);
        }
        long size = r.size() >= 0 ? r.size() : expectedSize;
        if (size < 0) {
            return scanToDescriptor(r);
        }
        if (size > MAX_RECORD_BYTES) {
            throw malformed("record " + r.name() + " has " + size + " bytes, more than one tensor can hold here");
        }
        byte[] data = in.readNBytes((int) size);
        position += data.length;
        if (data.length < size) {
            throw truncated("inside record " + r.name() + " (" + data.length + " of " + size + " bytes)");
        }
        long crc = r.crc();
        if (r.descriptor()) {
            crc = readDescriptor(r, size);
        }
        if (crc32(data, data.length) != crc) {
            throw malformed("record " + r.name() + " fails its CRC check (the file is damaged)");
        }
        return data;
    }

    private long readDescriptor(Record r, long size) throws IOException {
        long first = le(readFully(4, "a data descriptor"), 0, 4);
        long crc = first == DATA_DESCRIPTOR ? le(readFully(4, "a data descriptor"), 0, 4) : first; // signature optional
        int width = r.zip64() ? 8 : 4;
        byte[] sizes = readFully(2 * width, "a data descriptor");
        if (le(sizes, 0, width) != size || le(sizes, width, width) != size) {
            throw malformed("record " + r.name() + " has a data descriptor of " + le(sizes, width, width)
                    + " bytes, but " + size + " were expected");
        }
        return crc;
    }

    /** Reads until the data is followed by a data descriptor (with signature) that agrees with its length and CRC. */
    private byte[] scanToDescriptor(Record r) throws IOException {
        int width = r.zip64() ? 8 : 4;
        int tail = 8 + 2 * width;
        byte[] buf = new byte[4096];
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw truncated("inside record " + r.name());
            }
            position++;
            if (n == buf.length) {
                if (n >= MAX_UNSIZED_RECORD_BYTES) {
                    throw malformed("record " + r.name() + " has no size and no data descriptor in its first "
                            + MAX_UNSIZED_RECORD_BYTES + " bytes");
                }
                buf = Arrays.copyOf(buf, 2 * n);
            }
            buf[n++] = (byte) b;
            int q = n - tail;
            if (q >= 0 && le(buf, q, 4) == DATA_DESCRIPTOR && le(buf, q + 8, width) == q
                    && le(buf, q + 8 + width, width) == q && le(buf, q + 4, 4) == crc32(buf, q)) {
                return Arrays.copyOf(buf, q);
            }
        }
    }

    private byte[] readFully(int length, String what) throws IOException {
        byte[] bytes = in.readNBytes(length);
        position += bytes.length;
        if (bytes.length < length) {
            throw truncated("inside " + what);
        }
        return bytes;
    }

    /** The uncompressed size in a zip64 extra field, or -1 if there is none. */
    private static long zip64Size(byte[] extra) {
        for (int at = 0; at + 4 <= extra.length; ) {
            int id = (int) le(extra, at, 2);
            int length = (int) le(extra, at + 2, 2);
            if (id == ZIP64_EXTRA && length >= 8 && at + 4 + length <= extra.length) {
                return le(extra, at + 4, 8);
            }
            at += 4 + length;
        }
        return -1;
    }

    private static long crc32(byte[] data, int length) {
        CRC32 crc = new CRC32();
        crc.update(data, 0, length);
        return crc.getValue();
    }

    /** An unsigned little-endian integer of {@code width} bytes. */
    private static long le(byte[] b, int at, int width) {
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    private TorchFileException truncated(String where) {
        return new TorchFileException(TorchFileException.Kind.TRUNCATED, source, "ends " + where
                + " (the file is truncated)");
    }

    private TorchFileException malformed(String problem) {
        return new TorchFileException(TorchFileException.Kind.MALFORMED, source, problem);
    }
}
