package io.automlseg.executor.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of weight files, as lower-case hex: how torchvision names its files, and how records identify them. */
public final class Sha256 {
    private Sha256() {}

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Something that reads a file's stream (and may stop before its end). */
    public interface Reader {
        void read(InputStream in) throws IOException;
    }

    /** The SHA-256 of a file on any Hadoop file system. */
    public static String ofFile(String uri) throws IOException {
        return whileReading(uri, in -> { });
    }

    /**
     * Opens a file once, hands it to {@code reader}, and returns the SHA-256 of the whole file (what the reader left
     * unread is read too), so decoding a file and identifying it cost one read.
     */
    public static String whileReading(String uri, Reader reader) throws IOException {
        try (DigestInputStream in = new DigestInputStream(Storage.open(uri), digest())) {
            reader.read(in);
            in.transferTo(OutputStream.nullOutputStream());
            return hex(in.getMessageDigest());
        }
    }
}
