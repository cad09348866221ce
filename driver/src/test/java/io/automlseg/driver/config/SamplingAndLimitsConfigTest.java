package io.automlseg.driver.config;

import static io.automlseg.driver.config.ConfigTexts.HEAD;
import static io.automlseg.driver.config.ConfigTexts.parse;
import static io.automlseg.driver.config.ConfigTexts.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.sweep.BayesianSampler;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sweep block (sampling algorithm, Bayesian restrictions, early termination) and the limits. */
class SamplingAndLimitsConfigTest {
    @Test
    void bayesianSamplingTakesChoiceUniformAndQuniformAcrossSubspaces() throws Exception {
        SweepConfig c = parse(HEAD + """
                limits: {max_trials: 40, max_concurrent_trials: 4}
                sweep: {sampling_algorithm: Bayesian}
                search_space:
                  - model_name: "choice('maskrcnn_resnet18_fpn')"
                    learning_rate: {type: uniform, min_value: 0.001, max_value: 0.005}
                    min_size: "quniform(256, 512, 64)"
                  - model_name: "choice('maskrcnn_resnet50_fpn')"
                    learning_rate: "uniform(0.001, 0.003)"
                """);
        assertEquals("bayesian", c.sweep().samplingAlgorithm());
        BayesianSampler sampler = assertInstanceOf(BayesianSampler.class, c.sampler());
        assertEquals(BayesianSampler.defaultStartupTrials(40), sampler.startupTrials());
        assertFalse(c.searchSpace().isAutomatic());
    }

    @Test
    void bayesianRestrictionsOfTheReferenceAreReportedTogether() {
        ConfigException e = failure(HEAD + """
                limits: {max_trials: 20}
                sweep:
                  sampling_algorithm: bayesian
                  early_termination: {type: median_stopping, evaluation_interval: 1}
                search_space:
                  - learning_rate: "loguniform(-9, -5)"
                    momentum: {type: normal, mu: 0.9, sigma: 0.01}
                    min_size: "choice(256, 384)"
                    number_of_epochs: "randint(8)"
                """);
        List<String> expected = List.of(
                "line 7: sweep.early_termination: bayesian sampling does not support early termination",
                "line 9: search_space[0].learning_rate: bayesian sampling takes only choice, uniform and quniform, "
                        + "not loguniform",
                "line 10: search_space[0].momentum: bayesian sampling takes only choice, uniform and quniform, "
                        + "not normal",
                "line 12: search_space[0].number_of_epochs: randint(8) can produce values outside",
                "line 12: search_space[0].number_of_epochs: bayesian sampling takes only choice, uniform and "
                        + "quniform, not randint");
        for (String want : expected) {
            assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(want)),
                    "missing problem: " + want + "\nall:\n" + e.getMessage());
        }
        assertEquals(expected.size(), e.problems().size(), e.getMessage());
    }

    @Test
    void samplingAlgorithmAndPolicyValuesAreChecked() {
        ConfigException e = failure(HEAD + """
                sweep:
                  sampling_algorithm: baysian
                  early_termination: {type: truncation_selection, truncation_percentage: 120,
                                      exclude_finished_jobs: maybe, evaluation_intervall: 2}
                search_space: [{learning_rate: "uniform(0.001, 0.01)"}]
                """);
        List<String> expected = List.of(
                "line 5: sweep.sampling_algorithm: must be random, grid or bayesian, got \"baysian\" "
                        + "(did you mean bayesian?)",
                "line 6: sweep.early_termination.truncation_percentage: must be an integer in [1, 99], got 120",
                "line 7: sweep.early_termination.exclude_finished_jobs: must be true or false",
                "line 7: sweep.early_termination.evaluation_intervall: unknown key "
                        + "(did you mean evaluation_interval?)");
        for (String want : expected) {
            assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(want)),
                    "missing problem: " + want + "\nall:\n" + e.getMessage());
        }
        assertEquals(expected.size(), e.problems().size(), e.getMessage());
    }

    @Test
    void limitsAndTheValidationShareAreRead() throws Exception {
        SweepConfig c = parse(HEAD + """
                validation_data_size: 0.25
                limits: {max_trials: 6, max_concurrent_trials: 3, timeout_minutes: 90, trial_timeout_minutes: 20,
                         max_failed_trials: 2}
                """);
        assertEquals(new SweepConfig.Limits(6, 3, 90, 20, 2), c.limits());
        assertEquals(0.25, c.validationDataSize());
    }

    @Test
    void aTargetColumnWithoutValueIsRequired() {
        ConfigException nullTarget = failure("""
                task: image_instance_segmentation
                target_column_name:
                training_data: train
                """);
        assertTrue(nullTarget.getMessage().contains("line 2: target_column_name: required"), nullTarget.getMessage());
    }

    @Test
    void limitsAndTheValidationShareOutOfRangeAreEachReportedWithTheirLine() {
        ConfigException ranges = failure(HEAD + """
                validation_data_size: 1.5
                limits: {max_trials: 1001, timeout_minutes: 0, trial_timeout_minutes: -1, max_failed_trials: "2"}
                """);
        List<String> expected = List.of(
                "line 4: validation_data_size: must be a number in (0, 1), got 1.5",
                "line 5: limits.max_trials: must be an integer in [1, 1000], got 1001",
                "line 5: limits.timeout_minutes: must be an integer in [1, ...], got 0",
                "line 5: limits.trial_timeout_minutes: must be an integer in [1, ...], got -1",
                "line 5: limits.max_failed_trials: must be an integer in [0, ...], got \"2\"");
        for (String want : expected) {
            assertTrue(ranges.problems().stream().anyMatch(p -> p.startsWith(want)),
                    "missing problem: " + want + "\nall:\n" + ranges.getMessage());
        }
        assertEquals(expected.size(), ranges.problems().size(), ranges.getMessage());
    }
}
