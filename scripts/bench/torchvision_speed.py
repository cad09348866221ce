#!/usr/bin/python3
"""Training speed of torchvision's Mask R-CNN, the reference for io.automlseg.executor.bench.TrainingSpeedBenchmark.

Same setting and same input as the Java benchmark. --recipe torchvision (the default): plain BatchNorm2d and every
layer trainable, torchvision's default RPN and RoI budgets. --recipe cpu, the CPU recipe of the learning benchmark
(learning-r18.yaml): GroupNorm(32, c) in the backbone only (resnet_fpn_backbone passes norm_layer to the ResNet, not
to the FPN; the heads have no norm, as ours), every layer trainable, 300/200 proposals per image before/after NMS in
training, 64 RoIs sampled per image. Both: images of --size pixels with min_size = max_size = size, SGD (momentum
0.9, weight decay 1e-4, lr 0.001), the BenchmarkScene images and targets (pixel hash and ellipse formulas, kept in step with
BenchmarkScene.java). Prints the work per step (proposals, sampled and positive RoIs) and one line
"RESULT <model> <images/s> <resident MiB> <peak resident MiB>" per model (the peak is the process's: run one model
per process to read it per model, as speed.sh does). --save-init writes a model's initial state dict and --init
starts from one, so that both sides start from the same weights and so do the same work (their proposals, and so
the positive RoIs of the mask head, the costliest stage, follow from the weights). Needs Debian's
python3-torchvision (torch 1.13).
"""
import argparse
import time

import numpy as np
import torch
import torchvision
from torchvision.models.detection import MaskRCNN
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone

# The CPU recipe, kept in step with TrainingSpeedBenchmark.java and learning-r18.yaml (32 = ModelConfig's default
# group count); the test-time budgets stay torchvision's, since only training steps are timed.
GROUP_NORM_GROUPS = 32
CPU_RECIPE = dict(rpn_pre_nms_top_n_train=300, rpn_post_nms_top_n_train=200, box_batch_size_per_image=64)
RECIPES = ["torchvision", "cpu"]
MODELS = ["maskrcnn_resnet18_fpn", "maskrcnn_resnet34_fpn", "maskrcnn_resnet50_fpn",
          "maskrcnn_resnet101_fpn", "maskrcnn_resnet152_fpn"]


def image(i, size):
    c, y, x = np.meshgrid(np.arange(3, dtype=np.uint64), np.arange(size, dtype=np.uint64),
                          np.arange(size, dtype=np.uint64), indexing="ij")
    h = ((x * 7 + y * 13 + c * 29 + np.uint64(i * 31)) * np.uint64(2654435761)) & np.uint64(0xFFFFFFFF)
    return torch.from_numpy((h.astype(np.float64) / 4294967296.0).astype(np.float32))


def box(i, j, size):
    s = size / 256.0
    x1 = int(np.floor((24 + 64 * j + 16 * i) * s))
    y1 = int(np.floor((32 + 56 * j + 8 * i) * s))
    x2 = min(size, x1 + int(np.floor((48 + 16 * j) * s)))
    y2 = min(size, y1 + int(np.floor((40 + 20 * j) * s)))
    return x1, y1, x2, y2


def target(i, size, objects, classes):
    boxes, labels, masks = [], [], []
    yy, xx = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    for j in range(objects):
        x1, y1, x2, y2 = box(i, j, size)
        cx, cy, rx, ry = (x1 + x2) / 2.0, (y1 + y2) / 2.0, (x2 - x1) / 2.0, (y2 - y1) / 2.0
        inside = ((xx + 0.5 - cx) / rx) ** 2 + ((yy + 0.5 - cy) / ry) ** 2 <= 1
        inside &= (xx >= x1) & (xx < x2) & (yy >= y1) & (yy < y2)
        boxes.append([x1, y1, x2, y2])
        labels.append(1 + (3 * i + j) % (classes - 1))
        masks.append(inside.astype(np.uint8))
    return {"boxes": torch.tensor(boxes, dtype=torch.float32), "labels": torch.tensor(labels, dtype=torch.int64),
            "masks": torch.from_numpy(np.stack(masks))}


def build(name, classes, size, recipe):
    depth = int(name[len("maskrcnn_resnet"):-len("_fpn")])
    kwargs = dict(num_classes=classes, min_size=size, max_size=size)
    if recipe == "cpu":
        backbone = resnet_fpn_backbone(backbone_name="resnet%d" % depth, weights=None,
                                       norm_layer=lambda c: torch.nn.GroupNorm(GROUP_NORM_GROUPS, c),
                                       trainable_layers=5)
        return MaskRCNN(backbone, **kwargs, **CPU_RECIPE)
    if depth == 50:
        # Without backbone weights torchvision builds plain BatchNorm2d and trains all five stages.
        model = torchvision.models.detection.maskrcnn_resnet50_fpn(
            weights=None, weights_backbone=None, trainable_backbone_layers=5, **kwargs)
        assert isinstance(model.backbone.body.bn1, torch.nn.BatchNorm2d)
        return model
    backbone = resnet_fpn_backbone(backbone_name="resnet%d" % depth, weights=None,
                                   norm_layer=torch.nn.BatchNorm2d, trainable_layers=5)
    return MaskRCNN(backbone, **kwargs)


