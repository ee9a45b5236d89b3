# Writes test/fixtures/tensorboard-python.json: what Python's torch.utils.tensorboard.SummaryWriter
# (torch 2.13) writes for the calls test/tensorboard.test.ts repeats in Node, each event file decoded
# with TensorBoard's own protobuf classes (plugin contents decoded too, PNGs kept as base64, each
# serialized Event as `raw`), and test/fixtures/tensorboard-python.tfevents (one whole event file).
# Needs the `tensorboard` package next to torch (the project .venv has none); for example:
#   python3 -m venv /tmp/tbvenv && /tmp/tbvenv/bin/pip install tensorboard==2.21.0
#   PYTHONPATH=/tmp/tbvenv/lib/python3.11/site-packages .venv/bin/python scripts/make-tensorboard-fixtures.py
import base64
import json
import os
import shutil
import tempfile
import time

import numpy as np
import torch
from google.protobuf import json_format
from tensorboard.backend.event_processing import event_file_loader
from tensorboard.plugins.hparams import plugin_data_pb2 as hparams_pb2
from tensorboard.plugins.mesh import plugin_data_pb2 as mesh_pb2
from tensorboard.plugins.pr_curve import plugin_data_pb2 as pr_curve_pb2
from tensorboard.plugins.text import plugin_data_pb2 as text_pb2
from torch.utils.tensorboard import SummaryWriter

PLUGINS = {"hparams": hparams_pb2.HParamsPluginData, "text": text_pb2.TextPluginData, "pr_curves": pr_curve_pb2.PrCurvePluginData,
           "mesh": mesh_pb2.MeshPluginData}
INT64 = {"step", "size", "length_frames", "num_channels"}
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures")


