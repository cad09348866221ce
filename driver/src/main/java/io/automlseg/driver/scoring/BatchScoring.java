package io.automlseg.driver.scoring;

import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.io.IOUtils;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Scores a list of images into one output, written by the executors: nothing is collected on the driver. The
 * images are cut into contiguous partitions in the order given, scored with {@link InstanceSegmentationModel} and
 * written by Spark into a hidden folder beside the output; {@link Pending#publish()} then puts the output in place
 * (the JSONL parts concatenated in partition order, so the lines keep the input order, into one file renamed over
 * the target; a Parquet folder renamed), and {@link Pending#discard()} removes it. A crash leaves only the hidden
 * folder, never a partial output under the output's name.
 */
public final class BatchScoring {
    /** What the output holds. */
    public enum Format {
        /** One reference batch-scoring line per image, in one file. */
        JSONL,
        /** A folder of Parquet files: filename, the typed predictions and the error column. */
        PARQUET;

        public static Format of(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the output format must be jsonl or parquet, not '" + name + "'");
            }
        }
    }

    /** How many images were scored, how many could not be, and the first of their reasons. */
    public record Outcome(long scored, long unscored, List<String> firstProblems) {}

    /** The written, not yet published output. */
    public static final class Pending {
        private final Outcome outcome;
        private final Format format;
        private final String staging;
        private final String output;

        private Pending(Outcome outcome, Format format, String staging, String output) {
            this.outcome = outcome;
            this.format = format;
            this.staging = staging;
            this.output = output;
        }

        public Outcome outcome() {
            return outcome;
        }

        /** Puts the output in place, replacing an earlier output of the same name. */
        public void publish() throws IOException {
            if (format == Format.PARQUET) {
                if (Storage.exists(output)) {
                    Storage.delete(output);
                }
                Storage.rename(staging, output);
                return;
            }
            List<String> parts = new ArrayList<>();
            for (String file : Storage.list(staging)) {
                if (file.substring(file.lastIndexOf('/') + 1).startsWith("part-")) {
                    parts.add(file);
                }
            }
            String joined = staging + ".jsonl";
            try (OutputStream out = Storage.create(joined)) {
                for (String part : parts) {
                    try (InputStream in = Storage.open(part)) {
                        IOUtils.copyBytes(in, out, 1 << 16, false);
                    }
                }
            }
            if (Storage.exists(output)) {
                Storage.delete(output);
            }
            Storage.rename(joined, output);
            Storage.delete(staging);
        }

        /** Removes what was written; the output is left as it was. */
        public void discard() throws IOException {
            Storage.delete(staging);
        }
    }

    private static final int PROBLEMS_PER_TASK = 3;

    private BatchScoring() {}

    /**
     * Scores {@code imageUris} with {@code model} (its input kind and columns are set here) into a staged output.
     *
     * @param output the file (JSONL) or folder (Parquet) to write; its parent must exist or be creatable
     */
    public static Pending score(SparkSession spark, InstanceSegmentationModel model, List<String> imageUris,
                                String output, Format format) throws IOException {
        String target = Storage.qualify(output);
        String parent = target.substring(0, target.lastIndexOf('/'));
        Storage.mkdirs(parent);
        String staging = parent + "/." + target.substring(target.lastIndexOf('/') + 1) + ".staging-"
                + System.nanoTime();

        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("filename", DataTypes.StringType, false)));
        List<Row> rows = new ArrayList<>(imageUris.size());
        for (String uri : imageUris) {
            rows.add(RowFactory.create(uri));
        }
        int partitions = Math.max(1, Math.min(imageUris.size(), spark.sparkContext().defaultParallelism()));
        // parallelize slices the list into contiguous runs: partition i holds images before those of i + 1
        Dataset<Row> images = spark.createDataFrame(
                JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions), schema);
        Dataset<Row> scored = model.copy(new org.apache.spark.ml.param.ParamMap())
                .setInputKind("uri").setInputCol("filename").transform(images);

        // Counted as the rows are written (an action's only pass over them); a retried task may count twice.
        LongAccumulator scoredCount = spark.sparkContext().longAccumulator("images scored");
        LongAccumulator unscoredCount = spark.sparkContext().longAccumulator("images not scored");
        CollectionAccumulator<String> problems = spark.sparkContext().collectionAccumulator("scoring problems");
        int predictions = scored.schema().fieldIndex(model.getOutputCol());
        int error = scored.schema().fieldIndex(model.getErrorCol());
        Tally tally = new Tally(predictions, error, scoredCount, unscoredCount, problems);
        if (format == Format.JSONL) {
            MapFunction<Row, String> line = row -> ScoringLines.of(tally.count(row), row, predictions, error);
            scored.map(line, Encoders.STRING()).write().text(staging);
        } else {
            MapFunction<Row, Row> counted = row -> {
                tally.count(row);
                return row;
            };
            scored.map(counted, Encoders.row(scored.schema())).write().parquet(staging);
        }
        List<String> first = new ArrayList<>(problems.value());
        first.sort(String::compareTo);
        Outcome outcome = new Outcome(scoredCount.value(), unscoredCount.value(),
                List.copyOf(first.subList(0, Math.min(PROBLEMS_PER_TASK, first.size()))));
        return new Pending(outcome, format, staging, target);
    }

    /** Counts scored and unscored rows into accumulators, keeping the first few problems of each task. */
    private static final class Tally implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final int predictions;
        private final int error;
        private final LongAccumulator scored;
        private final LongAccumulator unscored;
        private final CollectionAccumulator<String> problems;
        // each task deserialises its own copy, so this counts the problems kept by one task
        private int kept;

        Tally(int predictions, int error, LongAccumulator scored, LongAccumulator unscored,
              CollectionAccumulator<String> problems) {
            this.predictions = predictions;
            this.error = error;
            this.scored = scored;
            this.unscored = unscored;
            this.problems = problems;
        }

        /** Counts the row and returns its filename. */
        String count(Row row) {
            String filename = row.getString(0);
            if (!row.isNullAt(predictions)) {
                scored.add(1);
            } else {
                unscored.add(1);
                if (kept++ < PROBLEMS_PER_TASK) {
                    problems.add(filename + ": " + (row.isNullAt(error) ? "not scored" : row.getString(error)));
                }
            }
            return filename;
        }
    }
}
