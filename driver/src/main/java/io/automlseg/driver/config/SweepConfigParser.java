package io.automlseg.driver.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.config.SweepConfig.DataInput;
import io.automlseg.driver.config.SweepConfig.Limits;
import io.automlseg.driver.config.SweepConfig.SweepSettings;
import io.automlseg.driver.sweep.SearchSpace;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Walks the YAML tree of a job file, checking every key and value and collecting all problems before failing. Keys
 * the reference product's job schema has but this project does not use ({@code compute}, {@code outputs},
 * {@code properties}, the job's {@code name}, ...) are tolerated; any other key is a problem.
 */
final class SweepConfigParser {
    private static final Set<String> TOP_KEYS = Set.of("$schema", "type", "task", "name", "display_name",
            "description", "tags", "experiment_name", "log_verbosity", "primary_metric", "target_column_name",
            "training_data", "validation_data", "validation_data_size", "limits", "training_parameters", "sweep",
            "search_space", "outputs", "compute", "properties", "weights_cache", AzureMlMappings.DATASTORES,
            AzureMlMappings.DATA_ASSETS);
    private static final Set<String> DATA_KEYS = Set.of("type", "path", "mode");
    private static final Set<String> LIMIT_KEYS = Set.of("max_trials", "max_concurrent_trials", "timeout_minutes",
            "trial_timeout_minutes", "max_failed_trials", "max_trial_retries");
    private static final Set<String> SWEEP_KEYS = Set.of("sampling_algorithm", "early_termination", "limits",
            "warm_start_runs", SamplingSettings.KEY);
    private static final List<String> ALGORITHMS = List.of("random", "grid", "bayesian");
    private static final List<String> VERBOSITY = List.of("not_set", "debug", "info", "warning", "error",
            "critical");

    private final String source;
    private final String baseDir;
    private ConfigProblems problems;
    private AzureMlMappings azureMl;

    SweepConfigParser(String source, String baseDir) {
        this.source = source;
        this.baseDir = baseDir;
    }

