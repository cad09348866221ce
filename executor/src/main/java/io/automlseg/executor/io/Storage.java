package io.automlseg.executor.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * All reading and writing of data, run state and models goes through here, on the Hadoop FileSystem API, so the
 * same code works on {@code file:}, {@code hdfs:}, {@code s3a:} and any other scheme Hadoop knows. A path without a
 * scheme is a local path.
 */
public final class Storage {
    private static volatile Configuration configuration = new Configuration();

    private Storage() {}

    /** Lets the driver hand over Spark's Hadoop configuration (credentials, default FS). */
    public static void configure(Configuration conf) {
        configuration = conf;
    }

    public static Configuration configuration() {
        return configuration;
    }

    public static Path path(String uri) {
        return new Path(uri);
    }

    public static FileSystem fileSystem(Path path) {
        try {
            FileSystem fs = path.getFileSystem(configuration);
            if (fs instanceof LocalFileSystem local) {
                // Hadoop's checksummed local FS leaves a .crc file beside every file it writes: not wanted in
                // data sets, models and run folders that people read with other tools.
                local.setWriteChecksum(false);
                local.setVerifyChecksum(false);
            }
            return fs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the file system of " + path, e);
        }
    }

    /** Fully qualified form of a path ({@code /a/b} becomes {@code file:/a/b}). */
    public static String qualify(String uri) {
        Path p = path(uri);
        return fileSystem(p).makeQualified(p).toString();
    }

    /** Resolves {@code child} against folder {@code base} unless it already is absolute or has a scheme. */
    public static String resolve(String base, String child) {
        URI c = URI.create(child.replace(" ", "%20"));
        if (c.getScheme() != null || child.startsWith("/")) {
            return child;
        }
        String trimmed = child.startsWith("./") ? child.substring(2) : child;
        return base.endsWith("/") ? base + trimmed : base + "/" + trimmed;
    }

    public static boolean exists(String uri) throws IOException {
        Path p = path(uri);
        return fileSystem(p).exists(p);
    }

    public static boolean isDirectory(String uri) throws IOException {
        Path p = path(uri);
        return fileSystem(p).getFileStatus(p).isDirectory();
    }

    public static InputStream open(String uri) throws IOException {
        Path p = path(uri);
        return fileSystem(p).open(p);
    }

    public static byte[] readBytes(String uri) throws IOException {
        try (InputStream in = open(uri)) {
            return in.readAllBytes();
        }
    }

    public static String readString(String uri) throws IOException {
        return new String(readBytes(uri), StandardCharsets.UTF_8);
    }

    /** Creates or overwrites a file (parents are created). */
    public static OutputStream create(String uri) throws IOException {
        Path p = path(uri);
        FileSystem fs = fileSystem(p);
        java.nio.file.Path local = localFile(fs, p);
        if (local != null) {
            Files.createDirectories(local.getParent());
            return new BufferedOutputStream(Files.newOutputStream(local), 1 << 16);
        }
        return fs.create(p, true);
    }

    /**
     * The local file a path names on the local file system, else null. Local files are written with java.nio: without
     * Hadoop's native library, its local file system sets every new file's permissions by running {@code chmod}, a
     * process per file written (the files get the same mode, 0666 less the umask, either way).
     */
    private static java.nio.file.Path localFile(FileSystem fs, Path p) {
        return fs instanceof LocalFileSystem ? Paths.get(fs.makeQualified(p).toUri()) : null;
    }

    public static void writeBytes(String uri, byte[] bytes) throws IOException {
        try (OutputStream out = create(uri)) {
            out.write(bytes);
        }
    }

    public static void writeString(String uri, String text) throws IOException {
        writeBytes(uri, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes a file so that readers never see it half-written: into a temporary sibling first, then renamed over the
     * target (on a local disk in one atomic rename, so a reader always finds the old or the new file).
     */
    public static void writeAtomically(String uri, byte[] bytes) throws IOException {
        Path target = path(uri);
        FileSystem fs = fileSystem(target);
        java.nio.file.Path local = localFile(fs, target);
        if (local != null) {
            Files.createDirectories(local.getParent());
            java.nio.file.Path tmp = local.resolveSibling("." + local.getFileName() + ".tmp-" + System.nanoTime());
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            return;
        }
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + System.nanoTime());
        try (OutputStream out = fs.create(tmp, true)) {
            out.write(bytes);
        }
        if (fs.exists(target)) {
            fs.delete(target, false);
        }
        if (!fs.rename(tmp, target)) {
            fs.delete(tmp, false);
            throw new IOException("could not rename " + tmp + " to " + target);
        }
    }

    public static void mkdirs(String uri) throws IOException {
        Path p = path(uri);
        fileSystem(p).mkdirs(p);
    }

    public static void delete(String uri) throws IOException {
        Path p = path(uri);
        fileSystem(p).delete(p, true);
    }

    /** Renames a file or folder; fails if the target exists. */
    public static void rename(String from, String to) throws IOException {
        Path src = path(from);
        Path dst = path(to);
        FileSystem fs = fileSystem(src);
        if (!fs.rename(src, dst)) {
            throw new IOException("could not rename " + src + " to " + dst);
        }
    }

    /** Copies a file or a folder tree. */
    public static void copy(String from, String to) throws IOException {
        Path src = path(from);
        Path dst = path(to);
        org.apache.hadoop.fs.FileUtil.copy(fileSystem(src), src, fileSystem(dst), dst, false, true, configuration);
    }

    /** Files directly in a folder, sorted by name; empty if the folder does not exist. */
    public static List<String> list(String dirUri) throws IOException {
        Path dir = path(dirUri);
        FileSystem fs = fileSystem(dir);
        List<String> out = new ArrayList<>();
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus st : fs.listStatus(dir)) {
            out.add(st.getPath().toString());
        }
        out.sort(String::compareTo);
        return out;
    }

    /** Files (not folders) matching a Hadoop glob such as {@code file:/d/data/*.jsonl}, sorted by name. */
    public static List<String> glob(String pattern) throws IOException {
        Path p = path(pattern);
        FileStatus[] found = fileSystem(p).globStatus(p);
        List<String> out = new ArrayList<>();
        if (found != null) {
            for (FileStatus st : found) {
                if (st.isFile()) {
                    out.add(st.getPath().toString());
                }
            }
        }
        out.sort(String::compareTo);
        return out;
    }

    /** All files below a folder, at any depth, sorted by full path. */
    public static List<String> listFilesRecursively(String dirUri) throws IOException {
        Path dir = path(dirUri);
        List<String> out = new ArrayList<>();
        org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it = fileSystem(dir).listFiles(dir, true);
        while (it.hasNext()) {
            out.add(it.next().getPath().toString());
        }
        out.sort(String::compareTo);
        return out;
    }
}
