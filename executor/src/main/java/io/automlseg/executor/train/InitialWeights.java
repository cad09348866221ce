package io.automlseg.executor.train;

import io.automlseg.executor.io.Storage;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.WeightLoader;
import io.automlseg.executor.predict.SavedModel;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a trial's weights start: a fresh initialisation by default, a user's weight file ({@code weights_path}), or
 * an earlier model ({@code checkpoint_model} / {@code checkpoint_path}, incremental training). The starting weights
 * also decide two defaults, made explicit in the trial's parameters so the saved model records them:
 * <ul>
 *   <li>{@code norm}: group norm from scratch; frozen batch norm for a weight file (pretrained weights come with
 *       batch-norm statistics, as in torchvision); the source model's norm for incremental training;
 *   <li>{@code layers_to_freeze}: 0 from scratch; 2 (conv1 and layer1, the reference product's default) otherwise.
 * </ul>
 */
final class InitialWeights {
    private InitialWeights() {}

    static Map<String, Object> effectiveParameters(Map<String, Object> given) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>(given);
        TrainingParameters p = new TrainingParameters(given);
        String weights = p.weightsPath();
        String checkpoint = p.checkpointModel();
        if (weights != null && checkpoint != null) {
            throw new Trainer.TrialFailure("weights_path and checkpoint_model both given: choose one starting point");
        }
        if (weights == null && checkpoint == null) {
            return out;
        }
        if (out.get("norm") == null) {
            out.put("norm", checkpoint != null && isSavedModel(checkpoint)
                    ? String.valueOf(SavedModel.read(checkpoint).hyperparameters().getOrDefault("norm", "group"))
                    : "frozen_batch");
        }
        out.putIfAbsent("layers_to_freeze", 2);
        if (checkpoint != null && isSavedModel(checkpoint)) {
            String sourceModel = SavedModel.read(checkpoint).modelName();
            if (!sourceModel.equals(p.modelName())) {
                throw new Trainer.TrialFailure("checkpoint_model " + checkpoint + " is a " + sourceModel
                        + " but model_name is " + p.modelName() + "; set model_name: " + sourceModel);
            }
        }
        return out;
    }

    /** Loads the starting weights, if any, into a freshly created model and logs what was loaded. */
    static void load(MaskRCNN model, TrainingParameters p, List<String> labels, PrintStream log) throws IOException {
        String source = p.weightsPath() != null ? p.weightsPath() : p.checkpointModel();
        if (source == null) {
            return;
        }
        WeightLoader.Report report;
        try {
            report = WeightLoader.load(model, source, labels);
        } catch (IOException e) {
            throw new Trainer.TrialFailure((p.weightsPath() != null ? "weights_path: " : "checkpoint_model: ")
                    + e.getMessage());
        }
        log.println(report.describe());
    }

    private static boolean isSavedModel(String uri) throws IOException {
        return Storage.exists(uri) && Storage.isDirectory(uri);
    }
}
