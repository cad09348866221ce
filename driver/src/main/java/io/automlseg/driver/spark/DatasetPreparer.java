package io.automlseg.driver.spark;

import io.automlseg.driver.config.BadInputException;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.executor.data.DataProblem;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LabelSet;
import io.automlseg.executor.data.Manifest;
import io.automlseg.executor.data.ObjectAnnotation;
import io.automlseg.executor.io.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns the sweep's input data into what every trial reads: the records become a DataFrame with an explicit schema,
 * the executors decode every image (size check), the validation set is split off reproducibly when none is given,
 * and the manifests and label list are written into the run folder.
 */
public final class DatasetPreparer {

    public static final StructType OBJECT_SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("label", DataTypes.StringType, false),
        DataTypes.createStructField("is_crowd", DataTypes.BooleanType, false),
        DataTypes.createStructField("polygon",
                DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, false), false), false),
    });

    /** One image with its objects, as in the reference product's JSONL. */
    public static final StructType RECORD_SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("image_url", DataTypes.StringType, false),
        DataTypes.createStructField("source", DataTypes.StringType, false),
        DataTypes.createStructField("width", DataTypes.IntegerType, false),
        DataTypes.createStructField("height", DataTypes.IntegerType, false),
        DataTypes.createStructField("label", DataTypes.createArrayType(OBJECT_SCHEMA, false), false),
    });

    /** The executors' verdict on one image. */
    public static final StructType CHECK_SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("source", DataTypes.StringType, false),
        DataTypes.createStructField("image_url", DataTypes.StringType, false),
        DataTypes.createStructField("width", DataTypes.IntegerType, false),
        DataTypes.createStructField("height", DataTypes.IntegerType, false),
        DataTypes.createStructField("error", DataTypes.StringType, true),
    });

    /**
     * @param trainManifest URI of {@code data/train.jsonl}
     * @param validationManifest URI of {@code data/validation.jsonl}
     * @param labels class names in index order (index i+1 is labels[i])
     */
    public record PreparedData(String trainManifest, String validationManifest, List<String> labels,
                               int trainImages, int validationImages) {}

    private DatasetPreparer() {}

    public static PreparedData prepare(SparkSession spark, SweepConfig config, RecordSource source, RunFolder run,
                                       PrintStream out) throws IOException, BadInputException {
        List<ImageRecord> train = source.read(config.trainingData(), config, true);
        List<ImageRecord> validation = config.validationData() == null ? null
                : source.read(config.validationData(), config, false);
        boolean ignore = config.ignoreDataErrors();
        if (validation != null && !ignore) {
            // Strict: fail before any Spark job, naming file, line and field.
            DataSkips.requireKnownLabels(train, validation, config);
        }
        List<ImageRecord> all = new ArrayList<>(train);
        if (validation != null) {
            all.addAll(validation);
        }
        Dataset<Row> records = spark.createDataFrame(rows(all), RECORD_SCHEMA);
        int partitions = Math.max(1, Math.min(all.size(), spark.sparkContext().defaultParallelism() * 4));
        List<Row> checked = records.repartition(partitions)
                .mapPartitions(new ImageCheck(), Encoders.row(CHECK_SCHEMA))
                .collectAsList();
        Map<String, Row> bySource = new HashMap<>();
        Map<String, String> unusable = new TreeMap<>();
        for (Row r : checked) {
            bySource.put(r.getString(0), r);
            if (r.getString(4) != null) {
                unusable.put(r.getString(0), DataProblem.atSource(r.getString(0), "image_url",
                        DataProblem.Kind.BAD_IMAGE_URL, r.getString(1) + ": " + r.getString(4)).toString());
            }
        }
        DataSkips skips = new DataSkips(config, out);
        train = skips.withoutUnusable(train, unusable, "training");
        if (validation != null) {
            validation = skips.withoutUnusable(validation, unusable, "validation");
            validation = skips.withoutUnknownLabels(train, validation);
        }
        skips.record(run);
        train = withCheckedSizes(train, bySource);
        if (validation != null) {
            validation = withCheckedSizes(validation, bySource);
        } else {
            List<ImageRecord> kept = new ArrayList<>();
            validation = new ArrayList<>();
            split(train, config.validationDataSize(), config.seed(), kept, validation);
            train = kept;
            out.printf("Validation: %d of %d images split off (validation_data_size %.2f, seed %d)%n",
                    validation.size(), all.size(), config.validationDataSize(), config.seed());
        }

        List<ImageRecord> kept = new ArrayList<>(train);
        kept.addAll(validation);
        List<String> labels = LabelSet.labels(kept);
        if (labels.isEmpty()) {
            throw new BadInputException("the data has no labelled objects: " + config.trainingData().path());
        }
        Manifest.write(run.trainManifest(), train);
        Manifest.write(run.validationManifest(), validation);
        Json.writeAtomically(run.labels(), labels);
        out.printf("Data: %d training and %d validation images, %d labels %s%n", train.size(), validation.size(),
                labels.size(), labels);
        return new PreparedData(run.trainManifest(), run.validationManifest(), labels, train.size(),
                validation.size());
    }

    /**
     * Splits by a hash of each image's URL and the seed, not by a random stream: the same image always lands on the
     * same side for a given seed, whatever the order or partitioning of the data. At least one image goes to each
     * side.
     */
    static void split(List<ImageRecord> records, double fraction, long seed, List<ImageRecord> train,
                      List<ImageRecord> validation) throws BadInputException {
        if (records.size() < 2) {
            throw new BadInputException("at least 2 training images are needed to split off validation data; got "
                    + records.size() + " (or give validation_data)");
        }
        double lowest = 2;
        double highest = -1;
        ImageRecord lowestRecord = null;
        ImageRecord highestRecord = null;
        for (ImageRecord r : records) {
            double u = unitHash(seed, r.imageUrl());
            (u < fraction ? validation : train).add(r);
            if (u < lowest) {
                lowest = u;
                lowestRecord = r;
            }
            if (u > highest) {
                highest = u;
                highestRecord = r;
            }
        }
        if (validation.isEmpty()) {
            train.remove(lowestRecord);
            validation.add(lowestRecord);
        } else if (train.isEmpty()) {
            validation.remove(highestRecord);
            train.add(highestRecord);
        }
    }

    /** A number in [0, 1) determined by the seed and the text only. */
    static double unitHash(long seed, String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
            byte[] digest = sha.digest(text.getBytes(StandardCharsets.UTF_8));
            return (ByteBuffer.wrap(digest).getLong() >>> 11) / (double) (1L << 53);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ImageRecord> withCheckedSizes(List<ImageRecord> records, Map<String, Row> bySource) {
        List<ImageRecord> out = new ArrayList<>();
        for (ImageRecord r : records) {
            Row c = bySource.get(r.source());
            out.add(new ImageRecord(r.imageUrl(), r.source(), c.getInt(2), c.getInt(3), r.objects()));
        }
        return out;
    }

    private static List<Row> rows(List<ImageRecord> records) {
        List<Row> rows = new ArrayList<>();
        for (ImageRecord r : records) {
            List<Row> objects = new ArrayList<>();
            for (ObjectAnnotation o : r.objects()) {
                objects.add(RowFactory.create(o.label(), o.crowd(), o.polygons()));
            }
            rows.add(RowFactory.create(r.imageUrl(), r.source(), r.width(), r.height(), objects));
        }
        return rows;
    }
}
