package io.automlseg.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.cluster.TinyData;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.scoring.InstanceSegmentationModel;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.savedmodel.SavedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep as a Spark ML Estimator on the caller's session: the example fits, scores, saves and reloads a
 * pipeline; the run folder behaves as a CLI sweep's; the params mean what the job file's keys mean.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstanceSegmentationSweepTest {
    @TempDir
    static Path tmp;
    static SparkSession spark;
    static Path train;
    static Path validation;
    static Path run;

    @BeforeAll
    static void data() throws Exception {
        spark = SparkSession.builder().master("local[2]").appName("InstanceSegmentationSweepTest").getOrCreate();
        train = TinyData.mltable("train", 12, tmp.resolve("train"));
        validation = TinyData.mltable("validation", 3, tmp.resolve("validation"));
        run = tmp.resolve("run");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    @Order(1)
    void theExampleFitsAPipelineScoresSavesAndReloadsWithIdenticalPredictions() throws Exception {
        Path pipeline = tmp.resolve("pipeline");
        SweepAndScoreExample.Outcome o = SweepAndScoreExample.run(spark, train.toString(), validation.toString(),
                run.toString(), pipeline.toString(), 1);

        InstanceSegmentationModel model = o.model();
        assertTrue(SavedModel.isComplete(model.getModelUri()), model.getModelUri());
        assertTrue(model.getModelUri().endsWith("/best_model"), model.getModelUri());
        assertTrue(model.getRunFolder().endsWith("/run"), model.getRunFolder());
        assertTrue(model.parent() instanceof InstanceSegmentationSweep);
        JsonNode summary = Json.MAPPER.readTree(run.resolve("summary.json").toFile());
        assertEquals(2, summary.get("trials").asInt(), summary.toString());
        assertTrue(Files.isDirectory(run.resolve("journal")), "the sweep is journaled as a CLI sweep is");
        assertEquals(12, Files.readAllLines(run.resolve("data/train.jsonl")).size(), "training rows");
        assertEquals(3, Files.readAllLines(run.resolve("data/validation.jsonl")).size(), "validation rows");

        assertEquals(3, o.scored().size());
        for (Row r : o.scored()) {
            assertNull(r.getAs("error"), r.toString());
            assertTrue(r.getList(r.fieldIndex("predictions")) != null, r.toString());
        }
        assertEquals(o.scored(), o.reloaded(), "the reloaded pipeline scores as the fitted one");
        InstanceSegmentationModel loaded = (InstanceSegmentationModel) PipelineModel.load(pipeline.toString())
                .stages()[0];
        assertTrue(loaded.getModelUri().contains(pipeline.resolve("stages").toString()),
                "the saved pipeline carries its own copy of the model: " + loaded.getModelUri());
        assertEquals(model.getRunFolder(), loaded.getRunFolder());
    }

    @Test
    @Order(2)
    void theRunFolderIsAdmittedAsACliSweepsIsAndAnEndedSweepIsNotRunAgain() throws Exception {
        Dataset<Row> images = TrainingFrames.read(spark, train.toString()).withColumn("is_validation",
                org.apache.spark.sql.functions.lit(false)).unionByName(TrainingFrames.read(spark,
                validation.toString()).withColumn("is_validation", org.apache.spark.sql.functions.lit(true)));
        InstanceSegmentationSweep again = SweepAndScoreExample.sweep(run.toString(), 1)
                .setValidationIndicatorCol("is_validation");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> again.fit(images));
        assertTrue(refused.getMessage().contains("already holds sweep"), refused.getMessage());

        String journal = Files.readString(Files.list(run.resolve("journal")).sorted().findFirst().orElseThrow());
        InstanceSegmentationModel resumed = again.setResume(true).fit(images);
        assertTrue(resumed.getModelUri().endsWith("/run/best_model"), resumed.getModelUri());
        assertEquals(journal, Files.readString(Files.list(run.resolve("journal")).sorted().findFirst().orElseThrow()),
                "an ended sweep runs nothing when fitted again with resume");
    }

    @Test
    void paramsOverrideTheJobYamlAndAreCheckedAsTheJobFileIs() {
        String job = """
                primary_metric: mean_average_precision
                target_column_name: objects
                limits: {max_trials: 5, max_concurrent_trials: 1}
                training_parameters: {model_name: maskrcnn_resnet18_fpn}
                training_data: {type: mltable, path: ignored/because/the/DataFrame/is/the/data}
                """;
        SweepConfig config = new InstanceSegmentationSweep().setJobYaml(job).setLimits(Map.of("max_trials", 3))
                .sweepConfig();
        assertEquals(3, config.limits().maxTrials(), "the limits param replaces the job's limits");
        assertEquals("objects", config.targetColumnName(), "a job key not set as a param stays");
        assertEquals(SweepJob.TRAINING_ROWS, config.trainingData().path());
        assertEquals(0.2, new InstanceSegmentationSweep().sweepConfig().validationDataSize(), 1e-12,
                "without a job, the job file's defaults");

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new InstanceSegmentationSweep()
                .setLimits("{max_trials: 0}").setTrainingParameters(Map.of("learning_rate", -1)).sweepConfig());
        assertTrue(bad.getMessage().contains("limits.max_trials") && bad.getMessage().contains("learning_rate"),
                "every problem in one message: " + bad.getMessage());

        Dataset<Row> noLabels = spark.createDataFrame(List.of(), TrainingFrames.SCHEMA).drop("label");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new InstanceSegmentationSweep().setRunFolder(tmp.resolve("x").toString()).fit(noLabels));
        assertTrue(missing.getMessage().contains("no column 'label'")
                && missing.getMessage().contains("image_url, image_details"), missing.getMessage());
    }

    @Test
    void anUnfittedSweepSavesAndLoadsWithItsParams() throws Exception {
        InstanceSegmentationSweep sweep = SweepAndScoreExample.sweep("hdfs://namenode:8020/runs/pantry", 3)
                .setValidationDataSize(0.25);
        Path saved = tmp.resolve("estimator");
        sweep.write().save(saved.toString());
        InstanceSegmentationSweep loaded = InstanceSegmentationSweep.load(saved.toString());
        assertEquals(sweep.uid(), loaded.uid());
        assertEquals(sweep.extractParamMap().toString(), loaded.extractParamMap().toString());
        assertEquals(sweep.sweepConfig().limits(), loaded.sweepConfig().limits());
    }
}
