package io.automlseg.driver.persist;

import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A test double of a failing store: the local file system under the scheme {@code faulty:}, whose writes to paths
 * containing {@link #failUnder} fail once {@link #failAfterBytes} bytes have been written to such paths in all.
 */
public final class FaultyFileSystem extends RawLocalFileSystem {
    public static volatile String failUnder;
    public static volatile long failAfterBytes;
    private static final AtomicLong WRITTEN = new AtomicLong();

    /** Makes {@code faulty:} URIs reachable through {@link Storage}; nothing fails until {@link #failWrites}. */
    public static void install() {
        Storage.configuration().set("fs.faulty.impl", FaultyFileSystem.class.getName());
        Storage.configuration().setBoolean("fs.faulty.impl.disable.cache", true);
        heal();
    }

    /** The {@code faulty:} URI of a local path. */
    public static String uri(java.nio.file.Path local) {
        return "faulty://" + local.toAbsolutePath();
    }

    /** From now on, writes to paths containing {@code fragment} fail after {@code bytes} more bytes. */
    public static void failWrites(String fragment, long bytes) {
        WRITTEN.set(0);
        failAfterBytes = bytes;
        failUnder = fragment;
    }

    public static void heal() {
        failUnder = null;
    }

    @Override
    public URI getUri() {
        return URI.create("faulty:///");
    }

    @Override
    public String getScheme() {
        return "faulty";
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        return failing(f, super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        return failing(f, super.create(f, overwrite, bufferSize, replication, blockSize, progress));
    }

    private static FSDataOutputStream failing(Path f, FSDataOutputStream out) throws IOException {
        String fragment = failUnder;
        if (fragment == null || !f.toString().contains(fragment)) {
            return out;
        }
        return new FSDataOutputStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (WRITTEN.addAndGet(len) > failAfterBytes) {
                    throw new IOException("injected fault: the store fails writes under " + fragment);
                }
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        }, null);
    }
}
