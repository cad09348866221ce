package io.automlseg.driver.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Grid search: every combination of the choices of each sub-space, sub-space after sub-space, in a fixed order
 * (the last parameter varies fastest). The sweep's {@code max_trials} caps how many are run.
 */
public final class GridSampler implements Sampler {
    private final SearchSpace space;

    public GridSampler(SearchSpace space) {
        if (!space.isChoiceOnly()) {
            throw new IllegalArgumentException("grid sampling needs choice expressions only");
        }
        this.space = space;
    }

    /** How many trials the grid has in all. */
    public long size() {
        return space.gridSize();
    }

    @Override
    public Optional<Map<String, Object>> propose(SweepState state) {
        long k = state.trials().size();
        for (Map<String, Distribution> subspace : space.subspaces()) {
            long combos = 1;
            for (Distribution d : subspace.values()) {
                combos *= d.choices().size();
            }
            if (k < combos) {
                return Optional.of(combination(subspace, k));
            }
            k -= combos;
        }
        return Optional.empty();
    }

    private static Map<String, Object> combination(Map<String, Distribution> subspace, long index) {
        List<Map.Entry<String, Distribution>> entries = new ArrayList<>(subspace.entrySet());
        Object[] picked = new Object[entries.size()];
        long rest = index;
        for (int i = entries.size() - 1; i >= 0; i--) {
            List<Object> choices = entries.get(i).getValue().choices();
            picked[i] = choices.get((int) (rest % choices.size()));
            rest /= choices.size();
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            values.put(entries.get(i).getKey(), picked[i]);
        }
        return values;
    }

    @Override
    public String name() {
        return "grid";
    }
}
