"""Golden fixtures for torch.utils.data (test/data-*.test.ts): sampler index streams, random_split,
default_collate, the DataLoader's seed draws (base seed per iteration, worker seeds) and a tiny
seeded training run whose batch order and loss log a port must reproduce.

Run: .venv/bin/python scripts/make-data-fixtures.py  (writes test/fixtures/data-*.json)
"""

import json
import math
import os

import torch
from torch.utils.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    RandomSampler,
    SequentialSampler,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    get_worker_info,
    random_split,
)

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures")


def after():
    """Three draws of the global RNG: shows how much a step consumed."""
    return torch.rand(3, dtype=torch.float64).tolist()


def samplers():
    cases = []
    for seed in (0, 7):
        torch.manual_seed(seed)
        cases.append({"name": f"random-global-{seed}", "seed": seed, "indices": [list(RandomSampler(range(10))), list(RandomSampler(range(10)))], "after": after()})
    g = torch.Generator().manual_seed(3)
    cases.append({"name": "random-generator", "seed": 3, "indices": [list(RandomSampler(range(13), generator=g)), list(RandomSampler(range(13), generator=g))], "after": torch.rand(3, dtype=torch.float64, generator=g).tolist()})
    torch.manual_seed(1)
    cases.append({"name": "random-replacement", "seed": 1, "indices": [list(RandomSampler(range(10), replacement=True, num_samples=70))], "after": after()})
    torch.manual_seed(2)
    cases.append({"name": "random-numsamples", "seed": 2, "indices": [list(RandomSampler(range(10), num_samples=25))], "after": after()})
    torch.manual_seed(4)
    cases.append({"name": "subset-random", "seed": 4, "indices": [list(SubsetRandomSampler([5, 9, 11, 20, 33, 2]))], "after": after()})
    torch.manual_seed(5)
    w = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]
    cases.append({"name": "weighted-replacement", "seed": 5, "indices": [list(WeightedRandomSampler(w, 20, replacement=True))], "after": after()})
    torch.manual_seed(6)
    cases.append({"name": "weighted-no-replacement", "seed": 6, "indices": [list(WeightedRandomSampler(w, 5, replacement=False))], "after": after()})
    # Python's positional order: RandomSampler(ds, replacement, num_samples, generator), WeightedRandomSampler(w, n, replacement, generator)
    g = torch.Generator().manual_seed(0)
    cases.append({"name": "random-positional", "seed": 0, "indices": [list(RandomSampler(range(6), False, 3, g))], "after": torch.rand(3, dtype=torch.float64, generator=g).tolist()})
    g = torch.Generator().manual_seed(9)
    cases.append({"name": "weighted-positional", "seed": 9, "indices": [list(WeightedRandomSampler(w, 4, True, g))], "after": torch.rand(3, dtype=torch.float64, generator=g).tolist()})
    # a tensor of indices (Python yields its 0-d elements)
    g = torch.Generator().manual_seed(10)
    cases.append({"name": "subset-random-tensor", "seed": 10, "indices": [[int(i) for i in SubsetRandomSampler(torch.tensor([5, 9, 11, 20, 33]), g)]], "after": torch.rand(3, dtype=torch.float64, generator=g).tolist()})
    # an empty dataset without replacement: the seed is drawn, then num_samples // 0 fails
    torch.manual_seed(11)
    try:
        list(RandomSampler(range(0), num_samples=5))
        raise AssertionError("RandomSampler over an empty dataset did not fail")
    except ZeroDivisionError as e:
        cases.append({"name": "random-empty", "seed": 11, "error": str(e), "after": after()})
    batch = {
        "keep": list(BatchSampler(SequentialSampler(range(10)), 3, False)),
        "drop": list(BatchSampler(SequentialSampler(range(10)), 3, True)),
        "lengths": [len(BatchSampler(range(10), 3, False)), len(BatchSampler(range(10), 3, True))],
    }
    splits = []
    for lengths in ([3, 7], [0.3, 0.3, 0.4], [0.5, 0.5]):
        torch.manual_seed(8)
        a = [list(s.indices) for s in random_split(range(11 if isinstance(lengths[0], float) else 10), lengths)]
        b = [list(s.indices) for s in random_split(range(11 if isinstance(lengths[0], float) else 10), lengths, generator=torch.Generator().manual_seed(42))]
        splits.append({"lengths": lengths, "n": 11 if isinstance(lengths[0], float) else 10, "global": a, "generator": b, "after": after()})
    return {"samplers": cases, "batch": batch, "splits": splits}


def describe(x):
    """A collated value as JSON: tensors as {dtype, shape, values}."""
    if isinstance(x, torch.Tensor):
        return {"dtype": str(x.dtype).replace("torch.", ""), "shape": list(x.shape), "values": x.tolist()}
    if isinstance(x, dict):
        return {"dict": {k: describe(v) for k, v in x.items()}}
    if isinstance(x, (list, tuple)):
        return {"list": [describe(v) for v in x]}
    return {"value": x}


