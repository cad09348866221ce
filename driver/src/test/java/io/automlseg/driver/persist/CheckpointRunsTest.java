package io.automlseg.driver.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.config.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** checkpoint_run_id names an earlier run beside this one, by folder or by the run_id in its summary. */
class CheckpointRunsTest {

    private static void completeModel(Path folder) throws Exception {
        Files.createDirectories(folder);
        Files.write(folder.resolve("_COMPLETE"), new byte[0]);
    }

    @Test
    void resolvesRunsAndTrialsBesideTheOutputFolder(@TempDir Path root) throws Exception {
        completeModel(root.resolve("run-a/best_model"));
        completeModel(root.resolve("run-a/trials/t1/model"));
        completeModel(root.resolve("folder-b/best_model"));
        Files.writeString(root.resolve("folder-b/summary.json"), "{\"run_id\": \"sweep-20260101-000000\"}");
        String output = root.resolve("new-run").toString();

        assertTrue(CheckpointRuns.resolve("run-a", output).endsWith("/run-a/best_model"));
        assertTrue(CheckpointRuns.resolve("run-a/t1", output).endsWith("/run-a/trials/t1/model"));
        assertTrue(CheckpointRuns.resolve("sweep-20260101-000000", output).endsWith("/folder-b/best_model"));
        assertTrue(Files.isDirectory(Path.of(java.net.URI.create(CheckpointRuns.resolve("run-a/t1", output)))));

        BadInputException noTrial = assertThrows(BadInputException.class, () -> CheckpointRuns.resolve("run-a/t9", output));
        assertTrue(noTrial.getMessage().startsWith("training_parameters.checkpoint_run_id \"run-a/t9\": no complete model at")
                && noTrial.getMessage().contains("run-a/trials/t9/model"), noTrial.getMessage());
        BadInputException noRun = assertThrows(BadInputException.class, () -> CheckpointRuns.resolve("run-z", output));
        assertTrue(noRun.getMessage().contains("no run folder run-z"), noRun.getMessage());
        assertEquals(1, noRun.getMessage().lines().count());
    }
}
