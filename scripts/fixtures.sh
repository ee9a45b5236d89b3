#!/bin/sh
# Regenerates every golden fixture under test/fixtures with the project venv's torch 2.13
# (`npm run fixtures`). Each script is deterministic: rerunning it gives the same files.
# The torch 1.13 files in test/fixtures/save/*_113* need a torch 1.13 interpreter: see
# scripts/make-save-fixtures.py (--suffix _113). The AOTInductor packages (test/fixtures/aoti/*.pt2)
# take minutes to compile and embed build hashes, so they are rebuilt only with FIXTURES_AOTI=1.
set -e
cd "$(dirname "$0")/.."
# MKL's and oneDNN's kernel choice, as vitest.config.ts pins it (the scripts pin ATEN_CPU_CAPABILITY themselves).
export MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16
# torchvision 0.28 (the release for torch 2.13) and Pillow: only the vision fixtures need them.
.venv/bin/python -c "import torchvision.transforms" 2>/dev/null || .venv/bin/pip install --no-deps torchvision==0.28.0 pillow || .venv/bin/python -c "import PIL"
for script in make-fixtures print-cases make-dtype-fixture make-constants-fixtures make-namespace-fixtures \
  make-pyfn-fixtures make-sparse-fixtures make-save-fixtures make-settings-fixtures make-call-forms-fixtures \
  make-tensor-members-fixtures make-nn-core-fixtures make-nn-nnconv-fixtures make-nn-nnact-fixtures \
  make-nn-nnloss-fixtures make-nn-nnrnn-fixtures make-nn-nnutils-fixtures make-seed-fixtures make-jit-fixtures make-jit-check-fixtures make-func-reverse-fixtures \
  make-optimcore-fixtures make-sched-fixtures make-vision-fixtures make-tv-tensors-fixtures make-box-ops-fixtures make-vision-ops-fixtures make-roi-ops-fixtures make-deform-conv-fixtures make-detection-fixtures make-faster-rcnn-fixtures make-mask-rcnn-fixtures make-keypoint-rcnn-fixtures make-retinanet-fixtures make-ssd-fixtures make-dataset-fixtures make-detection-datasets-fixtures make-vision-models-fixtures make-legacy-pretrained-fixtures make-vision-weights make-pyrandom-fixtures make-masked-fixtures make-masked-grad-fixtures make-gradcheck-fixtures make-gradgradcheck-fixtures make-forward-ad-fixtures make-autograd-switch-fixtures make-func-extras-fixtures make-parallel-fixtures make-linear-cross-entropy-fixtures make-swap-in-optimizer-fixtures make-utils-checkpoint-fixtures make-autograd-graph-fixtures make-compile-fixtures make-sdpa-kernel-fixtures make-distributed-sampler-fixtures make-autograd-function-extras-fixtures make-amp-fixtures make-functionalize-fixtures make-stream-fixtures make-tensorboard-summary-fixtures coverage-cases; do
  echo "scripts/$script.py"
  .venv/bin/python "scripts/$script.py"
done
# Vision, data, formatting and example fixtures, ATEN pinned as in vitest.config.ts (examples-mnist.json differs
# on a machine without AVX512_CORE_BF16: oneDNN picks other kernels there, which test/cpu-model.ts allows for).
for script in make-data-fixtures make-io-fixtures make-pil-enhance-fixtures make-pil-geometry-fixtures \
  make-pil-resample-fixtures make-transform-repr-fixtures make-tv-rotated-fixtures make-v2-jpeg-fixtures \
  make-v2-photometric-fixtures make-v2-transform-api-fixtures make-py-repr-fixtures make-examples-fixtures; do
  echo "scripts/$script.py"
  ATEN_CPU_CAPABILITY=avx2 .venv/bin/python "scripts/$script.py"
done
# The device-parity answers on the CPU (scripts/gpu-check.sh makes the CUDA ones on the GPU machine).
PARITY_DEVICE=cpu .venv/bin/python scripts/device-parity.py test/fixtures/device-parity-cpu.json
# The TorchScript decompositions that give backward ops forward AD (compiled by this torch, embedded in the addon).
.venv/bin/python scripts/gen-jvp-decompositions.py
# PyTorch's OpInfo samples (op_db); the known-failures list is rewritten from a replay of the new fixture.
.venv/bin/python scripts/make-opinfo-fixtures.py
npm run --silent build:ts && node scripts/opinfo.mjs --write-known-failures
# ModuleInfo (common_modules' module_db): every nn module input and error input, as PyTorch's test_modules runs them.
.venv/bin/python scripts/make-moduleinfo-fixtures.py
# OpInfo's error_inputs: the bad inputs PyTorch's test_errors expects every op to refuse.
.venv/bin/python scripts/make-opinfo-error-fixtures.py
# gradgradcheck verdicts on the OpInfo fixture's gradcheck samples (reads the fixture just written).
.venv/bin/python scripts/make-opinfo-gradgrad-fixtures.py
# forward-mode gradcheck verdicts on the same samples.
.venv/bin/python scripts/make-opinfo-forward-ad-fixtures.py
# OptimizerInfo's error inputs: the bad arguments PyTorch's test_optim expects every optimizer to refuse.
.venv/bin/python scripts/make-optiminfo-fixtures.py
# Optimizer trajectories, one script per family (scripts/optim_fixtures.py is their harness).
for script in scripts/make-optim-*-fixtures.py; do
  echo "$script"
  .venv/bin/python "$script"
done
# Node -> Python: files torchnode writes, loaded and run by Python torch, whose results the tests compare.
vite_node="node node_modules/vite-node/vite-node.mjs"
ATEN_CPU_CAPABILITY=avx2 $vite_node scripts/make-node-checkpoints.ts
.venv/bin/python scripts/check-node-checkpoints.py
$vite_node scripts/make-node-jit.ts
.venv/bin/python scripts/make-jit-fixtures.py --check-node
$vite_node scripts/make-node-optim.ts
.venv/bin/python scripts/check-node-optim.py
$vite_node scripts/make-node-sched-saves.ts /tmp/node-sched
.venv/bin/python scripts/check-node-sched-saves.py /tmp/node-sched
# TensorBoard's own reader checks the event files (tensorboard is not in .venv: see scripts/make-tensorboard-fixtures.py)
if [ -n "${TENSORBOARD_PYTHONPATH:-}" ]; then PYTHONPATH="$TENSORBOARD_PYTHONPATH" .venv/bin/python scripts/make-tensorboard-fixtures.py; fi
if [ "${FIXTURES_AOTI:-0}" = 1 ]; then .venv/bin/python scripts/make-aoti-fixtures.py; fi
