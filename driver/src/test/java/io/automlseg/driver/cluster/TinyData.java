package io.automlseg.driver.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.automlseg.executor.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small MLTables cut from the repository's synthetic sample, and sweep configurations that train in seconds. */
public final class TinyData {
    static final Path SAMPLE = StandaloneCluster.REPO.resolve("datasets/synthetic-shapes");

    /** Settings that make a from-scratch trial take seconds: ResNet-18 at 64 px, small RoI and proposal budgets. */
    static final String FAST_TRAINING = """
              model_name: maskrcnn_resnet18_fpn
              number_of_epochs: %d
              training_batch_size: 2
              validation_batch_size: 2
              learning_rate: 0.002
              warmup_cosine_lr_warmup_epochs: 1
              min_size: 64
              max_size: 64
              box_score_threshold: 0.01
              box_batch_size_per_image: 32
              rpn_pre_nms_top_n_train: 100
              rpn_post_nms_top_n_train: 50
              rpn_pre_nms_top_n_test: 100
              rpn_post_nms_top_n_test: 30
            """;

    private TinyData() {}

    /**
     * Copies the first {@code n} images of a sample split with their MLTable into {@code out}, image URLs relative to
     * it (so the folder can be moved, e.g. to HDFS, as a whole).
     */
    public static Path mltable(String split, int n, Path out) throws IOException {
        Path source = SAMPLE.resolve(split);
        Files.createDirectories(out.resolve("images"));
        Files.copy(source.resolve("MLTable"), out.resolve("MLTable"));
        StringBuilder jsonl = new StringBuilder();
        List<String> lines = Files.readAllLines(source.resolve("annotations.jsonl"));
        for (String line : lines.subList(0, n)) {
            ObjectNode record = (ObjectNode) Json.MAPPER.readTree(line);
            String image = record.get("image_url").asText();
            Files.copy(source.resolve(image), out.resolve(image));
            jsonl.append(Json.line(record)).append('\n');
        }
        Files.writeString(out.resolve("annotations.jsonl"), jsonl);
        return out;
    }

    /** A job YAML over the given MLTable locations (paths or URIs). */
    static String config(String train, String validation, int maxTrials, int maxConcurrent, int epochs) {
        return """
                type: automl
                task: image_instance_segmentation
                experiment_name: cluster-test
                primary_metric: mean_average_precision
                target_column_name: label
                training_data: {type: mltable, path: "%s"}
                validation_data: {type: mltable, path: "%s"}
                limits: {max_trials: %d, max_concurrent_trials: %d}
                training_parameters:
                %s
                sweep: {sampling_algorithm: random}
                search_space:
                  - learning_rate: "uniform(0.001, 0.003)"
                """.formatted(train, validation, maxTrials, maxConcurrent, FAST_TRAINING.formatted(epochs));
    }
}
