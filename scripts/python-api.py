"""Lists the names PyTorch exposes as torch.* functions, Tensor methods and the functions of the
torch.linalg, torch.fft and torch.special namespaces (run with the project venv's torch 2.13). scripts/gen-ops.mjs binds those that are ATen operators; the coverage
script compares the result with this list. Usage: .venv/bin/python scripts/python-api.py > scripts/python-api.json"""
import json
import types

import torch

def public(names):
    return sorted(n for n in names if not n.startswith('_'))


def namespace(module):
    """A namespace's public callables: not the modules, docstring dicts and classes it merely imports (torch.fft.Tensor)."""
    return public(n for n in dir(module) if callable(getattr(module, n)) and not isinstance(getattr(module, n), types.ModuleType)
                  and getattr(module, n) is not torch.Tensor)


api = {
    'torch': torch.__version__,
    'tensorMethods': public(dir(torch.Tensor)),
    'torchFunctions': public(n for n in dir(torch) if callable(getattr(torch, n, None))),
    'variableFunctions': public(dir(torch._C._VariableFunctions)),
    'nnFunctions': public(dir(torch._C._nn)),
    'namespaces': {name: namespace(getattr(torch, name)) for name in ('linalg', 'fft', 'special')},
}
print(json.dumps(api, indent=1))
