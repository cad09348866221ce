#!/usr/bin/env python3
"""Writes the COCO evaluation edge cases under executor/src/test/resources/coco-eval/edge-cases/ with the values
pycocotools (COCOeval, default parameters) gives for them. Run once, by hand, where pycocotools is installed; the
tests only read the committed JSON (no Python needed to build or test the project).

    python3 scripts/reference/coco_edge_cases.py executor/src/test/resources/coco-eval/edge-cases
"""
import copy
import json
import os
import random
import sys

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


def polygon_area(xy):
    xs, ys = xy[0::2], xy[1::2]
    return abs(sum(xs[i] * ys[(i + 1) % len(xs)] - xs[(i + 1) % len(xs)] * ys[i] for i in range(len(xs)))) / 2


def poly_bbox(xy):
    xs, ys = xy[0::2], xy[1::2]
    return [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]


def random_polygon(rng, cx, cy, r, k):
    pts = []
    for i in range(k):
        a = 2 * np.pi * i / k + rng.uniform(-0.2, 0.2)
        rr = r * rng.uniform(0.6, 1.0)
        pts += [round(cx + rr * np.cos(a), 2), round(cy + rr * np.sin(a), 2)]
    return pts


def rle_of(polys, h, w):
    return mask_utils.merge(mask_utils.frPyObjects(polys, h, w))


def string_rle(rle):
    return {"size": rle["size"], "counts": rle["counts"].decode("ascii")}


def list_rle(rle):
    m = mask_utils.decode(rle).flatten(order="F")
    counts, cur, run = [], 0, 0
    for v in m:
        if v != cur:
            counts.append(run)
            run, cur = 0, v
        run += 1
    counts.append(run)
    return {"size": rle["size"], "counts": [int(c) for c in counts]}


class Case:
    def __init__(self):
        self.images, self.anns, self.dts = [], [], []
        self.categories = [{"id": 1, "name": "can"}, {"id": 2, "name": "box"}, {"id": 3, "name": "bag"}]

    def image(self, h, w):
        i = len(self.images) + 1
        self.images.append({"id": i, "height": h, "width": w, "file_name": f"{i}.jpg"})
        return i

    def gt_poly(self, img, cat, polys, crowd=0, area=None):
        self.anns.append({"id": len(self.anns) + 1, "image_id": img, "category_id": cat, "iscrowd": crowd,
                          "segmentation": polys, "area": area if area is not None else sum(polygon_area(p) for p in polys),
                          "bbox": poly_bbox([c for p in polys for c in p])})

    def gt_crowd(self, img, cat, polys):
        im = self.images[img - 1]
        rle = rle_of(polys, im["height"], im["width"])
        self.anns.append({"id": len(self.anns) + 1, "image_id": img, "category_id": cat, "iscrowd": 1,
                          "segmentation": list_rle(rle), "area": float(mask_utils.area(rle)),
                          "bbox": [float(v) for v in mask_utils.toBbox(rle)]})

    def dt(self, img, cat, polys, score, form="string"):
        im = self.images[img - 1]
        rle = rle_of(polys, im["height"], im["width"])
        bbox = [float(v) for v in mask_utils.toBbox(rle)]
        seg = {"string": lambda: string_rle(rle), "list": lambda: list_rle(rle), "polygon": lambda: polys}[form]()
        self.dts.append({"image_id": img, "category_id": cat, "score": score, "bbox": bbox, "segmentation": seg})

    def write(self, folder):
        os.makedirs(folder, exist_ok=True)
        gt = {"images": self.images, "annotations": self.anns, "categories": self.categories}
        with open(os.path.join(folder, "gt.json"), "w") as f:
            json.dump(gt, f)
        with open(os.path.join(folder, "dt.json"), "w") as f:
            json.dump(self.dts, f)
        expected = {}
        for iou_type in ("segm", "bbox"):
            coco_gt = COCO()
            coco_gt.dataset = copy.deepcopy(gt)
            coco_gt.createIndex()
            if self.dts:
                coco_dt = coco_gt.loadRes(copy.deepcopy(self.dts))
            else:  # loadRes cannot take an empty list: an empty result set built by hand
                coco_dt = COCO()
                coco_dt.dataset = {"images": gt["images"], "categories": gt["categories"], "annotations": []}
                coco_dt.createIndex()
            e = COCOeval(coco_gt, coco_dt, iou_type)
            e.evaluate()
            e.accumulate()
            e.summarize()
            p = e.eval["precision"]
            per_cat, per_cat50 = {}, {}
            for k, cat in enumerate(e.params.catIds):
                s = p[:, :, k, 0, -1]
                per_cat[str(cat)] = float(np.mean(s[s > -1])) if (s > -1).any() else -1.0
                s = p[0, :, k, 0, -1]
                per_cat50[str(cat)] = float(np.mean(s[s > -1])) if (s > -1).any() else -1.0
            expected[iou_type] = {"stats": [float(v) for v in e.stats], "per_category": per_cat,
                                  "per_category_50": per_cat50}
        with open(os.path.join(folder, "expected.json"), "w") as f:
            json.dump(expected, f, indent=1)


