package io.automlseg.driver.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.config.SweepConfig.EarlyTermination;
import io.automlseg.driver.sweep.SearchSpace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks {@code sweep.early_termination}: the reference product's policies (bandit, median_stopping,
 * truncation_selection) and ours (asha, hyperband), each with only its own keys.
 */
final class EarlyTerminationParser {
    static final String PATH = "sweep.early_termination";
    /** The reference's policies: these are the ones Bayesian sampling refuses, as the reference does. */
    static final Set<String> REFERENCE_POLICIES = Set.of("bandit", "median_stopping", "truncation_selection");
    private static final Set<String> HALVING_KEYS = Set.of("type", "min_epochs", "reduction_factor", "max_epochs");
    private static final Map<String, Set<String>> POLICY_KEYS = Map.of(
            "bandit", Set.of("type", "slack_factor", "slack_amount", "evaluation_interval", "delay_evaluation"),
            "median_stopping", Set.of("type", "evaluation_interval", "delay_evaluation"),
            "truncation_selection", Set.of("type", "truncation_percentage", "evaluation_interval",
                    "delay_evaluation", "exclude_finished_jobs"),
            "asha", HALVING_KEYS,
            "hyperband", HALVING_KEYS);
    private static final String TYPES = "bandit, median_stopping, truncation_selection, asha or hyperband";

    private final SweepConfigParser parser;
    private final ConfigProblems problems;

    EarlyTerminationParser(SweepConfigParser parser, ConfigProblems problems) {
        this.parser = parser;
        this.problems = problems;
    }

    /** The policy, or null when none is given or it has problems (then added). */
    EarlyTermination parse(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject() || !n.path("type").isTextual()) {
            problems.add(PATH, "must be a mapping with a type (" + TYPES + ")");
            return null;
        }
        String type = n.get("type").asText().toLowerCase(Locale.ROOT);
        Set<String> keys = POLICY_KEYS.get(type);
        if (keys == null) {
            String hint = Suggestions.closest(type, POLICY_KEYS.keySet());
            problems.add(PATH + ".type", "must be " + TYPES + ", got \"" + n.get("type").asText() + "\""
                    + (hint != null ? " (did you mean " + hint + "?)" : ""));
            return null;
        }
        parser.checkKeys(n, PATH, keys);
        Map<String, Object> settings = new LinkedHashMap<>();
        int before = problems.size();
        if (keys == HALVING_KEYS) {
            halving(n, settings);
        } else {
            settings.put("evaluation_interval", parser.intIn(n, PATH, "evaluation_interval", 1, Integer.MAX_VALUE, 1));
            settings.put("delay_evaluation", parser.intIn(n, PATH, "delay_evaluation", 0, Integer.MAX_VALUE, 0));
        }
        if (type.equals("bandit")) {
            bandit(n, settings);
        } else if (type.equals("truncation_selection")) {
            truncation(n, settings);
        }
        return problems.size() == before ? new EarlyTermination(type, settings) : null;
    }

    private void halving(JsonNode n, Map<String, Object> settings) {
        settings.put("min_epochs", parser.intIn(n, PATH, "min_epochs", 1, Integer.MAX_VALUE,
                EarlyTermination.DEFAULT_MIN_EPOCHS));
        settings.put("reduction_factor", parser.intIn(n, PATH, "reduction_factor", 2, 100,
                EarlyTermination.DEFAULT_REDUCTION_FACTOR));
        if (n.has("max_epochs") && !n.get("max_epochs").isNull()) {
            settings.put("max_epochs", parser.intIn(n, PATH, "max_epochs", 2, Integer.MAX_VALUE, 2));
        }
    }

    private void bandit(JsonNode n, Map<String, Object> settings) {
        if (n.has("slack_factor") == n.has("slack_amount")) {
            problems.add(PATH, "bandit needs exactly one of slack_factor and slack_amount");
        }
        for (String key : List.of("slack_factor", "slack_amount")) {
            if (n.has(key)) {
                JsonNode v = n.get(key);
                if (!v.isNumber() || v.asDouble() < 0) {
                    problems.add(PATH + "." + key, "must be a number >= 0, got " + v);
                } else {
                    settings.put(key, v.asDouble());
                }
            }
        }
    }

    private void truncation(JsonNode n, Map<String, Object> settings) {
        if (!n.has("truncation_percentage")) {
            problems.add(PATH, "truncation_selection needs truncation_percentage (1..99)");
        } else {
            settings.put("truncation_percentage", parser.intIn(n, PATH, "truncation_percentage", 1, 99, 1));
        }
        if (n.has("exclude_finished_jobs")) {
            JsonNode v = n.get("exclude_finished_jobs");
            if (!v.isBoolean()) {
                problems.add(PATH + ".exclude_finished_jobs", "must be true or false, got " + v);
            } else {
                settings.put("exclude_finished_jobs", v.asBoolean());
            }
        }
    }

    /**
     * A halving policy whose first rung is not below the last epoch would never act: refused. The bound is
     * {@code max_epochs}, else {@code number_of_epochs} when it is fixed (not tuned).
     */
    static void checkRungs(EarlyTermination policy, Map<String, Object> trainingParameters, SearchSpace space,
                           ConfigProblems problems) {
        if (policy == null || REFERENCE_POLICIES.contains(policy.type())) {
            return;
        }
        int min = ((Number) policy.settings().get("min_epochs")).intValue();
        Object max = policy.settings().get("max_epochs");
        String bound = "max_epochs";
        if (max == null) {
            boolean tuned = space.subspaces().stream().anyMatch(s -> s.containsKey(Hyperparameters.NUMBER_OF_EPOCHS));
            if (tuned) {
                return;
            }
            max = EarlyTermination.configuredEpochs(trainingParameters);
            bound = "number_of_epochs";
        }
        if (min >= ((Number) max).intValue()) {
            problems.add(PATH + ".min_epochs", "must be below " + bound + " (" + max + "), got " + min
                    + ": no trial would ever reach a rung");
        }
    }
}
