package io.automlseg.executor.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.io.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EpochReportTest {

    @Test
    void residentMemoryRoundTripsThroughJson() throws Exception {
        EpochReport report = new EpochReport(3, 1.5, Map.of("loss_mask", 0.4), Map.of("mean_average_precision", 0.2),
                null, 0.005, 12.5, 3.25, 812.75);
        String json = Json.line(report);
        assertTrue(json.contains("\"resident_memory_mib\":812.75"), json);
        EpochReport back = Json.MAPPER.readValue(json, EpochReport.class);
        assertEquals(report, back);
    }

    @Test
    void reportsWrittenBeforeTheFieldExistedStillRead() throws Exception {
        String old = """
                {"epoch":2,"train_loss":1.25,"losses":{"loss_mask":0.5},"metrics":{},"learning_rate":0.01,
                 "seconds":4.0,"images_per_second":2.5}""";
        EpochReport report = Json.MAPPER.readValue(old, EpochReport.class);
        assertEquals(2, report.epoch());
        assertEquals(2.5, report.imagesPerSecond());
        assertNull(report.residentMemoryMib());
        // And a report without the figure leaves the field out rather than writing null.
        assertFalse(Json.line(new EpochReport(1, 1, Map.of(), Map.of(), null, 0.1, 1, 1)).contains("resident_memory"));
    }

    @Test
    void theDataWaitRoundTripsAndIsLeftOutWhenUnknown() throws Exception {
        EpochReport report = new EpochReport(2, 1.0, Map.of(), Map.of(), null, 0.01, 10, 2, 700.0, 0.125);
        String json = Json.line(report);
        assertTrue(json.contains("\"data_wait_seconds\":0.125"), json);
        assertEquals(report, Json.MAPPER.readValue(json, EpochReport.class));
        assertNull(Json.MAPPER.readValue(Json.line(new EpochReport(1, 1, Map.of(), Map.of(), null, 0.1, 1, 1, 5.0)),
                EpochReport.class).dataWaitSeconds());
        assertFalse(Json.line(new EpochReport(1, 1, Map.of(), Map.of(), null, 0.1, 1, 1, 5.0)).contains("data_wait"));
    }

    @Test
    void theValidationLossRoundTripsAndOldReportsReadWithout() throws Exception {
        EpochReport report = new EpochReport(2, 1.0, Map.of(), Map.of(), null, 0.01, 10, 2, 700.0, 0.125, 0.75,
                Map.of("loss_mask", 0.5, "loss_classifier", 0.25));
        String json = Json.line(report);
        assertTrue(json.contains("\"validation_loss\":0.75") && json.contains("\"validation_losses\""), json);
        assertEquals(report, Json.MAPPER.readValue(json, EpochReport.class));
        EpochReport without = new EpochReport(1, 1, Map.of(), Map.of(), null, 0.1, 1, 1, 5.0, 0.5);
        assertFalse(Json.line(without).contains("validation_loss"));
        assertNull(Json.MAPPER.readValue(Json.line(without), EpochReport.class).validationLoss());
    }
}
