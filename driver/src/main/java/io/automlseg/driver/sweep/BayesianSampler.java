package io.automlseg.driver.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Bayesian sampling by TPE, the Tree-structured Parzen Estimator (Bergstra et al., 2011), over the reference
 * product's Bayesian expressions: {@code choice}, {@code uniform} and {@code quniform}. The primary metric is
 * maximised.
 *
 * <p>How a proposal is made:
 * <ol>
 *   <li>The first {@code startupTrials} proposals (and any made before two trials have finished) are random
 *       search, to have something to model.
 *   <li>Finished trials are ranked by their best value; the top {@link #GAMMA} share (at least one) is "good", the
 *       rest "bad". Trials still queued or running, and failed ones, join the bad group with the worst value seen
 *       (a constant liar): the next proposal then avoids the neighbourhood of work already under way, so concurrent
 *       proposals spread out instead of repeating one another.
 *   <li>For each parameter, a density l(x) is fitted to the good trials and g(x) to the bad ones: for a
 *       {@code choice}, smoothed frequencies of its values; for {@code uniform} and {@code quniform}, a
 *       {@link ParzenEstimator} on the parameter's interval ({@code quniform} scores the mass of its rounding bin).
 *       The search space may be conditional (a list of sub-spaces, e.g. one per {@code model_name}): a parameter
 *       is fitted over the trials that had it (with the same expression), from whichever sub-space, so one that
 *       only some sub-spaces have is modelled within their trials only; which sub-space a trial came from is one
 *       more categorical parameter.
 *   <li>Multivariate ({@code sweep.sampling_algorithm_settings.multivariate: true}, ours): each sub-space's
 *       parameters are modelled jointly instead ({@link JointDensities}, over the trials of that sub-space).
 *   <li>{@link #CANDIDATES} candidates are drawn from l, and the one with the largest l(x) / g(x) (summed over
 *       parameters in log space) that no existing trial already has is proposed. If every candidate repeats a
 *       trial and the space is finite and small, the best untried point of the whole space is proposed instead,
 *       so a space of choices is never repeated while alternatives remain.
 * </ol>
 *
 * <p>Warm start ({@code sweep.warm_start_runs}): finished trials of earlier sweeps join the finished trials as
 * observations and count towards the startup trials, so the model may take over from the first proposal; they are
 * never trials of this sweep, and the proposal never avoids them as already tried (the earlier sweep may have trained
 * on other data).
 *
 * <p>Determinism (what resume relies on): a proposal depends only on the seed, the warm-start trials (recorded in the
 * run folder when the sweep starts), the number of trials proposed so far, and each trial's parameters, state and
 * best value, all of which the sweep journals. A sampler rebuilt from the
 * configuration and handed the journaled trials proposes what the original would have proposed from that history.
 * The sampler keeps no state of its own.
 */
public final class BayesianSampler implements Sampler {
    /** Share of the finished trials that counts as good. */
    public static final double GAMMA = 0.15;
    /** Candidates drawn from l(x) per proposal. */
    public static final int CANDIDATES = 24;
    /** Expressions the reference product's Bayesian sampling takes. */
    public static final Set<Distribution.Kind> KINDS = Set.of(Distribution.Kind.CHOICE, Distribution.Kind.UNIFORM,
            Distribution.Kind.QUNIFORM);
    /** Largest finite space that is enumerated when every candidate repeats a trial. */
    private static final long ENUMERATION_LIMIT = 20_000;
    /** Keeps this sampler's random streams apart from the random sampler's for the same seed. */
    private static final long SALT = 0x5DEECE66DL;

    private final SearchSpace space;
    private final long seed;
    private final int startupTrials;
    private final RandomSampler startup;
    private final List<PriorTrial> warmStart;
    private final boolean multivariate;

    /**
     * @param startupTrials proposals made by random search before the model takes over
     * @throws IllegalArgumentException if the space has an expression other than choice, uniform or quniform
     */
    public BayesianSampler(SearchSpace space, long seed, int startupTrials) {
        this(space, seed, startupTrials, false);
    }

    /** @param multivariate whether each sub-space's parameters are modelled jointly ({@link JointDensities}) */
    public BayesianSampler(SearchSpace space, long seed, int startupTrials, boolean multivariate) {
        this(space, seed, startupTrials, List.of(), multivariate);
    }

    /**
     * @param warmStart finished trials of earlier sweeps: observations of the model from the first proposal on (they
     *     count towards the startup trials), but never trials of this sweep; those from no sub-space are ignored
     */
    public BayesianSampler(SearchSpace space, long seed, int startupTrials, List<PriorTrial> warmStart,
                           boolean multivariate) {
        for (Map<String, Distribution> s : space.subspaces()) {
            for (Map.Entry<String, Distribution> e : s.entrySet()) {
                if (!KINDS.contains(e.getValue().kind())) {
                    throw new IllegalArgumentException("bayesian sampling takes only choice, uniform and quniform; "
                            + e.getKey() + " is " + e.getValue());
                }
            }
        }
        this.space = space;
        this.seed = seed;
        this.startupTrials = Math.max(0, startupTrials);
        this.startup = new RandomSampler(space, seed);
        this.warmStart = List.copyOf(warmStart);
        this.multivariate = multivariate;
    }

    /** This sampler, seeded with the finished trials of earlier sweeps. */
    public BayesianSampler withWarmStart(List<PriorTrial> trials) {
        return new BayesianSampler(space, seed, startupTrials, trials, multivariate);
    }

    /**
     * Random proposals before the model: a quarter of the budget, between 3 and 10 (TPE needs a few points to
     * model, and every random trial is one the model does not choose).
     */
    public static int defaultStartupTrials(int maxTrials) {
        return Math.max(3, Math.min(10, (int) Math.round(maxTrials * 0.25)));
    }

    public int startupTrials() {
        return startupTrials;
    }

    @Override
    public Optional<Map<String, Object>> propose(SweepState state) {
        List<Trial> trials = state.trials();
        int k = trials.size();
        List<Observation> finished = new ArrayList<>();
        List<Observation> pending = new ArrayList<>();
        for (PriorTrial p : warmStart) {
            int s = subspaceOf(p.parameters());
            if (s >= 0 && Double.isFinite(p.value())) {
                finished.add(new Observation(s, p.parameters(), p.value()));
            }
        }
        for (Trial t : trials) {
            int s = subspaceOf(t.parameters());
            if (s < 0) {
                continue; // not from this space (e.g. the configuration changed): useless to the model
            }
            TrialState st = t.state();
            double value = t.bestValue();
            if ((st == TrialState.COMPLETED || st == TrialState.EARLY_TERMINATED) && Double.isFinite(value)) {
                finished.add(new Observation(s, t.parameters(), value));
            } else {
                pending.add(new Observation(s, t.parameters(), Double.NaN));
            }
        }
        if (k + warmStart.size() < startupTrials || finished.size() < 2) {
            return startup.propose(state);
        }
        // Best first; the sort is stable, so ties keep the order of the trials.
        finished.sort(Comparator.comparingDouble(Observation::value).reversed());
        int goodCount = Math.max(1, (int) Math.ceil(GAMMA * finished.size()));
        List<Observation> good = finished.subList(0, goodCount);
        List<Observation> bad = new ArrayList<>(finished.subList(goodCount, finished.size()));
        bad.addAll(pending);

        Set<Map<String, Object>> tried = new HashSet<>();
        for (Trial t : trials) {
            tried.add(normalized(t.parameters()));
        }
        Random random = new Random(new SplittableRandom((seed ^ SALT) * 0x9E3779B97F4A7C15L + k).nextLong());
        List<Map<String, ParameterDensities>> models = new ArrayList<>();
        for (int s = 0; s < space.subspaces().size(); s++) {
            models.add(fit(s, good, bad));
        }
        List<JointDensities> joints = multivariate ? new ArrayList<>() : null;
        for (int s = 0; multivariate && s < space.subspaces().size(); s++) {
            joints.add(new JointDensities(space.subspaces().get(s), parametersIn(s, good), parametersIn(s, bad)));
        }
        int subspaces = space.subspaces().size();
        double[] subspaceGood = ParameterDensities.frequencies(subspaces,
                good.stream().mapToInt(Observation::subspace).toArray());
        double[] subspaceBad = ParameterDensities.frequencies(subspaces,
                bad.stream().mapToInt(Observation::subspace).toArray());

        Map<String, Object> bestNew = null;
        double bestNewScore = Double.NEGATIVE_INFINITY;
        Map<String, Object> bestAny = null;
        double bestAnyScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < CANDIDATES; c++) {
            int s = subspaces == 1 ? 0 : ParameterDensities.draw(subspaceGood, random);
            Map<String, Object> candidate = new LinkedHashMap<>();
            if (joints != null) {
                candidate.putAll(joints.get(s).sample(random));
            } else {
                for (Map.Entry<String, ParameterDensities> e : models.get(s).entrySet()) {
                    candidate.put(e.getKey(), e.getValue().sample(random));
                }
            }
            double score = score(s, candidate, models, joints, subspaceGood, subspaceBad);
            if (score > bestAnyScore) {
                bestAny = candidate;
                bestAnyScore = score;
            }
            if (score > bestNewScore && !tried.contains(normalized(candidate))) {
                bestNew = candidate;
                bestNewScore = score;
            }
        }
        if (bestNew == null) {
            bestNew = bestUntried(tried, models, joints, subspaceGood, subspaceBad);
        }
        return Optional.of(bestNew != null ? bestNew : bestAny);
    }

    @Override
    public String name() {
        return "bayesian";
    }

    /** One trial as the model sees it: its sub-space, parameters and best value (NaN for the constant liar). */
    record Observation(int subspace, Map<String, Object> parameters, double value) {}

    /**
     * The densities of sub-space {@code s}'s parameters. Conditional: each parameter is fitted over every trial that
     * had it with the same expression, whichever sub-space it came from (a {@code learning_rate} shared by all
     * {@code model_name} sub-spaces learns from all their trials; one only some sub-spaces have, from theirs only).
     */
    Map<String, ParameterDensities> fit(int s, List<Observation> good, List<Observation> bad) {
        Map<String, ParameterDensities> out = new LinkedHashMap<>();
        for (Map.Entry<String, Distribution> e : space.subspaces().get(s).entrySet()) {
            List<Object> goodValues = valuesOf(e.getKey(), e.getValue(), good);
            List<Object> badValues = valuesOf(e.getKey(), e.getValue(), bad);
            out.put(e.getKey(), new ParameterDensities(e.getValue(), goodValues, badValues));
        }
        return out;
    }

    /** The parameters of the observations from sub-space {@code s} (a joint model needs all of them together). */
    private static List<Map<String, Object>> parametersIn(int s, List<Observation> observations) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Observation o : observations) {
            if (o.subspace() == s) {
                out.add(o.parameters());
            }
        }
        return out;
    }

    private List<Object> valuesOf(String name, Distribution expression, List<Observation> observations) {
        List<Object> out = new ArrayList<>();
        for (Observation o : observations) {
            if (expression.equals(space.subspaces().get(o.subspace()).get(name))) {
                out.add(o.parameters().get(name));
            }
        }
        return out;
    }

    private static double score(int s, Map<String, Object> candidate, List<Map<String, ParameterDensities>> models,
                                List<JointDensities> joints,
                                double[] subspaceGood, double[] subspaceBad) {
        double score = subspaceGood.length == 1 ? 0 : Math.log(subspaceGood[s]) - Math.log(subspaceBad[s]);
        if (joints != null) {
            return score + joints.get(s).logRatio(candidate);
        }
        for (Map.Entry<String, ParameterDensities> e : models.get(s).entrySet()) {
            score += e.getValue().logRatio(candidate.get(e.getKey()));
        }
        return score;
    }

    /** The best-scoring point of a small finite space that no trial has yet; null if none or too large. */
    private Map<String, Object> bestUntried(Set<Map<String, Object>> tried,
                                            List<Map<String, ParameterDensities>> models,
                                            List<JointDensities> joints, double[] subspaceGood,
                                            double[] subspaceBad) {
        long size = 0;
        for (Map<String, ParameterDensities> m : models) {
            long product = 1;
            for (ParameterDensities p : m.values()) {
                List<Object> points = p.points(ENUMERATION_LIMIT);
                if (points == null) {
                    return null;
                }
                product *= points.size();
                if (product > ENUMERATION_LIMIT) {
                    return null;
                }
            }
            size += product;
            if (size > ENUMERATION_LIMIT) {
                return null;
            }
        }
        Map<String, Object> best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < models.size(); s++) {
            List<String> names = new ArrayList<>(models.get(s).keySet());
            List<List<Object>> points = new ArrayList<>();
            for (String n : names) {
                points.add(models.get(s).get(n).points(ENUMERATION_LIMIT));
            }
            int[] index = new int[names.size()];
            while (true) {
                Map<String, Object> point = new LinkedHashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    point.put(names.get(i), points.get(i).get(index[i]));
                }
                if (!tried.contains(normalized(point))) {
                    double score = score(s, point, models, joints, subspaceGood, subspaceBad);
                    if (score > bestScore) {
                        best = point;
                        bestScore = score;
                    }
                }
                int i = names.size() - 1;
                while (i >= 0 && ++index[i] == points.get(i).size()) {
                    index[i--] = 0;
                }
                if (i < 0) {
                    break;
                }
            }
        }
        return best;
    }

    /** Which sub-space a trial's parameters came from ({@link SpaceFit#subspaceOf}); -1 if none. */
    int subspaceOf(Map<String, Object> parameters) {
        return SpaceFit.subspaceOf(space, parameters);
    }

    /** Numbers compare by value, so 600 read back from a journal as a Long still matches the Integer 600. */
    static boolean sameValue(Object a, Object b) {
        return ParameterDensities.sameValue(a, b);
    }

    /**
     * The parameters with every number as a Double, so that equal values compare equal whatever their boxed type
     * (600 read back from a journal as a Long still matches the Integer 600).
     */
    private static Map<String, Object> normalized(Map<String, Object> parameters) {
        Map<String, Object> out = new HashMap<>();
        for (Map.Entry<String, Object> e : parameters.entrySet()) {
            out.put(e.getKey(), e.getValue() instanceof Number n ? (Object) n.doubleValue() : e.getValue());
        }
        return out;
    }
}
