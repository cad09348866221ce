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
}
