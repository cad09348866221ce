package io.automlseg.executor.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HyperparameterTableTest {

    @Test
    void everyDefaultHasItsParametersTypeAndLiesInItsRange() {
        for (Hyperparameter h : HyperparameterTable.all()) {
            Object d = h.defaultValue();
            if (d == null) {
                continue;
            }
            switch (h.type()) {
                case INT -> assertTrue(d instanceof Integer i && h.inRange(i), h.name());
                case FLOAT -> assertTrue(d instanceof Double x && h.inRange(x), h.name());
                case BOOL -> assertInstanceOf(Boolean.class, d, h.name());
                case ENUM -> assertTrue(h.values().contains(d), h.name());
                case STRING -> assertInstanceOf(String.class, d, h.name());
            }
        }
    }

    @Test
    void aRefusedNameIsNotAHyperparameter() {
        for (String name : HyperparameterTable.rejected().keySet()) {
            assertFalse(HyperparameterTable.find(name).isPresent(), name);
        }
    }

    @Test
    void aTrialWithoutParametersReadsTheTablesDefaults() {
        TrainingParameters p = new TrainingParameters(Map.of());
        assertEquals(HyperparameterTable.get("model_name").defaultValue(), p.modelName());
        assertEquals(HyperparameterTable.get("number_of_epochs").defaultValue(), p.numberOfEpochs());
        assertEquals(HyperparameterTable.get("learning_rate").defaultValue(), p.learningRate());
        assertEquals(HyperparameterTable.get("nesterov").defaultValue(), p.nesterov());
        assertEquals(HyperparameterTable.get("min_size").defaultValue(), p.minSize());
        assertEquals(((Integer) HyperparameterTable.get("random_seed").defaultValue()).longValue(), p.randomSeed());
        assertEquals(HyperparameterTable.get("box_batch_size_per_image").defaultValue(),
                p.integer("box_batch_size_per_image"));
    }

    @Test
    void aGivenValueWinsOverTheDefault() {
        assertEquals(3, new TrainingParameters(Map.of("number_of_epochs", 3)).numberOfEpochs());
    }

    @Test
    void settingsWhoseDefaultDependsOnTheStartingWeightsHaveNoneOfTheirOwn() {
        assertNull(new TrainingParameters(Map.of()).layersToFreeze());
        assertNull(HyperparameterTable.get("norm").defaultValue());
        assertEquals(2, HyperparameterTable.get("layers_to_freeze").withStartingWeights());
        assertEquals("frozen_batch", HyperparameterTable.get("norm").withStartingWeights());
        assertThrows(IllegalArgumentException.class, () -> new TrainingParameters(Map.of()).integer("layers_to_freeze"));
    }

    @Test
    void anUnknownNameIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> HyperparameterTable.get("learning_rat"));
    }
}
