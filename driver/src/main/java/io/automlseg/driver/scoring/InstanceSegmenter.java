package io.automlseg.driver.scoring;

import io.automlseg.executor.io.Json;
import io.automlseg.executor.predict.ImageScorer;
import io.automlseg.executor.predict.ScoredImage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores images with a saved model as a Spark ML {@link Transformer}: the model is loaded once per executor JVM
 * (through {@link ModelLoader}) and each partition predicts its rows in batches. The input has a column of image URIs; the output adds
 * a column with the reference product's scoring JSON for the image ({@code {"filename": ..., "boxes": [...]}}).
 */
public final class InstanceSegmenter extends Transformer {
    private static final long serialVersionUID = 1L;

    private final String uid;
    // Spark ML finds a stage's params through its public no-argument methods returning Param, so each has one.
    private final Param<String> modelPath;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final IntParam batchSize;

    public InstanceSegmenter() {
        this(Identifiable$.MODULE$.randomUID("instanceSegmenter"));
    }

    public InstanceSegmenter(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "folder of the saved model (best_model/)");
        inputCol = new Param<>(this, "inputCol", "column with image URIs");
        outputCol = new Param<>(this, "outputCol", "column for the scoring JSON of each image");
        batchSize = new IntParam(this, "batchSize", "images per forward pass", ParamValidators.gtEq(1));
        setDefault(inputCol, "image_url");
        setDefault(outputCol, "prediction");
        setDefault(batchSize, 4);
    }

    public Param<String> modelPath() {
        return modelPath;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public InstanceSegmenter setModelPath(String value) {
        set(modelPath, value);
        return this;
    }

    public InstanceSegmenter setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    public InstanceSegmenter setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    public InstanceSegmenter setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        String in = $(inputCol);
        if (!java.util.Arrays.asList(schema.fieldNames()).contains(in)) {
            throw new IllegalArgumentException("input column '" + in + "' not found in " + schema.simpleString());
        }
        if (!schema.apply(in).dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("input column '" + in + "' must hold image URIs as strings");
        }
        List<StructField> fields = new ArrayList<>(List.of(schema.fields()));
        fields.add(DataTypes.createStructField($(outputCol), DataTypes.StringType, false));
        return DataTypes.createStructType(fields);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType outputSchema = transformSchema(dataset.schema());
        ModelLoader loader = new ModelLoader($(modelPath));
        int inputIndex = dataset.schema().fieldIndex($(inputCol));
        int batch = (Integer) $(batchSize);
        MapPartitionsFunction<Row, Row> score = rows -> scorePartition(rows, loader, inputIndex, batch);
        return dataset.toDF().mapPartitions(score, Encoders.row(outputSchema));
    }

    private static Iterator<Row> scorePartition(Iterator<Row> rows, ModelLoader loader, int inputIndex, int batchSize)
            throws Exception {
        try (ModelCache.Lease lease = loader.lease()) {
            return scoreAll(rows, lease.scorer(), inputIndex, batchSize);
        }
    }

    private static Iterator<Row> scoreAll(Iterator<Row> rows, ImageScorer scorer, int inputIndex, int batchSize) {
        List<Row> out = new ArrayList<>();
        List<Row> pending = new ArrayList<>(batchSize);
        while (rows.hasNext()) {
            pending.add(rows.next());
            if (pending.size() == batchSize || !rows.hasNext()) {
                List<String> urls = new ArrayList<>(pending.size());
                for (Row r : pending) {
                    urls.add(r.getString(inputIndex));
                }
                List<ScoredImage> scored = scorer.predict(urls);
                for (int i = 0; i < pending.size(); i++) {
                    Row r = pending.get(i);
                    Object[] values = new Object[r.length() + 1];
                    for (int c = 0; c < r.length(); c++) {
                        values[c] = r.get(c);
                    }
                    values[r.length()] = Json.line(scored.get(i));
                    out.add(RowFactory.create(values));
                }
                pending.clear();
            }
        }
        return out.iterator();
    }

    @Override
    public InstanceSegmenter copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
