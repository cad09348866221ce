package io.automlseg.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.sweep.TrialExit;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.trial.DeviceChoice;
import io.automlseg.executor.trial.TrialSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task body without Spark: the child JVM's command line, its exit, its log, and cancellation. */
class TrialTaskTest {

    private static String spec(Path dir, String id) throws Exception {
        Path trialDir = dir.resolve(id);
        String uri = trialDir.resolve("spec.json").toUri().toString();
        Json.write(uri, new TrialSpec(id, trialDir.toUri().toString(), "t.jsonl", "v.jsonl", List.of("a"),
                Map.of(), 1, "cpu"));
        return uri;
    }

    private static List<ProcessHandle> childrenRunning(String marker) {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .filter(ProcessHandle::isAlive).toList();
    }

    @Test
    void buildsTheChildCommandWithFlagsThreadsAndClasspath() {
        TrialTask task = new TrialTask(new TrialLaunch("x.Main", "3g", 4, List.of("-Dextra=1")));
        List<String> cmd = task.command("file:/run/trials/0001/spec.json");
        assertTrue(cmd.get(0).endsWith("/bin/java"));
        assertTrue(cmd.contains("-Xmx3g"));
        assertTrue(cmd.containsAll(TrialLaunch.JAVA17_OPENS));
        assertTrue(cmd.contains("-Dai.djl.pytorch.num_threads=4"));
        assertTrue(cmd.contains("-Dextra=1"));
        assertEquals(List.of("x.Main", "file:/run/trials/0001/spec.json"), cmd.subList(cmd.size() - 2, cmd.size()));
        assertTrue(cmd.get(cmd.indexOf("-cp") + 1).contains(System.getProperty("java.class.path").split(":")[0]));
        assertEquals("-Dautomlseg.trial.spec=file:/run/trials/0001/spec.json", cmd.get(1),
                "the spec comes first, where a later driver can find the process by it");
    }

    @Test
    void aTrialSeesOnlyItsAssignedGpuOrNone() {
        // The executor's own environment may show every GPU of the host: the trial's must not.
        Map<String, String> env = new HashMap<>(Map.of(DeviceChoice.GPU_ENV, "0,1"));
        TrialTask.pinDevice(env, null);
        assertEquals("", env.get(DeviceChoice.GPU_ENV), "no GPU scheduling: all hidden");
        TrialTask.pinDevice(env, "1");
        assertEquals("1", env.get(DeviceChoice.GPU_ENV), "GPU scheduling: Spark's address only");
    }

    @Test
    void trialsGetTheMallocSettingsUnlessTheExecutorHasItsOwn() {
        Map<String, String> env = new HashMap<>();
        TrialTask.mallocSettings(env);
        assertEquals(Map.of("MALLOC_MMAP_THRESHOLD_", "8388608", "GLIBC_TUNABLES", "glibc.malloc.hugetlb=1"), env);
        env = new HashMap<>(Map.of("MALLOC_MMAP_THRESHOLD_", "1048576", "GLIBC_TUNABLES", "glibc.malloc.arena_max=2"));
        TrialTask.mallocSettings(env);
        assertEquals("1048576", env.get("MALLOC_MMAP_THRESHOLD_"));
        assertEquals("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1", env.get("GLIBC_TUNABLES"), "other tunables kept");
        env = new HashMap<>(Map.of("GLIBC_TUNABLES", "glibc.malloc.hugetlb=0"));
        TrialTask.mallocSettings(env);
        assertEquals("glibc.malloc.hugetlb=0", env.get("GLIBC_TUNABLES"), "the executor's choice wins");
    }

    @Test
    void reportsTheExitCodeAndCopiesTheLog(@TempDir Path dir) throws Exception {
        String uri = spec(dir, "0001");
        TrialTask task = new TrialTask(new TrialLaunch(SleepingTrialMain.class.getName(), "64m", 1,
                List.of("-Dunused=" + dir)));
        // A missing main class makes the child exit 1 at once: that is reported, not thrown.
        TrialTask broken = new TrialTask(new TrialLaunch("no.such.Main", "64m", 1, List.of()));
        TrialExit exit = broken.call(List.of(uri).iterator()).next();
        assertEquals(1, exit.exitCode());
        assertTrue(exit.logTail().contains("no.such.Main"), exit.logTail());
        assertTrue(Files.readString(dir.resolve("0001/trial.log")).contains("no.such.Main"));
        assertTrue(exit.finishedAtMillis() >= exit.startedAtMillis());
        assertFalse(task.command(uri).isEmpty());
    }

    @Test
    void cancellingTheTaskKillsTheChildProcess(@TempDir Path dir) throws Exception {
        String uri = spec(dir, "0002");
        String marker = "-Dmarker=" + dir.getFileName();
        TrialTask task = new TrialTask(new TrialLaunch(SleepingTrialMain.class.getName(), "64m", 1,
                List.of(marker)));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread taskThread = new Thread(() -> {
            try {
                task.call(List.of(uri).iterator());
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        taskThread.start();
        Path log = dir.resolve("0002/trial.log");
        long deadline = System.currentTimeMillis() + 30_000;
        while (childrenRunning(marker).isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(1, childrenRunning(marker).size(), "the child JVM should be running");
        Thread.sleep(1500); // Let it print its first line.
        taskThread.interrupt(); // What Spark does to a cancelled task with interruptOnCancel.
        taskThread.join(30_000);
        assertFalse(taskThread.isAlive());
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertTrue(childrenRunning(marker).isEmpty(), "the child JVM must be gone");
        assertTrue(Files.readString(log).contains("sleeping trial up"), "the log is kept for a cancelled trial");
    }
}
