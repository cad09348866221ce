package io.automlseg.executor.interop;

import io.automlseg.executor.model.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a state dict fits a model exactly, as torchvision's {@code load_state_dict(strict=True)} demands: every
 * tensor of the model present with its shape, and nothing else. BatchNorm's {@code num_batches_tracked} counters are
 * the exception: our batch norm keeps none, and torchvision's FrozenBatchNorm2d drops them too.
 */
final class StateDictFit {
    static final String CLASS_SCORES = "roi_heads.box_predictor.cls_score.weight";
    static final String STEP_COUNTER = ".num_batches_tracked";
    /** Entries named per kind of problem; the rest are counted. */
    private static final int LISTED = 8;
    private static final Pattern BLOCK = Pattern.compile("backbone\\.body\\.layer([1-4])\\.(\\d+)\\.conv1\\.weight");

    private StateDictFit() {}

    /**
     * Checked before anything else, since a wrong class count would otherwise show as a list of shape mismatches.
     *
     * @param file the file's tensor shapes by (current torchvision) name
     * @throws ModelExchangeException if the class scores have another number of rows than the model's classes
     */
    static void requireClassCount(String source, ModelConfig config, Map<String, long[]> file)
            throws ModelExchangeException {
        long[] classScores = file.get(CLASS_SCORES);
        int classes = config.numClasses();
        if (classScores != null && classScores.length == 2 && classScores[0] != classes) {
            throw new ModelExchangeException("file " + source + ": " + CLASS_SCORES + " has " + classScores[0]
                    + " rows, so the model was trained for " + (classScores[0] - 1) + " labels and the background, but "
                    + (classes - 1) + " labels were given; give its " + (classScores[0] - 1)
                    + " labels in class-index order (class 1 first)");
        }
    }

    /**
     * @param file the file's tensor shapes by (current torchvision) name
     * @param model the model's tensor shapes by name
     * @throws ModelExchangeException naming the file and every entry that does not fit
     */
    static void require(String source, ModelConfig config, Map<String, long[]> file, Map<String, long[]> model)
            throws ModelExchangeException {
        requireClassCount(source, config, file);
        List<String> missing = new ArrayList<>();
        List<String> misshaped = new ArrayList<>();
        model.forEach((name, shape) -> {
            long[] found = file.get(name);
            if (found == null) {
                missing.add(name);
            } else if (!Arrays.equals(found, shape)) {
                misshaped.add(name + " " + Arrays.toString(found) + " in the file, " + Arrays.toString(shape)
                        + " in the model");
            }
        });
        List<String> unexpected = new ArrayList<>();
        for (String name : file.keySet()) {
            if (!model.containsKey(name) && !name.endsWith(STEP_COUNTER)) {
                unexpected.add(name);
            }
        }
        if (missing.isEmpty() && unexpected.isEmpty() && misshaped.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("file ").append(source).append(" does not fit ")
                .append(config.modelName()).append(" with ").append(config.norm().name().toLowerCase(Locale.ROOT))
                .append(" norm");
        hint(message, config, file, missing, unexpected);
        String separator = list(message, ": ", missing, "missing");
        separator = list(message, separator, unexpected, "unexpected");
        list(message, separator, misshaped, "of another shape");
        throw new ModelExchangeException(message.toString());
    }

    /** Appends "N kind: a, b, ... and M more"; returns the separator for the next list. */
    private static String list(StringBuilder message, String separator, List<String> entries, String kind) {
        if (entries.isEmpty()) {
            return separator;
        }
        message.append(separator).append(entries.size()).append(' ').append(kind).append(": ")
                .append(String.join(", ", entries.subList(0, Math.min(LISTED, entries.size()))));
        if (entries.size() > LISTED) {
            message.append(" and ").append(entries.size() - LISTED).append(" more");
        }
        return "; ";
    }

    /** What the file looks like instead, when that can be told: another ResNet depth, another kind of norm. */
    private static void hint(StringBuilder message, ModelConfig config, Map<String, long[]> file,
                              List<String> missing, List<String> unexpected) {
        int depth = backboneDepth(file);
        String variant = "maskrcnn_resnet" + depth + "_fpn";
        if (depth > 0 && depth != config.depth() && ModelConfig.MODEL_NAMES.contains(variant)) {
            message.append(" (the file's backbone is a ResNet-").append(depth).append(": model name ").append(variant)
                    .append(')');
            return;
        }
        boolean statisticsUnexpected = unexpected.stream().anyMatch(n -> n.endsWith(".running_mean"));
        boolean statisticsMissing = missing.stream().anyMatch(n -> n.endsWith(".running_mean"));
        if (statisticsUnexpected) {
            message.append(" (the file has batch-norm statistics: its norm is ")
                    .append(NormDetection.detect(file.keySet()).name().toLowerCase(Locale.ROOT)).append(')');
        } else if (statisticsMissing) {
            message.append(" (the file has no batch-norm statistics: its norm is group)");
        }
    }

    /**
     * The ResNet depth of the file's backbone (0 if it has none): torchvision's ResNets have 2 + 2 layers per basic
     * block (ResNet-18, 34) or 2 + 3 per bottleneck block (ResNet-50, 101, 152).
     */
    static int backboneDepth(Map<String, long[]> file) {
        int[] blocks = new int[4];
        for (String name : file.keySet()) {
            Matcher m = BLOCK.matcher(name);
            if (m.matches()) {
                int stage = Integer.parseInt(m.group(1)) - 1;
                blocks[stage] = Math.max(blocks[stage], Integer.parseInt(m.group(2)) + 1);
            }
        }
        int total = Arrays.stream(blocks).sum();
        if (total == 0) {
            return 0;
        }
        boolean bottleneck = file.containsKey("backbone.body.layer1.0.conv3.weight");
        return 2 + (bottleneck ? 3 : 2) * total;
    }
}
