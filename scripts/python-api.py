"""Lists the names PyTorch exposes as torch.* functions and Tensor methods (run with the
project venv's torch 2.13). scripts/gen-ops.mjs binds those that are ATen operators; the coverage
script compares the result with this list. Usage: .venv/bin/python scripts/python-api.py > scripts/python-api.json"""
import json
import torch

def public(names):
    return sorted(n for n in names if not n.startswith('_'))

api = {
    'torch': torch.__version__,
    'tensorMethods': public(dir(torch.Tensor)),
    'torchFunctions': public(n for n in dir(torch) if callable(getattr(torch, n, None))),
    'variableFunctions': public(dir(torch._C._VariableFunctions)),
    'nnFunctions': public(dir(torch._C._nn)),
}
print(json.dumps(api, indent=1))