def collate():
    # Each case: the samples (JSON, floats marked by a fractional part) and default_collate's result.
    cases = {
        "ints": [1, 2, 3],
        "floats": [1.5, 2.25, -3.5],
        "bools": [True, False, True],
        "strings": ["a", "bc", "d"],
        "tuples": [(1, 0.5), (2, 1.5)],
        "dicts": [{"x": 1, "y": [0.5, 1.5], "name": "a"}, {"x": 2, "y": [2.5, 3.5], "name": "b"}],
    }
    # a Mapping is collated in the first sample's key order (the samples are dicts here, Maps in the test)
    cases["dicts-order"] = [{"y": 0.5, "x": 1, "z": [True, 2]}, {"x": 2, "z": [False, 3], "y": 1.5}]
    out = {k: {"samples": v, "result": describe(default_collate(v))} for k, v in cases.items()}
    try:
        default_collate([2**64, 2])
        raise AssertionError("default_collate took an int beyond int64")
    except (RuntimeError, ValueError) as e:
        out["int64-overflow"] = {"error": str(e), "type": type(e).__name__}
    t = [torch.arange(6, dtype=torch.float32).view(2, 3) + i for i in range(3)]
    out["tensors"] = {"result": describe(default_collate([(x, i) for i, x in enumerate(t)]))}
    return out


class SeedProbe(Dataset):
    """Sample i: (i, the worker's seed, a draw of the worker's torch RNG)."""

    def __len__(self):
        return 12

    def __getitem__(self, i):
        info = get_worker_info()
        return i, (str(info.seed) if info else "main"), torch.rand((), dtype=torch.float64).item()


def loaders():
    out = []
    for workers, persistent in ((0, False), (2, False), (2, True)):
        torch.manual_seed(11)
        loader = DataLoader(SeedProbe(), batch_size=2, shuffle=True, num_workers=workers, persistent_workers=persistent)
        epochs = []
        for _ in range(2):
            epochs.append([{"index": b[0].tolist(), "seed": list(b[1]), "draw": b[2].tolist()} for b in loader])
        out.append({"numWorkers": workers, "persistentWorkers": persistent, "seed": 11, "epochs": epochs, "after": after()})
    g = torch.Generator().manual_seed(12)
    torch.manual_seed(13)
    loader = DataLoader(SeedProbe(), batch_size=5, shuffle=True, generator=g, num_workers=2)
    epochs = [[{"index": b[0].tolist(), "seed": list(b[1]), "draw": b[2].tolist()} for b in loader] for _ in range(2)]
    out.append({"numWorkers": 2, "persistentWorkers": False, "seed": 13, "generatorSeed": 12, "epochs": epochs, "after": after()})
    return out


class Reader(torch.utils.data.IterableDataset):
    """0..n-1 from an iterator that fails when asked again after its end (a closed file, a socket)."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        n = self.n

        class It:
            def __init__(s):
                s.i, s.closed = 0, False

            def __iter__(s):
                return s

            def __next__(s):
                if s.closed:
                    raise RuntimeError("read after end of stream")
                if s.i < n:
                    s.i += 1
                    return s.i - 1
                s.closed = True
                raise StopIteration

        return It()


def streams():
    """Batches of a Reader: the fetcher never asks a stream again after its end (per worker, each a full copy)."""
    out = []
    for workers, batch, drop in ((0, 3, False), (0, 3, True), (0, None, False), (2, 3, False), (2, 3, True)):
        loader = DataLoader(Reader(7), batch_size=batch, drop_last=drop, num_workers=workers)
        out.append({"numWorkers": workers, "batchSize": batch, "dropLast": drop, "batches": [b if isinstance(b, int) else b.tolist() for b in loader]})
    return out


def positional():
    """DataLoader(ds, shuffle=True, drop_last=True, generator=g): batch_size keeps its default 1."""
    loader = DataLoader(TensorDataset(torch.arange(5)), shuffle=True, drop_last=True, generator=torch.Generator().manual_seed(4))
    return {"n": 5, "generatorSeed": 4, "batches": [b[0].tolist() for b in loader]}


def training():
    """A linear model on a seeded dataset, plain SGD by hand, 3 epochs of a shuffled loader (two passes of base-seed draws)."""
    runs = []
    for workers in (0, 2):
        torch.manual_seed(0)
        x = torch.randn(40, 3)
        y = x @ torch.tensor([[1.5], [-2.0], [0.5]]) + 0.1 * torch.randn(40, 1)
        ds = TensorDataset(x, y, torch.arange(40))
        model = torch.nn.Linear(3, 1)
        loader = DataLoader(ds, batch_size=8, shuffle=True, num_workers=workers)
        order, losses = [], []
        for _ in range(3):
            for xb, yb, ib in loader:
                loss = torch.nn.functional.mse_loss(model(xb), yb)
                model.zero_grad()
                loss.backward()
                with torch.no_grad():
                    for p in model.parameters():
                        p -= 0.1 * p.grad
                order.append(ib.tolist())
                losses.append(loss.item())
        runs.append({"numWorkers": workers, "order": order, "losses": losses, "weight": model.weight.flatten().tolist(), "bias": model.bias.tolist(), "after": after()})
    assert runs[0]["losses"] == runs[1]["losses"], "workers changed the run"
    return {"seed": 0, "lr": 0.1, "batchSize": 8, "epochs": 3, "runs": runs}


def write(name, obj):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(obj, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.relpath(path))


if __name__ == "__main__":
    assert torch.__version__.startswith("2.13"), torch.__version__
    write("data-samplers.json", samplers())
    write("data-collate.json", collate())
    write("data-loader.json", {"loaders": loaders(), "training": training(), "streams": streams(), "positional": positional()})
