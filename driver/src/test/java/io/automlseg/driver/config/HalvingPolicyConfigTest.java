package io.automlseg.driver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.sweep.AshaPolicy;
import io.automlseg.driver.sweep.BayesianSampler;
import io.automlseg.driver.sweep.HyperbandPolicy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code early_termination.type: asha} and {@code hyperband} (ours) in the job YAML. */
class HalvingPolicyConfigTest {
    private static final String HEAD = """
            task: image_instance_segmentation
            target_column_name: label
            training_data: train
            """;

    private static SweepConfig parse(String yaml) throws ConfigException {
        return SweepConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "job.yaml", "file:/data/jobs");
    }

    private static void assertProblems(String yaml, String... expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
        for (String want : expected) {
            assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(want)),
                    "missing problem: " + want + "\nall:\n" + e.getMessage());
        }
        assertEquals(expected.length, e.problems().size(), e.getMessage());
    }

    @Test
    void ashaTakesItsDefaultsAndWorksWithBayesianSampling() throws Exception {
        SweepConfig c = parse(HEAD + """
                limits: {max_trials: 20, max_concurrent_trials: 4}
                training_parameters: {number_of_epochs: 9}
                sweep:
                  sampling_algorithm: bayesian
                  early_termination: {type: asha}
                search_space:
                  - learning_rate: "uniform(0.001, 0.005)"
                """);
        assertEquals(Map.of("min_epochs", 1, "reduction_factor", 3), c.sweep().earlyTermination().settings());
        assertInstanceOf(BayesianSampler.class, c.sampler());
        assertEquals("asha", assertInstanceOf(AshaPolicy.class, c.terminationPolicy()).name());
    }

    @Test
    void hyperbandTakesMaxEpochsOrNumberOfEpochs() throws Exception {
        SweepConfig c = parse(HEAD + """
                limits: {max_trials: 20}
                training_parameters: {number_of_epochs: 9}
                sweep:
                  sampling_algorithm: random
                  early_termination: {type: Hyperband, min_epochs: 1, reduction_factor: 3}
                search_space:
                  - learning_rate: "uniform(0.001, 0.005)"
                """);
        assertEquals(3, assertInstanceOf(HyperbandPolicy.class, c.terminationPolicy()).bracketCount(),
                "rungs from 1, 3 and 9 epochs");
        SweepConfig capped = parse(HEAD + """
                limits: {max_trials: 20}
                training_parameters: {number_of_epochs: 9}
                sweep:
                  sampling_algorithm: random
                  early_termination: {type: hyperband, max_epochs: 8}
                search_space:
                  - learning_rate: "uniform(0.001, 0.005)"
                """);
        assertEquals(2, ((HyperbandPolicy) capped.terminationPolicy()).bracketCount());
    }

    @Test
    void automaticModeStaysBayesianWithAsha() throws Exception {
        SweepConfig c = parse(HEAD + """
                limits: {max_trials: 10}
                sweep:
                  early_termination: {type: asha, min_epochs: 2}
                """);
        assertEquals("bayesian", c.sweep().samplingAlgorithm());
        SweepConfig bandit = parse(HEAD + """
                limits: {max_trials: 10}
                sweep:
                  early_termination: {type: bandit, slack_factor: 0.1}
                """);
        assertEquals("random", bandit.sweep().samplingAlgorithm(), "the reference's policies need random");
    }

    @Test
    void badValuesAndKeysAreNamedWithTheirLines() {
        assertProblems(HEAD + """
                limits: {max_trials: 10}
                sweep:
                  sampling_algorithm: random
                  early_termination:
                    type: asha
                    min_epochs: 0
                    reduction_factor: 1.5
                    max_epochs: -3
                    evaluation_interval: 2
                search_space:
                  - learning_rate: "uniform(0.001, 0.005)"
                """,
                "line 9: sweep.early_termination.min_epochs: must be an integer in [1, ...], got 0",
                "line 10: sweep.early_termination.reduction_factor: must be an integer in [2, 100], got 1.5",
                "line 11: sweep.early_termination.max_epochs: must be an integer in [2, ...], got -3",
                "line 12: sweep.early_termination.evaluation_interval: unknown key");
        assertProblems(HEAD + """
                sweep:
                  early_termination: {type: ashaa}
                """,
                "line 5: sweep.early_termination.type: must be bandit, median_stopping, truncation_selection, asha "
                        + "or hyperband, got \"ashaa\" (did you mean asha?)");
    }

    @Test
    void aFirstRungAtOrPastTheLastEpochIsRefused() throws Exception {
        assertProblems(HEAD + """
                training_parameters: {number_of_epochs: 4}
                sweep:
                  early_termination:
                    type: hyperband
                    min_epochs: 4
                """,
                "line 8: sweep.early_termination.min_epochs: must be below number_of_epochs (4), got 4: no trial "
                        + "would ever reach a rung");
        assertProblems(HEAD + """
                sweep:
                  early_termination: {type: asha, min_epochs: 5, max_epochs: 5}
                """,
                "line 5: sweep.early_termination.min_epochs: must be below max_epochs (5), got 5");
        // With number_of_epochs tuned, only max_epochs bounds the rungs.
        parse(HEAD + """
                limits: {max_trials: 4}
                sweep:
                  sampling_algorithm: random
                  early_termination: {type: asha, min_epochs: 20}
                search_space:
                  - number_of_epochs: "choice(10, 30)"
                """);
    }

    @Test
    void bayesianSamplingStillRefusesTheReferencesPolicies() {
        for (String policy : List.of("{type: median_stopping}", "{type: truncation_selection, "
                + "truncation_percentage: 10}")) {
            assertProblems(HEAD + """
                    limits: {max_trials: 20}
                    sweep:
                      sampling_algorithm: bayesian
                      early_termination: %s
                    search_space:
                      - learning_rate: "uniform(0.001, 0.005)"
                    """.formatted(policy),
                    "line 7: sweep.early_termination: bayesian sampling does not support early termination by "
                            + "bandit, median_stopping or truncation_selection (as in the reference product): use "
                            + "asha or hyperband");
        }
    }
}
