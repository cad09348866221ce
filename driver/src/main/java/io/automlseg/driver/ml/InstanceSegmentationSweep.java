package io.automlseg.driver.ml;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.automlseg.driver.config.BadInputException;
import io.automlseg.driver.config.ConfigException;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.persist.RunFolderBusyException;
import io.automlseg.driver.persist.SweepSummary;
import io.automlseg.driver.scoring.InstanceSegmentationModel;
import io.automlseg.driver.spark.RecordSource;
import io.automlseg.driver.spark.RunnerOptions;
import io.automlseg.driver.spark.SparkSweepRunner;
import io.automlseg.executor.data.DataError;
import io.automlseg.executor.data.LoadOptions;
import io.automlseg.executor.data.MLTableLine;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The AutoML sweep as a Spark ML {@link Estimator}: {@code fit} runs the sweep the params describe on the caller's
 * SparkSession, with the scheduler, run folder, journal and resume of {@code automl sweep}, over the labelled images
 * of a DataFrame ({@link TrainingFrames}: {@code image_url}, {@code image_details}, the objects' column). It returns
 * an {@link InstanceSegmentationModel} of the best model, set to score the {@code image_url} column.
 *
 * <p>The params mirror the job file: {@code jobYaml} holds a whole job (its data sections are replaced by the
 * DataFrame), and each of {@code primaryMetric}, {@code limits}, {@code trainingParameters}, {@code sweep},
 * {@code searchSpace} (YAML or JSON text, or a Map/List through the setters), {@code validationDataSize} and
 * {@code targetColumnName}, when set, replaces its key. Rows whose {@code validationIndicatorCol} is true are the
 * validation data; without that column {@code validation_data_size} splits it off.
 */
public final class InstanceSegmentationSweep extends Estimator<InstanceSegmentationModel> implements MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> jobYaml;
    private final Param<String> primaryMetric;
    private final Param<String> limits;
    private final Param<String> trainingParameters;
    private final Param<String> sweep;
    private final Param<String> searchSpace;
    private final DoubleParam validationDataSize;
    private final Param<String> targetColumnName;
    private final Param<String> validationIndicatorCol;
    private final Param<String> runFolder;
    private final Param<String> runId;
    private final BooleanParam resume;
    private final Param<String> trialMemory;
    private final IntParam trialThreads;

    public InstanceSegmentationSweep() {
        this(Identifiable$.MODULE$.randomUID("instanceSegmentationSweep"));
    }

    public InstanceSegmentationSweep(String uid) {
        this.uid = uid;
        jobYaml = new Param<>(this, "jobYaml", "a whole job file as YAML text (its data sections are replaced by "
                + "the DataFrame); the other job params override its keys");
        primaryMetric = new Param<>(this, "primaryMetric", "the job file's primary_metric");
        limits = new Param<>(this, "limits", "the job file's limits mapping, as YAML or JSON text");
        trainingParameters = new Param<>(this, "trainingParameters",
                "the job file's training_parameters mapping, as YAML or JSON text");
        sweep = new Param<>(this, "sweep", "the job file's sweep mapping, as YAML or JSON text");
        searchSpace = new Param<>(this, "searchSpace", "the job file's search_space list, as YAML or JSON text");
        validationDataSize = new DoubleParam(this, "validationDataSize",
                "the job file's validation_data_size: the fraction split off when no rows are marked as validation",
                ParamValidators.inRange(0, 1, false, false));
        targetColumnName = new Param<>(this, "targetColumnName",
                "the job file's target_column_name: the column holding each image's objects");
        validationIndicatorCol = new Param<>(this, "validationIndicatorCol",
                "boolean column: true for validation rows, false or null for training rows");
        runFolder = new Param<>(this, "runFolder", "the sweep's run folder (any Hadoop URI), as automl sweep's --output");
        runId = new Param<>(this, "runId", "name of the run (default: a time stamp), as automl sweep's --run-id");
        resume = new BooleanParam(this, "resume", "continue the sweep journaled in runFolder, as --resume");
        trialMemory = new Param<>(this, "trialMemory", "heap (-Xmx) of each trial's JVM, as --trial-memory");
        trialThreads = new IntParam(this, "trialThreads", "CPU threads per trial; 0 shares the cores, as "
                + "--trial-threads", ParamValidators.gtEq(0));
        RunnerOptions defaults = RunnerOptions.defaults();
        setDefault(targetColumnName, MLTableLine.LABELS);
        setDefault(resume, defaults.resume());
        setDefault(trialMemory, defaults.trialMaxHeap());
        setDefault(trialThreads, defaults.threadsPerTrial());
    }

    /** The job-file keys of the params that stand for one, in the job file's order. */
    private Map<Param<?>, String> jobKeys() {
        Map<Param<?>, String> keys = new LinkedHashMap<>();
        keys.put(primaryMetric, "primary_metric");
        keys.put(targetColumnName, "target_column_name");
        keys.put(validationDataSize, "validation_data_size");
        keys.put(limits, "limits");
        keys.put(trainingParameters, "training_parameters");
        keys.put(sweep, "sweep");
        keys.put(searchSpace, "search_space");
        return keys;
    }

    // Spark ML finds params through public no-argument methods returning Param.
    public Param<String> jobYaml() {
        return jobYaml;
    }

    public Param<String> primaryMetric() {
        return primaryMetric;
    }

    public Param<String> limits() {
        return limits;
    }

    public Param<String> trainingParameters() {
        return trainingParameters;
    }

    public Param<String> sweep() {
        return sweep;
    }

    public Param<String> searchSpace() {
        return searchSpace;
    }

    public DoubleParam validationDataSize() {
        return validationDataSize;
    }

    public Param<String> targetColumnName() {
        return targetColumnName;
    }

    public Param<String> validationIndicatorCol() {
        return validationIndicatorCol;
    }

    public Param<String> runFolder() {
        return runFolder;
    }

    public Param<String> runId() {
        return runId;
    }

    public BooleanParam resume() {
        return resume;
    }

    public Param<String> trialMemory() {
        return trialMemory;
    }

    public IntParam trialThreads() {
        return trialThreads;
    }

    public InstanceSegmentationSweep setJobYaml(String value) {
        return (InstanceSegmentationSweep) set(jobYaml, value);
    }

    public InstanceSegmentationSweep setPrimaryMetric(String value) {
        return (InstanceSegmentationSweep) set(primaryMetric, value);
    }

    public InstanceSegmentationSweep setLimits(String yaml) {
        return (InstanceSegmentationSweep) set(limits, yaml);
    }

    public InstanceSegmentationSweep setLimits(Map<String, ?> value) {
        return setLimits(Json.line(value));
    }

    public InstanceSegmentationSweep setTrainingParameters(String yaml) {
        return (InstanceSegmentationSweep) set(trainingParameters, yaml);
    }

    public InstanceSegmentationSweep setTrainingParameters(Map<String, ?> value) {
        return setTrainingParameters(Json.line(value));
    }

    public InstanceSegmentationSweep setSweep(String yaml) {
        return (InstanceSegmentationSweep) set(sweep, yaml);
    }

    public InstanceSegmentationSweep setSweep(Map<String, ?> value) {
        return setSweep(Json.line(value));
    }

    public InstanceSegmentationSweep setSearchSpace(String yaml) {
        return (InstanceSegmentationSweep) set(searchSpace, yaml);
    }

    public InstanceSegmentationSweep setSearchSpace(List<? extends Map<String, ?>> value) {
        return setSearchSpace(Json.line(value));
    }

    public InstanceSegmentationSweep setValidationDataSize(double value) {
        return (InstanceSegmentationSweep) set(validationDataSize, value);
    }

    public InstanceSegmentationSweep setTargetColumnName(String value) {
        return (InstanceSegmentationSweep) set(targetColumnName, value);
    }

    public InstanceSegmentationSweep setValidationIndicatorCol(String value) {
        return (InstanceSegmentationSweep) set(validationIndicatorCol, value);
    }

    public InstanceSegmentationSweep setRunFolder(String value) {
        return (InstanceSegmentationSweep) set(runFolder, value);
    }

    public InstanceSegmentationSweep setRunId(String value) {
        return (InstanceSegmentationSweep) set(runId, value);
    }

    public InstanceSegmentationSweep setResume(boolean value) {
        return (InstanceSegmentationSweep) set(resume, value);
    }

    public InstanceSegmentationSweep setTrialMemory(String value) {
        return (InstanceSegmentationSweep) set(trialMemory, value);
    }

    public InstanceSegmentationSweep setTrialThreads(int value) {
        return (InstanceSegmentationSweep) set(trialThreads, value);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The sweep's configuration: the job the params stand for, checked as a job file is. */
    public SweepConfig sweepConfig() {
        Map<String, String> overrides = new LinkedHashMap<>();
        Map<String, String> defaults = new LinkedHashMap<>();
        jobKeys().forEach((param, key) -> {
            if (isSet(param) || hasDefault(param)) {
                Object value = $(param);
                (isSet(param) ? overrides : defaults).put(key, value instanceof String s ? s : String.valueOf(value));
            }
        });
        try {
            return SweepJob.config(isSet(jobYaml) ? $(jobYaml) : null, overrides, defaults,
                    isSet(validationIndicatorCol));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public StructType transformSchema(StructType schema) {
        List<String> present = Arrays.asList(schema.fieldNames());
        List<String> needed = isSet(validationIndicatorCol)
                ? List.of(MLTableLine.IMAGE_URL, $(targetColumnName), $(validationIndicatorCol))
                : List.of(MLTableLine.IMAGE_URL, $(targetColumnName));
        for (String column : needed) {
            if (!present.contains(column)) {
                throw new IllegalArgumentException("the training DataFrame has no column '" + column + "'; its "
                        + "columns are: " + String.join(", ", present));
            }
        }
        if (isSet(validationIndicatorCol)
                && !schema.apply($(validationIndicatorCol)).dataType().equals(DataTypes.BooleanType)) {
            throw new IllegalArgumentException("validationIndicatorCol '" + $(validationIndicatorCol)
                    + "' must be a boolean column");
        }
        return scoring("unset").transformSchema(schema);
    }

    /** A scoring stage set to read the training DataFrame's image URIs. */
    private static InstanceSegmentationModel scoring(String modelUri) {
        return new InstanceSegmentationModel().setModelUri(modelUri).setInputKind("uri")
                .setInputCol(MLTableLine.IMAGE_URL);
    }

    /**
     * Runs the sweep to its end (or continues it, with {@code resume}) and returns the best model's scoring stage.
     *
     * @throws IllegalArgumentException for params, data or a run folder the user must fix (the CLI's exit code 2)
     * @throws IllegalStateException if the sweep ended without a model
     */
    @Override
    public InstanceSegmentationModel fit(Dataset<?> dataset) {
        if (!isSet(runFolder)) {
            throw new IllegalArgumentException("runFolder is not set: the sweep needs a run folder, as --output");
        }
        transformSchema(dataset.schema());
        SweepConfig config = sweepConfig();
        Dataset<Row> frame = dataset.toDF();
        String indicator = isSet(validationIndicatorCol) ? $(validationIndicatorCol) : null;
        RecordSource rows = (input, cfg, training) -> {
            Dataset<Row> part = indicator == null ? frame : training
                    ? frame.where(not(coalesce(col(indicator), lit(false)))) : frame.where(col(indicator));
            LoadOptions options = (training ? LoadOptions.training() : LoadOptions.validation())
                    .withTargetColumnName(cfg.targetColumnName()).withIgnoreDataErrors(cfg.ignoreDataErrors());
            try {
                return TrainingFrames.records(part, training ? "training DataFrame" : "validation rows", options);
            } catch (DataError e) {
                throw new BadInputException(e.getMessage(), e);
            }
        };
        RunnerOptions options = RunnerOptions.defaults().withRunId(isSet(runId) ? $(runId) : null)
                .withResume((Boolean) $(resume)).withTrialMaxHeap($(trialMemory))
                .withThreadsPerTrial((Integer) $(trialThreads));
        SweepSummary summary;
        try {
            summary = new SparkSweepRunner(config, $(runFolder), rows, options, System.out).run();
        } catch (BadInputException e) {
            // the run folder's rules are the CLI's; say them in this stage's words
            throw new IllegalArgumentException(e.getMessage().replace("--output", "runFolder")
                    .replace("--resume", "resume=true").replace("--run-id", "runId"), e);
        } catch (RunFolderBusyException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("the sweep in " + $(runFolder) + " could not go on", e);
        }
        if (summary.bestModelPath() == null) {
            throw new IllegalStateException("the sweep in " + $(runFolder) + " ended (" + summary.status()
                    + ") without a model: " + summary.failed() + " of " + summary.trials() + " trials failed");
        }
        InstanceSegmentationModel model = scoring(summary.bestModelPath())
                .setRunFolder(Storage.qualify($(runFolder)));
        return model.setParent(this);
    }

    @Override
    public MLWriter write() {
        return new DefaultParamsWriter(this);
    }

    // Static read() and load() are what Spark's readers (Pipeline.load) look for on a stage's class.
    public static MLReader<InstanceSegmentationSweep> read() {
        return new DefaultParamsReader<>();
    }

    public static InstanceSegmentationSweep load(String path) {
        return read().load(path);
    }

    @Override
    public InstanceSegmentationSweep copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
