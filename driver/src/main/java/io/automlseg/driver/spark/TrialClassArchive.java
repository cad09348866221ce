package io.automlseg.driver.spark;

import io.automlseg.executor.io.Sha256;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Java's class-data sharing for trial JVMs: the classes a trial loads (Jackson, Hadoop's file system layer, DJL, the
 * model), parsed and verified once per host and executor class path into a dynamic archive that later trials map
 * instead of loading those classes again. Every trial pays its JVM's start before it learns anything.
 *
 * <p>The first trial of a class path records the archive when it exits ({@code -XX:ArchiveClassesAtExit}) into a file
 * of its own, which {@link #publish} renames into place, so trials starting together never read a half-written
 * archive; later trials use it ({@code -XX:SharedArchiveFile}). The archive's name is a hash of the JDK and of every
 * class path entry with its size and time, so a new application jar or JDK gets a new archive: a JVM refuses (and
 * silently ignores) an archive whose class path or JDK differ. A trial killed before it exits (a stopped trial, a
 * timeout) writes none; the next one records again. Trial JVM options that set class-data sharing themselves win.
 * Each publication prunes the folder ({@link #prune}), so archives of old builds do not pile up.
 */
final class TrialClassArchive {
    /** The environment variable that names the folder of the archives on each host. */
    static final String FOLDER_ENV = "AUTOML_CLASS_ARCHIVES";

    /** Archives no trial has used for this long are deleted when another is published. */
    static final Duration UNUSED_FOR = Duration.ofDays(7);

    /** At most this many archives are kept per folder, the most recently used (each is 20-30 MB). */
    static final int MAX_ARCHIVES = 8;

    /**
     * A recording is renamed into place as soon as its JVM has written it (at exit): one older than this was left by
     * a driver that died in between.
     */
    static final Duration ORPHANED_AFTER = Duration.ofHours(1);

    private static final String ARCHIVE = ".jsa";
    private static final String RECORDING = ".recording";

    /** CDS's own messages (a refused archive, classes left out of a dump) would go to the trial's log. */
    private static final String QUIET = "-Xlog:cds*=off";

    private final Path archive;
    private final Path recording;

    private TrialClassArchive(Path archive, Path recording) {
        this.archive = archive;
        this.recording = recording;
    }

    /** {@value #FOLDER_ENV} when set, else the JVM's temporary folder, per user. */
    static Path folder(Map<String, String> env) {
        String folder = env.get(FOLDER_ENV);
        return folder != null && !folder.isBlank() ? Path.of(folder)
                : Path.of(System.getProperty("java.io.tmpdir"), "automl-seg-cds-" + System.getProperty("user.name",
                        "user"));
    }

    /**
     * The archive for a trial JVM with this class path, or null when the trial's own options set class-data sharing or
     * this JDK has no base archive to build on (a dynamic archive extends the JDK's).
     */
    static TrialClassArchive forTrial(Path folder, String classpath, String maxHeap, List<String> trialJvmOptions) {
        boolean own = trialJvmOptions.stream().anyMatch(o -> o.startsWith("-Xshare")
                || o.contains("SharedArchiveFile") || o.contains("ArchiveClassesAtExit"));
        Path base = Path.of(System.getProperty("java.home"), "lib", "server", "classes.jsa");
        if (own || !Files.isRegularFile(base) || hasClassFolder(classpath)) {
            return null;
        }
        Path archive = folder.resolve(key(classpath, maxHeap) + ARCHIVE);
        Path recording = Files.isRegularFile(archive) ? null
                : folder.resolve(archive.getFileName() + "." + UUID.randomUUID() + RECORDING);
        return new TrialClassArchive(archive, recording);
    }

    /** The options that use the archive, or record it if there is none yet. */
    List<String> jvmOptions() throws IOException {
        if (recording == null) {
            markUsed(archive);
            return List.of("-XX:SharedArchiveFile=" + archive, QUIET);
        }
        Files.createDirectories(recording.getParent());
        return List.of("-XX:ArchiveClassesAtExit=" + recording, QUIET);
    }

    /** True when this trial records the archive. */
    boolean records() {
        return recording != null;
    }

    /**
     * After the trial's JVM has ended: a recording it completed (exit 0) becomes the archive unless another trial's
     * got there first; anything else is deleted.
     */
    void publish(int exitCode) {
        if (recording == null) {
            return;
        }
        try {
            if (exitCode == 0 && Files.size(recording) > 0 && !Files.exists(archive)) {
                try {
                    Files.move(recording, archive, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(recording, archive);
                }
                prune(archive.getParent(), System.currentTimeMillis());
            }
        } catch (IOException e) {
            // No archive this time (none written, or another trial's won the race): the next trial records again.
        } finally {
            try {
                Files.deleteIfExists(recording);
            } catch (IOException ignored) {
                // A leftover recording is only disk space in a temporary folder.
            }
        }
    }

    Path archive() {
        return archive;
    }

    /**
     * An archive's modification time says when a trial last used it (a JVM checks the class path's jars against the
     * archive, not the archive's own time), which is what {@link #prune} keeps the most recent of.
     */
    private static void markUsed(Path archive) {
        archive.toFile().setLastModified(System.currentTimeMillis());
    }

    /**
     * Deletes the archives of class paths no trial has used for {@link #UNUSED_FOR} (every rebuilt application jar
     * gets a new one) beyond the {@link #MAX_ARCHIVES} most recently used, and orphaned recordings. A JVM maps its
     * archive when it starts, so deleting one under a running trial takes nothing from it.
     */
    static void prune(Path folder, long nowMillis) {
        File[] files = folder.toFile().listFiles();
        if (files == null) {
            return; // Unreadable: only disk space in a temporary folder, and the next publication tries again.
        }
        List<File> archives = new ArrayList<>();
        for (File file : files) {
            if (file.getName().endsWith(ARCHIVE)) {
                archives.add(file);
            } else if (file.getName().endsWith(RECORDING)
                    && nowMillis - file.lastModified() > ORPHANED_AFTER.toMillis()) {
                file.delete();
            }
        }
        archives.sort(Comparator.comparingLong(File::lastModified).reversed());
        for (int i = 0; i < archives.size(); i++) {
            File file = archives.get(i);
            if (i >= MAX_ARCHIVES || nowMillis - file.lastModified() > UNUSED_FOR.toMillis()) {
                file.delete();
            }
        }
    }

    /**
     * Java archives classes from jars only, and a JVM asked to record with a non-empty folder on its class path (a
     * build's {@code target/classes}) ends with an error at exit: no archive for such a class path.
     */
    static boolean hasClassFolder(String classpath) {
        for (String entry : classpath.split(File.pathSeparator)) {
            String[] files = new File(entry).list();
            if (files != null && files.length > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * A hash of the JDK, the heap limit (which decides the JDK base archive the dynamic one extends) and every class
     * path entry's path, size and modification time.
     */
    static String key(String classpath, String maxHeap) {
        StringBuilder text = new StringBuilder()
                .append(System.getProperty("java.home")).append('\n')
                .append(System.getProperty("java.vm.version")).append('\n')
                .append(maxHeap).append('\n');
        for (String entry : classpath.split(File.pathSeparator)) {
            File file = new File(entry);
            text.append(entry).append(' ').append(file.length()).append(' ').append(file.lastModified()).append('\n');
        }
        MessageDigest digest = Sha256.digest();
        digest.update(text.toString().getBytes(StandardCharsets.UTF_8));
        return "trial-" + Sha256.hex(digest).substring(0, 24);
    }
}
