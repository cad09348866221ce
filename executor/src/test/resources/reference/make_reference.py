"""Computes reference values with torchvision (Debian python3-torchvision 0.14.1, torch 1.13.1) for the Java
Mask R-CNN component tests. Run once by hand: /usr/bin/python3 make_reference.py > components.json
Not run by the tests; the JSON it printed is committed next to it."""
import json
import math

import torch
import torch.nn.functional as F
import torchvision
from torchvision.models.detection._utils import BoxCoder, Matcher
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.image_list import ImageList
from torchvision.models.detection.roi_heads import paste_masks_in_image, project_masks_on_boxes
from torchvision.models.detection.transform import GeneralizedRCNNTransform
from torchvision.ops import boxes as box_ops
from torchvision.ops import roi_align
from torchvision.ops.poolers import LevelMapper

g = torch.Generator().manual_seed(1234)


def rand(*shape):
    return torch.rand(*shape, generator=g)


def random_boxes(n, size):
    xy = rand(n, 2) * size * 0.8
    wh = rand(n, 2) * size * 0.5 + 1
    return torch.cat([xy, xy + wh], dim=1)


def flat(t):
    return [float(v) for v in t.reshape(-1).tolist()]


out = {}

# --- NMS and batched NMS
boxes = random_boxes(60, 100.0)
scores = rand(60)
idxs = torch.randint(0, 3, (60,), generator=g)
out["nms"] = {
    "boxes": flat(boxes), "scores": flat(scores), "keys": idxs.tolist(),
    "keep_05": torchvision.ops.nms(boxes, scores, 0.5).tolist(),
    "keep_03": torchvision.ops.nms(boxes, scores, 0.3).tolist(),
    "batched_keep_05": box_ops.batched_nms(boxes, scores, idxs, 0.5).tolist(),
    "iou": flat(box_ops.box_iou(boxes[:5], boxes[5:12])),
}

# --- Box coder (both weight sets)
ref = random_boxes(20, 200.0)
gt = random_boxes(20, 200.0)
deltas = (rand(20, 4) - 0.5) * 4
deltas[0, 2] = 9.0  # exercises the log(1000/16) clamp
coder = {}
for name, w in (("rpn", (1.0, 1.0, 1.0, 1.0)), ("roi", (10.0, 10.0, 5.0, 5.0))):
    c = BoxCoder(w)
    coder[name] = {
        "weights": list(w),
        "encoded": flat(c.encode_single(gt, ref)),
        "decoded": flat(c.decode_single(deltas, ref)),
    }
out["box_coder"] = {"reference": flat(ref), "gt": flat(gt), "deltas": flat(deltas), **coder}

