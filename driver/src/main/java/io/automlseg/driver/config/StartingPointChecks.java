package io.automlseg.driver.config;

import io.automlseg.driver.sweep.Distribution;
import io.automlseg.driver.sweep.SearchSpace;
import io.automlseg.driver.weights.PretrainedSetting;
import io.automlseg.driver.weights.PretrainedSetting.Mode;
import io.automlseg.driver.weights.WeightCatalog;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.trial.PretrainedWeights;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration checks of what trials start from: the weight sources ({@code weights_path},
 * {@code checkpoint_model} ...), {@code pretrained_weights} and {@code weights_cache}; what can be known before anything
 * is fetched. A request that no trial could honour (two starting points, a file that is not there, COCO weights for a
 * variant torchvision has none for, batch-norm weights for a group-norm trial) is a problem of the file. Relative
 * paths are resolved against the configuration's folder and handed to trials resolved.
 */
final class StartingPointChecks {
    private static final String PATH = "training_parameters." + PretrainedSetting.NAME;

    private StartingPointChecks() {}

    /**
     * At most one starting point for the weights; files and model folders must exist. checkpoint_run_id is resolved
     * when the sweep knows its output folder.
     */
    static void checkSources(Map<String, Object> params, String baseDir, ConfigProblems problems) {
        List<String> given = Hyperparameters.WEIGHT_SOURCES.stream().filter(params::containsKey).toList();
        if (given.size() > 1) {
            problems.add("training_parameters." + given.get(1), "give only one of " + String.join(", ", given)
                    + " (the weights a trial starts from)");
            return;
        }
        for (String key : List.of(Hyperparameters.WEIGHTS_PATH, Hyperparameters.CHECKPOINT_MODEL,
                Hyperparameters.CHECKPOINT_PATH)) {
            if (params.get(key) instanceof String value) {
                params.put(key, requireSource(Storage.resolve(baseDir, value), "training_parameters." + key,
                        !key.equals(Hyperparameters.WEIGHTS_PATH), problems));
            }
        }
        if (params.get(Hyperparameters.CHECKPOINT_RUN_ID) instanceof String id && !id.matches("[^/\\s]+(/[^/\\s]+)?")) {
            problems.add("training_parameters." + Hyperparameters.CHECKPOINT_RUN_ID,
                    "must be <run_id> (its best model) or <run_id>/<trial_id>, got \"" + id + "\"");
        }
    }

    /** {@code weights_cache} as given, resolved like a data path ({@code ~/} is the home folder), or null. */
    static String weightsCache(String given, String baseDir) {
        if (given == null) {
            return null;
        }
        return Storage.resolve(baseDir, given.startsWith("~/") ? System.getProperty("user.home") + given.substring(1)
                : given);
    }

    /**
     * A weight file, or with {@code savedModels} also a saved model folder, must be there; returns {@code uri}.
     */
    private static String requireSource(String uri, String path, boolean savedModels, ConfigProblems problems) {
        try {
            if (!Storage.exists(uri)) {
                problems.add(path, (savedModels ? "no such file or folder: " : "no such file: ") + uri);
            } else if (Storage.isDirectory(uri) && !savedModels) {
                problems.add(path, uri + " is a folder; expected a weight file (.pth, .npz or weights.params)");
            } else if (Storage.isDirectory(uri) && !SavedModel.isComplete(uri)) {
                problems.add(path, uri + " is not a complete saved model (no _COMPLETE marker); expected a "
                        + "trial's model/ or a run's best_model/ folder, or a weight file");
            }
        } catch (IOException | RuntimeException e) {
            problems.add(path, "cannot read " + uri + ": " + e.getMessage());
        }
        return uri;
    }

    /** Every model_name a trial can have: the searched ones, else the fixed one, else the default. */
    static Set<String> modelNames(Map<String, Object> fixed, SearchSpace space) {
        Set<String> names = new LinkedHashSet<>();
        Object fixedName = fixed.getOrDefault(Hyperparameters.MODEL_NAME,
                Hyperparameters.spec(Hyperparameters.MODEL_NAME).orElseThrow().defaultValue());
        for (Map<String, Distribution> subspace : space.subspaces()) {
            Distribution d = subspace.get(Hyperparameters.MODEL_NAME);
            if (d != null && d.isChoice()) {
                d.choices().forEach(v -> names.add(String.valueOf(v)));
            } else {
                names.add(String.valueOf(fixedName));
            }
        }
        return names;
    }

    /** An explicit {@code pretrained_weights} that every trial the space can produce could honour. */
    static void checkPretrained(Map<String, Object> params, SearchSpace space, String baseDir,
                                ConfigProblems problems) {
        if (!(params.get(PretrainedSetting.NAME) instanceof String value)) {
            return;
        }
        PretrainedSetting setting = PretrainedSetting.parse(value);
        if (!setting.explicit()) {
            return;
        }
        List<String> others = Hyperparameters.WEIGHT_SOURCES.stream().filter(params::containsKey).toList();
        if (!others.isEmpty()) {
            problems.add(PATH, "give either pretrained_weights: " + setting + " or " + others.get(0)
                    + ", not both (the weights a trial starts from)");
        }
        if (setting.mode() == Mode.COCO) {
            List<String> without = modelNames(params, space).stream()
                    .filter(m -> WeightCatalog.TORCHVISION.find(m, PretrainedWeights.Kind.COCO).isEmpty()).toList();
            if (!without.isEmpty()) {
                problems.add(PATH, "torchvision publishes COCO Mask R-CNN weights only for maskrcnn_resnet50_fpn, "
                        + "but trials can be " + String.join(", ", without) + "; use imagenet (an ImageNet "
                        + "backbone) or auto");
            }
        }
        if (normCanBeGroup(params, space)) {
            problems.add(PATH, "pretrained weights hold batch-norm weights, but norm can be group; use norm "
                    + "frozen_batch (the default with pretrained weights) or batch, or pretrained_weights: auto");
        }
        if (setting.mode() == Mode.URI && !setting.isHttp()) {
            params.put(PretrainedSetting.NAME, requireSource(Storage.resolve(baseDir, setting.uri()), PATH, false,
                    problems));
        }
    }

    private static boolean normCanBeGroup(Map<String, Object> params, SearchSpace space) {
        if ("group".equals(params.get("norm"))) {
            return true;
        }
        return space.subspaces().stream().map(s -> s.get("norm"))
                .anyMatch(d -> d != null && d.isChoice() && d.choices().contains("group"));
    }
}
