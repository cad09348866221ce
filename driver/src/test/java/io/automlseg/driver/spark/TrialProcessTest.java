package io.automlseg.driver.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clean-up of the process a dead driver left behind: only the trial's own process, on this host, is ended. */
class TrialProcessTest {

    /** A trial's child JVM for the spec {@code specUri}, started as the trial task starts it, once it shows. */
    private static Process sleeper(String specUri) throws Exception {
        List<String> command = new TrialTask(new TrialLaunch(SleepingTrialMain.class.getName(), "32m", 1, List.of()))
                .command(specUri);
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String argument = TrialProcess.specOption(specUri);
        long deadline = System.currentTimeMillis() + 20_000;
        while (!p.info().commandLine().map(c -> c.contains(argument)).orElse(false)
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return p;
    }

    private static void recordProcess(Path trialDir, long pid, String host) throws Exception {
        Files.createDirectories(trialDir);
        Json.write(trialDir.resolve(TrialProcess.PROCESS_FILE).toUri().toString(), Map.of("host", host, "pid", pid));
    }

    @Test
    void aLeftoverTrialProcessIsEndedButNoOtherProcess(@TempDir Path tmp) throws Exception {
        Path trialDir = tmp.resolve("trials/0001");
        String dir = trialDir.toUri().toString();
        Process own = sleeper(dir + "/spec.json");
        Process other = sleeper("file:/elsewhere/spec.json");
        try {
            String host = java.net.InetAddress.getLocalHost().getHostName();
            assertFalse(TrialProcess.endLeftoverProcess(dir), "no process.json: nothing to end");
            recordProcess(trialDir, other.pid(), host);
            assertFalse(TrialProcess.endLeftoverProcess(dir), "a process that is not this trial's is left alone");
            assertTrue(other.isAlive());
            recordProcess(trialDir, own.pid(), "another-host");
            assertFalse(TrialProcess.endLeftoverProcess(dir), "a process on another host is not ours to end");
            recordProcess(trialDir, own.pid(), host);
            assertTrue(TrialProcess.endLeftoverProcess(dir));
            assertTrue(own.waitFor(10, TimeUnit.SECONDS));
            assertFalse(own.isAlive());
            assertTrue(other.isAlive());
        } finally {
            for (Process p : List.of(own, other)) {
                p.destroyForcibly();
            }
        }
    }
}
