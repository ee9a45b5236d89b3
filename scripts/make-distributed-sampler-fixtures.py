"""Fixtures for torch.utils.data.DistributedSampler (test/data-distributed-sampler.test.ts) from Python torch
2.13, with num_replicas and rank given (no process group): the indices of every rank for several dataset
sizes, shuffled or not, dropping the tail or padding it, over two epochs. Run:
.venv/bin/python scripts/make-distributed-sampler-fixtures.py (writes test/fixtures/data-distributed-sampler.json)."""
import os
import sys

import torch
from torch.utils.data import DistributedSampler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import raised, write_fixture  # noqa: E402

cases = []
for size in (0, 1, 7, 10, 13):
    for replicas in (1, 3, 4):
        for shuffle in (True, False):
            for drop_last in (False, True):
                for seed in (0, 5):
                    ds = list(range(size))
                    per_rank = []
                    for rank in range(replicas):
                        s = DistributedSampler(ds, num_replicas=replicas, rank=rank, shuffle=shuffle, seed=seed, drop_last=drop_last)
                        epochs = []
                        for epoch in (0, 3):
                            s.set_epoch(epoch)
                            epochs.append(list(s))
                        per_rank.append({"len": len(s), "epochs": epochs})
                    cases.append({"size": size, "replicas": replicas, "shuffle": shuffle, "drop_last": drop_last, "seed": seed, "ranks": per_rank})

fixture = {
    "torch": torch.__version__,
    "cases": cases,
    "bad_rank": str(raised(lambda: DistributedSampler(list(range(4)), num_replicas=2, rank=2))),
}
write_fixture("data-distributed-sampler.json", fixture, compact=True)