    SweepConfig parse(byte[] yaml) throws ConfigException {
        JsonNode root = JobYaml.read(yaml, source);
        try {
            problems = ConfigProblems.forYaml(source, yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException("Invalid sweep configuration " + source + ": line "
                    + e.getLocation().getLineNr() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("Cannot read the sweep configuration " + source + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException("Invalid sweep configuration " + source + ": the file is empty");
        }
        if (!root.isObject()) {
            throw new ConfigException("Invalid sweep configuration " + source
                    + ": expected a mapping of job settings (type, task, training_data, ...)");
        }
        checkKeys(root, "", TOP_KEYS);

        String type = string(root, "type", "automl");
        if (!"automl".equals(type)) {
            problems.add("type", "must be automl, got \"" + type + "\"");
        }
        String task = string(root, "task", null);
        if (task == null) {
            problems.add("task", "required (task: " + SweepConfig.TASK + ")");
        } else if (!SweepConfig.TASK.equals(task)) {
            problems.add("task", "only " + SweepConfig.TASK + " is supported, got \"" + task + "\"");
        }
        String experiment = string(root, "experiment_name", "automl-image-instance-segmentation");
        String verbosity = string(root, "log_verbosity", "info");
        if (verbosity != null && !VERBOSITY.contains(verbosity)) {
            problems.add("log_verbosity", "must be one of " + String.join(", ", VERBOSITY) + ", got \""
                    + verbosity + "\"");
        }
        String metric = string(root, "primary_metric", SweepConfig.PRIMARY_METRIC);
        if (metric != null && !SweepConfig.PRIMARY_METRIC.equals(metric)) {
            problems.add("primary_metric", "only " + SweepConfig.PRIMARY_METRIC
                    + " is available for instance segmentation, got \"" + metric + "\"");
        }
        String target = string(root, "target_column_name", null);
        if (target == null && (!root.has("target_column_name") || root.get("target_column_name").isNull())) {
            problems.add("target_column_name", "required (the JSONL column holding the objects, usually label)");
        }
        azureMl = AzureMlMappings.parse(root, problems);
        DataInput training = dataInput(root, "training_data", true);
        DataInput validation = dataInput(root, "validation_data", false);
        double validationSize = 0.2;
        if (root.has("validation_data_size")) {
            JsonNode n = root.get("validation_data_size");
            if (!n.isNumber() || !(n.asDouble() > 0 && n.asDouble() < 1)) {
                problems.add("validation_data_size", "must be a number in (0, 1), got " + n);
            } else {
                validationSize = n.asDouble();
            }
        }
        Limits limits = limits(root.get("limits"));
        Map<String, Object> trainingParams = trainingParameters(root.get("training_parameters"));
        StartingPointChecks.checkSources(trainingParams, baseDir, problems);
        SweepSettings sweep = sweep(root.get("sweep"));
        SearchSpaceParser spaces = new SearchSpaceParser(problems);
        SearchSpace space = spaces.parse(root.get("search_space"));
        JsonNode algorithmNode = root.path("sweep").path("sampling_algorithm");
        boolean algorithmGiven = !algorithmNode.isMissingNode() && !algorithmNode.isNull();
        JsonNode spaceNode = root.path("search_space");
        boolean noSpaceGiven = spaceNode.isMissingNode() || spaceNode.isNull()
                || (spaceNode.isArray() && spaceNode.size() == 0);
        if (noSpaceGiven && limits.maxTrials() > 1) {
            // Automatic mode: the reference product picks the region to sweep; we sweep a fixed CPU-sized default.
            if (!algorithmGiven) {
                // Bayesian sampling refuses the reference's policies (below), so one of them asks for random sampling.
                sweep = new SweepSettings(hasReferencePolicy(root) ? "random" : "bayesian",
                        sweep.earlyTermination(), sweep.warmStartRuns(), sweep.multivariate());
            }
            if ("grid".equals(sweep.samplingAlgorithm())) {
                problems.add("sweep.sampling_algorithm", "grid sampling needs a search_space of choice parameters; "
                        + "without one (automatic mode) use random or bayesian");
            } else {
                space = AutomaticSearchSpace.forFixed(trainingParams);
            }
        }
        if ("grid".equals(sweep.samplingAlgorithm())) {
            spaces.gridRestrictions();
        }
        if ("bayesian".equals(sweep.samplingAlgorithm())) {
            spaces.bayesianRestrictions(hasReferencePolicy(root));
        }
        if (!space.isEmpty() && !space.isAutomatic() && !algorithmGiven) {
            problems.add("sweep.sampling_algorithm", "required when search_space is given (random, grid or bayesian)");
        }
        StartingPointChecks.checkPretrained(trainingParams, space, baseDir, problems);
        EarlyTerminationParser.checkRungs(sweep.earlyTermination(), trainingParams, space, problems);
        String weightsCache = string(root, "weights_cache", null);
        if (!problems.isEmpty()) {
            throw problems.toException();
        }
        return new SweepConfig(source, type, task, experiment, verbosity, metric, target, training, validation,
                validationSize, limits, trainingParams, sweep, space, mapOf(root.get("outputs")),
                plain(root.get("compute")), mapOf(root.get("properties")),
                StartingPointChecks.weightsCache(weightsCache, baseDir), azureMl.datastores());
    }

    /** Whether one of the reference's policies is set (asha and hyperband, ours, also work with Bayesian sampling). */
    private static boolean hasReferencePolicy(JsonNode root) {
        JsonNode policy = root.path("sweep").path("early_termination");
        if (policy.isMissingNode() || policy.isNull()) {
            return false;
        }
        JsonNode type = policy.path("type");
        return !type.isTextual()
                || EarlyTerminationParser.REFERENCE_POLICIES.contains(type.asText().toLowerCase(Locale.ROOT));
    }

    void checkKeys(JsonNode node, String path, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                String hint = Suggestions.closest(key, allowed);
                problems.add(join(path, key), "unknown key" + (hint != null ? " (did you mean " + hint + "?)" : ""));
            }
        }
    }

    private String string(JsonNode parent, String key, String fallback) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            problems.add(key, "must be a string, got " + n);
            return fallback;
        }
        return n.asText();
    }

    private DataInput dataInput(JsonNode root, String key, boolean required) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            if (required) {
                problems.add(key, "required ({type: mltable, path: <folder with the MLTable file>})");
            }
            return null;
        }
        String path;
        String type = "mltable";
        if (n.isTextual()) {
            path = n.asText();
        } else if (n.isObject()) {
            checkKeys(n, key, DATA_KEYS);
            JsonNode t = n.get("type");
            if (t != null && !"mltable".equals(t.asText())) {
                problems.add(key + ".type", "must be mltable, got \"" + t.asText() + "\"");
            }
            JsonNode p = n.get("path");
            if (p == null || !p.isTextual() || p.asText().isBlank()) {
                problems.add(key + ".path", "required (folder with the MLTable file)");
                return null;
            }
            path = p.asText();
        } else {
            problems.add(key, "must be a path or {type: mltable, path: ...}");
            return null;
        }
        path = azureMl.dataPath(key, path, problems);
        return path == null ? null : new DataInput(type, Storage.resolve(baseDir, path));
    }

    private Limits limits(JsonNode n) {
        if (n == null || n.isNull()) {
            return new Limits(1, 1, null, null, null);
        }
        if (!n.isObject()) {
            problems.add("limits", "must be a mapping");
            return new Limits(1, 1, null, null, null);
        }
        checkKeys(n, "limits", LIMIT_KEYS);
        int maxTrials = intIn(n, "limits", "max_trials", 1, 1000, 1);
        int concurrent = intIn(n, "limits", "max_concurrent_trials", 1, 100, 1);
        Integer timeout = optionalPositive(n, "limits", "timeout_minutes");
        Integer trialTimeout = optionalPositive(n, "limits", "trial_timeout_minutes");
        Integer maxFailed = null;
        if (n.has("max_failed_trials")) {
            maxFailed = intIn(n, "limits", "max_failed_trials", 0, Integer.MAX_VALUE, 0);
        }
        int retries = intIn(n, "limits", "max_trial_retries", 0, 100, Limits.DEFAULT_MAX_TRIAL_RETRIES);
        return new Limits(maxTrials, concurrent, timeout, trialTimeout, maxFailed, retries);
    }

    int intIn(JsonNode parent, String path, String key, int min, int max, int fallback) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.canConvertToExactIntegral() || !n.isNumber() || n.asLong() < min || n.asLong() > max) {
            problems.add(join(path, key), "must be an integer in [" + min + ", "
                    + (max == Integer.MAX_VALUE ? "..." : String.valueOf(max)) + "], got " + n);
            return fallback;
        }
        return n.asInt();
    }

    private Integer optionalPositive(JsonNode parent, String path, String key) {
        if (!parent.has(key) || parent.get(key).isNull()) {
            return null;
        }
        return intIn(parent, path, key, 1, Integer.MAX_VALUE, 1);
    }

    private Map<String, Object> trainingParameters(JsonNode n) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            problems.add("training_parameters", "must be a mapping hyperparameter: value");
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = "training_parameters." + e.getKey();
            try {
                out.put(e.getKey(), Hyperparameters.validate(e.getKey(), plain(e.getValue())));
            } catch (IllegalArgumentException ex) {
                problems.add(path, ex.getMessage());
            }
        }
        return out;
    }

    private SweepSettings sweep(JsonNode n) {
        if (n == null || n.isNull()) {
            return new SweepSettings("random", null);
        }
        if (!n.isObject()) {
            problems.add("sweep", "must be a mapping (sampling_algorithm, early_termination)");
            return new SweepSettings("random", null);
        }
        checkKeys(n, "sweep", SWEEP_KEYS);
        if (n.has("limits")) {
            problems.add("sweep.limits", "older preview schema; put max_trials and max_concurrent_trials under "
                    + "the top-level limits");
        }
        String algorithm = "random";
        JsonNode a = n.get("sampling_algorithm");
        if (a != null && !a.isNull()) {
            String value = a.asText().toLowerCase(Locale.ROOT);
            if (!a.isTextual() || !ALGORITHMS.contains(value)) {
                String hint = a.isTextual() ? Suggestions.closest(value, ALGORITHMS) : null;
                problems.add("sweep.sampling_algorithm", "must be random, grid or bayesian, got " + a
                        + (hint != null ? " (did you mean " + hint + "?)" : ""));
            } else {
                algorithm = value;
            }
        }
        return new SweepSettings(algorithm,
                new EarlyTerminationParser(this, problems).parse(n.get("early_termination")),
                WarmStartRuns.parse(n.get("warm_start_runs"), baseDir, problems),
                SamplingSettings.multivariate(n.get(SamplingSettings.KEY), algorithm, problems));
    }

    static Object plain(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return Json.MAPPER.treeToValue(node, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapOf(JsonNode node) {
        Object o = plain(node);
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
