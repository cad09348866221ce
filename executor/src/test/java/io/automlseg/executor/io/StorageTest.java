package io.automlseg.executor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes on the local disk (java.nio) and on any other Hadoop file system (its API) leave the same files. */
class StorageTest {
    @TempDir
    Path tmp;

    /** The local disk under another scheme, so that writes take the Hadoop FileSystem path. */
    public static final class OtherFileSystem extends RawLocalFileSystem {
        @Override
        public URI getUri() {
            return URI.create("other:///");
        }

        @Override
        public String getScheme() {
            return "other";
        }
    }

    @Test
    void localAndHadoopWritesCreateParentsOverwriteAndLeaveNothingElse() throws Exception {
        Storage.configuration().set("fs.other.impl", OtherFileSystem.class.getName());
        for (String root : List.of(tmp.resolve("local").toString(), "file:" + tmp.resolve("file-uri"),
                "other://" + tmp.resolve("hadoop"))) {
            String file = root + "/a/b/c.json";
            Storage.writeAtomically(file, "one".getBytes(StandardCharsets.UTF_8));
            Storage.writeAtomically(file, "two".getBytes(StandardCharsets.UTF_8));
            assertEquals("two", Storage.readString(file), root);
            try (OutputStream out = Storage.create(root + "/d/e.bin")) {
                out.write(new byte[] {1, 2, 3});
            }
            try (OutputStream out = Storage.create(root + "/d/e.bin")) {
                out.write(new byte[] {4});
            }
            assertEquals(1, Storage.readBytes(root + "/d/e.bin").length, root + ": overwritten, not appended");
        }
        for (String dir : List.of("local", "file-uri", "hadoop")) {
            try (Stream<Path> files = Files.walk(tmp.resolve(dir))) {
                List<String> names = files.filter(Files::isRegularFile).map(p -> tmp.resolve(dir).relativize(p)
                        .toString()).sorted().toList();
                assertEquals(List.of("a/b/c.json", "d/e.bin"), names, dir + ": no temporary or .crc files");
            }
        }
    }

    @Test
    void aReaderAlwaysFindsTheOldOrTheNewLocalFile() throws Exception {
        String file = tmp.resolve("state.json").toString();
        Storage.writeAtomically(file, "0".getBytes(StandardCharsets.UTF_8));
        AtomicBoolean done = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 1; i <= 300; i++) {
                    Storage.writeAtomically(file, Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            } finally {
                done.set(true);
            }
        });
        writer.start();
        int reads = 0;
        while (!done.get()) {
            String text = Files.readString(Path.of(file));
            assertFalse(text.isEmpty(), "a half-written or missing file was seen");
            Integer.parseInt(text);
            reads++;
        }
        writer.join();
        assertEquals("300", Storage.readString(file));
        assertTrue(reads > 0);
    }
}