# --- Anchors for a padded 64x96 batch with FPN feature maps at strides 4..64
gen = AnchorGenerator(((32,), (64,), (128,), (256,), (512,)), ((0.5, 1.0, 2.0),) * 5)
image_list = ImageList(torch.zeros(1, 3, 64, 96), [(60, 90)])
feats = [torch.zeros(1, 1, 64 // s, math.ceil(96 / s)) for s in (4, 8, 16, 32)]
feats.append(torch.zeros(1, 1, 1, 2))
anchors = gen(image_list, feats)[0]
out["anchors"] = {"padded": [64, 96], "feature_sizes": [list(f.shape[-2:]) for f in feats], "anchors": flat(anchors)}

# --- Matcher with low-quality matches, including ties
iou = rand(4, 30) * 0.9
iou[1, 7] = iou[1, 9] = 0.95  # a tie for GT 1's best
iou[2, :] = 0.2
iou[2, 4] = iou[2, 5] = 0.25  # GT 2 only has low-quality best matches (tie)
m = Matcher(0.7, 0.3, allow_low_quality_matches=True)
m2 = Matcher(0.5, 0.5, allow_low_quality_matches=False)
out["matcher"] = {"iou": flat(iou), "gt": 4, "pred": 30,
                  "low_quality": m(iou).tolist(), "plain_05": m2(iou).tolist()}

# --- roi_align (aligned=False) incl. boxes partly outside and tiny boxes
feat = rand(2, 3, 10, 12)
rois = torch.tensor([[0, 1.0, 1.0, 15.0, 12.0], [1, -4.0, -3.0, 8.0, 6.0], [0, 20.0, 14.0, 26.0, 21.0],
                     [1, 5.3, 7.7, 5.9, 8.1], [0, 0.0, 0.0, 24.0, 20.0], [1, 18.0, 2.0, 30.0, 25.0]])
out["roi_align"] = {
    "features": flat(feat), "shape": list(feat.shape), "rois": flat(rois), "scale": 0.5,
    "out_s2": flat(roi_align(feat, rois, (3, 3), spatial_scale=0.5, sampling_ratio=2, aligned=False)),
    "out_adaptive": flat(roi_align(feat, rois, (4, 4), spatial_scale=0.5, sampling_ratio=-1, aligned=False)),
}

# --- level mapper of MultiScaleRoIAlign (scales 1/4..1/32)
mapper = LevelMapper(2, 5)
lboxes = torch.tensor([[0, 0, 10, 10], [0, 0, 111, 113], [0, 0, 112, 112], [0, 0, 224, 224], [0, 0, 447, 449],
                       [0, 0, 900, 900], [5, 5, 6, 300]], dtype=torch.float32)
out["level_mapper"] = {"boxes": flat(lboxes), "levels": mapper([lboxes]).tolist()}

# --- mask targets (project_masks_on_boxes) from a binary mask
gt_mask = (rand(1, 50, 60) > 0.5).to(torch.uint8)
gt_mask[0, 10:40, 5:30] = 1
props = torch.tensor([[4.0, 8.0, 33.0, 44.0], [0.0, 0.0, 60.0, 50.0], [10.5, 3.2, 12.0, 70.0]])
targets = project_masks_on_boxes(gt_mask, props, torch.zeros(3, dtype=torch.int64), 28)
out["mask_targets"] = {"mask": gt_mask.reshape(-1).tolist(), "height": 50, "width": 60,
                       "proposals": flat(props), "targets": flat(targets)}

# --- paste_masks_in_image
masks = rand(4, 1, 28, 28)
pboxes = torch.tensor([[3.0, 4.0, 30.0, 25.0], [-5.5, 10.2, 20.7, 45.0], [35.2, 30.1, 60.0, 52.0], [10.0, 10.0, 10.4, 10.3]])
pasted = paste_masks_in_image(masks, pboxes, (40, 50), padding=1)
out["paste"] = {"masks": flat(masks), "boxes": flat(pboxes), "height": 40, "width": 50, "pasted": flat(pasted)}

# --- GeneralizedRCNNTransform (normalise, resize, pad) and target resize
t = GeneralizedRCNNTransform(min_size=64, max_size=100, image_mean=[0.485, 0.456, 0.406], image_std=[0.229, 0.224, 0.225])
t.eval()
img = rand(3, 37, 53)
img2 = rand(3, 90, 45)
mask = (rand(1, 37, 53) > 0.6).to(torch.uint8)
t.train()
il, tg = t([img, img2], [{"boxes": torch.tensor([[2.0, 3.0, 40.0, 30.0]]), "labels": torch.tensor([1]), "masks": mask},
                         {"boxes": torch.tensor([[1.0, 1.0, 20.0, 80.0]]), "labels": torch.tensor([1]),
                          "masks": torch.zeros(1, 90, 45, dtype=torch.uint8)}])
out["transform"] = {"image": flat(img), "image2": flat(img2), "mask": mask.reshape(-1).tolist(), "min_size": 64, "max_size": 100,
                    "batch_shape": list(il.tensors.shape), "image_sizes": [list(s) for s in il.image_sizes],
                    "batch": flat(il.tensors), "boxes": flat(tg[0]["boxes"]), "resized_mask": tg[0]["masks"].reshape(-1).tolist()}

# --- MaskRCNNPredictor (ConvTranspose2d 2x2 stride 2, ReLU, 1x1 logits), each RoI's own class as the loss reads it
from torchvision.models.detection.mask_rcnn import MaskRCNNPredictor
predictor = MaskRCNNPredictor(8, 6, 5)
with torch.no_grad():
    for p in predictor.parameters():
        p.copy_(rand(*p.shape) - 0.5)
    feats = rand(3, 8, 4, 4) - 0.5
    own = torch.tensor([1, 4, 2])
    logits = predictor(feats)[torch.arange(3), own]
out["mask_predictor"] = {"features": flat(feats), "classes": own.tolist(),
                         "deconv_weight": flat(predictor.conv5_mask.weight), "deconv_bias": flat(predictor.conv5_mask.bias),
                         "logits_weight": flat(predictor.mask_fcn_logits.weight),
                         "logits_bias": flat(predictor.mask_fcn_logits.bias), "logits": flat(logits)}

print(json.dumps(out))
