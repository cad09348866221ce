package io.automlseg.driver.sweep;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The region a sweep explores: a list of sub-spaces, each a map hyperparameter name to {@link Distribution}. A
 * trial draws from one sub-space, which lets a space be conditional (e.g. one sub-space per {@code model_name}).
 * An empty search space has one empty sub-space: every trial runs with the fixed parameters.
 */
public final class SearchSpace {
    private final List<Map<String, Distribution>> subspaces;

    public SearchSpace(List<Map<String, Distribution>> subspaces) {
        List<Map<String, Distribution>> copy = new ArrayList<>();
        for (Map<String, Distribution> s : subspaces) {
            copy.add(Collections.unmodifiableMap(new LinkedHashMap<>(s)));
        }
        if (copy.isEmpty()) {
            copy.add(Map.of());
        }
        this.subspaces = Collections.unmodifiableList(copy);
    }

    public static SearchSpace empty() {
        return new SearchSpace(List.of());
    }

    public List<Map<String, Distribution>> subspaces() {
        return subspaces;
    }

    /** Whether there is nothing to tune (only fixed parameters). */
    public boolean isEmpty() {
        return subspaces.stream().allMatch(Map::isEmpty);
    }

    /** Whether every expression is a {@code choice} (what grid sampling requires). */
    public boolean isChoiceOnly() {
        return subspaces.stream().allMatch(s -> s.values().stream().allMatch(Distribution::isChoice));
    }

    /** Number of distinct choice combinations over all sub-spaces; only meaningful when {@link #isChoiceOnly()}. */
    public long gridSize() {
        long total = 0;
        for (Map<String, Distribution> s : subspaces) {
            long product = 1;
            for (Distribution d : s.values()) {
                product = Math.multiplyExact(product, d.choices().size());
            }
            total = Math.addExact(total, product);
        }
        return total;
    }

    @Override
    public String toString() {
        return subspaces.toString();
    }
}
