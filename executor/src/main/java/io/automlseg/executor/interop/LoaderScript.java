package io.automlseg.executor.interop;

import io.automlseg.executor.model.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code load_torchvision.py} of an export: it builds torchvision's Mask R-CNN of the model's variant, norm and
 * settings, loads {@code model.pth} with {@code strict=True}, runs it on images and exports it to ONNX. Every
 * torchvision call takes keyword arguments, which is what keeps one script working from torchvision 0.14 (Debian's)
 * to the current release.
 */
final class LoaderScript {
    private static final String TEMPLATE = """
            \"\"\"torchvision's Mask R-CNN with the weights of the automl-seg model {{MODEL}} (automl export --format torchvision).

                python load_torchvision.py IMAGE [IMAGE ...]    prints each image's detections
                python load_torchvision.py --onnx model.onnx    exports the model to ONNX

            In Python, load_model() returns torchvision's MaskRCNN in eval mode with model.pth loaded (strict=True);
            LABELS[i - 1] names class i. Needs torch, torchvision 0.14 or later, numpy and Pillow.
            \"\"\"
            import argparse
            {{IMPORT_FUNCTOOLS}}import json
            import os

            import numpy as np
            import torch
            from PIL import Image
            from torch import nn
            from torchvision.models.detection import MaskRCNN
            from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
            from torchvision.ops import misc as misc_nn_ops

            HERE = os.path.dirname(os.path.abspath(__file__))
            with open(os.path.join(HERE, "labels.json"), encoding="utf-8") as labels_file:
                LABELS = json.load(labels_file)
            # settings.json's mask_pixel_score_threshold: a pixel is the object's above this probability
            MASK_THRESHOLD = {{MASK_THRESHOLD}}


            def build_model():
                \"\"\"torchvision's Mask R-CNN with this model's architecture and settings (weights not loaded).\"\"\"
                backbone = resnet_fpn_backbone(
                    backbone_name="resnet{{DEPTH}}",
                    weights=None,
                    norm_layer={{NORM_LAYER}},
                    trainable_layers=5,  # every layer trains when fine-tuning; lower it to freeze the first stages
                )
                return MaskRCNN(
                    backbone,
            {{KWARGS}}    )


            def load_model(weights=os.path.join(HERE, "model.pth")):
                \"\"\"The model with its weights, in eval mode.\"\"\"
                model = build_model()
                model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True), strict=True)
                return model.eval()


            def read_image(path):
                \"\"\"An image as the model takes it: RGB, a float tensor (3, height, width) of values in [0, 1].\"\"\"
                pixels = np.array(Image.open(path).convert("RGB"), dtype=np.uint8)
                return torch.from_numpy(pixels).permute(2, 0, 1).float().div(255)


            def detect(model, image):
                \"\"\"boxes (x1, y1, x2, y2 in pixels), labels, scores and masks (probabilities, 1 x height x width).\"\"\"
                with torch.no_grad():
                    return model([image])[0]


            def export_onnx(model, path):
                \"\"\"Writes the model as ONNX for images of any size (torchvision's recipe: opset 11, a list of images).\"\"\"
                example = [torch.rand(3, {{MIN_SIZE}}, {{MIN_SIZE}})]
                torch.onnx.export(
                    model,
                    (example,),
                    path,
                    opset_version=11,
                    input_names=["image"],
                    output_names=["boxes", "labels", "scores", "masks"],
                    dynamic_axes={
                        "image": {1: "height", 2: "width"},
                        "boxes": {0: "detections"},
                        "labels": {0: "detections"},
                        "scores": {0: "detections"},
                        "masks": {0: "detections", 2: "height", 3: "width"},
                    },
                )


            def main():
                parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
                parser.add_argument("images", nargs="*", help="images to run the model on")
                parser.add_argument("--onnx", metavar="FILE", help="export the model to this ONNX file")
                args = parser.parse_args()
                if not args.images and not args.onnx:
                    parser.error("give images or --onnx FILE")
                model = load_model()
                for path in args.images:
                    found = detect(model, read_image(path))
                    print(path)
                    for box, label, score, mask in zip(found["boxes"], found["labels"], found["scores"], found["masks"]):
                        pixels = int((mask[0] > MASK_THRESHOLD).sum())
                        corners = ", ".join("%.1f" % v for v in box.tolist())
                        print("  %s %.3f  box [%s]  mask %d pixels" % (LABELS[int(label) - 1], score, corners, pixels))
                if args.onnx:
                    export_onnx(model, args.onnx)
                    print("wrote", args.onnx)


            if __name__ == "__main__":
                main()
            """;

    private LoaderScript() {}

    static String render(ModelConfig config, double maskThreshold) {
        String normLayer = switch (config.norm()) {
            case BATCH -> "nn.BatchNorm2d";
            case FROZEN_BATCH -> "misc_nn_ops.FrozenBatchNorm2d";
            case GROUP -> "functools.partial(nn.GroupNorm, " + config.groupNormGroups() + ")";
        };
        StringBuilder kwargs = new StringBuilder();
        arguments(config).forEach((name, value) -> kwargs.append("        ").append(name).append('=').append(value)
                .append(",\n"));
        return TEMPLATE.replace("{{MODEL}}", config.modelName())
                .replace("{{IMPORT_FUNCTOOLS}}", config.norm() == ModelConfig.NormKind.GROUP ? "import functools\n" : "")
                .replace("{{MASK_THRESHOLD}}", number(maskThreshold))
                .replace("{{DEPTH}}", Integer.toString(config.depth()))
                .replace("{{NORM_LAYER}}", normLayer)
                .replace("{{KWARGS}}", kwargs)
                .replace("{{MIN_SIZE}}", Integer.toString(config.minSize()));
    }

    /** MaskRCNN's keyword arguments: every setting our model has, under torchvision's names. */
    static Map<String, String> arguments(ModelConfig c) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("num_classes", Integer.toString(c.numClasses()));
        a.put("min_size", Integer.toString(c.minSize()));
        a.put("max_size", Integer.toString(c.maxSize()));
        a.put("image_mean", list(c.imageMean()));
        a.put("image_std", list(c.imageStd()));
        a.put("rpn_pre_nms_top_n_train", Integer.toString(c.rpnPreNmsTopN(true)));
        a.put("rpn_pre_nms_top_n_test", Integer.toString(c.rpnPreNmsTopN(false)));
        a.put("rpn_post_nms_top_n_train", Integer.toString(c.rpnPostNmsTopN(true)));
        a.put("rpn_post_nms_top_n_test", Integer.toString(c.rpnPostNmsTopN(false)));
        a.put("rpn_nms_thresh", number(c.rpnNmsThreshold()));
        a.put("rpn_fg_iou_thresh", number(c.rpnFgIouThreshold()));
        a.put("rpn_bg_iou_thresh", number(c.rpnBgIouThreshold()));
        a.put("rpn_batch_size_per_image", Integer.toString(c.rpnBatchSizePerImage()));
        a.put("rpn_positive_fraction", number(c.rpnPositiveFraction()));
        a.put("rpn_score_thresh", number(c.rpnScoreThreshold()));
        a.put("box_score_thresh", number(c.boxScoreThreshold()));
        a.put("box_nms_thresh", number(c.boxNmsThreshold()));
        a.put("box_detections_per_img", Integer.toString(c.detectionsPerImage()));
        a.put("box_fg_iou_thresh", number(c.boxFgIouThreshold()));
        a.put("box_bg_iou_thresh", number(c.boxBgIouThreshold()));
        a.put("box_batch_size_per_image", Integer.toString(c.boxBatchSizePerImage()));
        a.put("box_positive_fraction", number(c.boxPositiveFraction()));
        return a;
    }

    /** A float as Python reads back the same float32 (torchvision casts its settings to the tensors' float32). */
    private static String number(double value) {
        return Float.toString((float) value).toLowerCase(Locale.ROOT);
    }

    private static String list(float[] values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(number(values[i]));
        }
        return sb.append(']').toString();
    }
}
