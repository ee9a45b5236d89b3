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
    out = {k: {"samples": v, "result": describe(default_collate(v))} for k, v in cases.items()}
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
    write("data-loader.json", {"loaders": loaders(), "training": training()})
