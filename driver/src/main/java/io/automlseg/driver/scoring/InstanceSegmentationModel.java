package io.automlseg.driver.scoring;

import io.automlseg.executor.savedmodel.SavedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Instance segmentation of a DataFrame of images with a saved model (a sweep's {@code best_model/}, an imported or a
 * checkpointed model), as a Spark ML {@link Model}. The input column holds Spark's image data source struct
 * ({@code inputKind=image}), encoded JPEG/PNG bytes such as binaryFile's {@code content} ({@code binary}) or image
 * URIs on any Hadoop file system ({@code uri}). The output adds typed columns: {@code outputCol}, the detected objects
 * of each image (see {@link PredictionRows}), and {@code errorCol}, why an image could not be decoded (its
 * predictions are then null). Each executor JVM loads the model once ({@link ModelCache}) and streams its partitions
 * through it in batches of {@code batchSize}. {@code maskPixelScoreThreshold}, {@code maxNumberOfPolygonPoints} and
 * {@code imageType} override the saved model's settings; with {@code maskImageFolder} each detection's mask is also
 * written there as an image file ({@link io.automlseg.executor.predict.MaskImages}). It saves and loads as Spark ML stages do ({@link StagePersistence}),
 * alone or in a {@code PipelineModel}.
 */
public final class InstanceSegmentationModel extends Model<InstanceSegmentationModel> implements MLWritable {
    private static final long serialVersionUID = 1L;

    // Spark ML finds params through public no-argument methods returning Param; the uid must be set before them.
    private final String uid;
    private final Param<String> modelUri;
    private final Param<String> inputCol;
    private final Param<String> inputKind;
    private final Param<String> outputCol;
    private final Param<String> errorCol;
    private final IntParam batchSize;
    private final BooleanParam includeRle;
    private final Param<String> runFolder;
    private final DoubleParam maskPixelScoreThreshold;
    private final IntParam maxNumberOfPolygonPoints;
    private final Param<String> maskImageFolder;
    private final Param<String> imageType;

    public InstanceSegmentationModel() {
        this(Identifiable$.MODULE$.randomUID("instanceSegmentationModel"));
    }

    public InstanceSegmentationModel(String uid) {
        this.uid = uid;
        modelUri = new Param<>(this, "modelUri", "folder of the saved model (any Hadoop file system)");
        inputCol = new Param<>(this, "inputCol", "column with the images");
        inputKind = new Param<>(this, "inputKind", "what the input column holds: image (Spark's image data source "
                + "struct), binary (encoded JPEG/PNG bytes, as binaryFile's content) or uri (image URIs)",
                ParamValidators.inArray(new String[] {"image", "binary", "uri"}));
        outputCol = new Param<>(this, "outputCol", "column for the detected objects of each image");
        errorCol = new Param<>(this, "errorCol", "column for why an image could not be decoded (null if it could)");
        batchSize = new IntParam(this, "batchSize", "images per forward pass", ParamValidators.gtEq(1));
        includeRle = new BooleanParam(this, "includeRle", "whether each object carries its mask as COCO RLE");
        runFolder = new Param<>(this, "runFolder", "the run folder of the sweep that made the model, when a sweep "
                + "Estimator fitted it");
        maskPixelScoreThreshold = new DoubleParam(this, "maskPixelScoreThreshold", "pixel probability above which a"
                + " pixel is the object's; unset: the saved model's mask_pixel_score_threshold",
                ParamValidators.inRange(0, 1));
        maxNumberOfPolygonPoints = new IntParam(this, "maxNumberOfPolygonPoints", "most points of each polygon;"
                + " unset: the saved model's max_number_of_polygon_points", ParamValidators.gt(0));
        maskImageFolder = new Param<>(this, "maskImageFolder", "folder to write each detection's mask into as an"
                + " image file (export_as_image); unset: none written");
        imageType = new Param<>(this, "imageType", "format of the mask images: jpg, png or bmp; unset: the saved"
                + " model's image_type", ParamValidators.inArray(new String[] {"jpg", "png", "bmp"}));
        setDefault(inputCol, "image");
        setDefault(inputKind, "image");
        setDefault(outputCol, "predictions");
        setDefault(errorCol, "error");
        setDefault(batchSize, 4);
        setDefault(includeRle, false);
    }

