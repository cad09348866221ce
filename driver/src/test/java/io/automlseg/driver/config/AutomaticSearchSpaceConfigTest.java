package io.automlseg.driver.config;

import static io.automlseg.driver.config.ConfigTexts.HEAD;
import static io.automlseg.driver.config.ConfigTexts.parse;
import static io.automlseg.driver.config.ConfigTexts.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.sweep.BayesianSampler;
import io.automlseg.driver.sweep.SearchSpace;
import io.automlseg.driver.sweep.Distribution;
import io.automlseg.driver.sweep.RandomSampler;
import java.util.List;
import java.util.Set;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Automatic mode: a sweep without a search space of its own sweeps the default space. */
class AutomaticSearchSpaceConfigTest {
    @Test
    void automaticModeSweepsTheDefaultSpaceWithBayesianSampling() throws Exception {
        SweepConfig c = parse(HEAD + "limits: {max_trials: 12, max_concurrent_trials: 2}\n");
        SearchSpace space = c.searchSpace();
        assertTrue(space.isAutomatic());
        assertEquals("bayesian", c.sweep().samplingAlgorithm());
        assertInstanceOf(BayesianSampler.class, c.sampler());
        assertEquals(2, space.subspaces().size());
        for (Map<String, Distribution> s : space.subspaces()) {
            assertEquals(Set.of("model_name", "optimizer", "learning_rate", "min_size"), s.keySet());
            assertEquals(AutomaticSearchSpace.MODELS, s.get("model_name").choices());
            double[] lr = s.get("learning_rate").bounds();
            // Every trial of the default space must be a valid one.
            for (Object v : AutomaticSearchSpace.MODELS) {
                assertEquals(v, Hyperparameters.validate("model_name", v));
            }
            assertTrue(lr[0] > 0 && lr[1] <= 0.005, "from-scratch-stable learning rate: " + s);
        }
        assertEquals(List.of("sgd"), space.subspaces().get(0).get("optimizer").choices());
        assertEquals(List.of("adamw"), space.subspaces().get(1).get("optimizer").choices());
        // Proposals resolve to valid trial parameters.
        Map<String, Object> p = c.sampler().propose(new io.automlseg.driver.sweep.SweepState("m")).orElseThrow();
        Map<String, Object> resolved = c.resolve(p);
        assertTrue(AutomaticSearchSpace.MIN_SIZES.contains(resolved.get("min_size")), resolved.toString());
    }

    @Test
    void automaticModeKeepsWhatTheJobFixes() throws Exception {
        SweepConfig fixed = parse(HEAD + """
                limits: {max_trials: 8}
                training_parameters: {model_name: maskrcnn_resnet18_fpn, optimizer: adam, max_size: 160}
                sweep: {sampling_algorithm: random}
                """);
        assertInstanceOf(RandomSampler.class, fixed.sampler());
        assertEquals(List.of(Map.of("learning_rate", Distribution.of(Distribution.Kind.UNIFORM, 0.0001, 0.0005))),
                fixed.searchSpace().subspaces());
    }

    @Test
    void automaticModeSamplesAtRandomUnderAnEarlyTerminationPolicy() throws Exception {
        // Early termination rules Bayesian sampling out, so automatic mode samples at random.
        SweepConfig policy = parse(HEAD + """
                limits: {max_trials: 8}
                sweep: {early_termination: {type: bandit, slack_factor: 0.2}}
                """);
        assertInstanceOf(RandomSampler.class, policy.sampler());
        assertTrue(policy.searchSpace().isAutomatic());
    }

    @Test
    void oneTrialOrASearchSpaceOfOnesOwnIsNotAutomatic() throws Exception {
        assertTrue(parse(HEAD).searchSpace().isEmpty());
        assertFalse(parse(HEAD + """
                limits: {max_trials: 8}
                sweep: {sampling_algorithm: random}
                search_space: [{learning_rate: "uniform(0.001, 0.002)"}]
                """).searchSpace().isAutomatic());
    }

    @Test
    void gridIsRefusedForTheAutomaticSpace() {
        ConfigException grid = failure(HEAD + """
                limits: {max_trials: 8}
                sweep: {sampling_algorithm: grid}
                """);
        assertTrue(grid.getMessage().contains("grid sampling needs a search_space of choice parameters"),
                grid.getMessage());
        assertEquals(1, grid.problems().size(), grid.getMessage());
    }

    @Test
    void aSearchSpaceOfWrongEntriesIsReportedNotReplaced() {
        // A search space whose every entry is wrong is reported as such, not replaced by the default space.
        ConfigException wrong = failure(HEAD + """
                limits: {max_trials: 8}
                sweep: {sampling_algorithm: grid}
                search_space: [{learning_rat: "choice(0.001, 0.002)"}]
                """);
        assertEquals(1, wrong.problems().size(), wrong.getMessage());
        assertTrue(wrong.problems().get(0).contains("learning_rat: unknown hyperparameter (did you mean learning_rate?)"),
                wrong.getMessage());
    }

    @Test
    void anEmptySearchSpaceIsAutomatic() throws Exception {
        assertTrue(parse(HEAD + "limits: {max_trials: 3}\nsearch_space: []\n").searchSpace().isAutomatic());
    }
}
