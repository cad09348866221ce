package io.automlseg.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.cli.AutomlCli;
import io.automlseg.driver.cli.ExitCodes;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.predict.ScoredImage;
import io.automlseg.executor.predict.ScoringFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep whose data, configuration, run folder and best model are all on HDFS: a MiniDFSCluster (the Hadoop
 * version of Spark's client) holds an MLTable (YAML, JSONL, images); the sweep reads it on local[2], its trials'
 * JVMs read their specs and manifests and write their models through {@code hdfs://} URIs, and {@code predict}
 * scores the MLTable's images with the best model on HDFS, writing its output there too.
 */
@Tag("cluster")
class HdfsSweepTest {

    @TempDir
    Path tmp;

    @Test
    void sweepAndPredictWithEverythingOnHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("dfs").toString());
        MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        try {
            dfs.waitActive();
            String root = dfs.getURI().toString();
            FileSystem fs = dfs.getFileSystem();
            Path train = TinyData.mltable("train", 10, tmp.resolve("train"));
            Path validation = TinyData.mltable("validation", 2, tmp.resolve("validation"));
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(train.toUri()),
                    new org.apache.hadoop.fs.Path(root + "/data/train"));
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(validation.toUri()),
                    new org.apache.hadoop.fs.Path(root + "/data/validation"));
            String config = root + "/jobs/hdfs.yaml";
            Storage.writeString(config, TinyData.config(root + "/data/train", root + "/data/validation", 1, 1, 1));
            String output = root + "/runs/hdfs-sweep";

            assertEquals(ExitCodes.OK, AutomlCli.execute("sweep", "--config", config, "--output", output,
                    "--validate-only"));
            assertEquals(ExitCodes.OK, AutomlCli.execute("sweep", "--config", config, "--output", output,
                    "--master", "local[2]", "--trial-memory", "1g"));

            JsonNode trials = Json.MAPPER.readTree(Storage.readString(output + "/trials.json"));
            JsonNode trial = trials.get("trials").get(0);
            assertEquals("completed", trial.get("status").asText(), trial.toString());
            assertTrue(trial.get("trial_dir").asText().startsWith("hdfs://"), trial.toString());
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(output + "/trials/" + trial.get("trial_id").asText()
                    + "/model")), "the trial's JVM wrote its model to HDFS");
            assertTrue(SavedModel.isComplete(output + "/best_model"), "best model on HDFS");

            String predictions = root + "/scores/validation.jsonl";
            assertEquals(ExitCodes.OK, AutomlCli.execute("predict", "--model", output + "/best_model",
                    "--input", root + "/data/validation", "--output", predictions, "--master", "local[2]"));
            List<String> lines = Storage.readString(predictions).lines().toList();
            Set<String> scored = new TreeSet<>();
            for (int i = 0; i < lines.size(); i++) {
                ScoredImage image = ScoringFormat.fromJsonLine(lines.get(i), predictions + ":" + (i + 1));
                scored.add(image.filename().substring(image.filename().lastIndexOf('/') + 1));
            }
            Set<String> expected = new TreeSet<>();
            try (Stream<Path> images = Files.list(validation.resolve("images"))) {
                images.forEach(p -> expected.add(p.getFileName().toString()));
            }
            assertEquals(expected, scored, "one scoring line per image of the MLTable on HDFS");
        } finally {
            dfs.shutdown();
        }
    }
}