    /** A model scoring with the saved model in {@code modelUri}; fails at once if the folder holds no model. */
    public static InstanceSegmentationModel fromSavedModel(String modelUri) {
        try {
            if (!SavedModel.isComplete(modelUri)) {
                throw new IllegalArgumentException(modelUri + " is not a saved model folder (no "
                        + SavedModel.COMPLETE_MARKER + " marker; expected e.g. the best_model/ folder of a sweep)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + modelUri, e);
        }
        return new InstanceSegmentationModel().setModelUri(modelUri);
    }

    public Param<String> modelUri() {
        return modelUri;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> inputKind() {
        return inputKind;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> errorCol() {
        return errorCol;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public BooleanParam includeRle() {
        return includeRle;
    }

    public Param<String> runFolder() {
        return runFolder;
    }

    public DoubleParam maskPixelScoreThreshold() {
        return maskPixelScoreThreshold;
    }

    public IntParam maxNumberOfPolygonPoints() {
        return maxNumberOfPolygonPoints;
    }

    public Param<String> maskImageFolder() {
        return maskImageFolder;
    }

    public Param<String> imageType() {
        return imageType;
    }

    public InstanceSegmentationModel setMaskPixelScoreThreshold(double value) {
        return (InstanceSegmentationModel) set(maskPixelScoreThreshold, value);
    }

    public InstanceSegmentationModel setMaxNumberOfPolygonPoints(int value) {
        return (InstanceSegmentationModel) set(maxNumberOfPolygonPoints, value);
    }

    public InstanceSegmentationModel setMaskImageFolder(String value) {
        return (InstanceSegmentationModel) set(maskImageFolder, value);
    }

    public InstanceSegmentationModel setImageType(String value) {
        return (InstanceSegmentationModel) set(imageType, value);
    }

    /** What this stage changes of the saved model's prediction settings, and where mask images go. */
    PartitionScorer.Options scoringOptions() {
        return new PartitionScorer.Options(
                isDefined(maskPixelScoreThreshold) ? (Double) $(maskPixelScoreThreshold) : null,
                isDefined(maxNumberOfPolygonPoints) ? (Integer) $(maxNumberOfPolygonPoints) : null,
                isDefined(maskImageFolder) ? $(maskImageFolder) : null,
                isDefined(imageType) ? $(imageType) : null);
    }

    public String getModelUri() {
        return $(modelUri);
    }

    public String getInputCol() {
        return $(inputCol);
    }

    public String getInputKind() {
        return $(inputKind);
    }

    public String getOutputCol() {
        return $(outputCol);
    }

    public String getErrorCol() {
        return $(errorCol);
    }

    public int getBatchSize() {
        return (Integer) $(batchSize);
    }

    public boolean getIncludeRle() {
        return (Boolean) $(includeRle);
    }

    /** The sweep's run folder, or null when the model was not fitted by {@code InstanceSegmentationSweep}. */
    public String getRunFolder() {
        return isDefined(runFolder) ? $(runFolder) : null;
    }

    public InstanceSegmentationModel setRunFolder(String value) {
        return (InstanceSegmentationModel) set(runFolder, value);
    }

    public InstanceSegmentationModel setModelUri(String value) {
        return (InstanceSegmentationModel) set(modelUri, value);
    }

    public InstanceSegmentationModel setInputCol(String value) {
        return (InstanceSegmentationModel) set(inputCol, value);
    }

    public InstanceSegmentationModel setInputKind(String value) {
        return (InstanceSegmentationModel) set(inputKind, value);
    }

    public InstanceSegmentationModel setOutputCol(String value) {
        return (InstanceSegmentationModel) set(outputCol, value);
    }

    public InstanceSegmentationModel setErrorCol(String value) {
        return (InstanceSegmentationModel) set(errorCol, value);
    }

    public InstanceSegmentationModel setBatchSize(int value) {
        return (InstanceSegmentationModel) set(batchSize, value);
    }

    public InstanceSegmentationModel setIncludeRle(boolean value) {
        return (InstanceSegmentationModel) set(includeRle, value);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        ImageCells.of(schema, getInputCol(), ImageCells.Kind.of(getInputKind()));
        List<String> existing = Arrays.asList(schema.fieldNames());
        for (String out : List.of(getOutputCol(), getErrorCol())) {
            if (existing.contains(out)) {
                throw new IllegalArgumentException("output column '" + out + "' exists already in the input; the "
                        + "columns are: " + String.join(", ", existing));
            }
        }
        if (getOutputCol().equals(getErrorCol())) {
            throw new IllegalArgumentException("outputCol and errorCol are both '" + getOutputCol() + "'");
        }
        List<StructField> fields = new ArrayList<>(List.of(schema.fields()));
        fields.add(DataTypes.createStructField(getOutputCol(), PredictionRows.predictionsType(getIncludeRle()), true));
        fields.add(DataTypes.createStructField(getErrorCol(), DataTypes.StringType, true));
        return DataTypes.createStructType(fields);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        if (!isDefined(modelUri)) {
            throw new IllegalArgumentException("modelUri is not set: use InstanceSegmentationModel.fromSavedModel");
        }
        StructType outputSchema = transformSchema(dataset.schema());
        ImageCells cells = ImageCells.of(dataset.schema(), getInputCol(), ImageCells.Kind.of(getInputKind()));
        // Only these values go into the closure, not this stage.
        String model = getModelUri();
        int batch = getBatchSize();
        boolean rle = getIncludeRle();
        PartitionScorer.Options options = scoringOptions();
        MapPartitionsFunction<Row, Row> score = rows -> new PartitionScorer(rows, cells, model, batch, rle, options);
        return dataset.toDF().mapPartitions(score, Encoders.row(outputSchema));
    }

    /** Saves the params and a copy of the model folder under a path (see {@link StagePersistence}). */
    @Override
    public MLWriter write() {
        return new StagePersistence.Writer(this);
    }

    // Static read() and load() are what Spark's readers (PipelineModel.load) look for on a stage's class.
    public static MLReader<InstanceSegmentationModel> read() {
        return new StagePersistence.Reader();
    }

    public static InstanceSegmentationModel load(String path) {
        return read().load(path);
    }

    @Override
    public InstanceSegmentationModel copy(ParamMap extra) {
        InstanceSegmentationModel copied = defaultCopy(extra);
        return copied.setParent(parent());
    }
}
