package io.automlseg.driver.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A driver JVM's stand-in for {@link TrialProcessTest}: runs a {@link SleepingTrialMain} trial in the trial folder
 * {@code args[0]}, cancels it once it has printed, and exits at once, as a sweep that timed out does.
 */
public final class CancellingDriverMain {
    private CancellingDriverMain() {}

    public static void main(String[] args) throws Exception {
        String trialDir = args[0];
        List<String> command = new TrialTask(new TrialLaunch(SleepingTrialMain.class.getName(), "32m", 1, List.of()))
                .command(trialDir + "/spec.json");
        Thread task = new Thread(() -> {
            try {
                TrialProcess.run(new ProcessBuilder(command), "0001", trialDir);
            } catch (Exception cancelled) {
                // Expected: the task was interrupted.
            }
        });
        task.start();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long deadline = System.currentTimeMillis() + 60_000;
        while (!printed(tmp) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        task.interrupt();
        System.exit(0);
    }

    /** Whether the trial's local log (in this JVM's temporary folder) has its first line. */
    private static boolean printed(Path tmp) throws Exception {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().startsWith("automlseg-trial-0001-"))
                    .anyMatch(f -> f.toFile().length() > 0);
        }
    }
}
