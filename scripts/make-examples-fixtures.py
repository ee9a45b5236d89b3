"""Golden loss log of the MNIST main job at a tiny setting, from its Python twin bench/py/mnist.py
(same model, data order and hyper-parameters). test/examples.test.ts runs examples/mnist.ts with the
same flags and compares. Run: ATEN_CPU_CAPABILITY=avx2 .venv/bin/python scripts/make-examples-fixtures.py"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FLAGS = ["--limit-train", "320", "--limit-test", "200", "--epochs", "2", "--batch-size", "64", "--seed", "3",
         "--lr", "0.05", "--threads", "1"]
TIMINGS = {"train_s", "epoch_s", "threads", "impl"}

env = {**os.environ, "ATEN_CPU_CAPABILITY": os.environ.get("ATEN_CPU_CAPABILITY", "avx2")}
with tempfile.TemporaryDirectory() as out:
    run = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "py", "mnist.py"), *FLAGS, "--json", "--out", out],
                         env=env, capture_output=True, text=True, check=True)
epochs = [{k: v for k, v in json.loads(line).items() if k not in TIMINGS}
          for line in run.stdout.splitlines() if line.startswith("{")]
with open(os.path.join(ROOT, "test", "fixtures", "examples-mnist.json"), "w") as f:
    json.dump({"torch": __import__("torch").__version__, "flags": FLAGS, "epochs": epochs}, f, indent=1)
    f.write("\n")
print(f"test/fixtures/examples-mnist.json: {len(epochs)} epochs")
