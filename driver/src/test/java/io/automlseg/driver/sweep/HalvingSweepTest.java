package io.automlseg.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ASHA in the sweep loop on the fake backend, whose trials report {@code learning_rate · 100 · epoch / epochs} at
 * every epoch: one at a time, in grid order, with rungs at epochs 1 and 3 of 9.
 */
class HalvingSweepTest {
    private static final String JOB = """
            limits: {max_trials: 5, max_concurrent_trials: 1}
            training_parameters: {number_of_epochs: 9}
            sweep:
              sampling_algorithm: grid
              early_termination: {type: asha, min_epochs: 1, reduction_factor: 3}
            search_space:
              - learning_rate: "choice(0.004, 0.001, 0.0045, 0.002, 0.006)"
            """;

    private static Map<String, String> statuses(FakeSweep.Ran r) {
        Map<String, String> out = new TreeMap<>();
        r.trials().forEach((id, t) -> out.put(id, t.get("status").asText()));
        return out;
    }

    @Test
    void weakTrialsStopAtTheirFirstRungAndStrongOnesRunToTheEnd(@TempDir Path tmp) throws Exception {
        FakeSweep sweep = new FakeSweep(tmp, 1);
        FakeSweep.Ran r = sweep.run(JOB);
        // 0.001 is below 0.004 at rung 1 (the only earlier trial); 0.002 is below the 2/3 quantile of 0.0011,
        // 0.0044 and 0.005 there; 0.0045 and 0.006 pass rungs 1 and 3.
        assertEquals(Map.of("0001", "completed", "0002", "early_terminated", "0003", "completed",
                "0004", "early_terminated", "0005", "completed"), statuses(r), r.printed());
        for (String id : new String[] {"0002", "0004"}) {
            JsonNode weak = r.trial(id);
            assertTrue(weak.get("stop_reason").asText().startsWith("asha: best "), weak.toString());
            assertTrue(weak.get("stop_reason").asText().contains("by the rung at epoch 1"), weak.toString());
            assertTrue(weak.get("epochs_run").asInt() <= 2, "asked after epoch 1, it stops at its next: " + weak);
        }
        assertEquals(9, r.trial("0003").get("epochs_run").asInt());
        assertEquals("asha", r.summary().terminationPolicy());
        assertEquals(2, r.summary().earlyTerminated());
        assertEquals("0005", r.summary().bestTrial());
    }

    @Test
    void aResumedSweepTakesTheSameDecisions(@TempDir Path tmp) throws Exception {
        FakeSweep straight = new FakeSweep(tmp.resolve("straight"), 1);
        Map<String, String> expected = statuses(straight.run(JOB));

        FakeSweep first = new FakeSweep(tmp.resolve("resumed"), 1);
        // The driver dies while trial 3 is past its first rung: on resume it is run again from its checkpoint.
        first.killDriverWhen = s -> Files.exists(s.trialDir("0003").resolve("metrics/epoch-0002.json"));
        assertThrows(FakeSweep.DriverKilled.class, () -> first.run(JOB));
        FakeSweep resumed = new FakeSweep(tmp.resolve("resumed"), 1);
        FakeSweep.Ran r = resumed.run(JOB);
        assertTrue(r.printed().contains("Trial 0003 was interrupted"), r.printed());
        assertEquals(expected, statuses(r), r.printed());
    }

    @Test
    void anInterruptedTrialsOldReportsAreNotJudgedAgainAfterAResume(@TempDir Path tmp) throws Exception {
        // Trial 1 passes rung 1 first (alone there), trial 2 stops below it, trial 3 (2 epochs) is far better and
        // ends; the driver dies with trial 1 past rung 3. Judged again against trial 3, its epoch 1 would stop it.
        String job = """
                limits: {max_trials: 3, max_concurrent_trials: 2}
                sweep:
                  sampling_algorithm: grid
                  early_termination: {type: asha}
                search_space:
                  - {learning_rate: 0.002, number_of_epochs: 9}
                  - {learning_rate: 0.001, number_of_epochs: 9}
                  - {learning_rate: 0.006, number_of_epochs: 2}
                """;
        FakeSweep straight = new FakeSweep(tmp.resolve("straight"), 2);
        Map<String, String> expected = statuses(straight.run(job));
        assertEquals(Map.of("0001", "completed", "0002", "early_terminated", "0003", "completed"), expected);

        FakeSweep first = new FakeSweep(tmp.resolve("resumed"), 2);
        first.killDriverWhen = s -> Files.exists(s.trialDir("0003").resolve("result.json"));
        assertThrows(FakeSweep.DriverKilled.class, () -> first.run(job));
        FakeSweep.Ran r = new FakeSweep(tmp.resolve("resumed"), 2).run(job);
        assertTrue(r.printed().contains("Trial 0001 was interrupted"), r.printed());
        assertEquals(expected, statuses(r), r.printed());
    }
}
