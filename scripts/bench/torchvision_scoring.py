#!/usr/bin/python3
"""Scoring speed of torchvision's Mask R-CNN, the reference for io.automlseg.driver.bench.ScoringBenchmark.

It loads the model that benchmark exported (automl export --format torchvision: model.pth, loaded strict by the
generated load_torchvision.py, which builds torchvision's MaskRCNN with the saved sizes and thresholds) and scores
the same images in the same batches, on one thread, in inference mode. Timed per image: decoding the JPEG bytes
(Pillow), the float tensor, torchvision's resize and normalisation, the forward pass and its postprocessing (which
pastes every detection's mask into the image), and thresholding the masks to bytes. Not done here: polygon tracing
(torchvision has none) and building rows. The encoded bytes are read into memory before timing, as on the Java side.
Prints "RESULT torchvision ips=X seconds=S images=I objects=O peak=MiB". Needs Debian's python3-torchvision (torch 1.13).
"""
import argparse
import importlib.util
import io
import os
import resource
import time

import numpy as np
import torch
from PIL import Image


def load_export(folder):
    spec = importlib.util.spec_from_file_location("load_torchvision", os.path.join(folder, "load_torchvision.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def decode(content):
    pixels = np.array(Image.open(io.BytesIO(content)).convert("RGB"), dtype=np.uint8)
    return torch.from_numpy(pixels).permute(2, 0, 1).float().div(255)


def score(model, batch, threshold):
    """Objects found in the batch of encoded images; every mask is pasted and thresholded."""
    objects = 0
    with torch.inference_mode():
        for found in model([decode(c) for c in batch]):
            masks = (found["masks"][:, 0] > threshold).to(torch.uint8).numpy()
            objects += masks.shape[0]
    return objects


def blas():
    """Which BLAS library this process mapped: torch's linear layers run on it."""
    try:
        with open("/proc/self/maps") as maps:
            libs = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
        return ", ".join(sorted(libs)) or "none mapped"
    except OSError:
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--export", required=True, help="the torchvision export folder")
    parser.add_argument("--images", required=True, help="file with one image path a line (the Java side's list)")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--warmup-batches", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    exported = load_export(args.export)
    model = exported.load_model()
    transform = model.transform
    print("torch %s, %d thread(s), BLAS: %s; sizes %s-%s px, score threshold %s, at most %d objects/image"
          % (torch.__version__, torch.get_num_threads(), blas(), transform.min_size[0], transform.max_size,
             model.roi_heads.score_thresh, model.roi_heads.detections_per_img), flush=True)

    with open(args.images, encoding="utf-8") as listing:
        paths = [line.strip() for line in listing if line.strip()]
    contents = []
    for path in paths:
        with open(path, "rb") as f:
            contents.append(f.read())
    batches = [contents[i:i + args.batch] for i in range(0, len(contents), args.batch)]

    start = time.perf_counter()
    warm = batches[:args.warmup_batches]
    for b in warm:
        score(model, b, exported.MASK_THRESHOLD)
    print("warm-up: %d images in %.1f s" % (sum(len(b) for b in warm), time.perf_counter() - start), flush=True)

    objects = 0
    start = time.perf_counter()
    for b in batches:
        objects += score(model, b, exported.MASK_THRESHOLD)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux
    print("%d images in %.1f s = %.3f images/s; %d objects; peak resident %d MiB"
          % (len(contents), seconds, len(contents) / seconds, objects, peak))
    print("RESULT torchvision ips=%.4f seconds=%.2f images=%d objects=%d peak=%d"
          % (len(contents) / seconds, seconds, len(contents), objects, peak))


if __name__ == "__main__":
    main()
