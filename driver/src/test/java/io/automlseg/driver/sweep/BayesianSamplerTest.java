package io.automlseg.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class BayesianSamplerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static SearchSpace oneDimension() {
        return new SearchSpace(List.of(Map.of("momentum", Distribution.of(Distribution.Kind.UNIFORM, 0, 1))));
    }

    private static SearchSpace choices() {
        Map<String, Distribution> s = new LinkedHashMap<>();
        s.put("optimizer", Distribution.parse("choice('sgd', 'adam', 'adamw')"));
        s.put("min_size", Distribution.parse("choice(256, 384, 512)"));
        s.put("model_name", Distribution.parse("choice('maskrcnn_resnet18_fpn', 'maskrcnn_resnet34_fpn')"));
        return new SearchSpace(List.of(s));
    }

    private static Trial finish(SweepState state, Map<String, Object> parameters, double value) {
        Trial t = state.addTrial(parameters);
        t.markRunning(T0);
        t.addEvaluation(1, value);
        t.finish(TrialState.COMPLETED, T0, null);
        return t;
    }

    private static Trial running(SweepState state, Map<String, Object> parameters) {
        Trial t = state.addTrial(parameters);
        t.markRunning(T0);
        return t;
    }

    /** Sequential sweep (each trial finishes before the next is proposed); the best value found. */
    private static double bestOf(Sampler sampler, int budget, ToDoubleFunction<Map<String, Object>> objective) {
        SweepState state = new SweepState("m");
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < budget; i++) {
            Map<String, Object> p = sampler.propose(state).orElseThrow();
            double v = objective.applyAsDouble(p);
            finish(state, p, v);
            best = Math.max(best, v);
        }
        return best;
    }

    @Test
    void proposalsDependOnlyOnSeedAndHistory() {
        ToDoubleFunction<Map<String, Object>> objective =
                p -> -Math.abs(((Number) p.get("momentum")).doubleValue() - 0.3);
        List<Object> first = new ArrayList<>();
        List<Object> second = new ArrayList<>();
        List<Object> otherSeed = new ArrayList<>();
        for (List<Object> out : List.of(first, second, otherSeed)) {
            BayesianSampler sampler = new BayesianSampler(oneDimension(), out == otherSeed ? 2 : 1, 3);
            SweepState state = new SweepState("m");
            for (int i = 0; i < 12; i++) {
                Map<String, Object> p = sampler.propose(state).orElseThrow();
                out.add(p.get("momentum"));
                finish(state, p, objective.applyAsDouble(p));
            }
        }
        assertEquals(first, second);
        assertNotEquals(first, otherSeed);
    }

    @Test
    void aRebuiltSamplerGivenTheJournaledTrialsProposesTheSame() {
        BayesianSampler sampler = new BayesianSampler(choices(), 5, 3);
        SweepState original = new SweepState("m");
        for (int i = 0; i < 6; i++) {
            Map<String, Object> p = sampler.propose(original).orElseThrow();
            if (i < 4) {
                finish(original, p, 0.1 * i + (p.get("optimizer").equals("adam") ? 0.5 : 0));
            } else {
                running(original, p);
            }
        }
        // What a journal gives back: the same trials, numbers as JSON reads them (Long for integers).
        SweepState restored = new SweepState("m");
        for (Trial t : original.trials()) {
            Map<String, Object> p = new LinkedHashMap<>(t.parameters());
            p.replaceAll((k, v) -> v instanceof Integer n ? Long.valueOf(n) : v);
            if (t.state() == TrialState.COMPLETED) {
                finish(restored, p, t.bestValue());
            } else {
                running(restored, p);
            }
        }
        Map<String, Object> next = sampler.propose(original).orElseThrow();
        Map<String, Object> resumed = new BayesianSampler(choices(), 5, 3).propose(restored).orElseThrow();
        assertEquals(next.keySet(), resumed.keySet());
        for (String k : next.keySet()) {
            assertTrue(BayesianSampler.sameValue(next.get(k), resumed.get(k)), k + ": " + next + " vs " + resumed);
        }
    }

    @Test
    void manyRunningTrialsDoNotGetDuplicateProposalsWhileAlternativesRemain() {
        SearchSpace space = choices(); // 18 combinations
        for (long seed = 0; seed < 5; seed++) {
            BayesianSampler sampler = new BayesianSampler(space, seed, 3);
            SweepState state = new SweepState("m");
            for (int i = 0; i < 4; i++) {
                Map<String, Object> p = sampler.propose(state).orElseThrow();
                finish(state, p, p.get("optimizer").equals("adamw") ? 0.6 : 0.2 + 0.01 * i);
            }
            // Fourteen proposals in a row with every one of them still running: the model must not repeat any.
            Set<Map<String, Object>> seen = new HashSet<>();
            state.trials().forEach(t -> seen.add(t.parameters()));
            for (int i = 0; i < 14; i++) {
                Map<String, Object> p = sampler.propose(state).orElseThrow();
                assertTrue(seen.add(p), "seed " + seed + ": proposal " + (i + 5) + " repeats " + p);
                running(state, p);
            }
            assertEquals(18, seen.size());
            // The space is used up: a proposal is still made.
            assertTrue(sampler.propose(state).isPresent());
        }
    }

    @Test
    void runningTrialsPushProposalsAwayFromWorkUnderWay() {
        // The good trials sit near 0.7. With eight trials already running there, fewer proposals land there again.
        int nearWithout = 0;
        int nearWith = 0;
        for (long seed = 0; seed < 60; seed++) {
            BayesianSampler sampler = new BayesianSampler(oneDimension(), seed, 3);
            SweepState plain = new SweepState("m");
            SweepState busy = new SweepState("m");
            double[] xs = {0.05, 0.2, 0.35, 0.5, 0.68, 0.72, 0.9, 0.97};
            for (double x : xs) {
                double v = -Math.abs(x - 0.7);
                finish(plain, Map.of("momentum", x), v);
                finish(busy, Map.of("momentum", x), v);
            }
            for (int i = 0; i < 8; i++) {
                running(busy, Map.of("momentum", 0.66 + 0.01 * i));
            }
            double a = ((Number) sampler.propose(plain).orElseThrow().get("momentum")).doubleValue();
            double b = ((Number) sampler.propose(busy).orElseThrow().get("momentum")).doubleValue();
            nearWithout += Math.abs(a - 0.7) < 0.05 ? 1 : 0;
            nearWith += Math.abs(b - 0.7) < 0.05 ? 1 : 0;
        }
        assertTrue(nearWithout > 30, "TPE should mostly propose near the good trials: " + nearWithout + "/60");
        assertTrue(nearWith < nearWithout / 2, "running trials should push proposals away: " + nearWith + " vs "
                + nearWithout);
    }

    @Test
    void beatsRandomSearchOnASmoothObjective() {
        ToDoubleFunction<Map<String, Object>> objective = p -> {
            double x = ((Number) p.get("momentum")).doubleValue();
            double y = ((Number) p.get("learning_rate")).doubleValue();
            return -Math.pow(x - 0.83, 2) - Math.pow(y - 0.004, 2) * 1e4;
        };
        Map<String, Distribution> s = new LinkedHashMap<>();
        s.put("momentum", Distribution.of(Distribution.Kind.UNIFORM, 0, 1));
        s.put("learning_rate", Distribution.of(Distribution.Kind.UNIFORM, 0.0001, 0.01));
        SearchSpace space = new SearchSpace(List.of(s));
        double bayesian = 0;
        double random = 0;
        int seeds = 20;
        for (long seed = 0; seed < seeds; seed++) {
            bayesian += bestOf(new BayesianSampler(space, seed, 5), 25, objective) / seeds;
            random += bestOf(new RandomSampler(space, seed), 25, objective) / seeds;
        }
        assertTrue(bayesian > random, "bayesian " + bayesian + " vs random " + random);
    }

    @Test
    void learnsWhichSubspaceIsBetter() {
        Map<String, Distribution> a = new LinkedHashMap<>();
        a.put("model_name", Distribution.parse("choice('maskrcnn_resnet18_fpn')"));
        a.put("learning_rate", Distribution.of(Distribution.Kind.UNIFORM, 0.001, 0.005));
        Map<String, Distribution> b = new LinkedHashMap<>();
        b.put("model_name", Distribution.parse("choice('maskrcnn_resnet50_fpn')"));
        b.put("learning_rate", Distribution.of(Distribution.Kind.UNIFORM, 0.001, 0.005));
        BayesianSampler sampler = new BayesianSampler(new SearchSpace(List.of(a, b)), 11, 4);
        SweepState state = new SweepState("m");
        int late50 = 0;
        for (int i = 0; i < 24; i++) {
            Map<String, Object> p = sampler.propose(state).orElseThrow();
            boolean r50 = p.get("model_name").equals("maskrcnn_resnet50_fpn");
            if (i >= 12 && r50) {
                late50++;
            }
            finish(state, p, (r50 ? 0.5 : 0.2) + 10 * ((Number) p.get("learning_rate")).doubleValue());
        }
        assertTrue(late50 >= 9, "the better sub-space should dominate later proposals: " + late50 + "/12");
        assertEquals(1, sampler.subspaceOf(Map.of("model_name", "maskrcnn_resnet50_fpn", "learning_rate", 0.002)));
        assertEquals(-1, sampler.subspaceOf(Map.of("model_name", "maskrcnn_resnet50_fpn", "learning_rate", 0.02)));
    }

    @Test
    void quantisedProposalsAreMultiplesOfQWithinTheRange() {
        SearchSpace space = new SearchSpace(List.of(Map.of("min_size",
                Distribution.of(Distribution.Kind.QUNIFORM, 256, 640, 32))));
        BayesianSampler sampler = new BayesianSampler(space, 3, 3);
        SweepState state = new SweepState("m");
        for (int i = 0; i < 20; i++) {
            Map<String, Object> p = sampler.propose(state).orElseThrow();
            double v = ((Number) p.get("min_size")).doubleValue();
            assertTrue(v >= 256 && v <= 640 && v % 32 == 0, "min_size " + v);
            finish(state, p, -Math.abs(v - 480));
        }
        // 13 values in all: after the random start-up, the model repeats none until all 13 are tried.
        Set<Double> tried = new HashSet<>();
        List<Trial> trials = state.trials();
        for (int i = 0; i < trials.size() && tried.size() < 13; i++) {
            boolean added = tried.add(((Number) trials.get(i).parameters().get("min_size")).doubleValue());
            assertTrue(added || i < 3, "trial " + (i + 1) + " repeats " + trials.get(i).parameters());
        }
        assertEquals(13, tried.size());
    }

    @Test
    void refusesExpressionsBayesianSamplingDoesNotTake() {
        SearchSpace space = new SearchSpace(List.of(Map.of("learning_rate", Distribution.parse("loguniform(-9, -4)"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BayesianSampler(space, 1, 3));
        assertTrue(e.getMessage().contains("learning_rate"), e.getMessage());
        assertEquals(3, BayesianSampler.defaultStartupTrials(4));
        assertEquals(8, BayesianSampler.defaultStartupTrials(30));
        assertEquals(10, BayesianSampler.defaultStartupTrials(1000));
    }
}