def square(x0, y0, x1, y1):
    return [[x0, y0, x1, y0, x1, y1, x0, y1]]


def main(out):
    rng = random.Random(7)

    # No detections at all.
    c = Case()
    for _ in range(3):
        i = c.image(120, 160)
        c.gt_poly(i, 1, [random_polygon(rng, 60, 50, 30, 6)])
        c.gt_poly(i, 2, [random_polygon(rng, 110, 80, 12, 5)])
    c.write(os.path.join(out, "no-detections"))

    # Categories without ground truth: "bag" has none (its detections change nothing); "box" exists on image 1
    # only, so box detections on image 2 are false positives.
    c = Case()
    i1, i2 = c.image(100, 100), c.image(100, 100)
    c.gt_poly(i1, 1, square(10, 10, 50, 50))
    c.gt_poly(i1, 2, square(60, 60, 90, 90))
    c.gt_poly(i2, 1, square(20, 20, 70, 80))
    c.dt(i1, 1, square(12, 10, 50, 52), 0.9)
    c.dt(i1, 2, square(60, 60, 88, 90), 0.7)
    c.dt(i2, 2, square(20, 20, 60, 60), 0.95)
    c.dt(i2, 3, square(20, 20, 70, 80), 0.99)
    c.dt(i1, 3, square(0, 0, 30, 30), 0.5)
    c.dt(i2, 1, square(25, 25, 70, 80), 0.6)
    c.write(os.path.join(out, "categories-without-ground-truth"))

    # Crowd-only images: image 2 has only a crowd region; detections inside it are ignored, one beside it is a
    # false positive; several detections may match the same crowd region.
    c = Case()
    i1, i2, i3 = c.image(100, 120), c.image(100, 120), c.image(100, 120)
    c.gt_poly(i1, 1, square(10, 10, 40, 40))
    c.gt_crowd(i2, 1, square(0, 0, 80, 60))
    c.gt_crowd(i3, 2, square(30, 30, 100, 90))
    c.dt(i1, 1, square(10, 10, 40, 41), 0.6)
    c.dt(i2, 1, square(5, 5, 30, 30), 0.9)
    c.dt(i2, 1, square(40, 10, 70, 50), 0.8)
    c.dt(i2, 1, square(85, 60, 115, 95), 0.85)
    c.dt(i3, 2, square(40, 40, 90, 80), 0.7)
    c.dt(i3, 1, square(40, 40, 90, 80), 0.75)
    c.write(os.path.join(out, "crowd-only-images"))

    # Tiny and huge objects, and areas exactly on the range bounds (32^2 and 96^2, both inclusive).
    c = Case()
    i1, i2 = c.image(200, 300), c.image(480, 640)
    c.gt_poly(i1, 1, square(5, 5, 6.5, 6.5))                # about two pixels
    c.gt_poly(i1, 1, square(20, 20, 52, 52), area=1024.0)    # small/medium bound
    c.gt_poly(i1, 2, square(100, 60, 196, 156), area=9216.0)  # medium/large bound
    c.gt_poly(i1, 2, [[250.3, 10.1, 251.2, 10.4, 250.8, 11.6]])  # sub-pixel triangle
    c.gt_poly(i2, 1, square(0, 0, 640, 480))                 # the whole image
    c.dt(i1, 1, square(5, 5, 6.5, 6.5), 0.8)
    c.dt(i1, 1, square(20, 20, 52, 51), 0.7)
    c.dt(i1, 2, square(100, 60, 196, 150), 0.9)
    c.dt(i1, 2, [[250, 10, 252, 10, 251, 12]], 0.3)
    c.dt(i2, 1, square(0, 0, 640, 470), 0.95)
    c.dt(i2, 1, square(0, 0, 320, 480), 0.85)
    c.write(os.path.join(out, "tiny-and-huge-objects"))

    # Tied scores: equal scores across and within images, true and false positives interleaved; the stable sort
    # (numpy mergesort on -score) keeps file order, which decides the precision curve.
    c = Case()
    imgs = [c.image(100, 100) for _ in range(4)]
    for i in imgs:
        c.gt_poly(i, 1, square(10, 10, 40, 40))
        c.gt_poly(i, 1, square(55, 55, 90, 90))
    for n, i in enumerate(imgs):
        c.dt(i, 1, square(60, 0, 95, 30), 0.5)                 # false positive
        c.dt(i, 1, square(10, 10, 40, 42), 0.5)                # true positive, same score, later
        c.dt(i, 1, square(55, 55, 90, 88 - n), 0.5 if n % 2 else 0.4)
        c.dt(i, 1, square(0, 60, 30, 95), 0.4)                 # false positive tied with the one above
    c.write(os.path.join(out, "tied-scores"))

    # Detections beyond maxDets: 130 detections in one image (only the best 100 are kept), and scores that put
    # true positives beyond the 1st and 10th detection.
    c = Case()
    i1, i2 = c.image(300, 300), c.image(300, 300)
    for gx in range(5):
        for gy in range(5):
            c.gt_poly(i1, 1, square(gx * 60 + 5, gy * 60 + 5, gx * 60 + 45, gy * 60 + 45))
    for n in range(130):
        gx, gy = n % 5, (n // 5) % 5
        off = (n // 25) * 2
        c.dt(i1, 1, square(gx * 60 + 5 + off, gy * 60 + 5, gx * 60 + 45 + off, gy * 60 + 45),
             round(0.99 - n * 0.007, 4))
    c.gt_poly(i2, 1, square(100, 100, 200, 200))
    for n in range(12):
        c.dt(i2, 1, square(10 + n * 5, 10, 40 + n * 5, 40), 0.9 - n * 0.01)
    c.dt(i2, 1, square(100, 100, 200, 198), 0.5)
    c.write(os.path.join(out, "beyond-max-detections"))

    # Polygons on and beyond the image border; results in all three segmentation forms.
    c = Case()
    i1, i2 = c.image(60, 80), c.image(61, 79)
    c.gt_poly(i1, 1, square(0, 0, 30, 25))
    c.gt_poly(i1, 1, [[50, 40, 80, 35, 80, 60, 60, 60]])
    c.gt_poly(i1, 2, [[-5, 30, 20, 30, 20, 65, -5, 65]])
    c.gt_poly(i2, 2, [[70.5, -3.2, 85.1, 10.7, 72.4, 30.9]])
    c.gt_poly(i2, 1, [random_polygon(rng, 40, 30, 35, 9)])
    c.dt(i1, 1, square(0, 0, 31, 25), 0.9, "polygon")
    c.dt(i1, 1, [[52, 40, 80, 36, 80, 60, 61, 60]], 0.8, "list")
    c.dt(i1, 2, [[0, 30, 20, 30, 20, 60, 0, 60]], 0.7, "string")
    c.dt(i2, 2, [[70, 0, 79, 8, 73, 31]], 0.6, "polygon")
    c.dt(i2, 1, [random_polygon(rng, 41, 30, 34, 9)], 0.85, "list")
    c.dt(i2, 1, square(0, 0, 79, 61), 0.2, "string")
    c.write(os.path.join(out, "polygons-on-the-border"))


if __name__ == "__main__":
    main(sys.argv[1])
