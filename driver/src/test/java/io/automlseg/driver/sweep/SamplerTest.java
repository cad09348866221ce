package io.automlseg.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static SearchSpace space() {
        Map<String, Distribution> a = new LinkedHashMap<>();
        a.put("model_name", Distribution.choice(List.of("maskrcnn_resnet18_fpn")));
        a.put("learning_rate", Distribution.parse("loguniform(-9, -4)"));
        Map<String, Distribution> b = new LinkedHashMap<>();
        b.put("model_name", Distribution.choice(List.of("maskrcnn_resnet50_fpn")));
        b.put("min_size", Distribution.parse("choice(600, 800)"));
        return new SearchSpace(List.of(a, b));
    }

    private static List<Map<String, Object>> run(Sampler sampler, int n) {
        SweepState state = new SweepState("mean_average_precision");
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Optional<Map<String, Object>> p = sampler.propose(state);
            if (p.isEmpty()) {
                break;
            }
            out.add(p.get());
            state.addTrial(p.get());
        }
        return out;
    }

    @Test
    void randomSamplerIsReproducibleBySeed() {
        List<Map<String, Object>> first = run(new RandomSampler(space(), 7), 20);
        assertEquals(first, run(new RandomSampler(space(), 7), 20));
        assertNotEquals(first, run(new RandomSampler(space(), 8), 20));
        // Both sub-spaces get used, and each trial draws only its own sub-space's keys.
        assertTrue(first.stream().anyMatch(p -> p.containsKey("learning_rate")));
        assertTrue(first.stream().anyMatch(p -> p.containsKey("min_size")));
        assertTrue(first.stream().noneMatch(p -> p.containsKey("learning_rate") && p.containsKey("min_size")));
    }

    @Test
    void randomSamplerProposalDependsOnlyOnTrialNumber() {
        // The 3rd proposal is the same whatever the earlier trials' outcomes.
        SweepState a = new SweepState("m");
        SweepState b = new SweepState("m");
        RandomSampler sampler = new RandomSampler(space(), 3);
        for (int i = 0; i < 2; i++) {
            Trial ta = a.addTrial(sampler.propose(a).orElseThrow());
            Trial tb = b.addTrial(sampler.propose(b).orElseThrow());
            ta.addEvaluation(1, 0.1 * i);
            tb.addEvaluation(1, 0.9 - 0.1 * i);
        }
        assertEquals(sampler.propose(a), sampler.propose(b));
    }

    @Test
    void randomSamplerAvoidsRepeatsInSmallChoiceSpaces() {
        SearchSpace small = new SearchSpace(List.of(Map.of("optimizer", Distribution.parse("choice('sgd','adam','adamw')"))));
        List<Map<String, Object>> three = run(new RandomSampler(small, 1), 3);
        assertEquals(3, new HashSet<>(three).size());
    }

    @Test
    void gridEnumeratesEveryCombinationAcrossSubspacesThenStops() {
        Map<String, Distribution> a = new LinkedHashMap<>();
        a.put("optimizer", Distribution.parse("choice('sgd','adam')"));
        a.put("learning_rate", Distribution.parse("choice(0.001, 0.01, 0.1)"));
        Map<String, Distribution> b = Map.of("model_name", Distribution.parse("choice('maskrcnn_resnet18_fpn')"));
        GridSampler grid = new GridSampler(new SearchSpace(List.of(a, b)));
        assertEquals(7, grid.size());
        List<Map<String, Object>> all = run(grid, 100);
        assertEquals(7, all.size());
        assertEquals(7, new HashSet<>(all).size());
        assertEquals(Map.of("optimizer", "sgd", "learning_rate", 0.001), all.get(0));
        assertEquals(Map.of("optimizer", "sgd", "learning_rate", 0.01), all.get(1));
        assertEquals(Map.of("optimizer", "adam", "learning_rate", 0.1), all.get(5));
        assertEquals(Map.of("model_name", "maskrcnn_resnet18_fpn"), all.get(6));
        assertEquals(4, run(grid, 4).size());
        assertThrows(IllegalArgumentException.class, () -> new GridSampler(space()));
    }

    @Test
    void emptySpaceProposesTheFixedParametersOnly() {
        assertEquals(List.of(Map.of(), Map.of()), run(new RandomSampler(SearchSpace.empty(), 1), 2));
        assertEquals(1, run(new GridSampler(SearchSpace.empty()), 5).size());
    }
}
