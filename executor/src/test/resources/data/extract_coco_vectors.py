#!/usr/bin/env python3
"""Extracts rasterisation test vectors from the shared COCO evaluation reference cases.

The reference gt.json files were written by pycocotools: for each polygon object, `area` and `bbox` are the
area and the bounding box of its rleFrPoly mask; for crowd objects, `segmentation` is a compressed RLE string
with its `area` and `bbox`. Run once from this folder:
    python3 extract_coco_vectors.py /work/shared/reference/coco-eval > coco-vectors.json
"""
import json
import sys

root = sys.argv[1]
polygons, crowd = [], []
for case in ("dev-basic", "dev-crowd"):
    gt = json.load(open(f"{root}/{case}/gt.json"))
    size = {im["id"]: (im["height"], im["width"]) for im in gt["images"]}
    for a in gt["annotations"]:
        h, w = size[a["image_id"]]
        entry = {"h": h, "w": w, "area": a["area"], "bbox": a["bbox"]}
        if isinstance(a["segmentation"], list):
            entry["polygons"] = a["segmentation"]
            polygons.append(entry)
        else:
            entry["counts"] = a["segmentation"]["counts"]
            crowd.append(entry)
json.dump({"polygons": polygons, "crowd": crowd}, sys.stdout, separators=(",", ":"))
