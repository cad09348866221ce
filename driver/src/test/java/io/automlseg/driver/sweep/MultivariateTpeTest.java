package io.automlseg.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.config.ConfigException;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.persist.SweepFingerprint;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweep.sampling_algorithm_settings.multivariate: true}: TPE models a sub-space's parameters jointly, so a
 * good region is where good trials had the values together. Scripted histories, no sweep.
 */
class MultivariateTpeTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Map<String, Distribution> square() {
        Map<String, Distribution> s = new LinkedHashMap<>();
        s.put("x", Distribution.parse("uniform(0, 1)"));
        s.put("y", Distribution.parse("uniform(0, 1)"));
        s.put("optimizer", Distribution.parse("choice('sgd', 'adam')"));
        return s;
    }

    private static Map<String, Object> p(double x, double y, String optimizer) {
        return Map.of("x", x, "y", y, "optimizer", optimizer);
    }

    @Test
    void theJointModelRatesTheMixOfTwoGoodRegionsBelowTheRegionsThemselves() {
        // Good trials sit at (0.1, 0.1, sgd) and (0.9, 0.9, adam); the bad ones elsewhere.
        List<Map<String, Object>> good = List.of(p(0.1, 0.1, "sgd"), p(0.12, 0.08, "sgd"), p(0.9, 0.9, "adam"),
                p(0.88, 0.92, "adam"));
        List<Map<String, Object>> bad = List.of(p(0.5, 0.5, "sgd"), p(0.4, 0.6, "adam"), p(0.6, 0.3, "sgd"),
                p(0.3, 0.7, "adam"), p(0.5, 0.2, "adam"), p(0.7, 0.5, "sgd"));
        JointDensities joint = new JointDensities(square(), good, bad);
        double region = joint.logRatio(p(0.1, 0.1, "sgd"));
        double mix = joint.logRatio(p(0.1, 0.9, "sgd"));
        double wrongOptimizer = joint.logRatio(p(0.1, 0.1, "adam"));
        assertTrue(region > mix + 1, region + " vs " + mix);
        assertTrue(region > wrongOptimizer, region + " vs " + wrongOptimizer);

        // One by one, the mix scores as well as a region: what the joint model is for.
        double independentRegion = 0;
        double independentMix = 0;
        for (String name : List.of("x", "y", "optimizer")) {
            ParameterDensities d = new ParameterDensities(square().get(name),
                    good.stream().map(m -> m.get(name)).toList(), bad.stream().map(m -> m.get(name)).toList());
            independentRegion += d.logRatio(p(0.1, 0.1, "sgd").get(name));
            independentMix += d.logRatio(p(0.1, 0.9, "sgd").get(name));
        }
        assertTrue(Math.abs(independentRegion - independentMix) < 0.5 * (region - mix),
                independentRegion + " vs " + independentMix);
    }

    @Test
    void multivariateProposalsAreDeterministicStayInTheSpaceAndFindTheCorrelatedOptimum() {
        SearchSpace space = new SearchSpace(List.of(square()));
        List<Double> bests = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            Sampler sampler = round < 2 ? new BayesianSampler(space, 3, 5, true) : new RandomSampler(space, 3);
            SweepState state = new SweepState("m");
            for (int i = 0; i < 30; i++) {
                Map<String, Object> q = sampler.propose(state).orElseThrow();
                assertTrue(SpaceFit.subspaceOf(space, q) >= 0, q.toString());
                double x = ((Number) q.get("x")).doubleValue();
                double y = ((Number) q.get("y")).doubleValue();
                double value = 1 - Math.abs(x - y) - 0.3 * Math.abs(x - 0.7) - ("adam".equals(q.get("optimizer"))
                        ? 0 : 0.1);
                Trial t = state.addTrial(q);
                t.markRunning(T0);
                t.addEvaluation(1, value);
                t.finish(TrialState.COMPLETED, T0, null);
            }
            bests.add(state.best().orElseThrow().bestValue());
        }
        assertEquals(bests.get(0), bests.get(1), "deterministic given the seed");
        assertTrue(bests.get(0) > 0.8 && bests.get(0) > bests.get(2), "best " + bests.get(0) + ", random's "
                + bests.get(2));
    }

    @Test
    void theSettingIsForBayesianSamplingOnlyAndPartOfTheFingerprint(@TempDir Path tmp) throws Exception {
        String job = """
                limits: {max_trials: 6}
                sweep: {sampling_algorithm: %s, sampling_algorithm_settings: {multivariate: %s}}
                search_space:
                  - learning_rate: "uniform(0.006, 0.02)"
                """;
        SweepConfig on = FakeSweep.config(tmp, job.formatted("bayesian", "true"));
        assertTrue(on.sweep().multivariate());
        SweepConfig off = FakeSweep.config(tmp, job.formatted("bayesian", "false"));
        assertFalse(off.sweep().multivariate());
        assertEquals(List.of("sweep.sampling_algorithm_settings: was multivariate, now not set"),
                SweepFingerprint.differences(SweepFingerprint.of(on), SweepFingerprint.of(off)));
        assertEquals(List.of("sweep.sampling_algorithm_settings: was not set, now multivariate"),
                SweepFingerprint.differences(SweepFingerprint.of(off), SweepFingerprint.of(on)));
        assertFalse(SweepFingerprint.of(off).containsKey("sweep.sampling_algorithm_settings"));
        assertEquals("multivariate", SweepFingerprint.of(on).get("sweep.sampling_algorithm_settings"));
        ConfigException random = assertThrows(ConfigException.class,
                () -> FakeSweep.config(tmp, job.formatted("random", "true")));
        assertTrue(random.getMessage().contains("sweep.sampling_algorithm_settings.multivariate: only bayesian "
                + "sampling models parameters"), random.getMessage());
        ConfigException typo = assertThrows(ConfigException.class,
                () -> FakeSweep.config(tmp, job.formatted("bayesian", "true, group: true")));
        assertTrue(typo.getMessage().contains("sweep.sampling_algorithm_settings.group: unknown setting"),
                typo.getMessage());
    }
}
