package io.automlseg.driver.cli;

import io.automlseg.driver.scoring.BatchScoring;
import io.automlseg.driver.scoring.InstanceSegmentationModel;
import io.automlseg.executor.data.DataError;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LoadOptions;
import io.automlseg.executor.data.MLTable;
import io.automlseg.executor.data.MLTableReader;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.savedmodel.PredictionSettings;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.trial.TrialFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code automl predict --model DIR --input MLTABLE_OR_FOLDER --output FILE.jsonl}: scores images with a sweep's
 * best model on Spark and writes one line per image in the reference product's batch-scoring format.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Score images with a saved model (a sweep's best_model/) on Spark; the executors write the "
                + "output. JSONL: one line per image, in input order: filename, and boxes with box (normalised), "
                + "label, score and polygon; an image that cannot be scored gets boxes [] and an error.")
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

    @Option(names = "--output-format", defaultValue = "jsonl", paramLabel = "FORMAT",
            description = "jsonl (one file, default) or parquet (a folder: filename, typed predictions, error).")
    String outputFormat;

    @Option(names = "--fail-on-bad-image",
            description = "Exit 2 without writing any output if an image cannot be scored (default: such an image's "
                    + "line carries an error and the others are scored).")
    boolean failOnBadImage;

    @Option(names = "--mask-pixel-score-threshold", paramLabel = "P",
            description = "Pixel probability above which a pixel is the object's, in [0, 1] (default: the model's "
                    + "settings.json mask_pixel_score_threshold).")
    Double maskPixelScoreThreshold;

    @Option(names = "--max-number-of-polygon-points", paramLabel = "N",
            description = "Most points of each polygon, at least 1 (default: the model's settings.json "
                    + "max_number_of_polygon_points).")
    Integer maxNumberOfPolygonPoints;

    @Option(names = "--export-as-image", negatable = true, paramLabel = "BOOL",
            description = "Also write each detection's mask as an image file under masks/ beside the output: "
                    + "masks/<image>/<label>/<image>_<i>_label_<label>_conf_<score>.<type> (default: the model's "
                    + "settings.json export_as_image).")
    Boolean exportAsImage;

    @Option(names = "--image-type", paramLabel = "TYPE",
            description = "Format of the mask images: jpg, png or bmp (default: the model's settings.json image_type).")
    String imageType;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1) {
            throw new CliException(ExitCodes.BAD_INPUT, "--batch-size must be at least 1");
        }
        BatchScoring.Format format;
        try {
            format = BatchScoring.Format.of(outputFormat);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.BAD_INPUT, "--output-format: " + e.getMessage());
        }
        if (!SavedModel.isComplete(model)) {
            throw new CliException(ExitCodes.BAD_INPUT, model + " is not a saved model (no "
                    + SavedModel.COMPLETE_MARKER + " marker): pass the best_model/ folder of a sweep");
        }
        try {
            SavedModel.verify(model);
        } catch (IOException | RuntimeException e) {
            // a description that does not parse, a missing or damaged weight file: the folder, not a retry, is wrong
            throw new CliException(ExitCodes.BAD_INPUT, "the model folder " + model + " is damaged: "
                    + e.getMessage());
        }
        if (format == BatchScoring.Format.JSONL && Storage.exists(output) && Storage.isDirectory(output)) {
            throw new CliException(ExitCodes.BAD_INPUT, "--output " + output + " is a folder: JSONL output is one "
                    + "file (or use --output-format parquet)");
        }
        PredictionSettings settings = predictionSettings(SavedModel.read(model));
        MaskFolder masks = settings.exportAsImage() ? MaskFolder.beside(output) : null;
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
            InstanceSegmentationModel stage = InstanceSegmentationModel.fromSavedModel(model).setBatchSize(batchSize)
                    .setMaskPixelScoreThreshold(settings.maskPixelScoreThreshold())
                    .setMaxNumberOfPolygonPoints(settings.maxNumberOfPolygonPoints())
                    .setImageType(settings.imageType());
            if (masks != null) {
                stage.setMaskImageFolder(masks.staging());
            }
            BatchScoring.Pending pending = BatchScoring.score(spark, stage, images, output, format);
            BatchScoring.Outcome outcome = pending.outcome();
            if (outcome.unscored() > 0 && (failOnBadImage || outcome.scored() == 0)) {
                pending.discard();
                if (masks != null) {
                    masks.discard();
                }
                throw new CliException(ExitCodes.BAD_INPUT, (outcome.scored() == 0 ? "no image could be scored"
                        : outcome.unscored() + " of " + images.size() + " images could not be scored "
                        + "(--fail-on-bad-image)") + "; nothing written. First: " + String.join("; ",
                        outcome.firstProblems()));
            }
            pending.publish();
            if (masks != null) {
                masks.publish();
                System.out.printf("mask images (%s) in %s%n", settings.imageType(), masks.folder());
            }
            if (outcome.unscored() > 0) {
                System.out.printf("Warning: %d of %d images could not be scored (their lines carry an error), "
                        + "first: %s%n", outcome.unscored(), images.size(), String.join("; ",
                        outcome.firstProblems()));
            }
            System.out.printf("scored %d images with %s; predictions in %s%n", outcome.scored(), model, output);
        } finally {
            spark.stop();
        }
        return ExitCodes.OK;
    }

    /** The model's prediction settings with this command's overrides, each checked; a bad one exits 2. */
    PredictionSettings predictionSettings(SavedModel saved) {
        PredictionSettings base;
        try {
            base = PredictionSettings.of(saved.settings());
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.BAD_INPUT, model + "/" + SavedModel.SETTINGS_JSON + ": " + e.getMessage());
        }
        Object[][] overrides = {{"--mask-pixel-score-threshold", maskPixelScoreThreshold},
            {"--max-number-of-polygon-points", maxNumberOfPolygonPoints}, {"--image-type", imageType}};
        for (Object[] o : overrides) {
            try {
                base.withOverrides(o[1] instanceof Double d ? d : null, o[1] instanceof Integer i ? i : null, null,
                        o[1] instanceof String t ? t : null);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.BAD_INPUT, o[0] + ": " + e.getMessage());
            }
        }
        return base.withOverrides(maskPixelScoreThreshold, maxNumberOfPolygonPoints, exportAsImage, imageType);
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