def describe(model):
    """The norm and the training budgets, worded as TrainingSpeedBenchmark.java words them."""
    bn1 = model.backbone.body.bn1
    norm = "GroupNorm(%d)" % bn1.num_groups if isinstance(bn1, torch.nn.GroupNorm) else type(bn1).__name__
    rpn, heads = model.rpn, model.roi_heads
    return "%s backbone, proposals %d/%d before/after NMS, %d RoIs per image" % (
        norm, rpn._pre_nms_top_n["training"], rpn._post_nms_top_n["training"],
        heads.fg_bg_sampler.batch_size_per_image)


def rss_mib(field="VmRSS"):
    """Resident memory now (VmRSS) or the process's peak so far (VmHWM), as the Java side reads it."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


class WorkCounter:
    """Counts proposals and sampled RoIs per step by wrapping torchvision's own methods."""

    def __init__(self, model):
        self.counts = {"proposals": 0, "sampled RoIs": 0, "positive RoIs (mask head)": 0}
        filter_proposals = model.rpn.filter_proposals
        select = model.roi_heads.select_training_samples

        def counted_filter(*a, **k):
            boxes, scores = filter_proposals(*a, **k)
            self.counts["proposals"] += sum(len(b) for b in boxes)
            return boxes, scores

        def counted_select(*a, **k):
            proposals, matched, labels, regression = select(*a, **k)
            self.counts["sampled RoIs"] += sum(len(p) for p in proposals)
            self.counts["positive RoIs (mask head)"] += sum(int((l > 0).sum()) for l in labels)
            return proposals, matched, labels, regression

        model.rpn.filter_proposals = counted_filter
        model.roi_heads.select_training_samples = counted_select

    def reset(self):
        for k in self.counts:
            self.counts[k] = 0


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--recipe", choices=RECIPES, default="torchvision")
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument("--size", type=int, default=256)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--classes", type=int, default=5)
    p.add_argument("--objects", type=int, default=3)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--steps", type=int, default=4)
    p.add_argument("--blocks", type=int, default=2)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--blas", default="system BLAS", help="the BLAS torch runs on, for the header (set by speed.sh)")
    p.add_argument("--print-losses", action="store_true", help="print every step's five losses")
    p.add_argument("--save-init", help="save the (one) model's initial state dict to this .pth and exit")
    p.add_argument("--init", help="start the (one) model from this state dict (speed.sh gives both sides the same)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    images = [image(i, a.size) for i in range(a.batch)]
    targets = [target(i, a.size, a.objects, a.classes) for i in range(a.batch)]
    print("torchvision: torchvision %s on torch %s with %s, recipe %s, %d thread(s), %d px, batch %d, %d classes, "
          "%d objects per image, %d warm-up steps, %d blocks of %d steps" % (
              torchvision.__version__, torch.__version__, a.blas, a.recipe, torch.get_num_threads(), a.size, a.batch,
              a.classes, a.objects, a.warmup, a.blocks, a.steps), flush=True)
    for name in a.models.split(","):
        name = name.strip()
        model = build(name, a.classes, a.size, a.recipe)
        if a.save_init:
            torch.save(model.state_dict(), a.save_init)
            return
        if a.init:
            state = torch.load(a.init)
            model.load_state_dict(state)
            print("%s: weights from %s: %d loaded" % (name, a.init, len(state)), flush=True)
            del state
        model.train()
        counter = WorkCounter(model)
        params = [q for q in model.parameters() if q.requires_grad]
        sgd = torch.optim.SGD(params, lr=0.001, momentum=0.9, weight_decay=1e-4)

        def step():
            losses = model(images, targets)
            total = sum(losses.values())
            value = sum(v.item() for v in losses.values())  # the trainer reads every loss back
            if a.print_losses:
                print("  losses: " + " ".join("%s %.4g" % (k, v.item()) for k, v in losses.items()))
            sgd.zero_grad()
            total.backward()
            if a.print_losses:
                norms = {n: q.grad.norm().item() for n, q in model.named_parameters() if q.grad is not None}
                top = sorted(norms.items(), key=lambda kv: -kv[1])[:3]
                print("  gradient norm %.4g; largest: %s" % (sum(v * v for v in norms.values()) ** 0.5,
                                                           " ".join("%s %.4g" % kv for kv in top)))
            sgd.step()
            return value

        for _ in range(a.warmup):
            step()
        print("%s: %d parameters (%s), after %d warm-up steps resident %.0f MiB" % (
            name, sum(q.numel() for q in model.parameters()), describe(model), a.warmup, rss_mib()), flush=True)
        counter.reset()
        total_seconds = 0.0
        for b in range(1, a.blocks + 1):
            t0 = time.perf_counter()
            for _ in range(a.steps):
                loss = step()
            seconds = time.perf_counter() - t0
            total_seconds += seconds
            print("%s block %d: %d steps in %.1f s, %.3f images/s, loss %.3f, resident %.0f MiB" % (
                name, b, a.steps, seconds, a.steps * a.batch / seconds, loss, rss_mib()), flush=True)
        timed = a.steps * a.blocks
        print("%s work per step: %s" % (name, ", ".join("%s %.1f" % (k, v / timed) for k, v in counter.counts.items())))
        print("RESULT %s %.4f %.0f %.0f" % (name, timed * a.batch / total_seconds, rss_mib(), rss_mib("VmHWM")),
              flush=True)
        del model, sgd, params


if __name__ == "__main__":
    main()
