package io.automlseg.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class-data sharing for trial JVMs, with real child JVMs on a class path of jars. */
class TrialClassArchiveTest {

    /** A jar holding {@link ArchiveProbeMain}, beside the Jackson jars it loads, as a deployment's class path. */
    private static String jarClassPath(Path dir) throws Exception {
        Path jar = dir.resolve("probe.jar");
        String entry = ArchiveProbeMain.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                InputStream in = ArchiveProbeMain.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
        }
        List<String> entries = new ArrayList<>(List.of(jar.toString()));
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.endsWith(".jar") && new File(e).getName().startsWith("jackson-")) {
                entries.add(e);
            }
        }
        assertTrue(entries.size() > 1, "Jackson's jars are on the test class path");
        return String.join(File.pathSeparator, entries);
    }

    private record Run(int exitCode, String output) {}

    private static Run java(String classpath, List<String> options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(options);
        cmd.addAll(List.of("-cp", classpath, ArchiveProbeMain.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), output);
    }

    @Test
    void theFirstTrialRecordsTheArchiveAndLaterOnesLoadTheirClassesFromIt(@TempDir Path dir) throws Exception {
        String classpath = jarClassPath(dir);
        Path folder = dir.resolve("cds");
        TrialClassArchive first = TrialClassArchive.forTrial(folder, classpath, "64m", List.of());
        assertTrue(first.records());
        Run recording = java(classpath, first.jvmOptions());
        assertEquals(0, recording.exitCode(), recording.output());
        assertEquals("{\"probe\":0}", recording.output().strip(), "the archive's messages stay out of the trial log");
        assertFalse(Files.exists(first.archive()), "not in place before the recording JVM has ended");
        first.publish(recording.exitCode());
        assertTrue(Files.size(first.archive()) > 0);
        try (var files = Files.list(folder)) {
            assertEquals(List.of(first.archive()), files.toList(), "the recording was moved into place");
        }

        TrialClassArchive later = TrialClassArchive.forTrial(folder, classpath, "64m", List.of());
        assertFalse(later.records());
        assertEquals(first.archive(), later.archive());
        List<String> options = new ArrayList<>(later.jvmOptions());
        // -Xshare:on makes a JVM that cannot use the archive fail instead of carrying on without it.
        options.addAll(List.of("-Xshare:on", "-Xlog:class+load=info"));
        Run shared = java(classpath, options);
        assertEquals(0, shared.exitCode(), shared.output());
        assertTrue(shared.output().lines().anyMatch(l -> l.contains(ArchiveProbeMain.class.getName())
                && l.contains("shared objects file (top)")), "the probe's class came from the archive");
        assertTrue(shared.output().lines().anyMatch(l -> l.contains(ObjectMapper.class.getName() + " ")
                && l.contains("shared objects file (top)")), "so did the library's");
    }

    @Test
    void aFailedRecordingLeavesNoArchive(@TempDir Path dir) throws Exception {
        String classpath = jarClassPath(dir);
        Path folder = dir.resolve("cds");
        TrialClassArchive archive = TrialClassArchive.forTrial(folder, classpath, "64m", List.of());
        java(classpath, archive.jvmOptions());
        archive.publish(1);
        try (var files = Files.list(folder)) {
            assertEquals(List.of(), files.toList(), "a trial that crashed publishes nothing and leaves nothing");
        }
    }

    @Test
    void aNewJarOrHeapLimitGetsANewArchive(@TempDir Path dir) throws Exception {
        String classpath = jarClassPath(dir);
        String key = TrialClassArchive.key(classpath, "2g");
        assertEquals(key, TrialClassArchive.key(classpath, "2g"));
        assertNotEquals(key, TrialClassArchive.key(classpath, "64g"), "beyond 32 GiB the JVM's base archive differs");
        Path jar = dir.resolve("probe.jar");
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(jar)
                .toMillis() - 60_000));
        assertNotEquals(key, TrialClassArchive.key(classpath, "2g"), "a rebuilt application jar");
    }

    @Test
    void noArchiveForAClassFolderOrWhenTheTrialOptionsSetSharingThemselves(@TempDir Path dir) throws Exception {
        String classpath = jarClassPath(dir);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(classes.resolve("A.class"), "x");
        // A JVM recording with a non-empty folder on its class path fails at exit: the trial would look crashed.
        assertNull(TrialClassArchive.forTrial(dir, classes + File.pathSeparator + classpath, "2g", List.of()));
        assertNull(TrialClassArchive.forTrial(dir, classpath, "2g", List.of("-Xshare:off")));
        assertNull(TrialClassArchive.forTrial(dir, classpath, "2g", List.of("-XX:SharedArchiveFile=/x.jsa")));
    }

    @Test
    void theFolderIsTheEnvironmentsOrTheTemporaryFoldersPerUser(@TempDir Path dir) {
        assertEquals(dir, TrialClassArchive.folder(Map.of(TrialClassArchive.FOLDER_ENV, dir.toString())));
        Path temporary = TrialClassArchive.folder(Map.of());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir")), temporary.getParent());
        assertTrue(temporary.getFileName().toString().endsWith(System.getProperty("user.name")));
    }

    @Test
    void pruningKeepsTheMostRecentlyUsedArchivesAndDropsOrphanedRecordings(@TempDir Path dir) throws Exception {
        long now = System.currentTimeMillis();
        List<Path> archives = new ArrayList<>();
        for (int i = 0; i < TrialClassArchive.MAX_ARCHIVES + 2; i++) {
            archives.add(file(dir, "trial-" + i + ".jsa", now - TimeUnit.MINUTES.toMillis(i)));
        }
        Path unused = file(dir, "trial-old.jsa", now - TrialClassArchive.UNUSED_FOR.toMillis() - 1000);
        Path orphan = file(dir, "trial-x.jsa.1.recording", now - TrialClassArchive.ORPHANED_AFTER.toMillis() - 1000);
        Path underWay = file(dir, "trial-y.jsa.2.recording", now - 1000);
        Path other = file(dir, "notes.txt", now - TrialClassArchive.UNUSED_FOR.toMillis() - 1000);

        TrialClassArchive.prune(dir, now);

        for (int i = 0; i < archives.size(); i++) {
            assertEquals(i < TrialClassArchive.MAX_ARCHIVES, Files.exists(archives.get(i)), archives.get(i).toString());
        }
        assertFalse(Files.exists(unused), "unused for longer than the limit");
        assertFalse(Files.exists(orphan), "a recording its driver never published");
        assertTrue(Files.exists(underWay), "a recording about to be published");
        assertTrue(Files.exists(other), "only archives and recordings are touched");
    }

    @Test
    void usingAnArchiveMarksItRecentlyUsed(@TempDir Path dir) throws Exception {
        String classpath = jarClassPath(dir);
        Path folder = Files.createDirectories(dir.resolve("cds"));
        long weekAgo = System.currentTimeMillis() - TimeUnit.DAYS.toMillis(7);
        Path archive = file(folder, TrialClassArchive.key(classpath, "2g") + ".jsa", weekAgo);
        TrialClassArchive later = TrialClassArchive.forTrial(folder, classpath, "2g", List.of());
        assertFalse(later.records());
        later.jvmOptions();
        assertTrue(Files.getLastModifiedTime(archive).toMillis() > weekAgo + TimeUnit.DAYS.toMillis(6));
    }

    private static Path file(Path dir, String name, long modifiedMillis) throws Exception {
        Path file = Files.writeString(dir.resolve(name), "x");
        assertTrue(file.toFile().setLastModified(modifiedMillis));
        return file;
    }
}
