package io.automlseg.executor.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.automlseg.executor.io.Json;
import io.automlseg.executor.savedmodel.ModelConfigs;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.trial.TrainingParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code group_norm_groups}, which only imported models record: it builds their group norm, and incremental
 * training from such a model keeps it, since the weights only fit that group count.
 */
class GroupNormGroupsTest {

    @Test
    void theGroupCountOfAModelBuildsItsNormAndCarriesOverToIncrementalTraining(@TempDir Path dir) throws Exception {
        assertEquals(32, ModelConfigs.fromHyperparameters(new TrainingParameters(Map.of("norm", "group")), 3).groupNormGroups());
        assertEquals(16, ModelConfigs.fromHyperparameters(new TrainingParameters(Map.of("norm", "group", "group_norm_groups", 16)), 3)
                .groupNormGroups());

        // a saved model's description is all that effectiveParameters reads
        Path model = Files.createDirectories(dir.resolve("imported"));
        Json.write(model.resolve(SavedModel.MODEL_JSON).toString(), Map.of("model_name", "maskrcnn_resnet18_fpn",
                "hyperparameters", Map.of("model_name", "maskrcnn_resnet18_fpn", "norm", "group", "group_norm_groups", 16)));
        Json.write(model.resolve(SavedModel.LABELS_JSON).toString(), List.of("a"));
        Json.write(model.resolve(SavedModel.SETTINGS_JSON).toString(), Map.of());
        Files.writeString(model.resolve(SavedModel.COMPLETE_MARKER), "");
        Map<String, Object> incremental = InitialWeights.effectiveParameters(
                Map.of("model_name", "maskrcnn_resnet18_fpn", "checkpoint_model", model.toString()));
        assertEquals("group", incremental.get("norm"));
        assertEquals(16, incremental.get("group_norm_groups"));
        Map<String, Object> otherNorm = InitialWeights.effectiveParameters(
                Map.of("model_name", "maskrcnn_resnet18_fpn", "checkpoint_model", model.toString(), "norm", "batch"));
        assertEquals(null, otherNorm.get("group_norm_groups"));
    }
}
