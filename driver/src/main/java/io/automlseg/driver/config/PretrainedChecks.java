package io.automlseg.driver.config;

import io.automlseg.driver.sweep.Distribution;
import io.automlseg.driver.sweep.SearchSpace;
import io.automlseg.driver.weights.PretrainedSetting;
import io.automlseg.driver.weights.PretrainedSetting.Mode;
import io.automlseg.driver.weights.WeightCatalog;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.PretrainedWeights;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration checks of {@code pretrained_weights}: what can be known before anything is fetched. An explicit
 * request that no trial could honour (COCO weights for a variant torchvision has none for, batch-norm weights for a
 * group-norm trial, a file that is not there, two starting points) is a problem of the file.
 */
final class PretrainedChecks {
    private static final String PATH = "training_parameters." + PretrainedSetting.NAME;

    private PretrainedChecks() {}

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

    static void check(Map<String, Object> params, SearchSpace space, String baseDir, ConfigProblems problems) {
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
            String uri = Storage.resolve(baseDir, setting.uri());
            try {
                if (!Storage.exists(uri)) {
                    problems.add(PATH, "no such file: " + uri);
                } else if (Storage.isDirectory(uri)) {
                    problems.add(PATH, uri + " is a folder; expected a weight file (.pth, .npz or weights.params)");
                }
            } catch (IOException | RuntimeException e) {
                problems.add(PATH, "cannot read " + uri + ": " + e.getMessage());
            }
            params.put(PretrainedSetting.NAME, uri);
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
