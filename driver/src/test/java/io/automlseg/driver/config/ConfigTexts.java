package io.automlseg.driver.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

/** Job texts for the configuration tests: parsed as a job.yaml in file:/data/jobs. */
final class ConfigTexts {
    /** The three lines every job needs. */
    static final String HEAD = """
            task: image_instance_segmentation
            target_column_name: label
            training_data: train
            """;

    private ConfigTexts() {}

    static SweepConfig parse(String yaml) throws ConfigException {
        return SweepConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "job.yaml", "file:/data/jobs");
    }

    static ConfigException failure(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml));
    }
}
