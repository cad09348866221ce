"""Writes the .pth fixtures of the Java tests of io.automlseg.executor.weights, and checks files our Java writer made.

Run once by hand with /usr/bin/python3 (Debian python3-torch 1.13, python3-torchvision 0.14), in this folder:

    /usr/bin/python3 make_fixtures.py            # writes the fixtures and expected.json
    /usr/bin/python3 make_fixtures.py --check written_by_java.pth written_by_java_legacy.pth [--model MODEL.pth]
    /usr/bin/python3 make_fixtures.py --check --model MODEL.pth

Not run by the tests: its outputs are committed. The first mode writes small state dicts in both torch.save formats
(zip, and legacy with _use_new_zipfile_serialization=False): every dtype, views of one shared storage with offsets,
a transposed tensor, 0-d tensors, a real state_dict() of a small Conv2d + BatchNorm2d module (with _metadata),
nn.Parameters, a training checkpoint, and files that must be refused: pickles naming os.system and builtins.eval
(bytes written by hand, never unpickled), a whole pickled nn.Module, a quantized tensor, a complex tensor, a list, a
dict with a non-tensor entry, a view past the end of its storage and a missing storage record. expected.json holds
what torch decodes (names, dtypes, shapes, values flattened row-major).

The second mode checks files written by io.automlseg.executor.weights.TorchWriter (PthWrittenByJavaTest keeps the
committed written_by_java*.pth, made from dtypes.pth and module_state_dict.pth): torch.load reads back the same
tensors, and the module's entries load into TinyNet with load_state_dict(strict=True). With --model, a Java-written
state dict of a whole Mask R-CNN (io.automlseg.executor.bench.TorchReadSpeed --dir DIR writes maskrcnn_r18.pth and
maskrcnn_r18_legacy.pth, 125 MB each, not committed) loads into torchvision's MaskRCNN on a resnet18 FPN backbone
with strict=True. Printed when run once (2025-12-01, torch 1.13.0a0, torchvision 0.14.1a0; see README.md here):

    written_by_java.pth: 19 tensors equal to torch's; the module accepts it (strict=True)
    written_by_java_legacy.pth: 19 tensors equal to torch's; the module accepts it (strict=True)
    /tmp/pthprobe/model/maskrcnn_r18.pth: MaskRCNN(resnet18 FPN, 91 classes) accepts all 142 entries (strict=True)
    /tmp/pthprobe/model/maskrcnn_r18_legacy.pth: MaskRCNN(resnet18 FPN, 91 classes) accepts all 142 entries (strict=True)
"""
import collections
import io
import json
import pickle
import struct
import sys
import zipfile

import torch
import torch.nn as nn

torch.manual_seed(0)


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)

    def forward(self, x):
        return self.bn(self.conv(x))


def tiny_net():
    torch.manual_seed(1)
    net = TinyNet()
    net.train()
    net(torch.randn(2, 3, 5, 5))  # gives the BatchNorm running statistics and num_batches_tracked = 1
    return net


def dtype_tensors():
    return collections.OrderedDict([
        ("float32", torch.tensor([[0.0, -1.5, 3.25], [1e-30, -0.0, 123456.789]], dtype=torch.float32)),
        ("float16", torch.tensor([0.1, -2.0, 65504.0, 6e-8], dtype=torch.float16)),
        ("float64", torch.tensor([[0.1], [-1e300], [2.0 ** -1074]], dtype=torch.float64)),
        ("bfloat16", torch.tensor([0.1, -3.0e38, 1.0], dtype=torch.bfloat16)),
        ("int64", torch.tensor([2 ** 40 + 3, -7, 0], dtype=torch.int64)),
        ("int32", torch.tensor([[-2 ** 31, 2 ** 31 - 1]], dtype=torch.int32)),
        ("int16", torch.tensor([-32768, 12345], dtype=torch.int16)),
        ("int8", torch.tensor([-128, 127, -1], dtype=torch.int8)),
        ("uint8", torch.tensor([0, 200, 255], dtype=torch.uint8)),
        ("bool", torch.tensor([[True, False], [False, True]])),
        ("scalar", torch.tensor(2.5)),
        ("empty", torch.zeros(0, 3)),
    ])


def view_tensors():
    base = torch.arange(24, dtype=torch.float32)
    return collections.OrderedDict([
        ("slice", base[2:8]),                       # offset 2
        ("row", base.view(4, 6)[1]),                # offset 6
        ("column", base.view(4, 6)[:, 1]),          # offset 1, stride 6
        ("transposed", base[:12].view(3, 4).t()),   # stride (1, 4)
        ("stepped", base.view(2, 3, 4)[1, :, ::2]), # offset 12, stride (4, 2)
        ("element", base[5]),                       # 0-d at offset 5
        ("whole", base),
    ])


def save(obj, name, legacy=False):
    torch.save(obj, name, _use_new_zipfile_serialization=not legacy)


def describe(tensors):
    out = []
    for name, t in tensors.items():
        flat = t.detach().contiguous().reshape(-1)
        if t.dtype == torch.bool:
            values = [int(v) for v in flat.tolist()]
        elif t.dtype.is_floating_point:
            values = [float(v) for v in flat.to(torch.float64).tolist()]
        else:
            values = [int(v) for v in flat.tolist()]
        out.append({"name": name, "dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
                    "values": values})
    return out


