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
    private final boolean automatic;

    public SearchSpace(List<Map<String, Distribution>> subspaces) {
        this(subspaces, false);
    }

    /**
     * @param automatic whether this space was chosen by automatic mode rather than written by the user (only
     *     reported, it does not change sampling)
     */
    public SearchSpace(List<Map<String, Distribution>> subspaces, boolean automatic) {
        List<Map<String, Distribution>> copy = new ArrayList<>();
        for (Map<String, Distribution> s : subspaces) {
            copy.add(Collections.unmodifiableMap(new LinkedHashMap<>(s)));
        }
        if (copy.isEmpty()) {
            copy.add(Map.of());
        }
        this.subspaces = Collections.unmodifiableList(copy);
        this.automatic = automatic;
    }

    public static SearchSpace empty() {
        return new SearchSpace(List.of());
    }

    public List<Map<String, Distribution>> subspaces() {
        return subspaces;
    }

    /** Whether automatic mode chose this space (the job had {@code max_trials} > 1 and no search space). */
    public boolean isAutomatic() {
        return automatic;
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
