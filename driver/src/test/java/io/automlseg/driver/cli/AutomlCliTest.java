package io.automlseg.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's exit codes and messages for inputs that never reach Spark. */
class AutomlCliTest {

    @Test
    void badConfigurationExitsWith2AndListsProblemsWithoutStackTrace(@TempDir Path dir) throws Exception {
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, "task: image_instance_segmentation\ntraining_data: train\nlimits: {max_trails: 3}\n");
        CliRun o = CliRun.of("sweep", "--config", job.toString(), "--output", dir.resolve("run").toString());
        assertEquals(ExitCodes.BAD_INPUT, o.code());
        assertTrue(o.err().contains("line 3: limits.max_trails: unknown key (did you mean max_trials?)"), o.err());
        assertTrue(o.err().contains("target_column_name: required"), o.err());
        assertFalse(o.err().contains("\tat "), o.err());
        CliRun verbose = CliRun.of("sweep", "--verbose", "--config", job.toString(), "--output", dir.toString());
        assertTrue(verbose.err().contains("\tat "), "stack trace with --verbose");
    }

    @Test
    void outputHoldingAnEarlierSweepIsRefusedBeforeSparkStarts(@TempDir Path dir) throws Exception {
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, "task: image_instance_segmentation\ntarget_column_name: label\ntraining_data: t\n");
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve("trials.json"), "{}");
        CliRun o = CliRun.of("sweep", "--config", job.toString(), "--output", run.toString());
        assertEquals(ExitCodes.BAD_INPUT, o.code());
        assertTrue(o.err().contains("already holds a sweep"), o.err());
    }

    @Test
    void usageErrorsExitWith2AndHelpWith0() {
        assertEquals(ExitCodes.BAD_INPUT, CliRun.of("sweep", "--config", "x.yaml").code());
        assertEquals(ExitCodes.BAD_INPUT, CliRun.of("predcit").code());
        CliRun help = CliRun.of("--help");
        assertEquals(ExitCodes.OK, help.code());
        assertTrue(help.out().contains("sweep"), help.out());
        assertTrue(help.out().contains("3   no successful trial"), help.out());
    }
}
