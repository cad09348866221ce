package io.automlseg.driver.persist;

import io.automlseg.executor.io.Json;
import io.automlseg.executor.trial.EpochReport;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The trials as a Parquet table ({@code trials.parquet}), for querying many sweeps with Spark SQL. Parameter values
 * are kept as JSON text since they mix types.
 */
public final class TrialsTable {
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("trial_id", DataTypes.StringType, false),
        DataTypes.createStructField("number", DataTypes.IntegerType, false),
        DataTypes.createStructField("status", DataTypes.StringType, false),
        DataTypes.createStructField("parameters",
                DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false),
        DataTypes.createStructField("best_value", DataTypes.DoubleType, true),
        DataTypes.createStructField("best_epoch", DataTypes.IntegerType, false),
        DataTypes.createStructField("epochs_run", DataTypes.IntegerType, false),
        DataTypes.createStructField("metric_by_epoch",
                DataTypes.createMapType(DataTypes.IntegerType, DataTypes.DoubleType), false),
        DataTypes.createStructField("duration_seconds", DataTypes.DoubleType, false),
        DataTypes.createStructField("started_at", DataTypes.TimestampType, true),
        DataTypes.createStructField("finished_at", DataTypes.TimestampType, true),
        DataTypes.createStructField("error", DataTypes.StringType, true),
        DataTypes.createStructField("attempts", DataTypes.IntegerType, false),
    });

    private TrialsTable() {}

    public static void write(SparkSession spark, List<TrialRecord> trials, String primaryMetric, String uri) {
        List<Row> rows = new ArrayList<>();
        for (TrialRecord t : trials) {
            Map<String, String> params = new LinkedHashMap<>();
            t.parameters().forEach((k, v) -> params.put(k, Json.line(v)));
            Map<Integer, Double> metric = new LinkedHashMap<>();
            for (EpochReport e : t.epochs()) {
                Double v = e.metrics() == null ? null : e.metrics().get(primaryMetric);
                if (v != null) {
                    metric.put(e.epoch(), v);
                }
            }
            rows.add(RowFactory.create(t.trialId(), t.number(), t.status().yamlName(),
                    params,
                    t.bestValue(), t.bestEpoch(), t.epochsRun(), metric,
                    t.durationSeconds(), timestamp(t.startedAt()), timestamp(t.finishedAt()), t.error(),
                    t.attempts()));
        }
        spark.createDataFrame(rows, SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite).parquet(uri);
    }

    private static Timestamp timestamp(String iso) {
        return iso == null ? null : Timestamp.from(Instant.parse(iso));
    }
}
