package io.automlseg.driver.config;

import io.automlseg.driver.sweep.AshaPolicy;
import io.automlseg.driver.sweep.BanditPolicy;
import io.automlseg.driver.sweep.BayesianSampler;
import io.automlseg.driver.sweep.GridSampler;
import io.automlseg.driver.sweep.HyperbandPolicy;
import io.automlseg.driver.sweep.MedianStoppingPolicy;
import io.automlseg.driver.sweep.NoTermination;
import io.automlseg.driver.sweep.RandomSampler;
import io.automlseg.driver.sweep.Sampler;
import io.automlseg.driver.sweep.SearchSpace;
import io.automlseg.driver.sweep.TerminationPolicy;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TruncationSelectionPolicy;
import io.automlseg.driver.weights.PretrainedSetting;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * A sweep as described by the reference product's job YAML ({@code type: automl},
 * {@code task: image_instance_segmentation}), validated. Load with {@link #load(String)}; every problem of the file is
 * reported at once in a {@link ConfigException}.
 *
 * @param source the configuration file's URI
 * @param trainingData training MLTable (path resolved against the configuration's folder)
 * @param validationData validation MLTable, or null to split {@code validationDataSize} off the training data
 * @param trainingParameters fixed hyperparameters, validated and converted to their types
 * @param sweep the sampling algorithm ({@code bayesian} in automatic mode unless the job says otherwise or sets an
 *     early-termination policy) and the policy
 * @param searchSpace the job's search space; in automatic mode ({@code max_trials} > 1 and no search space) the
 *     default space of {@link AutomaticSearchSpace}, marked {@link SearchSpace#isAutomatic()}
 * @param outputs {@code outputs} as given (tolerated, not used)
 * @param compute {@code compute} as given (tolerated, not used: Spark decides where trials run)
 * @param properties {@code properties} as given (tolerated, not used)
 * @param weightsCache {@code weights_cache} (ours): the folder pretrained weights are fetched into, or null for the
 *     default (see {@link io.automlseg.driver.weights.WeightsCache#forSweep})
 * @param datastores {@code datastores} (ours): the Hadoop folders of the reference's datastores, for
 *     {@code azureml://} image URLs in the MLTables
 */
public record SweepConfig(
        String source,
        String type,
        String task,
        String experimentName,
        String logVerbosity,
        String primaryMetric,
        String targetColumnName,
        DataInput trainingData,
        DataInput validationData,
        double validationDataSize,
        Limits limits,
        Map<String, Object> trainingParameters,
        SweepSettings sweep,
        SearchSpace searchSpace,
        Map<String, Object> outputs,
        Object compute,
        Map<String, Object> properties,
        String weightsCache,
        Map<String, String> datastores) {

    public static final String TASK = "image_instance_segmentation";
    public static final String PRIMARY_METRIC = "mean_average_precision";

    /**
     * An input data set.
     *
     * @param type {@code mltable} (the only kind the reference accepts for image tasks)
     * @param path absolute URI of the MLTable folder (or of its {@code MLTable} file / JSONL file)
     */
    public record DataInput(String type, String path) {}

    /**
     * The sweep's budget.
     *
     * @param timeoutMinutes whole sweep, null for no limit
     * @param trialTimeoutMinutes one trial (ours; the reference has none for image jobs), null for no limit
     * @param maxFailedTrials stop launching trials after this many failures, null for no limit
     * @param maxTrialRetries how many times one trial is run again after an infrastructure failure (a lost executor,
     *     its process killed from outside), resuming from its checkpoint (ours; default 2)
     */
    public record Limits(int maxTrials, int maxConcurrentTrials, Integer timeoutMinutes, Integer trialTimeoutMinutes,
                         Integer maxFailedTrials, int maxTrialRetries) {
        public static final int DEFAULT_MAX_TRIAL_RETRIES = 2;

        public Limits(int maxTrials, int maxConcurrentTrials, Integer timeoutMinutes, Integer trialTimeoutMinutes,
                      Integer maxFailedTrials) {
            this(maxTrials, maxConcurrentTrials, timeoutMinutes, trialTimeoutMinutes, maxFailedTrials,
                    DEFAULT_MAX_TRIAL_RETRIES);
        }
    }

    /**
     * @param samplingAlgorithm {@code random}, {@code grid} or {@code bayesian}
     * @param earlyTermination the policy, or null for none
     * @param warmStartRuns earlier run folders whose finished trials seed Bayesian sampling (ours; resolved like a
     *     data path), empty for none
     * @param multivariate {@code sampling_algorithm_settings.multivariate} (ours): Bayesian sampling models the
     *     parameters of a sub-space jointly
     */
    public record SweepSettings(String samplingAlgorithm, EarlyTermination earlyTermination,
                                List<String> warmStartRuns, boolean multivariate) {
        public SweepSettings {
            warmStartRuns = warmStartRuns == null ? List.of() : List.copyOf(warmStartRuns);
        }

        public SweepSettings(String samplingAlgorithm, EarlyTermination earlyTermination) {
            this(samplingAlgorithm, earlyTermination, List.of(), false);
        }
    }

    /**
     * An early-termination policy as configured.
     *
     * @param type {@code bandit}, {@code median_stopping} or {@code truncation_selection} (the reference's), or
     *     {@code asha} or {@code hyperband} (ours)
     * @param settings the policy's keys ({@code slack_factor}, {@code evaluation_interval}, {@code min_epochs},
     *     ...), validated
     */
    public record EarlyTermination(String type, Map<String, Object> settings) {
        public static final int DEFAULT_MIN_EPOCHS = 1;
        public static final int DEFAULT_REDUCTION_FACTOR = 3;
        /** The primary metric, mean_average_precision, is better higher. */
        private static final boolean MAXIMIZE = true;

        /**
         * @param configuredEpochs {@code number_of_epochs} unless tuned: hyperband's {@code max_epochs} by default
         * @param trialEpochs one trial's planned number of epochs: no rung of asha or hyperband is at or past it
         */
        public TerminationPolicy policy(int configuredEpochs, ToIntFunction<Trial> trialEpochs) {
            int interval = intSetting("evaluation_interval", 1);
            int delay = intSetting("delay_evaluation", 0);
            int minEpochs = intSetting("min_epochs", DEFAULT_MIN_EPOCHS);
            int factor = intSetting("reduction_factor", DEFAULT_REDUCTION_FACTOR);
            Integer maxEpochs = settings.get("max_epochs") instanceof Number n ? n.intValue() : null;
            return switch (type) {
                case "bandit" -> new BanditPolicy(doubleSetting("slack_factor"), doubleSetting("slack_amount"),
                        interval, delay);
                case "median_stopping" -> new MedianStoppingPolicy(interval, delay);
                case "truncation_selection" -> new TruncationSelectionPolicy(
                        intSetting("truncation_percentage", 0), interval, delay);
                case "asha" -> new AshaPolicy(minEpochs, factor, maxEpochs, MAXIMIZE, trialEpochs);
                case "hyperband" -> new HyperbandPolicy(minEpochs, factor,
                        maxEpochs != null ? maxEpochs : configuredEpochs, MAXIMIZE, trialEpochs);
                default -> throw new IllegalStateException("unknown early termination " + type);
            };
        }

        /** {@code number_of_epochs} of {@code training_parameters}, else its default. */
        static int configuredEpochs(Map<String, Object> trainingParameters) {
            Object epochs = trainingParameters.get(Hyperparameters.NUMBER_OF_EPOCHS);
            return ((Number) (epochs != null ? epochs
                    : Hyperparameters.spec(Hyperparameters.NUMBER_OF_EPOCHS).orElseThrow().defaultValue())).intValue();
        }

        private int intSetting(String key, int fallback) {
            return settings.get(key) instanceof Number n ? n.intValue() : fallback;
        }

        private Double doubleSetting(String key) {
            return settings.get(key) instanceof Number n ? n.doubleValue() : null;
        }
    }

    /** Reads and validates a configuration file (any Hadoop FileSystem URI). */
    public static SweepConfig load(String uri) throws ConfigException {
        byte[] bytes;
        String qualified;
        try {
            qualified = Storage.qualify(uri);
            bytes = Storage.readBytes(qualified);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("Cannot read the sweep configuration " + uri + ": " + e.getMessage());
        }
        String folder = qualified.substring(0, qualified.lastIndexOf('/'));
        return parse(bytes, uri, folder);
    }

    /**
     * Validates configuration text.
     *
     * @param source name of the file for messages
     * @param baseDir folder that relative data paths are resolved against
     */
    public static SweepConfig parse(byte[] yaml, String source, String baseDir) throws ConfigException {
        return new SweepConfigParser(source, baseDir).parse(yaml);
    }

    /** The same sweep with other fixed hyperparameters (for values the driver resolves, such as checkpoint_run_id). */
    public SweepConfig withTrainingParameters(Map<String, Object> parameters) {
        return new SweepConfig(source, type, task, experimentName, logVerbosity, primaryMetric, targetColumnName,
                trainingData, validationData, validationDataSize, limits, new LinkedHashMap<>(parameters), sweep, searchSpace,
                outputs, compute, properties, weightsCache, datastores);
    }

    /** {@code pretrained_weights}, {@code auto} unless given. */
    public PretrainedSetting pretrainedSetting() {
        return trainingParameters.get(Hyperparameters.PRETRAINED_WEIGHTS) instanceof String s
                ? PretrainedSetting.parse(s) : PretrainedSetting.AUTO;
    }

    /** Every {@code model_name} a trial of this sweep can have. */
    public java.util.Set<String> modelNames() {
        return StartingPointChecks.modelNames(trainingParameters, searchSpace);
    }

    /** Seed of the sampler and of the validation split: {@code random_seed} when fixed, else its default. */
    public long seed() {
        Object seed = trainingParameters.get(Hyperparameters.RANDOM_SEED);
        return seed instanceof Number n ? n.longValue()
                : ((Number) Hyperparameters.spec(Hyperparameters.RANDOM_SEED).orElseThrow().defaultValue()).longValue();
    }

    /** Whether bad data is skipped (and reported) instead of failing the sweep: {@code ignore_data_errors}. */
    public boolean ignoreDataErrors() {
        Object value = trainingParameters.get(Hyperparameters.IGNORE_DATA_ERRORS);
        return Boolean.TRUE.equals(value != null ? value
                : Hyperparameters.spec(Hyperparameters.IGNORE_DATA_ERRORS).orElseThrow().defaultValue());
    }

    /**
     * A new sampler for this sweep. Samplers are deterministic given the seed and the sweep's history, so a resumed
     * sweep rebuilds its sampler with this and hands it the journaled trials.
     */
    public Sampler sampler() {
        return switch (sweep.samplingAlgorithm()) {
            case "grid" -> new GridSampler(searchSpace);
            case "bayesian" -> new BayesianSampler(searchSpace, seed(),
                    BayesianSampler.defaultStartupTrials(limits.maxTrials()), sweep.multivariate());
            default -> new RandomSampler(searchSpace, seed());
        };
    }

    public TerminationPolicy terminationPolicy() {
        if (sweep.earlyTermination() == null) {
            return new NoTermination();
        }
        return sweep.earlyTermination().policy(EarlyTermination.configuredEpochs(trainingParameters),
                t -> resolve(t.parameters()).get(Hyperparameters.NUMBER_OF_EPOCHS) instanceof Number n
                        ? n.intValue() : 0);
    }

    /**
     * All hyperparameters of one trial: reference defaults, overridden by {@code training_parameters}, overridden by
     * the sampled values (rounded and clamped to their ranges).
     */
    public Map<String, Object> resolve(Map<String, Object> sampled) {
        Map<String, Object> all = new LinkedHashMap<>(Hyperparameters.defaults());
        all.putAll(trainingParameters);
        for (Map.Entry<String, Object> e : sampled.entrySet()) {
            all.put(e.getKey(), Hyperparameters.fromSample(e.getKey(), e.getValue()));
        }
        if (all.get(Hyperparameters.ADVANCED_SETTINGS) instanceof String json) {
            all.putAll(Hyperparameters.advancedSettings(json));
        }
        return all;
    }
}
