package io.automlseg.driver.cli;

import io.automlseg.executor.interop.ModelExchangeException;
import io.automlseg.executor.interop.TorchvisionDefaults;
import io.automlseg.executor.interop.TorchvisionImport;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.weights.TorchFileException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code automl import --from torchvision --weights FILE.pth --model-name NAME --labels a,b,c --output DIR}: turns a
 * Mask R-CNN trained with torchvision into a saved model folder. The inference settings default to torchvision's,
 * because the weights were trained and tuned with them.
 */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Import a Mask R-CNN trained with torchvision (its model.state_dict() saved with torch.save) as"
                + " a saved model folder that predict, the scoring Transformer and checkpoint_model take like a trained"
                + " model.",
            "The file must fit the model exactly: every tensor present with its shape, no other entries"
                + " (num_batches_tracked aside) and as many classes as labels + 1.",
            "The inference settings default to the defaults of torchvision's MaskRCNN constructor (not to this"
                + " project's training defaults), because the weights come from torchvision."})
final class ImportCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "FORMAT",
            description = "Where the model comes from: torchvision.")
    String from;

    @Option(names = "--weights", required = true, paramLabel = "FILE.pth",
            description = "The state dict (any Hadoop path; both torch.save formats).")
    String weights;

    @Option(names = "--model-name", required = true, paramLabel = "NAME",
            description = "The variant: maskrcnn_resnet18_fpn, maskrcnn_resnet34_fpn, maskrcnn_resnet50_fpn"
                    + " (torchvision's maskrcnn_resnet50_fpn), maskrcnn_resnet101_fpn or maskrcnn_resnet152_fpn.")
    String modelName;

    @Option(names = "--labels", required = true, split = ",", paramLabel = "a,b,c",
            description = "The class names in class-index order, class 1 first (the background, class 0, excluded).")
    List<String> labels;

    @Option(names = "--norm", paramLabel = "KIND",
            description = "The backbone's norm layers: batch (nn.BatchNorm2d), frozen_batch (FrozenBatchNorm2d, as"
                    + " torchvision's pretrained models) or group (nn.GroupNorm). Default: told from the file (running"
                    + " statistics with num_batches_tracked: batch; without: frozen_batch; none: group).")
    String norm;

    @Option(names = "--group-norm-groups", defaultValue = "" + TorchvisionDefaults.GROUP_NORM_GROUPS, paramLabel = "G",
            description = "For group norm: the G of the model's nn.GroupNorm(G, channels) layers; the file does not"
                    + " tell it. Default: ${DEFAULT-VALUE}, as our group-norm models.")
    int groupNormGroups;

    @Option(names = "--min-size", defaultValue = "" + TorchvisionDefaults.MIN_SIZE, paramLabel = "N",
            description = "Shorter image side after resizing (torchvision: ${DEFAULT-VALUE}).")
    int minSize;

    @Option(names = "--max-size", defaultValue = "" + TorchvisionDefaults.MAX_SIZE, paramLabel = "N",
            description = "Longest image side after resizing at most (torchvision: ${DEFAULT-VALUE}).")
    int maxSize;

    @Option(names = "--box-score-threshold", defaultValue = "" + TorchvisionDefaults.BOX_SCORE_THRESHOLD,
            paramLabel = "X", description = "Detections scoring at most this are dropped (box_score_thresh,"
                    + " torchvision: ${DEFAULT-VALUE}).")
    double boxScoreThreshold;

    @Option(names = "--nms-iou-threshold", defaultValue = "" + TorchvisionDefaults.NMS_IOU_THRESHOLD, paramLabel = "X",
            description = "Per-class NMS IoU (box_nms_thresh, torchvision: ${DEFAULT-VALUE}).")
    double nmsIouThreshold;

    @Option(names = "--box-detections-per-image", defaultValue = "" + TorchvisionDefaults.BOX_DETECTIONS_PER_IMAGE,
            paramLabel = "N", description = "Detections per image at most (box_detections_per_img, torchvision:"
                    + " ${DEFAULT-VALUE}).")
    int boxDetectionsPerImage;

    @Option(names = "--mask-pixel-score-threshold",
            defaultValue = "" + TorchvisionDefaults.MASK_PIXEL_SCORE_THRESHOLD, paramLabel = "X",
            description = "Mask probability above which a pixel is the object's (default: ${DEFAULT-VALUE}).")
    double maskPixelScoreThreshold;

    @Option(names = "--max-number-of-polygon-points",
            defaultValue = "" + TorchvisionDefaults.MAX_NUMBER_OF_POLYGON_POINTS, paramLabel = "N",
            description = "Points per polygon at most in predictions (default: ${DEFAULT-VALUE}).")
    int maxNumberOfPolygonPoints;

    @Option(names = "--rpn-pre-nms-top-n-test", defaultValue = "" + TorchvisionDefaults.RPN_PRE_NMS_TOP_N_TEST,
            paramLabel = "N", description = "Proposals per feature level before NMS (torchvision: ${DEFAULT-VALUE}).")
    int rpnPreNmsTopNTest;

    @Option(names = "--rpn-post-nms-top-n-test", defaultValue = "" + TorchvisionDefaults.RPN_POST_NMS_TOP_N_TEST,
            paramLabel = "N", description = "Proposals per image after NMS (torchvision: ${DEFAULT-VALUE}).")
    int rpnPostNmsTopNTest;

    @Option(names = "--output", required = true, paramLabel = "DIR",
            description = "The model folder to write; it must not exist or be empty.")
    String output;

    @Override
    public Integer call() throws Exception {
        if (!"torchvision".equals(from)) {
            throw new CliException(ExitCodes.BAD_INPUT, "--from: unknown format '" + from + "' (expected torchvision)");
        }
        Map<String, Number> settings = new LinkedHashMap<>();
        settings.put("min_size", minSize);
        settings.put("max_size", maxSize);
        settings.put("box_score_threshold", boxScoreThreshold);
        settings.put("nms_iou_threshold", nmsIouThreshold);
        settings.put("box_detections_per_image", boxDetectionsPerImage);
        settings.put("mask_pixel_score_threshold", maskPixelScoreThreshold);
        settings.put("max_number_of_polygon_points", maxNumberOfPolygonPoints);
        settings.put("rpn_pre_nms_top_n_test", rpnPreNmsTopNTest);
        settings.put("rpn_post_nms_top_n_test", rpnPostNmsTopNTest);
        TorchvisionImport.Request request = new TorchvisionImport.Request(weights, modelName,
                labels.stream().map(String::trim).toList(), norm(), groupNormGroups, settings);
        TorchvisionImport.Result result;
        try {
            result = TorchvisionImport.write(request, output);
        } catch (ModelExchangeException | TorchFileException e) {
            throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
        }
        System.out.printf("imported %s (%s norm%s, %d labels) from %s (SHA-256 %s, %d entries) into %s%n",
                result.modelName(), result.norm(), result.normDetected() ? ", told from the file" : "",
                labels.size(), weights, result.sha256(), result.tensors(), result.folder());
        return ExitCodes.OK;
    }

    private ModelConfig.NormKind norm() {
        if (norm == null) {
            return null;
        }
        return switch (norm.toLowerCase(Locale.ROOT)) {
            case "batch" -> ModelConfig.NormKind.BATCH;
            case "frozen_batch" -> ModelConfig.NormKind.FROZEN_BATCH;
            case "group" -> ModelConfig.NormKind.GROUP;
            default -> throw new CliException(ExitCodes.BAD_INPUT,
                    "--norm: unknown value '" + norm + "' (expected batch, frozen_batch or group)");
        };
    }
}
