package io.automlseg.driver.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.sweep.TrialState;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.trial.EpochReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** trials.json carries each epoch's validation loss and its components as the trial reported them. */
class TrialRecordEpochsTest {

    @Test
    void theValidationLossReachesTrialsJson() throws Exception {
        EpochReport epoch = new EpochReport(1, 2.5, Map.of("loss_mask", 1.0), Map.of("mean_average_precision", 0.25),
                null, 0.01, 3.0, 1.5, null, null, 1.75, Map.of("loss_mask", 0.75, "loss_classifier", 1.0));
        TrialRecord record = new TrialRecord("0001", 1, TrialState.COMPLETED, Map.of("learning_rate", 0.01), 0.25, 1,
                1, List.of(epoch), 3.0, null, null, "trials/0001", null, null, null, null, null, "cpu", null, 1, null);
        JsonNode e = Json.MAPPER.readTree(Json.line(List.of(record))).get(0).get("epochs").get(0);
        assertEquals(1.75, e.get("validation_loss").asDouble());
        assertEquals(0.75, e.get("validation_losses").get("loss_mask").asDouble());
    }
}
