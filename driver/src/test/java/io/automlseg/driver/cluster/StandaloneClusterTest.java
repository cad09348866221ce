package io.automlseg.driver.cluster;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.scoring.InstanceSegmentationModel;
import io.automlseg.driver.scoring.ModelCache;
import io.automlseg.driver.scoring.TinyScoringModel;
import io.automlseg.driver.spark.TrialLaunch;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.predict.ImageScorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Sweeps on a real Spark standalone cluster: a Master and two Workers on 127.0.0.1 in their own JVMs, executors
 * launched by the Workers from the Maven-built Spark home, the sweep submitted with {@code scripts/submit.sh}
 * through SparkSubmit, real trials (ResNet-18 Mask R-CNN at 64 px) in child JVMs of the executors. Each Worker
 * offers 3 cores and two fake GPUs ("0" and "1", from a discovery script), so one cluster serves a CPU sweep with
 * one task slot per executor and a GPU-scheduled sweep whose slots are limited by GPUs, not cores. (A lost
 * executor's trial rerunning elsewhere from its checkpoint is ChaosSweepTest's.)
 */
@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
    private static final Duration SWEEP_TIMEOUT = Duration.ofMinutes(8);

    private Path tmp;
    private StandaloneCluster cluster;
    private Path appJar;
    private String jars;
    private Path train;
    private Path validation;
    private Path gpuScript;

    @BeforeAll
    void startCluster() throws Exception {
        long t0 = System.nanoTime();
        tmp = Files.createTempDirectory("automlseg-cluster-");
        gpuScript = tmp.resolve("fake-gpus.sh");
        Files.writeString(gpuScript, "#!/usr/bin/env bash\necho '{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}'\n");
        Files.setPosixFilePermissions(gpuScript, PosixFilePermissions.fromString("rwxr-xr-x"));
        train = TinyData.mltable("train", 10, tmp.resolve("train"));
        validation = TinyData.mltable("validation", 2, tmp.resolve("validation"));
        appJar = Submission.thinAppJar(tmp);
        jars = Submission.bundledJars();
        assertEquals(7, jars.split(",").length, "the bundled jars on the test classpath: " + jars);
        cluster = new StandaloneCluster(Files.createDirectories(tmp.resolve("cluster")), 2, 3, Map.of(
                "spark.worker.resource.gpu.amount", "2",
                "spark.worker.resource.gpu.discoveryScript", gpuScript.toString()));
        System.out.printf("standalone cluster up in %.1f s at %s%n", (System.nanoTime() - t0) / 1e9,
                cluster.masterUrl());
    }

    @AfterAll
    void stopCluster() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        if (tmp != null) {
            try (Stream<Path> files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void trialsRunOnBothExecutorsAndConcurrencyIsCappedToTheSlots() throws Exception {
        Path config = tmp.resolve("cpu.yaml");
        Files.writeString(config, TinyData.config(train.toString(), validation.toString(), 2, 3, 1));
        Path output = tmp.resolve("run-cpu");
        Submission.Result r = Submission.run(appJar, tmp.resolve("submit-cpu.log"), SWEEP_TIMEOUT, List.of(
                config.toString(), "--master", cluster.masterUrl(), "--output", output.toString(),
                "--run-id", "cluster-cpu", "--jars", jars, "--executor-memory", "768m",
                "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=2", "--trial-memory", "1g"));
        assertEquals(0, r.exitCode(), "sweep exit code; output:\n" + r.output() + cluster.logs());
        assertTrue(r.output().contains("org.apache.spark.deploy.SparkSubmit"), "the command is printed");
        assertTrue(r.output().contains("max_concurrent_trials 3 capped to 2 (Spark has 2 task slots on 2 executors"),
                r.output());

        List<JsonNode> trials = trials(output);
        assertEquals(2, trials.size());
        Map<String, Integer> perExecutor = new TreeMap<>();
        for (JsonNode t : trials) {
            assertEquals("completed", t.get("status").asText(), t.toString());
            assertNotNull(t.get("host"), t.toString());
            assertFalse(t.has("gpu_address"), "no GPU scheduling in this sweep: " + t);
            // The workers have (fake) GPUs, and a sweep that schedules none hides them from its trials.
            assertEquals("cpu", t.get("device").asText(), t.toString());
            String log = Files.readString(output.resolve("trials/" + t.get("trial_id").asText() + "/trial.log"));
            assertTrue(log.contains("trains on cpu() (CUDA_VISIBLE_DEVICES=\"\")"), log);
            perExecutor.merge(t.get("executor_id").asText(), 1, Integer::sum);
        }
        assertEquals(2, perExecutor.size(), "trials ran on both executors: " + perExecutor);
        assertFalse(perExecutor.containsKey("driver"), "trials ran on executors, not the driver");
        System.out.printf("standalone CPU sweep: %.1f s wall time, trials per executor %s%n",
                r.wallTime().toMillis() / 1000.0, perExecutor);
    }

    @Test
    @Order(2)
    void gpuSlotsGiveEachTrialItsOwnAddressAndTheTrialSaysWhyItUsesTheCpu() throws Exception {
        Path config = tmp.resolve("gpu.yaml");
        Files.writeString(config, TinyData.config(train.toString(), validation.toString(), 2, 3, 1));
        Path output = tmp.resolve("run-gpu");
        // One executor with 3 cores and 2 GPUs at 1 GPU per task: 2 slots, limited by the GPUs.
        Submission.Result r = Submission.run(appJar, tmp.resolve("submit-gpu.log"), SWEEP_TIMEOUT, List.of(
                config.toString(), "--master", cluster.masterUrl(), "--output", output.toString(),
                "--run-id", "cluster-gpu", "--jars", jars, "--executor-memory", "768m",
                "--conf", "spark.executor.cores=3", "--conf", "spark.cores.max=3",
                "--conf", "spark.executor.resource.gpu.amount=2", "--conf", "spark.task.resource.gpu.amount=1",
                "--conf", "spark.executor.resource.gpu.discoveryScript=" + gpuScript, "--trial-memory", "1g"));
        assertEquals(0, r.exitCode(), "sweep exit code; output:\n" + r.output() + cluster.logs());
        // 3 cores would give 3 slots: the 2 GPUs are what limit them.
        assertTrue(r.output().contains("Spark has 2 task slots on 1 executor (spark.task.cpus=1, "
                + "spark.task.resource.gpu.amount=1)"), r.output());
        assertTrue(r.output().contains("max_concurrent_trials 3 capped to 2"), r.output());

        List<JsonNode> trials = trials(output);
        assertEquals(2, trials.size());
        Set<String> executors = new HashSet<>();
        for (JsonNode t : trials) {
            assertEquals("completed", t.get("status").asText(), t.toString());
            String address = t.path("gpu_address").asText(null);
            assertTrue("0".equals(address) || "1".equals(address), "one assigned GPU per trial: " + t);
            assertEquals("cpu", t.get("device").asText(), t.toString());
            assertTrue(t.get("device_note").asText().contains("Spark assigned GPU " + address)
                    && t.get("device_note").asText().contains("CPU-only"), t.get("device_note").asText());
            executors.add(t.get("executor_id").asText());
        }
        assertEquals(1, executors.size(), "all trials shared one executor's GPUs: " + executors);
        int overlapping = 0;
        for (int i = 0; i < trials.size(); i++) {
            for (int j = i + 1; j < trials.size(); j++) {
                if (overlap(trials.get(i), trials.get(j))) {
                    overlapping++;
                    assertNotEquals(trials.get(i).get("gpu_address").asText(),
                            trials.get(j).get("gpu_address").asText(),
                            "trials running at the same time never share a GPU: " + trials.get(i) + trials.get(j));
                }
            }
        }
        assertTrue(overlapping >= 1, "two trials ran at once on the two GPU slots");
        System.out.printf("standalone GPU-scheduled sweep: %.1f s wall time%n", r.wallTime().toMillis() / 1000.0);
    }

    /**
     * Spark ML scoring on both executors, from a session in this JVM: the transform's typed predictions equal
     * {@code automl predict}'s scoring records (ImageScorer.predict) for the same images, and each executor JVM loads
     * the model once, for all its tasks and for a second transform. What this JVM does itself (writing the model,
     * computing predict's records) overlaps with the executors starting and loading the model.
     */
    @Test
    @Order(3)
    void scoringOnBothExecutorsEqualsPredictAndLoadsTheModelOncePerExecutor() throws Exception {
        long t0 = System.nanoTime();
        SparkSession spark = SparkSession.builder().master(cluster.masterUrl()).appName("cluster-scoring")
                .config("spark.jars", String.join(",", appJar.toString(), jars, ClusterScoring.jar(tmp).toString()))
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.executor.extraJavaOptions", String.join(" ", TrialLaunch.JAVA17_OPENS))
                .config("spark.executor.memory", "768m").config("spark.executor.cores", "1")
                .config("spark.cores.max", "2").config("spark.task.maxFailures", "1")
                // Spark's image data source then reads one image file per partition.
                .config("spark.sql.files.maxPartitionBytes", "1024")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            assertEquals(cluster.masterUrl(), spark.sparkContext().master(), "a new session on the cluster");
            Path model = tmp.resolve("scoring-model");
            TinyScoringModel.write(model);
            String modelUri = model.toString();
            Path imageDir = tmp.resolve("scoring-images");
            List<String> uris = ClusterScoring.images(imageDir);
            awaitExecutors(spark, 2);

            Column executor = functions.udf(ClusterScoring.EXECUTOR_ID, DataTypes.StringType).asNondeterministic()
                    .apply();
            InstanceSegmentationModel stage = InstanceSegmentationModel.fromSavedModel(modelUri)
                    .setInputKind("uri").setInputCol("image_url").setBatchSize(1);
            Dataset<Row> frame = spark.createDataset(JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelize(uris, 8).rdd(), Encoders.STRING()).toDF("image_url");
            CompletableFuture<List<Row>> scoring = CompletableFuture.supplyAsync(() -> stage.transform(frame)
                    .select(col("image_url"), col("predictions"), col("error"), executor, spark_partition_id())
                    .collectAsList());

            Map<String, String> uriByName = new TreeMap<>();
            Map<String, String> expected = new TreeMap<>();
            try (ImageScorer scorer = ImageScorer.load(modelUri)) {
                for (String uri : uris) {
                    // One image per forward pass on both sides (batchSize 1): a batch pads its images to one size.
                    uriByName.put(fileName(uri), uri);
                    expected.put(fileName(uri), Json.line(scorer.predict(List.of(uri)).get(0)));
                }
            }
            assertTrue(expected.values().stream().anyMatch(line -> line.contains("\"label\"")),
                    "the tiny model detects objects, so objects are compared: " + expected);

            Map<String, Set<Integer>> tasks = new TreeMap<>();
            for (Row r : scoring.get(5, TimeUnit.MINUTES)) {
                assertNull(r.get(2), "error for " + r.getString(0));
                assertEquals(expected.get(fileName(r.getString(0))),
                        Json.line(ClusterScoring.record(r.getString(0), r.getList(1))), r.getString(0));
                tasks.computeIfAbsent(r.getString(3), e -> new TreeSet<>()).add(r.getInt(4));
            }
            assertEquals(2, tasks.size(), "scoring tasks ran on both executors: " + tasks);
            assertEquals(8, tasks.values().stream().mapToInt(Set::size).sum(), "partitions per executor " + tasks);
            Map<String, Integer> loads = modelLoads(spark, modelUri);
            assertEquals(tasks.keySet(), loads.keySet(), "the load counts of both executors");
            assertTrue(loads.values().stream().allMatch(n -> n == 1), "one load per executor for its tasks: " + loads);
            assertEquals(0, ModelCache.loads(modelUri), "the driver scored nothing");

            // A second job, from Spark's image data source this time (grey, BGR and BGRA structs).
            Dataset<Row> structs = spark.read().format("image").load(imageDir.toString());
            InstanceSegmentationModel imageStage = InstanceSegmentationModel.fromSavedModel(modelUri)
                    .setInputKind("image").setInputCol("image").setBatchSize(1);
            Set<String> secondExecutors = new TreeSet<>();
            int rows = 0;
            for (Row r : imageStage.transform(structs).select(col("image.origin"), col("predictions"),
                    col("error"), executor).collectAsList()) {
                String name = fileName(r.getString(0));
                assertNull(r.get(2), "error for " + name);
                assertEquals(expected.get(name), Json.line(ClusterScoring.record(uriByName.get(name), r.getList(1))),
                        name);
                secondExecutors.add(r.getString(3));
                rows++;
            }
            assertEquals(12, rows);
            assertEquals(tasks.keySet(), secondExecutors, "the second transform ran on the same executors");
            loads = modelLoads(spark, modelUri);
            assertEquals(tasks.keySet(), loads.keySet(), "the load counts of both executors");
            assertTrue(loads.values().stream().allMatch(n -> n == 1), "no executor loaded the model again: " + loads);
            System.out.printf("standalone scoring: 12 images, two transforms, tasks per executor %s, %.1f s%n",
                    tasks, (System.nanoTime() - t0) / 1e9);
        } finally {
            spark.stop();
        }
    }

    /** Per executor, how many times its JVM loaded the model, from a job whose tasks reach every executor. */
    private static Map<String, Integer> modelLoads(SparkSession spark, String modelUri) {
        Map<String, Integer> loads = new TreeMap<>();
        for (String line : spark.range(0, 8, 1, 8).mapPartitions(ClusterScoring.modelLoads(modelUri),
                Encoders.STRING()).collectAsList()) {
            String[] parts = line.split(" ");
            Integer before = loads.put(parts[0], Integer.parseInt(parts[1]));
            assertTrue(before == null || before == Integer.parseInt(parts[1]), line);
        }
        return loads;
    }

    private static void awaitExecutors(SparkSession spark, int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        // the driver counts as one
        while (spark.sparkContext().statusTracker().getExecutorInfos().length < n + 1) {
            assertTrue(System.nanoTime() < end, "no " + n + " executors within 90 s");
            Thread.sleep(200);
        }
    }

    private static String fileName(String uri) {
        return uri.substring(uri.lastIndexOf('/') + 1);
    }

    private static boolean overlap(JsonNode a, JsonNode b) {
        Instant s1 = Instant.parse(a.get("started_at").asText());
        Instant e1 = Instant.parse(a.get("finished_at").asText());
        Instant s2 = Instant.parse(b.get("started_at").asText());
        Instant e2 = Instant.parse(b.get("finished_at").asText());
        return s1.isBefore(e2) && s2.isBefore(e1);
    }

    private static List<JsonNode> trials(Path output) throws IOException {
        JsonNode doc = Json.MAPPER.readTree(output.resolve("trials.json").toFile());
        List<JsonNode> list = new ArrayList<>();
        doc.get("trials").forEach(list::add);
        return list;
    }
}
