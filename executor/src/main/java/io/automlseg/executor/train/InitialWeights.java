package io.automlseg.executor.train;

import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.WeightLoader;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.trial.HyperparameterTable;
import io.automlseg.executor.trial.PretrainedWeights;
import io.automlseg.executor.trial.StartingWeights;
import io.automlseg.executor.trial.TrainingParameters;
import io.automlseg.executor.trial.TrialFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a trial's weights start: a user's weight file ({@code weights_path}), an earlier model
 * ({@code checkpoint_model} / {@code checkpoint_path}, incremental training), the pretrained weights the driver
 * fetched ({@code pretrained_weights}), or a fresh initialisation. The starting weights also decide two defaults,
 * made explicit in the trial's parameters so the saved model records them:
 * <ul>
 *   <li>{@code norm}: group norm from scratch; frozen batch norm for a weight file or pretrained weights (they come
 *       with batch-norm statistics, as in torchvision); the source model's norm for incremental training;
 *   <li>{@code layers_to_freeze}: 0 from scratch; 2 (conv1 and layer1, the reference product's default) otherwise.
 * </ul>
 */
final class InitialWeights {
    private InitialWeights() {}

    static Map<String, Object> effectiveParameters(Map<String, Object> given) throws IOException {
        return effectiveParameters(given, null);
    }

    static Map<String, Object> effectiveParameters(Map<String, Object> given, PretrainedWeights pretrained)
            throws IOException {
        Map<String, Object> out = new LinkedHashMap<>(given);
        TrainingParameters p = new TrainingParameters(given);
        String weights = p.weightsPath();
        String checkpoint = p.checkpointModel();
        if (weights != null && checkpoint != null) {
            throw new TrialTrainer.TrialFailure(
                    "weights_path and checkpoint_model both given: choose one starting point");
        }
        if (weights == null && checkpoint == null && pretrained == null) {
            return out;
        }
        if (out.get("norm") == null) {
            out.put("norm", checkpoint != null && isSavedModel(checkpoint)
                    ? String.valueOf(SavedModel.read(checkpoint).hyperparameters().getOrDefault("norm", "group"))
                    : HyperparameterTable.get("norm").withStartingWeights());
        }
        out.putIfAbsent("layers_to_freeze", HyperparameterTable.get("layers_to_freeze").withStartingWeights());
        if (checkpoint != null && isSavedModel(checkpoint)) {
            SavedModel source = SavedModel.read(checkpoint);
            String sourceModel = source.modelName();
            if (!sourceModel.equals(p.modelName())) {
                throw new TrialTrainer.TrialFailure("checkpoint_model " + checkpoint + " is a " + sourceModel
                        + " but model_name is " + p.modelName() + "; set model_name: " + sourceModel);
            }
            // an imported group-norm model may have another group count; its weights only fit that one
            Object groups = source.hyperparameters().get("group_norm_groups");
            if (groups != null && "group".equals(String.valueOf(out.get("norm")))) {
                out.putIfAbsent("group_norm_groups", groups);
            }
        }
        return out;
    }

    /**
     * Loads the starting weights, if any, into a freshly created model, logs what was loaded and records it as
     * {@code starting_weights.json} in the trial folder.
     */
    static StartingWeights load(MaskRCNN model, TrainingParameters p, PretrainedWeights pretrained,
                                List<String> labels, String trialDir, PrintStream log) throws IOException {
        StartingWeights start = loadInto(model, p, pretrained, labels, log);
        Json.writeAtomically(TrialFiles.resolve(trialDir, TrialFiles.STARTING_WEIGHTS), start);
        return start;
    }

    private static StartingWeights loadInto(MaskRCNN model, TrainingParameters p, PretrainedWeights pretrained,
                                            List<String> labels, PrintStream log) {
        String setting;
        String file;
        StartingWeights.From from;
        // What the record names: the file itself, or for pretrained weights the URL it was fetched from, and its hash.
        String origin;
        String sha256 = null;
        if (p.weightsPath() != null || p.checkpointModel() != null) {
            setting = p.weightsPath() != null ? "weights_path" : "checkpoint_model";
            file = p.weightsPath() != null ? p.weightsPath() : p.checkpointModel();
            from = p.weightsPath() != null ? StartingWeights.From.WEIGHTS_PATH : StartingWeights.From.CHECKPOINT_MODEL;
            origin = file;
        } else if (pretrained != null) {
            setting = "pretrained_weights";
            file = pretrained.file();
            from = switch (pretrained.kind()) {
                case COCO -> StartingWeights.From.PRETRAINED_COCO;
                case IMAGENET -> StartingWeights.From.PRETRAINED_IMAGENET;
                case URI -> StartingWeights.From.PRETRAINED_URI;
            };
            origin = pretrained.source();
            sha256 = pretrained.sha256();
        } else {
            log.println("weights: a fresh initialisation (no pretrained weights)");
            return StartingWeights.scratch();
        }
        WeightLoader.Report report;
        try {
            // COCO's predictors are for COCO's 91 classes, whatever the user's labels: they always start fresh.
            report = from == StartingWeights.From.PRETRAINED_COCO ? WeightLoader.loadPretrained(model, file)
                    : WeightLoader.load(model, file, labels);
        } catch (IOException e) {
            throw new TrialTrainer.TrialFailure(setting + ": " + e.getMessage());
        }
        log.println(report.describe());
        Set<String> fresh = new HashSet<>(report.kept());
        fresh.addAll(report.skipped());
        List<String> reinitialised = modulePrefixes(allNames(model), fresh);
        if (!reinitialised.isEmpty()) {
            log.println("re-initialised: " + String.join(", ", reinitialised));
        }
        return new StartingWeights(from, origin, sha256, report.loaded(), reinitialised, null);
    }

    /**
     * The shortest module prefixes that cover exactly the freshly initialised tensors: {@code backbone.fpn} when every
     * tensor under it is fresh, otherwise the tensors' own modules.
     */
    static List<String> modulePrefixes(List<String> all, Set<String> fresh) {
        Set<String> out = new LinkedHashSet<>();
        for (String name : all) {
            if (!fresh.contains(name)) {
                continue;
            }
            String[] parts = name.split("\\.");
            String chosen = name;
            for (int k = 1; k < parts.length; k++) {
                String prefix = String.join(".", java.util.Arrays.copyOf(parts, k));
                if (all.stream().filter(n -> n.startsWith(prefix + ".")).allMatch(fresh::contains)) {
                    chosen = prefix;
                    break;
                }
            }
            out.add(chosen);
        }
        return new ArrayList<>(out);
    }

    private static List<String> allNames(MaskRCNN model) {
        List<String> names = new ArrayList<>(model.parameters().parameters().keySet());
        names.addAll(model.parameters().buffers().keySet());
        return names;
    }

    private static boolean isSavedModel(String uri) throws IOException {
        return Storage.exists(uri) && Storage.isDirectory(uri);
    }
}
