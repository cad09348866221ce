package io.automlseg.driver.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import io.automlseg.executor.data.DataError;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LoadOptions;
import io.automlseg.executor.data.LoadedDataset;
import io.automlseg.executor.data.MLTableLine;
import io.automlseg.executor.data.MLTableReader;
import io.automlseg.executor.data.ObjectAnnotation;
import io.automlseg.executor.io.Storage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Labelled images as a DataFrame, in the columns of the reference's JSONL: {@code image_url} (a Hadoop URI),
 * {@code image_details} (format, width, height) and {@code label} (the objects: label, isCrowd, polygon parts in
 * [0, 1]). {@link #read} gives an MLTable's images in these columns; {@link #records} turns such a DataFrame (read
 * from an MLTable or built from the user's own tables) back into the sweep's records through the MLTable reader's
 * own checks, so a row is accepted or refused exactly as the same line in a JSONL file would be.
 */
public final class TrainingFrames {
    static final StructType IMAGE_DETAILS = DataTypes.createStructType(List.of(
            DataTypes.createStructField("format", DataTypes.StringType, true),
            DataTypes.createStructField("width", DataTypes.IntegerType, true),
            DataTypes.createStructField("height", DataTypes.IntegerType, true)));
    static final StructType OBJECT = DataTypes.createStructType(List.of(
            DataTypes.createStructField(MLTableLine.Label.LABEL, DataTypes.StringType, false),
            DataTypes.createStructField(MLTableLine.Label.IS_CROWD, DataTypes.IntegerType, false),
            DataTypes.createStructField(MLTableLine.Label.POLYGON, DataTypes.createArrayType(
                    DataTypes.createArrayType(DataTypes.DoubleType, false), false), false)));
    /** The columns {@link #read} gives. */
    public static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField(MLTableLine.IMAGE_URL, DataTypes.StringType, false),
            DataTypes.createStructField(MLTableLine.IMAGE_DETAILS, IMAGE_DETAILS, true),
            DataTypes.createStructField(MLTableLine.LABELS, DataTypes.createArrayType(OBJECT, false), false)));

    private TrainingFrames() {}

    /** The images of an MLTable folder (any Hadoop URI), checked as a sweep checks them, one row per image. */
    public static Dataset<Row> read(SparkSession spark, String mltableUri) {
        LoadedDataset loaded = MLTableReader.read(mltableUri, LoadOptions.validation());
        List<Row> rows = new ArrayList<>();
        for (ImageRecord r : loaded.records()) {
            List<Row> objects = new ArrayList<>();
            for (ObjectAnnotation o : r.objects()) {
                objects.add(RowFactory.create(o.label(), o.crowd() ? 1 : 0, o.polygons().toArray()));
            }
            String name = r.imageUrl().substring(r.imageUrl().lastIndexOf('/') + 1);
            String format = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT)
                    : "";
            Row details = r.width() > 0 && r.height() > 0 ? RowFactory.create(format, r.width(), r.height()) : null;
            rows.add(RowFactory.create(r.imageUrl(), details, objects.toArray()));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }

    /**
     * The records of a DataFrame of labelled images: its {@code image_url}, optional {@code image_details} and
     * {@code targetColumn} columns, as JSON lines read by the MLTable reader. Relative image URLs resolve against
     * the working folder. The rows come to the driver: they are the images' names and outlines, not their pixels.
     *
     * @param name what problems call the data ("training DataFrame"), with the row's 1-based position
     * @throws IllegalArgumentException if a column is missing
     * @throws DataError for rows the MLTable reader refuses (unless ignored, as {@code options} say)
     */
    static List<ImageRecord> records(Dataset<Row> frame, String name, LoadOptions options) {
        List<String> present = Arrays.asList(frame.columns());
        List<Column> columns = new ArrayList<>();
        for (String column : List.of(MLTableLine.IMAGE_URL, MLTableLine.IMAGE_DETAILS, options.targetColumnName())) {
            if (present.contains(column)) {
                columns.add(col(column));
            } else if (!column.equals(MLTableLine.IMAGE_DETAILS)) {
                throw new IllegalArgumentException("the " + name + " has no column '" + column + "'; its columns are: "
                        + String.join(", ", present));
            }
        }
        List<String> lines = frame.select(to_json(struct(columns.toArray(new Column[0]))))
                .as(Encoders.STRING()).collectAsList();
        return MLTableReader.readLines(name, Storage.qualify("."), lines, options).records();
    }
}
