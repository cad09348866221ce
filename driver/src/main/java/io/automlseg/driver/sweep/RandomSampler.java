package io.automlseg.driver.sweep;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Random search: each trial picks one sub-space uniformly, then draws every expression of it.
 *
 * <p>The random stream of the k-th trial is derived from the seed and k only, so the k-th proposal is the same
 * whatever order earlier trials finish in. When the space is made only of choices, a combination already tried
 * is redrawn a few times before being accepted again (small spaces would otherwise waste trials).
 */
public final class RandomSampler implements Sampler {
    private static final int REDRAWS = 64;

    private final SearchSpace space;
    private final long seed;

    public RandomSampler(SearchSpace space, long seed) {
        this.space = space;
        this.seed = seed;
    }

    @Override
    public Optional<Map<String, Object>> propose(SweepState state) {
        int k = state.trials().size();
        // java.util.Random's first draws are correlated for nearby seeds, so scramble (seed, k) first.
        Random random = new Random(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + k).nextLong());
        Map<String, Object> proposal = draw(random);
        boolean finite = space.isChoiceOnly();
        for (int attempt = 0; finite && attempt < REDRAWS && alreadyTried(proposal, state); attempt++) {
            proposal = draw(random);
        }
        return Optional.of(proposal);
    }

    private Map<String, Object> draw(Random random) {
        Map<String, Distribution> subspace = space.subspaces().get(random.nextInt(space.subspaces().size()));
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, Distribution> e : subspace.entrySet()) {
            values.put(e.getKey(), e.getValue().sample(random));
        }
        return values;
    }

    private static boolean alreadyTried(Map<String, Object> proposal, SweepState state) {
        return state.trials().stream().anyMatch(t -> t.parameters().equals(proposal));
    }

    @Override
    public String name() {
        return "random";
    }
}
