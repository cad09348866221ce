#!/usr/bin/env python3
"""Write torchvision weights as an .npz file that automl-seg's `weights_path` accepts.

The file holds one array per state-dict entry, keyed by its torchvision name:

* a whole Mask R-CNN: backbone.body.*, backbone.fpn.*, rpn.*, roi_heads.* (for example COCO weights);
* or a plain ResNet classifier: conv1.weight, bn1.*, layer1.0.conv1.weight, ..., fc.* (ImageNet weights).
  automl-seg loads these into the detection backbone (backbone.body.*) and ignores fc.*.

Run it where torchvision can download the published weights (this needs internet access once), then copy the
.npz next to your data. Examples:

    python3 torchvision_to_npz.py --model resnet50 --weights IMAGENET1K_V1 --out resnet50_imagenet.npz
    python3 torchvision_to_npz.py --model maskrcnn_resnet50_fpn --weights COCO_V1 --out maskrcnn_r50_coco.npz
    python3 torchvision_to_npz.py --model maskrcnn_resnet18_fpn --backbone-weights IMAGENET1K_V1 --out r18_fpn.npz

--random-init writes a randomly initialised model instead (no download), to check the key names offline.
Requires torch, torchvision and numpy; it is a helper for users, not a dependency of automl-seg.
"""
import argparse

import numpy as np
import torch
import torchvision
from torchvision.models.detection import MaskRCNN
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
from torchvision.ops import misc as misc_ops

RESNETS = ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152"]
MASKRCNNS = ["maskrcnn_%s_fpn" % r for r in RESNETS]


def resnet_weights(depth_name, name):
    """The torchvision weights enum member for a ResNet, e.g. ResNet50_Weights.IMAGENET1K_V1."""
    if name is None:
        return None
    enum = getattr(torchvision.models, depth_name.replace("resnet", "ResNet") + "_Weights")
    return enum[name]


def build(args):
    if args.model in RESNETS:
        weights = None if args.random_init else resnet_weights(args.model, args.weights or "IMAGENET1K_V1")
        return getattr(torchvision.models, args.model)(weights=weights)
    if args.model not in MASKRCNNS:
        raise SystemExit("--model must be one of " + ", ".join(RESNETS + MASKRCNNS))
    depth_name = args.model[len("maskrcnn_"):-len("_fpn")]
    if depth_name == "resnet50" and args.weights and not args.random_init:
        # The only Mask R-CNN torchvision publishes whole (COCO, 91 classes).
        weights = torchvision.models.detection.MaskRCNN_ResNet50_FPN_Weights[args.weights]
        return torchvision.models.detection.maskrcnn_resnet50_fpn(weights=weights)
    if args.weights and not args.random_init:
        raise SystemExit("torchvision publishes whole-model weights only for maskrcnn_resnet50_fpn; use "
                         "--backbone-weights for the others")
    backbone_weights = None if args.random_init else resnet_weights(depth_name, args.backbone_weights)
    # Frozen batch norm, as torchvision uses with pretrained backbones: running statistics are kept as buffers.
    backbone = resnet_fpn_backbone(backbone_name=depth_name, weights=backbone_weights,
                                   norm_layer=misc_ops.FrozenBatchNorm2d, trainable_layers=5)
    return MaskRCNN(backbone, num_classes=args.num_classes)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="one of " + ", ".join(RESNETS + MASKRCNNS))
    parser.add_argument("--weights", help="weights enum member: IMAGENET1K_V1/V2 for a ResNet, COCO_V1 for "
                                          "maskrcnn_resnet50_fpn")
    parser.add_argument("--backbone-weights", help="ImageNet weights of a Mask R-CNN's ResNet, e.g. IMAGENET1K_V1")
    parser.add_argument("--num-classes", type=int, default=91, help="classes incl. background (default 91)")
    parser.add_argument("--random-init", action="store_true", help="random weights, no download (to test names)")
    parser.add_argument("--out", required=True, help="the .npz file to write")
    args = parser.parse_args()

    torch.manual_seed(0)
    model = build(args).eval()
    arrays = {name: tensor.detach().cpu().numpy() for name, tensor in model.state_dict().items()}
    np.savez(args.out, **arrays)
    print("%s: %d tensors, %d values" % (args.out, len(arrays), sum(a.size for a in arrays.values())))


if __name__ == "__main__":
    main()
