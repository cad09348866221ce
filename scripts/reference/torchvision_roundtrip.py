"""Runs models exported by `automl export --format torchvision` in torchvision and writes what it detects, for the
Java round-trip test (driver/.../cli/TorchvisionRoundTripTest.java) to compare our predictions with.

Run once by hand, not by the tests; its JSON output is committed, so the build needs no Python:

    mvn -B -o -pl driver test -Dtest=TorchvisionRoundTripTest -Dtorchvision.roundtrip.keep=/tmp/roundtrip  # a new folder
    /usr/bin/python3 scripts/reference/torchvision_roundtrip.py --exports /tmp/roundtrip \\
        --images driver/src/test/resources/torchvision-roundtrip/images \\
        --output driver/src/test/resources/torchvision-roundtrip/reference.json

(Debian's python3-torchvision: torch 1.13.1, torchvision 0.14.1.) Each folder under --exports holds one model's
export/: the generated load_torchvision.py is imported and its load_model() builds torchvision's Mask R-CNN and
loads model.pth with strict=True; its read_image() and detect() run it in eval mode on every PNG of --images.

Per detection the JSON has the box, label, score and the mask binarised at the model's mask threshold as COCO
uncompressed RLE (column-major runs, starting with background). Per model it has the SHA-256 of the model.pth
consumed, and the margins of the decisions that rounding could flip (the test models are built so that these are
wide; see RoundTripModels.java): the objectness gap at the rpn_pre_nms_top_n_test cut, whether any NMS suppressed
anything, the largest IoU of two same-class candidates, and the score gap at the box_detections_per_image cut.
"""
import argparse
import hashlib
import importlib.util
import json
import os

import numpy as np
import torch
import torchvision
from torchvision.ops import box_iou


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def loader(export):
    spec = importlib.util.spec_from_file_location("load_torchvision_" + str(abs(hash(export))),
                                                  os.path.join(export, "load_torchvision.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rle(mask):
    """COCO uncompressed RLE of a boolean (height, width) mask."""
    flat = np.asarray(mask, dtype=np.uint8).ravel(order="F")
    changes = np.flatnonzero(np.diff(flat)) + 1
    bounds = np.concatenate([[0], changes, [flat.size]])
    counts = np.diff(bounds).tolist()
    if flat.size and flat[0] == 1:
        counts = [0] + counts
    return {"size": list(mask.shape), "counts": counts}


def margins(model, image):
    """The decisions of inference that depend on close values, with how close they came."""
    images, _ = model.transform([image])
    features = model.backbone(images.tensors)
    objectness, _ = model.rpn.head(list(features.values()))
    cut = model.rpn.pre_nms_top_n()
    gaps, expected = [], 0
    for level in objectness:
        # the one live (square) anchor per location; the others score -30 and are removed as empty boxes
        live = torch.sort(level[0, 1].flatten(), descending=True).values
        if live.numel() > cut:
            gaps.append(float(live[cut - 1] - live[cut]))
        expected += min(cut, live.numel())
    proposals, _ = model.rpn(images, features)
    heads = model.roi_heads
    saved = heads.nms_thresh, heads.detections_per_img, heads.mask_roi_pool
    heads.mask_roi_pool = None  # boxes only: the masks do not take part in these decisions
    try:
        heads.detections_per_img = 10 ** 6
        after_nms = heads(features, proposals, images.image_sizes)[0][0]
        heads.nms_thresh = 1.0  # no IoU exceeds 1: every candidate
        candidates = heads(features, proposals, images.image_sizes)[0][0]
    finally:
        heads.nms_thresh, heads.detections_per_img, heads.mask_roi_pool = saved
    cap = heads.detections_per_img
    largest_iou = 0.0
    for label in candidates["labels"].unique():
        boxes = candidates["boxes"][candidates["labels"] == label]
        if len(boxes) > 1:
            iou = box_iou(boxes, boxes)
            iou.fill_diagonal_(0)
            largest_iou = max(largest_iou, float(iou.max()))
    scores = candidates["scores"]
    return {
        "rpn_cut_gaps": gaps,
        "rpn_proposals": int(proposals[0].shape[0]),
        "rpn_proposals_without_suppression": expected,
        "candidates": int(len(scores)),
        "suppressed_by_box_nms": int(len(scores) - len(after_nms["scores"])),
        "largest_same_class_candidate_iou": largest_iou,
        "detection_cap_gap": float(scores[cap - 1] - scores[cap]) if len(scores) > cap else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exports", required=True, help="folder of <model>/export/ folders")
    parser.add_argument("--images", required=True, help="folder of PNG images")
    parser.add_argument("--output", required=True, help="the JSON file to write")
    args = parser.parse_args()
    torch.set_grad_enabled(False)
    images = sorted(f for f in os.listdir(args.images) if f.endswith(".png"))
    out = {"torch": torch.__version__, "torchvision": torchvision.__version__, "images": {}, "models": {}}
    for name in images:
        out["images"][name] = {"sha256": sha256(os.path.join(args.images, name))}
    for name in sorted(os.listdir(args.exports)):
        export = os.path.join(args.exports, name, "export")
        module = loader(export)
        model = module.load_model()
        entry = {"model_pth_sha256": sha256(os.path.join(export, "model.pth")),
                 "state_dict_entries": len(torch.load(os.path.join(export, "model.pth"), weights_only=True)),
                 "mask_threshold": module.MASK_THRESHOLD, "images": {}}
        for image_name in images:
            image = module.read_image(os.path.join(args.images, image_name))
            found = module.detect(model, image)
            detections = []
            for box, label, score, mask in zip(found["boxes"], found["labels"], found["scores"], found["masks"]):
                binary = (mask[0] > module.MASK_THRESHOLD).numpy()
                detections.append({"box": box.tolist(), "label": int(label), "score": float(score),
                                   "mask_area": int(binary.sum()), "mask": rle(binary)})
            entry["images"][image_name] = {"height": int(image.shape[1]), "width": int(image.shape[2]),
                                           "detections": detections, "margins": margins(model, image)}
            print(name, image_name, len(detections), "detections", entry["images"][image_name]["margins"])
        out["models"][name] = entry
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(compact(out) + "\n")


def compact(value, depth=0):
    """JSON indented down to the detections, each of which is one line."""
    if isinstance(value, dict) and depth < 5 and "box" not in value:
        pad = "\n" + " " * (depth + 1)
        items = [json.dumps(k) + ": " + compact(v, depth + 1) for k, v in value.items()]
        return "{" + pad + ("," + pad).join(items) + "\n" + " " * depth + "}" if items else "{}"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        pad = "\n" + " " * (depth + 1)
        return "[" + pad + ("," + pad).join(compact(v, depth + 1) for v in value) + "\n" + " " * depth + "]"
    return json.dumps(value)


if __name__ == "__main__":
    main()
