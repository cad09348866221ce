package io.automlseg.driver.ml;

import static org.apache.spark.sql.functions.lit;

import io.automlseg.driver.scoring.InstanceSegmentationModel;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The sweep and the scoring from a user's own Spark code: read labelled images, fit the sweep in a pipeline,
 * score, save the pipeline, load it and score again. {@code scripts/examples/sweep-and-score.sh} runs it;
 * {@code InstanceSegmentationSweepTest} runs it and checks what it returns.
 *
 * <pre>SweepAndScoreExample TRAIN_MLTABLE VALIDATION_MLTABLE RUN_FOLDER PIPELINE_FOLDER [EPOCHS]</pre>
 */
public final class SweepAndScoreExample {
    /** What the example produced: the fitted stage, and the predictions before and after the pipeline's reload. */
    record Outcome(InstanceSegmentationModel model, List<Row> scored, List<Row> reloaded) {}

    private SweepAndScoreExample() {}

    public static void main(String[] args) throws java.io.IOException {
        SparkSession spark = SparkSession.builder().appName("sweep-and-score example").master("local[2]")
                .getOrCreate();
        Outcome outcome = run(spark, args[0], args[1], args[2], args[3], args.length > 4 ? Integer.parseInt(args[4]) : 1);
        System.out.println("best model: " + outcome.model().getModelUri() + " (run " + outcome.model().getRunFolder()
                + "); identical predictions after reloading the pipeline: " + outcome.scored().equals(outcome.reloaded()));
        spark.stop();
    }

    static Outcome run(SparkSession spark, String train, String validation, String runFolder, String pipelineFolder,
                       int epochs) throws java.io.IOException {
        // The columns of the reference's JSONL; rows marked true are the validation data.
        Dataset<Row> images = TrainingFrames.read(spark, train).withColumn("is_validation", lit(false))
                .unionByName(TrainingFrames.read(spark, validation).withColumn("is_validation", lit(true)));

        InstanceSegmentationSweep sweep = sweep(runFolder, epochs).setValidationIndicatorCol("is_validation");
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {sweep}).fit(images);
        InstanceSegmentationModel model = (InstanceSegmentationModel) fitted.stages()[0];
        Dataset<Row> validationImages = images.where("is_validation").select("image_url");
        List<Row> scored = fitted.transform(validationImages).orderBy("image_url").collectAsList();

        fitted.write().overwrite().save(pipelineFolder);
        List<Row> reloaded = PipelineModel.load(pipelineFolder).transform(validationImages).orderBy("image_url")
                .collectAsList();
        return new Outcome(model, scored, reloaded);
    }

    /** The sweep: two trials of a small ResNet-18 Mask R-CNN, learning rate searched, in the given run folder. */
    static InstanceSegmentationSweep sweep(String runFolder, int epochs) {
        return new InstanceSegmentationSweep()
                .setRunFolder(runFolder)
                .setPrimaryMetric("mean_average_precision")
                .setLimits(Map.of("max_trials", 2, "max_concurrent_trials", 2))
                .setTrainingParameters(Map.ofEntries(Map.entry("model_name", "maskrcnn_resnet18_fpn"),
                        Map.entry("pretrained_weights", "none"), Map.entry("number_of_epochs", epochs),
                        Map.entry("training_batch_size", 2), Map.entry("min_size", 64), Map.entry("max_size", 64),
                        Map.entry("box_score_threshold", 0.01), Map.entry("box_batch_size_per_image", 32),
                        Map.entry("rpn_pre_nms_top_n_train", 100), Map.entry("rpn_post_nms_top_n_train", 50),
                        Map.entry("rpn_pre_nms_top_n_test", 100), Map.entry("rpn_post_nms_top_n_test", 30)))
                .setSweep(Map.of("sampling_algorithm", "random"))
                .setSearchSpace("[{learning_rate: {type: uniform, min_value: 0.001, max_value: 0.003}}]")
                .setTrialMemory("1g");
    }
}
