package io.automlseg.driver.cli;

import io.automlseg.driver.scoring.InstanceSegmenter;
import io.automlseg.executor.data.DataError;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LoadOptions;
import io.automlseg.executor.data.MLTable;
import io.automlseg.executor.data.MLTableReader;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.trial.TrialFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code automl predict --model DIR --input MLTABLE_OR_FOLDER --output FILE.jsonl}: scores images with a sweep's
 * best model on Spark and writes one line per image in the reference product's batch-scoring format.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Score images with a saved model (a sweep's best_model/). Writes one JSON line per image: "
                + "filename, and boxes with box (normalised), label, score and polygon.")
final class PredictCommand implements Callable<Integer> {
    private static final Set<String> IMAGE_EXTENSIONS =
            Set.of("jpg", "jpeg", "jpe", "jfif", "png", "bmp", "tif", "tiff", "gif");

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "The saved model folder.")
    String model;

    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "An MLTable folder, a folder of images, or one image (any Hadoop path).")
    String input;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "The JSONL file to write.")
    String output;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master; default: Spark's configured master, else local[*].")
    String master;

    @Option(names = "--batch-size", defaultValue = "2", paramLabel = "N",
            description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1) {
            throw new CliException(ExitCodes.BAD_INPUT, "--batch-size must be at least 1");
        }
        if (!SavedModel.isComplete(model)) {
            throw new CliException(ExitCodes.BAD_INPUT, model + " is not a saved model (no "
                    + SavedModel.COMPLETE_MARKER + " marker): pass the best_model/ folder of a sweep");
        }
        List<String> images = imagesOf(input);
        if (images.isEmpty()) {
            throw new CliException(ExitCodes.BAD_INPUT, "no images found in " + input);
        }
        SparkSession.Builder builder = SparkSession.builder().appName("automl-seg predict");
        if (master != null) {
            builder.master(master);
        } else if (System.getProperty("spark.master") == null) {
            builder.master("local[*]");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            int partitions = Math.max(1, Math.min(images.size(), spark.sparkContext().defaultParallelism()));
            Dataset<Row> frame = spark.createDataset(images, Encoders.STRING()).toDF("image_url").repartition(partitions);
            List<Row> scored = new InstanceSegmenter().setModelPath(model).setBatchSize(batchSize)
                    .transform(frame).select("image_url", "prediction").collectAsList();
            // Lines in input order, whatever order the partitions finished in.
            java.util.Map<String, String> byImage = new java.util.HashMap<>();
            for (Row r : scored) {
                byImage.put(r.getString(0), r.getString(1));
            }
            StringBuilder out = new StringBuilder();
            for (String image : images) {
                out.append(byImage.get(image)).append('\n');
            }
            Storage.writeAtomically(output, out.toString().getBytes(StandardCharsets.UTF_8));
            System.out.printf("scored %d images with %s; predictions in %s%n", images.size(), model, output);
        } finally {
            spark.stop();
        }
        return ExitCodes.OK;
    }

    /** The images of an MLTable folder, a plain folder (recursively) or a single image file. */
    static List<String> imagesOf(String input) throws IOException {
        if (!Storage.exists(input)) {
            throw new CliException(ExitCodes.BAD_INPUT, "input not found: " + input);
        }
        if (!Storage.isDirectory(input)) {
            return List.of(Storage.qualify(input));
        }
        if (Storage.exists(TrialFiles.resolve(input, MLTable.FILE_NAME))) {
            try {
                List<String> urls = new ArrayList<>();
                for (ImageRecord r : MLTableReader.read(input, LoadOptions.validation()).records()) {
                    urls.add(r.imageUrl());
                }
                return urls;
            } catch (DataError e) {
                throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
            }
        }
        List<String> urls = new ArrayList<>();
        for (String file : Storage.listFilesRecursively(input)) {
            String name = file.substring(file.lastIndexOf('/') + 1);
            String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
            if (IMAGE_EXTENSIONS.contains(ext) && !name.startsWith(".")) {
                urls.add(file);
            }
        }
        urls.sort(String::compareTo);
        return urls;
    }
}
