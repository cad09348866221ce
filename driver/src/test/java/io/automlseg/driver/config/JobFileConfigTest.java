package io.automlseg.driver.config;

import static io.automlseg.driver.config.ConfigTexts.parse;
import static io.automlseg.driver.config.ConfigTexts.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job file as YAML: its syntax errors, aliases, size limits, loading from a file, and the shipped jobs. */
class JobFileConfigTest {
    @Test
    void malformedYamlAndDuplicateKeysNameTheLine() {
        ConfigException bad = failure("task: image_instance_segmentation\nlimits: [1, 2\n");
        assertTrue(bad.getMessage().startsWith("Invalid sweep configuration job.yaml: line "), bad.getMessage());
        ConfigException dup = failure("task: a\ntask: b\n");
        assertTrue(dup.getMessage().contains("line 2") && dup.getMessage().contains("task"), dup.getMessage());
    }

    @Test
    void anAliasMeansWhatItsAnchorHolds() throws Exception {
        SweepConfig c = parse("""
                task: image_instance_segmentation
                target_column_name: label
                training_data: &train {type: mltable, path: /data/pantry}
                validation_data: *train
                training_parameters: &params {model_name: maskrcnn_resnet18_fpn, number_of_epochs: 3}
                limits: {max_trials: 2}
                """);
        assertEquals("/data/pantry", c.validationData().path(), "the alias is the training data's mapping");
        assertEquals(c.trainingData(), c.validationData());
        assertEquals(3, c.trainingParameters().get("number_of_epochs"));
        ConfigException dup = failure("task: a\nx: &a {k: 1}\ny: *a\ntask: b\n");
        assertTrue(dup.getMessage().contains("line 4") && dup.getMessage().contains("task"), dup.getMessage());
    }

    @Test
    void anAliasBombIsRefusedBeforeItExpands() {
        StringBuilder bomb = new StringBuilder("task: image_instance_segmentation\na: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char prev = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append(", *").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append(", *").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append("]\n");
        }
        // 9^10 elements if it expanded: the alias limit refuses it first
        ConfigException bad = failure(bomb.toString());
        assertTrue(bad.getMessage().contains("aliases"), bad.getMessage());
        ConfigException huge = failure("task: " + "x".repeat(JobYaml.MAX_CHARACTERS) + "\n");
        assertTrue(huge.getMessage().contains("at most " + JobYaml.MAX_CHARACTERS), huge.getMessage());
    }

    @Test
    void loadsFromAFileResolvingPathsAgainstItsFolder(@TempDir Path dir) throws Exception {
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, "task: image_instance_segmentation\ntarget_column_name: label\n"
                + "training_data: {type: mltable, path: ./train-mltable}\n");
        SweepConfig c = SweepConfig.load(job.toString());
        assertEquals("file:" + dir.resolve("train-mltable"), c.trainingData().path());
        ConfigException missing = assertThrows(ConfigException.class,
                () -> SweepConfig.load(dir.resolve("nope.yaml").toString()));
        assertTrue(missing.getMessage().contains("nope.yaml"), missing.getMessage());
    }

    @Test
    void theShippedConfigurationsAreValid() throws Exception {
        for (String file : List.of("../conf/quickstart.yaml", "../conf/sweep-full.yaml",
                "../scripts/bench/learning-r18.yaml")) {
            Path path = Paths.get(file).toAbsolutePath().normalize();
            assertTrue(Files.exists(path), path.toString());
            SweepConfig c = SweepConfig.load(path.toString());
            assertEquals(SweepConfig.TASK, c.task(), file);
        }
    }
}
