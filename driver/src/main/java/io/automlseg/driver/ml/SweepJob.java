package io.automlseg.driver.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.automlseg.driver.config.ConfigException;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.executor.io.Storage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job file an {@link InstanceSegmentationSweep}'s params stand for: the {@code jobYaml} param's mapping (if
 * set), with each job-file param set on the stage put over its key, and the data sections naming the DataFrame.
 * The result goes through the same parser and checks as {@code automl sweep --config}, so a setting means the same,
 * and is refused with the same message, in both.
 */
final class SweepJob {
    /** What the job's data sections name: the rows of the DataFrame given to fit(). */
    static final String TRAINING_ROWS = "dataframe:training";
    static final String VALIDATION_ROWS = "dataframe:validation";
    private static final YAMLMapper YAML = new YAMLMapper();

    private SweepJob() {}

    /**
     * @param overrides job-file keys and their values as YAML (or JSON) text, from the stage's set params
     * @param defaults the same for params left at their defaults: used where the job has no such key
     * @param withValidation whether validation rows are marked in the DataFrame (else validation_data_size splits)
     */
    static SweepConfig config(String jobYaml, Map<String, String> overrides, Map<String, String> defaults,
                              boolean withValidation)
            throws ConfigException {
        ObjectNode job;
        if (jobYaml == null) {
            job = YAML.createObjectNode();
        } else {
            JsonNode parsed = read(jobYaml, "jobYaml");
            if (!parsed.isObject()) {
                throw new ConfigException("the jobYaml param must be a mapping of job settings, as a job file is");
            }
            job = (ObjectNode) parsed;
        }
        if (!job.has("type")) {
            job.put("type", "automl");
        }
        if (!job.has("task")) {
            job.put("task", SweepConfig.TASK);
        }
        for (Map.Entry<String, String> e : defaults.entrySet()) {
            if (!job.has(e.getKey())) {
                job.set(e.getKey(), read(e.getValue(), e.getKey()));
            }
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            job.set(e.getKey(), read(e.getValue(), e.getKey()));
        }
        job.set("training_data", data(TRAINING_ROWS));
        if (withValidation) {
            job.set("validation_data", data(VALIDATION_ROWS));
        } else {
            job.remove("validation_data");
        }
        byte[] yaml;
        try {
            yaml = YAML.writeValueAsBytes(job);
        } catch (JsonProcessingException e) {
            throw new ConfigException("cannot write the job of the InstanceSegmentationSweep params: " + e.getMessage());
        }
        return SweepConfig.parse(yaml, "the InstanceSegmentationSweep params (as a job file)", Storage.qualify("."));
    }

    private static JsonNode data(String path) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("type", "mltable");
        data.put("path", path);
        return YAML.valueToTree(data);
    }

    private static JsonNode read(String text, String param) throws ConfigException {
        try {
            JsonNode node = YAML.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new ConfigException("the " + param + " param is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ConfigException("the " + param + " param is not valid YAML or JSON: " + e.getOriginalMessage());
        }
    }
}
