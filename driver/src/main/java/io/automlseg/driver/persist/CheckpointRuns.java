package io.automlseg.driver.persist;

import io.automlseg.driver.config.Hyperparameters;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.config.BadInputException;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.trial.TrialFiles;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Incremental training from an earlier run ({@code checkpoint_run_id}). Runs are the folders beside this run's
 * output folder; an id names one by its folder name or by the {@code run_id} in its {@code summary.json}:
 * <ul>
 *   <li>{@code <run_id>}: that run's best model ({@code best_model/});
 *   <li>{@code <run_id>/<trial_id>}: that trial's model ({@code trials/<trial_id>/model/}).
 * </ul>
 * The driver resolves the id before any trial starts and hands trials the model folder as {@code checkpoint_model}.
 */
public final class CheckpointRuns {
    private CheckpointRuns() {}

    /** The configuration with {@code checkpoint_run_id}, if given, resolved into {@code checkpoint_model}. */
    public static SweepConfig resolveIn(SweepConfig config, String outputUri) throws BadInputException {
        Object id = config.trainingParameters().get(Hyperparameters.CHECKPOINT_RUN_ID);
        if (!(id instanceof String runId)) {
            return config;
        }
        Map<String, Object> params = new LinkedHashMap<>(config.trainingParameters());
        params.put(Hyperparameters.CHECKPOINT_MODEL, resolve(runId, outputUri));
        return config.withTrainingParameters(params);
    }

    /** The model folder {@code id} names, checked to hold a complete model. */
    public static String resolve(String id, String outputUri) throws BadInputException {
        String field = "training_parameters." + Hyperparameters.CHECKPOINT_RUN_ID + " \"" + id + "\": ";
        String[] parts = id.split("/", -1);
        if (parts.length > 2 || parts[0].isEmpty() || (parts.length == 2 && parts[1].isEmpty())) {
            throw new BadInputException(field + "must be <run_id> or <run_id>/<trial_id>");
        }
        try {
            String output = Storage.qualify(outputUri).replaceAll("/+$", "");
            String root = output.substring(0, output.lastIndexOf('/'));
            String runDir = findRun(root, parts[0]);
            if (runDir == null) {
                throw new BadInputException(field + "no run folder " + parts[0] + " (and no summary.json with that"
                        + " run_id) in " + root);
            }
            RunFolder run = new RunFolder(runDir);
            String model = parts.length == 1 ? run.bestModel()
                    : TrialFiles.resolve(run.trialDir(parts[1]), TrialFiles.MODEL_DIR);
            if (!SavedModel.isComplete(model)) {
                throw new BadInputException(field + "no complete model at " + model
                        + (parts.length == 1 ? " (did that run finish with a successful trial?)" : ""));
            }
            return model;
        } catch (IOException e) {
            throw new BadInputException(field + "cannot read the runs folder: " + e.getMessage(), e);
        }
    }

    private static String findRun(String root, String runId) throws IOException {
        String byName = root + "/" + runId;
        if (Storage.exists(byName) && Storage.isDirectory(byName)) {
            return byName;
        }
        for (String dir : Storage.list(root)) {
            String summary = new RunFolder(dir).summaryJson();
            if (Storage.exists(summary)) {
                Object found = Json.MAPPER.readValue(Storage.readBytes(summary), Map.class).get("run_id");
                if (runId.equals(found)) {
                    return dir;
                }
            }
        }
        return null;
    }
}
