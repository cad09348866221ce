package io.automlseg.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TPE over a conditional space (one sub-space per model_name, as the reference writes them): a parameter shared by
 * the sub-spaces is modelled over all trials that had it, one that only a sub-space has within its trials only, and
 * the sub-space itself is a categorical. Scripted histories, no sweep.
 */
class ConditionalTpeTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static SearchSpace space() {
        Map<String, Distribution> a = new LinkedHashMap<>();
        a.put("model_name", Distribution.parse("choice('a')"));
        a.put("learning_rate", Distribution.parse("uniform(0, 1)"));
        a.put("depth", Distribution.parse("uniform(0, 1)"));
        Map<String, Distribution> b = new LinkedHashMap<>();
        b.put("model_name", Distribution.parse("choice('b')"));
        b.put("learning_rate", Distribution.parse("uniform(0, 1)"));
        return new SearchSpace(List.of(a, b));
    }

    private static BayesianSampler.Observation a(double lr, double depth, double value) {
        return new BayesianSampler.Observation(0, Map.of("model_name", "a", "learning_rate", lr, "depth", depth),
                value);
    }

    private static BayesianSampler.Observation b(double lr, double value) {
        return new BayesianSampler.Observation(1, Map.of("model_name", "b", "learning_rate", lr), value);
    }

    @Test
    void aSharedParameterLearnsFromEverySubSpaceAndAnOwnOneOnlyFromItsOwn() {
        BayesianSampler sampler = new BayesianSampler(space(), 1, 3);
        // Model a is good at a high learning rate; model b's trials are all worse, two of them at a high rate.
        List<BayesianSampler.Observation> good = List.of(a(0.9, 0.2, 0.8), a(0.85, 0.25, 0.78));
        List<BayesianSampler.Observation> bad = List.of(a(0.1, 0.8, 0.3), a(0.2, 0.7, 0.35), a(0.15, 0.9, 0.3),
                b(0.9, 0.4), b(0.88, 0.4), b(0.1, 0.2));
        Map<String, ParameterDensities> bModel = sampler.fit(1, good, bad);
        assertEquals(List.of("model_name", "learning_rate"), List.copyOf(bModel.keySet()));
        ParameterDensities bRate = bModel.get("learning_rate");
        assertTrue(bRate.logRatio(0.88) > bRate.logRatio(0.15),
                "b's rate learns from a's trials that a high rate is good: " + bRate.logRatio(0.88) + " vs "
                        + bRate.logRatio(0.15));
        // Fitted on b's trials alone (none good), the high rate its bad trials had would look worst.
        ParameterDensities own = new ParameterDensities(Distribution.parse("uniform(0, 1)"), List.of(),
                List.of(0.9, 0.88, 0.1));
        assertTrue(own.logRatio(0.88) < own.logRatio(0.5));

        Map<String, ParameterDensities> aModel = sampler.fit(0, good, bad);
        ParameterDensities depth = aModel.get("depth");
        ParameterDensities aOnly = new ParameterDensities(Distribution.parse("uniform(0, 1)"), List.of(0.2, 0.25),
                List.of(0.8, 0.7, 0.9));
        for (double x : new double[] {0.1, 0.3, 0.5, 0.8}) {
            assertEquals(aOnly.logRatio(x), depth.logRatio(x), 1e-12, "depth is fitted over a's trials only");
        }
    }

    @Test
    void proposalsOverAConditionalSpaceFitTheirSubSpaceAndFollowTheBetterModel() {
        BayesianSampler sampler = new BayesianSampler(space(), 5, 3);
        SweepState state = new SweepState("m");
        List<String> models = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Map<String, Object> p = sampler.propose(state).orElseThrow();
            assertTrue(sampler.subspaceOf(p) >= 0, "from one of the sub-spaces: " + p);
            double lr = ((Number) p.get("learning_rate")).doubleValue();
            double value = "a".equals(p.get("model_name")) ? 0.5 + 0.4 * lr : 0.3 + 0.4 * lr;
            Trial t = state.addTrial(p);
            t.markRunning(T0);
            t.addEvaluation(1, value);
            t.finish(TrialState.COMPLETED, T0, null);
            if (i >= 15) {
                models.add((String) p.get("model_name"));
            }
        }
        long a = models.stream().filter("a"::equals).count();
        assertTrue(a >= 10, "the later proposals favour the better sub-space: " + models);
        assertTrue(state.best().orElseThrow().bestValue() > 0.85, "best " + state.best().orElseThrow().bestValue());
    }
}
