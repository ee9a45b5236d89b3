"""Writes test/fixtures/optiminfo-errors.json: PyTorch's own bad inputs for every optimizer (OptimizerInfo's
optim_error_inputs_func, common_optimizers.optim_db of torch 2.13), each with the stage that must fail
(construction or step), the error type (or warning) and the message pattern PyTorch's test_errors checks,
and Python's own message, for test/optiminfo-errors.test.ts. Parameters keep their identity (a parameter
listed twice is one tensor twice): the fixture stores each tensor once, with its grad, and refers to it.
Usage: .venv/bin/python scripts/make-optiminfo-fixtures.py"""
import json
import os
import re
import sys
import types
import unittest
import warnings

_expecttest = types.ModuleType('expecttest')   # torch.testing._internal imports it only for its TestCase
_expecttest.TestCase = unittest.TestCase
sys.modules.setdefault('expecttest', _expecttest)

import torch  # noqa: E402
from torch.testing._internal.common_optimizers import OptimizerErrorEnum, optim_db  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import Unencodable, enc, enc_tensor_b64, whole_floats_as_ints  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test/fixtures/optiminfo-errors.json')
SEED = 0


class Tensors:
    """The tensors of one input, each once: what JS rebuilds and refers to by index."""

    def __init__(self):
        self.seen, self.table = {}, []

    def ref(self, t):
        if id(t) not in self.seen:
            self.seen[id(t)] = len(self.table)
            self.table.append({'tensor': enc(t.detach(), enc_tensor_b64), 'parameter': isinstance(t, torch.nn.Parameter),
                               'requiresGrad': t.requires_grad, 'grad': None if t.grad is None else enc(t.grad, enc_tensor_b64)})
        return {'$': 'ref', 'i': self.seen[id(t)]}

    def params(self, v):
        if isinstance(v, torch.Tensor):
            return self.ref(v)
        if isinstance(v, (list, tuple)):
            return [self.params(x) for x in v]
        if isinstance(v, dict):
            return {'$': 'group', 'v': {k: self.params(x) if k == 'params' else enc(x, enc_tensor_b64) for k, x in v.items()}}
        if isinstance(v, str) or v is None:
            return v
        raise Unencodable(type(v).__name__)


def outcome(cls, params, kwargs, stage):
    """(kind, type, message): what Python does at the stage: 'error' or 'warning', or ('none', ...)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        try:
            opt = cls(params, **kwargs)
            if stage == 'step':
                opt.step()
        except Exception as e:  # noqa: BLE001 - the error is the expected result
            return 'error', type(e).__name__, str(e)
    for w in caught:
        return 'warning', w.category.__name__, str(w.message)
    return 'none', None, None


def main():
    torch.manual_seed(SEED)
    out, skipped = {}, []
    for info in optim_db:
        cls = info.optim_cls
        cases = []
        for index, error_input in enumerate(info.optim_error_inputs_func(device='cpu', dtype=torch.float32)):
            optim_input = error_input.optimizer_error_input
            # JS passes a whole float (betas=(1.0, 0.0)) as an int: Python's answer to that call is the one to hold JS to
            kwargs = whole_floats_as_ints(dict(optim_input.kwargs))
            stage = 'constructor' if error_input.error_on == OptimizerErrorEnum.CONSTRUCTION_ERROR else 'step'
            tensors = Tensors()
            try:
                case = {'index': index, 'desc': optim_input.desc, 'params': tensors.params(optim_input.params),
                        'kwargs': {k: enc(v, enc_tensor_b64) for k, v in kwargs.items()}}
            except Unencodable as e:
                skipped.append(f'{cls.__name__} #{index}: {e}')
                continue
            case['tensors'] = tensors.table
            kind, type_name, message = outcome(cls, optim_input.params, kwargs, stage)
            expected_kind = 'warning' if issubclass(error_input.error_type, Warning) else 'error'
            if kind != expected_kind:
                skipped.append(f'{cls.__name__} #{index}: Python gives {kind} where OptimizerInfo expects {expected_kind}')
                continue
            case.update({'stage': stage, 'kind': kind, 'type': type_name, 'message': message.split('\n')[0][:300]})
            if re.search(error_input.error_regex, message):
                case['regex'] = error_input.error_regex
            cases.append(case)
        out[cls.__name__] = cases
    body = {'torch': torch.__version__, 'skipped': skipped, 'optimizers': out}
    with open(OUT, 'w') as f:
        json.dump(body, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {OUT}: {sum(len(c) for c in out.values())} error inputs of {len(out)} optimizers; skipped {skipped}', file=sys.stderr)


if __name__ == '__main__':
    main()