class FakeStorage:
    """Stands for a storage when pickling hand-made tensor references (persistent_id below names it)."""


class HandMadeTensor:
    """Pickles as _rebuild_tensor_v2 of `size` elements at `offset` of the 4-element storage '0'."""

    def __init__(self, offset, size):
        self.offset, self.size = offset, size

    def __reduce__(self):
        return torch._utils._rebuild_tensor_v2, (FakeStorage(), self.offset, (self.size,), (1,), False,
                                                 collections.OrderedDict())


def hand_made_zip(name, pickle_bytes, records):
    with zipfile.ZipFile(name, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pickle_bytes)
        for record, data in records:
            z.writestr("archive/" + record, data)
        z.writestr("archive/version", "3\n")


def hand_made_pickle(offset, size):
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=2)
    p.persistent_id = lambda obj: ("storage", torch.FloatStorage, "0", "cpu", 4) if isinstance(obj, FakeStorage) else None
    p.dump(collections.OrderedDict([("w", HandMadeTensor(offset, size))]))
    return buf.getvalue()


def write_fixtures():
    expected = {"fixtures": []}

    def fixture(name, tensors, legacy=False, saved=None):
        save(tensors if saved is None else saved, name, legacy)
        expected["fixtures"].append({"file": name, "format": "legacy" if legacy else "zip", "tensors": describe(tensors)})

    net = tiny_net()
    state = net.state_dict()
    assert hasattr(state, "_metadata")
    params = collections.OrderedDict(net.named_parameters())
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    net(torch.randn(1, 3, 5, 5)).sum().backward()
    optimizer.step()
    checkpoint = {"epoch": 2, "model": net.state_dict(), "optimizer": optimizer.state_dict()}
    for legacy, suffix in ((False, ""), (True, "_legacy")):
        fixture("dtypes%s.pth" % suffix, dtype_tensors(), legacy)
        fixture("views%s.pth" % suffix, view_tensors(), legacy)
        fixture("module_state_dict%s.pth" % suffix, state, legacy)
        fixture("parameters%s.pth" % suffix, params, legacy)
        fixture("checkpoint%s.pth" % suffix, checkpoint["model"], legacy, saved=checkpoint)
        save(net, "whole_module%s.pth" % suffix, legacy)

    save({"w": torch.ones(2), "c": torch.tensor([1 + 2j, 3 - 1j], dtype=torch.complex64)}, "complex.pth")
    save({"q": torch.quantize_per_tensor(torch.tensor([0.5, 1.0]), 0.1, 0, torch.qint8)}, "quantized.pth")
    save([torch.ones(2)], "list.pth")
    save({"w": torch.ones(2), "step": 3}, "mixed_dict.pth")
    # os.system('echo hacked') as a pickle after PROTO 2, as a legacy file would start: bytes only, never unpickled.
    with open("forbidden_global.pth", "wb") as f:
        f.write(b"\x80\x02cos\nsystem\nX\x0b\x00\x00\x00echo hacked\x85R.")
    # builtins.eval('print(1)') by STACK_GLOBAL (protocol 4) as the data.pkl of a zip.
    hand_made_zip("forbidden_global_zip.pth",
                  b"\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c\x08print(1)\x85R.", [])
    four = [("data/0", struct.pack("<4f", 1, 2, 3, 4))]
    hand_made_zip("view_past_end.pth", hand_made_pickle(2, 3), four)  # elements 2..4 of 0..3
    hand_made_zip("missing_storage.pth", hand_made_pickle(0, 4), [])   # no archive/data/0
    with open("expected.json", "w") as f:  # one tensor a line
        f.write('{"fixtures": [\n' + ",\n".join(
            '{"file": %s, "format": %s, "tensors": [\n  %s]}' % (json.dumps(x["file"]), json.dumps(x["format"]),
                                                                ",\n  ".join(json.dumps(t) for t in x["tensors"]))
            for x in expected["fixtures"]) + "\n]}\n")


def same(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b)


def check(names, model):
    originals = collections.OrderedDict()
    originals.update(torch.load("dtypes.pth"))
    originals.update(torch.load("module_state_dict.pth"))
    for name in names:
        loaded = torch.load(name)
        assert list(loaded) == list(originals), (name, list(loaded))
        for key, t in originals.items():
            assert same(loaded[key], t.contiguous()), (name, key)
        net = TinyNet()
        net.load_state_dict({k: v for k, v in loaded.items() if k.startswith(("conv.", "bn."))}, strict=True)
        print("%s: %d tensors equal to torch's; the module accepts it (strict=True)" % (name, len(loaded)))
    if model:
        from torchvision.models.detection import MaskRCNN
        from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
        state = torch.load(model)
        net = MaskRCNN(resnet_fpn_backbone(backbone_name="resnet18", weights=None), num_classes=91)
        net.load_state_dict(state, strict=True)
        print("%s: MaskRCNN(resnet18 FPN, 91 classes) accepts all %d entries (strict=True)" % (model, len(state)))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        args = sys.argv[2:]
        model = None
        if "--model" in args:
            model = args[args.index("--model") + 1]
            args = args[:args.index("--model")]
        check(args, model)
    else:
        write_fixtures()
