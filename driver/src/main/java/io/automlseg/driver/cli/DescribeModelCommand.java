package io.automlseg.driver.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.model.NetworkWeights;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code automl describe-model --model NAME --num-classes K}: builds the network and prints its parameter count and
 * one row per learnable tensor (torchvision state-dict name, shape, values, trainable). With the defaults (plain
 * BatchNorm, every layer trainable) the count equals torchvision's {@code sum(p.numel() for p in model.parameters())}
 * for the same {@code num_classes}, which is how the architecture is checked against the reference.
 */
@Command(name = "describe-model", mixinStandardHelpOptions = true,
        description = "Print a model's parameter count and its layers (torchvision names, shapes, sizes).")
final class DescribeModelCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "NAME",
            description = "One of maskrcnn_resnet18_fpn, maskrcnn_resnet34_fpn, maskrcnn_resnet50_fpn,"
                    + " maskrcnn_resnet101_fpn, maskrcnn_resnet152_fpn.")
    String model;

    @Option(names = "--num-classes", required = true, paramLabel = "K",
            description = "Classes including the background, as torchvision's num_classes (91 for COCO; a data set"
                    + " with L labels trains with L + 1).")
    int numClasses;

    @Option(names = "--norm", defaultValue = "batch", paramLabel = "KIND",
            description = "Backbone normalisation: batch (torchvision's BatchNorm2d), frozen_batch (FrozenBatchNorm2d:"
                    + " no learnable affine) or group (GroupNorm, what trials use by default). Default: ${DEFAULT-VALUE}.")
    String norm;

    @Option(names = "--trainable-backbone-layers", defaultValue = "5", paramLabel = "N",
            description = "Backbone stages that train, counted from layer4 down (5 = all, with the stem)."
                    + " Default: ${DEFAULT-VALUE}.")
    int trainableBackboneLayers;

    @Override
    public Integer call() {
        ModelConfig config = config();
        PrintStream out = System.out;
        try (NDManager manager = NDManager.newBaseManager(); MaskRCNN network = MaskRCNN.create(config, manager, 0)) {
            NetworkWeights store = network.parameters();
            out.printf("model: %s%n", config.modelName());
            out.printf("classes: %d (including background)%n", config.numClasses());
            out.printf("norm: %s%n", norm.toLowerCase(Locale.ROOT));
            out.printf("parameters: %d%n", store.parameterCount());
            out.printf("trainable parameters: %d%n", store.trainableParameterCount());
            out.printf("parameter tensors: %d, buffers: %d%n%n", store.parameters().size(), store.buffers().size());
            printTable(out, store);
        }
        return ExitCodes.OK;
    }

    private ModelConfig config() {
        ModelConfig.NormKind kind = switch (norm.toLowerCase(Locale.ROOT)) {
            case "batch" -> ModelConfig.NormKind.BATCH;
            case "frozen_batch" -> ModelConfig.NormKind.FROZEN_BATCH;
            case "group" -> ModelConfig.NormKind.GROUP;
            default -> throw new CliException(ExitCodes.BAD_INPUT,
                    "--norm: unknown value '" + norm + "' (expected batch, frozen_batch or group)");
        };
        if (!ModelConfig.MODEL_NAMES.contains(model)) {
            throw new CliException(ExitCodes.BAD_INPUT,
                    "--model: unknown model '" + model + "' (expected one of " + String.join(", ", ModelConfig.MODEL_NAMES) + ")");
        }
        if (numClasses < 2) {
            throw new CliException(ExitCodes.BAD_INPUT,
                    "--num-classes must be at least 2 (the background plus one class), got " + numClasses);
        }
        try {
            return ModelConfig.builder().modelName(model).numClasses(numClasses).norm(kind)
                    .trainableBackboneLayers(trainableBackboneLayers).build();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
        }
    }

    /** Name, shape, value count and trainable flag of every parameter, in torchvision's registration order. */
    static void printTable(PrintStream out, NetworkWeights store) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"name", "shape", "count", "trainable"});
        for (Map.Entry<String, NDArray> e : store.parameters().entrySet()) {
            long[] shape = e.getValue().getShape().getShape();
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < shape.length; i++) {
                s.append(i == 0 ? "" : ", ").append(shape[i]);
            }
            s.append(']');
            rows.add(new String[] {e.getKey(), s.toString(), Long.toString(e.getValue().getShape().size()),
                store.isTrainable(e.getKey()) ? "yes" : "no"});
        }
        int[] width = new int[4];
        for (String[] row : rows) {
            for (int c = 0; c < 4; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        String format = "%-" + width[0] + "s  %-" + width[1] + "s  %" + width[2] + "s  %s%n";
        for (String[] row : rows) {
            out.printf(format, (Object[]) row);
        }
    }
}
