package io.automlseg.driver.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.sweep.Distribution;
import io.automlseg.driver.sweep.SearchSpace;
import io.automlseg.executor.trial.Hyperparameter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code search_space} of a job file: a list of sub-spaces, each expression checked against its hyperparameter's
 * type and range, and the restrictions of the reference product's Bayesian sampling. Problems go to the file's
 * {@link ConfigProblems}.
 */
final class SearchSpaceParser {
    /** What the reference product's Bayesian sampling takes. */
    private static final Set<Distribution.Kind> BAYESIAN_KINDS = Set.of(Distribution.Kind.CHOICE,
            Distribution.Kind.UNIFORM, Distribution.Kind.QUNIFORM);

    private final ConfigProblems problems;
    /** The kind of every expression that parsed, by path, also those refused later for their range or values. */
    private final Map<String, Distribution.Kind> kinds = new LinkedHashMap<>();

    SearchSpaceParser(ConfigProblems problems) {
        this.problems = problems;
    }

    SearchSpace parse(JsonNode n) {
        if (n == null || n.isNull()) {
            return SearchSpace.empty();
        }
        if (!n.isArray()) {
            problems.add("search_space", "must be a list of sub-spaces (each a mapping hyperparameter: expression)");
            return SearchSpace.empty();
        }
        List<Map<String, Distribution>> subspaces = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode element = n.get(i);
            String path = "search_space[" + i + "]";
            if (!element.isObject()) {
                problems.add(path, "must be a mapping hyperparameter: expression");
                continue;
            }
            Map<String, Distribution> subspace = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = element.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Distribution d = distribution(path + "." + e.getKey(), e.getKey(), e.getValue());
                if (d != null) {
                    subspace.put(e.getKey(), d);
                }
            }
            subspaces.add(subspace);
        }
        return new SearchSpace(subspaces);
    }

    /** One expression, checked against its hyperparameter's type and range; null (with a problem) if invalid. */
    private Distribution distribution(String path, String name, JsonNode node) {
        if (Hyperparameters.spec(name).isEmpty()) {
            problems.add(path, Hyperparameters.unknownMessage(name));
            return null;
        }
        if (Hyperparameters.WEIGHT_SOURCES.contains(name) || name.equals(Hyperparameters.PRETRAINED_WEIGHTS)) {
            problems.add(path, "cannot be searched; set it in training_parameters");
            return null;
        }
        Hyperparameter spec = Hyperparameters.spec(name).get();
        Distribution d;
        try {
            if (node.isObject()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) SweepConfigParser.plain(node);
                d = Distribution.fromMap(map);
            } else if (node.isTextual() && node.asText().matches("(?s)\\s*[A-Za-z]+\\s*\\(.*\\)\\s*")) {
                d = Distribution.parse(node.asText());
            } else if (node.isValueNode()) {
                d = Distribution.choice(List.of(SweepConfigParser.plain(node))); // a fixed value inside a sub-space
            } else {
                problems.add(path, "must be an expression such as uniform(0.001, 0.01) or {type: choice, values: [...]}");
                return null;
            }
        } catch (IllegalArgumentException e) {
            problems.add(path, e.getMessage());
            return null;
        }
        kinds.put(path, d.kind());
        if (d.isChoice()) {
            List<Object> converted = new ArrayList<>();
            for (Object v : d.choices()) {
                try {
                    converted.add(Hyperparameters.validate(name, v));
                } catch (IllegalArgumentException e) {
                    problems.add(path, "choice value " + (v instanceof String s ? "\"" + s + "\"" : v) + " "
                            + e.getMessage());
                    return null;
                }
            }
            return Distribution.choice(converted);
        }
        if (spec.type() != Hyperparameter.Type.INT && spec.type() != Hyperparameter.Type.FLOAT) {
            problems.add(path, name + " takes " + spec.range() + "; use choice(...) for it, not "
                    + d.kind().yamlName());
            return null;
        }
        double[] bounds = d.bounds();
        boolean finite = Double.isFinite(bounds[0]) && Double.isFinite(bounds[1]);
        if (finite && (!spec.inRange(bounds[0]) || !spec.inRange(bounds[1]))) {
            problems.add(path, d + " can produce values outside " + name + "'s range " + spec.range());
            return null;
        }
        return d;
    }

    /**
     * The reference product's Bayesian sampling takes only choice, uniform and quniform, and no early termination.
     * (It also refuses a list of sub-spaces; here each sub-space is one more categorical choice of the model.)
     * Our asha and hyperband policies are allowed with it: they need nothing from the sampler.
     *
     * @param referencePolicy whether one of the reference's early-termination policies is set
     */
    void bayesianRestrictions(boolean referencePolicy) {
        kinds.forEach((path, kind) -> {
            if (!BAYESIAN_KINDS.contains(kind)) {
                problems.add(path, "bayesian sampling takes only choice, uniform and quniform, not " + kind.yamlName()
                        + " (use random sampling, or rewrite it as uniform/quniform)");
            }
        });
        if (referencePolicy) {
            problems.add("sweep.early_termination", "bayesian sampling does not support early termination by "
                    + "bandit, median_stopping or truncation_selection (as in the reference product): use asha or "
                    + "hyperband (ours, they work with bayesian sampling), remove early_termination or use random "
                    + "sampling");
        }
    }

    /** Grid sampling takes only choice expressions: each other one is named, whatever else is wrong with it. */
    void gridRestrictions() {
        kinds.forEach((path, kind) -> {
            if (kind != Distribution.Kind.CHOICE) {
                problems.add(path, "grid sampling takes only choice expressions, not " + kind.yamlName()
                        + " (use random or bayesian sampling, or list the values with choice)");
            }
        });
    }
}