def ints(obj):
    # MessageToDict writes int64 as strings; the test compares numbers.
    if isinstance(obj, dict):
        return {k: (int(v) if k in INT64 and isinstance(v, str) else ints(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [ints(v) for v in obj]
    return obj


def decode(path):
    events = []
    for event in event_file_loader.LegacyEventFileLoader(path).Load():
        # Map entries (session_start_info's hparams) come in upb's per-process hash order: stored sorted.
        for value in event.summary.value:
            if value.metadata.plugin_data.plugin_name == "hparams":
                msg = hparams_pb2.HParamsPluginData.FromString(value.metadata.plugin_data.content)
                value.metadata.plugin_data.content = msg.SerializeToString(deterministic=True)
        d = json_format.MessageToDict(event, preserving_proto_field_name=True)
        for v in d.get("summary", {}).get("value", []):
            pd = v.get("metadata", {}).get("plugin_data")
            if pd and pd.get("plugin_name") in PLUGINS and "content" in pd:
                msg = PLUGINS[pd["plugin_name"]]()
                msg.ParseFromString(next(x for x in event.summary.value if x.tag == v["tag"]).metadata.plugin_data.content)
                pd["decoded"] = json_format.MessageToDict(msg, preserving_proto_field_name=True)
        d["raw"] = base64.b64encode(event.SerializeToString(deterministic=True)).decode()
        events.append(ints(d))
    return events


def run_files(root):
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            if "tfevents" not in f:
                continue  # add_embedding's files: compared separately
            rel = os.path.relpath(dirpath, root)
            out.setdefault(rel, []).extend(decode(os.path.join(dirpath, f)))
    return dict(sorted(out.items()))


def write_videos(logdir):
    # add_video hands summary.video's frames to moviepy for the GIF; moviepy is not installable here,
    # so make_video is replaced by one that keeps the frames and returns the Summary.Image it would.
    from tensorboard.compat.proto.summary_pb2 import Summary
    from torch.utils.tensorboard import summary

    frames = {}

    def make_video(tensor, fps):
        _t, h, w, c = tensor.shape
        frames[len(frames)] = {"shape": list(tensor.shape), "fps": fps, "frames": base64.b64encode(tensor.tobytes()).decode()}
        return Summary.Image(height=h, width=w, colorspace=c)

    real = summary.make_video
    summary.make_video = make_video
    try:
        v = SummaryWriter(logdir)
        torch.manual_seed(3)
        v.add_video("float_pair", torch.rand(2, 3, 3, 8, 6), 1, walltime=170.0)
        # uint8 goes through float32 / 255 * 255: some values come back one lower
        v.add_video("uint8_all_values", torch.arange(768).remainder(256).to(torch.uint8).reshape(1, 2, 3, 8, 16), 2, walltime=171.0)
        v.add_video("uint8_three", torch.randint(0, 256, (3, 2, 3, 4, 5), dtype=torch.uint8), 3, fps=10, walltime=172.0)
        v.add_video("gray_five", torch.linspace(-0.5, 1.5, 90, dtype=torch.float64).reshape(5, 2, 1, 3, 3), 4, fps=2.5, walltime=173.0)
        v.add_video("sixteen", torch.rand(16, 2, 3, 4, 4), 5, fps=30, walltime=174.0)
        v.add_video("rgba", torch.rand(1, 2, 4, 3, 5), 6, walltime=175.0)
        v.close()
    finally:
        summary.make_video = real
    return [frames[i] for i in range(len(frames))]


def main():
    # A fixed clock (file_version and hparams events take time.time()): reruns give the same files.
    time.time = lambda: 1700000000.25
    root = tempfile.mkdtemp()
    try:
        w = SummaryWriter(os.path.join(root, "main"))
        for i in range(5):
            w.add_scalar("loss", 1 / (i + 1), i, walltime=100.0 + i)
        w.add_scalar("tensor_scalar", torch.tensor(2.5), 7, walltime=107.5)
        w.add_scalar("new_style", 0.1, 8, walltime=108.0, new_style=True)
        w.add_scalar("new_style_double", 0.1, 9, walltime=109.0, new_style=True, double_precision=True)
        torch.manual_seed(0)
        w.add_histogram("weights", torch.randn(1000), 3, walltime=110.0)
        w.add_histogram("ten_bins", torch.randn(100) * 3 + 1, 4, bins=10, walltime=111.0)
        w.add_histogram("max_bins", torch.randn(500), 5, walltime=112.0, max_bins=64)
        w.add_histogram("edges", torch.tensor([0.5, 1.5, 1.5, 2.0, 7.0]), 6, bins=[0, 1, 2, 3], walltime=113.0)
        w.add_histogram("constant", torch.full((10,), 3.0), 7, bins=4, walltime=114.0)
        w.add_image("chw_float", torch.rand(3, 8, 10), 1, walltime=120.0)
        w.add_image("hwc_uint8", torch.randint(0, 256, (6, 5, 3), dtype=torch.uint8), 2, walltime=121.0, dataformats="HWC")
        w.add_image("hw_gray", torch.linspace(-0.5, 1.5, 12).reshape(3, 4), 3, walltime=122.0, dataformats="HW")
        w.add_image("rgba", torch.rand(4, 3, 2), 4, walltime=123.0)
        w.add_images("grid", torch.rand(10, 1, 4, 3), 5, walltime=124.0)
        w.add_images("grid_nhwc", torch.randint(0, 256, (3, 2, 5, 3), dtype=torch.uint8), 6, walltime=125.0, dataformats="NHWC")
        w.add_text("note", "hello **world** ü", 2, walltime=130.0)
        w.add_scalars("run/x", {"a": 1.0, "b": 2.5}, 5, walltime=140.0)
        torch.manual_seed(1)
        labels, predictions = torch.randint(0, 2, (100,)), torch.rand(100)
        w.add_pr_curve("pr", labels, predictions, 1, walltime=160.0)
        w.add_pr_curve("pr_10", labels, predictions, 2, num_thresholds=10, walltime=161.0)
        w.add_pr_curve("pr_weighted", labels.bool(), predictions.double(), 3, num_thresholds=50,
                       weights=np.linspace(0.5, 2.0, 100), walltime=162.0)
        # predictions on the thresholds: floor(p * 126) differs between float32 and float64 for some of them
        w.add_pr_curve("pr_on_thresholds", torch.arange(100) % 2, torch.arange(100.0) / 126, 4, walltime=162.5)
        w.add_pr_curve("pr_one", labels, predictions, 4, num_thresholds=1, walltime=162.75)
        w.add_pr_curve("pr_capped", labels, predictions * 1.2 - 0.1, 4, num_thresholds=500, walltime=163.0)
        w.add_pr_curve_raw("pr_raw", [10, 8, 3], [5, 2, 0], [0, 3, 5], [0, 2, 7], [0.66, 0.8, 1.0], [1.0, 0.8, 0.3], 5,
                           num_thresholds=3, walltime=164.0)
        w.add_audio("sine", torch.sin(torch.linspace(0, 20, 400)) * 0.8, 6, sample_rate=8000, walltime=165.0)
        w.add_audio("loud", torch.linspace(-1.5, 1.5, 31, dtype=torch.float64).reshape(1, 31), 7, walltime=166.0)
        # k / 32767 in float32: times 32767 rounds to k in float32, but can fall just below it in float64
        w.add_audio("steps", torch.arange(-50, 51) / 32767, 8, walltime=167.0)
        vertices = torch.tensor([[[1, 1, 1], [-1, -1, 1], [1, -1, -1], [-1, 1, -1]]], dtype=torch.float)
        colors = torch.tensor([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 0, 255]]], dtype=torch.int)
        faces = torch.tensor([[[0, 2, 3], [0, 3, 1], [0, 1, 2], [1, 3, 2]]], dtype=torch.int)
        w.add_mesh("my_mesh", vertices=vertices, colors=colors, faces=faces, global_step=9, walltime=168.0)
        w.add_mesh("cloud", torch.rand(1, 5, 3), config_dict={"camera": {"cls": "PerspectiveCamera", "fov": 75},
                                                            "material": {"cls": "PointsMaterial", "size": 0.5}, "name": "é\"q"},
                   global_step=10, walltime=169.0)
        w.add_custom_scalars({"Taiwan": {"twse": ["Multiline", ["twse/0050", "twse/2330"]]},
                              "USA": {"dow": ["Margin", ["dow/aaa", "dow/bbb", "dow/ccc"]],
                                      "nasdaq": ["Multiline", ["nasdaq/aaa"]]}})
        w.add_custom_scalars_multilinechart(["loss", "run/x"])
        w.add_custom_scalars_marginchart(["a", "b", "c"], category="cat", title="margins")
        w.add_hparams({"lr": 0.1, "bs": 32, "opt": "sgd", "flag": True, "skip": None}, {"hparam/acc": 0.9},
                      hparam_domain_discrete={"opt": ["sgd", "adam"], "bs": [16, 32]}, run_name="hp", global_step=3)
        w.close()
        e = SummaryWriter(os.path.join(root, "embed"))
        torch.manual_seed(2)
        mat = torch.randn(5, 3)
        mat[0] = torch.tensor([1e-5, 3.0, 1e17])
        e.add_embedding(mat, metadata=[0, 1, "x", 2.5, True], label_img=torch.rand(5, 1, 4, 3), global_step=3, tag="emb/a ü")
        e.add_embedding(torch.arange(6).reshape(3, 2), metadata=[["a", 1], ["b", 2], ["c", 3]], metadata_header=["name", "id"])
        e.add_embedding(torch.randn(4, 2, dtype=torch.float64), label_img=torch.randint(0, 256, (4, 3, 2, 3), dtype=torch.uint8),
                        global_step=12, tag='q"uote\\back%')
        e.add_embedding(torch.tensor([[True, False]]), metadata=torch.tensor([7]), global_step=1, tag="one")
        e.add_embedding(torch.tensor([[2**60 + 1, -3]]), global_step=2, tag="big")
        e.close()
        files = {}
        for dirpath, _, names in os.walk(os.path.join(root, "embed")):
            for name in names:
                if "tfevents" in name:
                    continue
                with open(os.path.join(dirpath, name), "rb") as f:
                    data = f.read()
                rel = os.path.relpath(os.path.join(dirpath, name), os.path.join(root, "embed"))
                files[rel] = {"png": base64.b64encode(data).decode()} if name.endswith(".png") else {"text": data.decode()}
        videos = write_videos(os.path.join(root, "video"))
        # numpy's bin estimators, on skewed data made without RNG or transcendental functions (the same floats in Node)
        h = SummaryWriter(os.path.join(root, "estimators"))
        skewed = (torch.arange(300) * 7919 % 1000).float() / 37 - 5
        skewed = skewed * skewed * skewed / 50
        for k, name in enumerate(["auto", "fd", "doane", "scott", "stone", "rice", "sturges", "sqrt"]):
            h.add_histogram(name, skewed, k, bins=name, walltime=180.0 + k)
        h.add_histogram("auto_constant", torch.full((10,), 3.0), 8, bins="auto", walltime=188.0)
        h.add_histogram("fd_tied", torch.tensor([1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 9.0]), 9, bins="fd", walltime=189.0)
        h.close()
        p = SummaryWriter(os.path.join(root, "purged"), purge_step=42)
        p.add_scalar("resumed", 1.0, 42, walltime=150.0)
        p.close()
        fixture = {"runs": run_files(root), "embeddingFiles": dict(sorted(files.items())), "videos": videos}
        # One whole event file, to check the TFRecord framing byte for byte.
        purged = os.path.join(root, "purged")
        shutil.copy(os.path.join(purged, os.listdir(purged)[0]), os.path.join(FIXTURES, "tensorboard-python.tfevents"))
    finally:
        shutil.rmtree(root)
    target = os.path.join(FIXTURES, "tensorboard-python.json")
    with open(target, "w") as f:
        json.dump(fixture, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", os.path.normpath(target))


if __name__ == "__main__":
    main()
