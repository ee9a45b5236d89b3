"""Writes test/fixtures/opinfo-errors.json.gz: PyTorch's own bad-input cases, OpInfo's error_inputs (op_db of
torch.testing._internal: for each op, inputs that must raise, with the error type and the message pattern PyTorch's
test_errors checks), as Python torch 2.13 answers them through every public variant (function, method, in place),
so that test/opinfo-errors.test.ts can check that torchnode's public JS API refuses each one with an Error whose
message PyTorch's pattern matches. Encoding and variants are scripts/make-opinfo-fixtures.py's.
Usage: .venv/bin/python scripts/make-opinfo-error-fixtures.py"""
import gzip
import importlib.util
import itertools
import json
import os
import re
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('opinfo_fixtures', os.path.join(HERE, 'make-opinfo-fixtures.py'))
opinfo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(opinfo)
from pyvalues import Skips, has_whole_float, whole_floats_as_ints  # noqa: E402  (opinfo put scripts/ on sys.path)

OUT = os.path.join(HERE, '..', 'test/fixtures/opinfo-errors.json.gz')


def python_message(fn, args, kwargs):
    """Python's whole error message for a variant's call ('' when it does not raise)."""
    status, value = opinfo.run(fn, args, kwargs)
    return str(value) if status == 'error' else ''


# Python's TypeError for a number where an operator wants a Tensor (torch.maximum(x, 0), torch.eq(1, x)): Python
# takes numbers for tensors only in add, sub, mul, div and a few more; torchnode in every operator, as a wrapped number.
NUMBER_FOR_TENSOR = re.compile(r"must be Tensor, not (int|float|bool)\b|got \((.*\b(int|float|bool)\b.*)\), but expected one of")


def numbers_as_tensors(op, args, kwargs):
    """For an error input that Python refuses only because a number stands for a Tensor: the positional arguments
    with the fewest numbers (first ones first) made the 0-dim tensor a wrapped number promotes like (the dtype
    torch.result_type gives it with the first tensor argument, or its own with none) for Python to take the call,
    which it may then answer or refuse for another reason, as torchnode should; else None."""
    status, error = opinfo.run(op.op, args, kwargs)
    if status != 'error' or not isinstance(error, TypeError) or not NUMBER_FOR_TENSOR.search(str(error)):
        return None
    first = next((a for a in args if isinstance(a, torch.Tensor)), None)
    numbers = [i for i, a in enumerate(args) if type(a) in (bool, int, float)]

    def as_tensor(a):
        return torch.tensor(a) if first is None else torch.tensor(a, dtype=torch.result_type(first, a))
    for size in range(1, len(numbers) + 1):
        for chosen in itertools.combinations(numbers, size):
            wrapped = [as_tensor(a) if i in chosen else a for i, a in enumerate(args)]
            status, error = opinfo.run(op.op, wrapped, kwargs)
            if status == 'ok' or not (isinstance(error, TypeError) and NUMBER_FOR_TENSOR.search(str(error))):
                return wrapped
    return None


def deterministic_inputs(op):
    """The op's error inputs, with the memory of the torch.empty tensors among them filled (NaN, or an integer
    dtype's largest value) instead of left as it was: the fixture is then the same bytes on every run."""
    torch.use_deterministic_algorithms(True)
    torch.utils.deterministic.fill_uninitialized_memory = True
    try:
        return list(op.error_inputs('cpu'))
    finally:
        torch.use_deterministic_algorithms(False)


def error_entry(op, skips, counts):
    """The op's entry: {name, variants, functionOrder?, dtypes: {'errors': [case]}}; each case is sample_case's
    record of one ErrorInput plus the `type` and `regex` OpInfo expects. None when no error input has a JS form."""
    key = op.name + (f'.{op.variant_test_name}' if op.variant_test_name else '')
    if op.error_inputs_func is None or opinfo.exclusion(op):
        return key, None
    found = opinfo.variants(op)
    if not found:
        return key, None
    torch.manual_seed(opinfo.SEED)
    cases = []
    for index, error_input in enumerate(deterministic_inputs(op)):
        counts['total'] += 1
        sample = error_input.sample_input
        where = f'{key} #{index}'
        args, kwargs = [sample.input, *sample.args], dict(sample.kwargs)
        if opinfo.run(op.op, args, kwargs)[0] != 'error':
            skips.add('Python raises only while two arguments share memory (out= overlapping the input, or expanded), '
                      'which the recorded copies do not keep; or not at all on CPU', where)
            continue
        if has_whole_float([args, kwargs]):   # JS passes a whole float as an int: that call is the one to record
            args, kwargs = whole_floats_as_ints([args, kwargs])
            if opinfo.run(op.op, args, kwargs)[0] != 'error':
                skips.add('a whole-valued Python float is the error (JS passes it as an int, which Python takes)', where)
                continue
        wrapped = numbers_as_tensors(op, args, kwargs)
        if wrapped is not None:   # torchnode's superset: the result, compared like any sample's
            # x.atan2() has no JS form when x is the number: only the function variant then
            variants = found if isinstance(args[0], torch.Tensor) else [f for f in found if f[0] == 'function']
            case = opinfo.sample_case(op, variants, wrapped, kwargs, where, skips) if variants else None
            if case is not None:
                case['args'] = opinfo.enc(args, opinfo.enc_tensor_b64)
                case['numberForTensor'] = True
                case['index'] = index
                cases.append(case)
            continue
        try:
            case = opinfo.sample_case(op, found, args, kwargs, where, skips)
        except Exception as e:  # noqa: BLE001 - an input this script cannot record is counted, not fatal
            skips.add(f'recording the input raised {type(e).__name__}', where)
            case = None
        if case is None:
            continue
        case['index'] = index
        case['type'] = error_input.error_type.__name__
        # The pattern holds the variants whose Python message it matches (a variant may raise something else first).
        messages = {kind: python_message(fn, args, kwargs) for kind, fn, _, _ in found if kind in case['expect']}
        case['regex'] = {kind: error_input.error_regex for kind, message in messages.items() if re.search(error_input.error_regex, message)}
        cases.append(case)
    counts['used'] += len(cases)
    if not cases:
        return key, None
    entry = {'name': op.name, 'variants': {kind: js for kind, _, js, _ in found}, 'dtypes': {'errors': cases}}
    if op.name in opinfo.FUNCTION_ORDER and 'function' in entry['variants']:
        entry['functionOrder'] = list(opinfo.FUNCTION_ORDER[op.name])
    return key, entry


def main():
    torch.set_default_dtype(torch.float32)
    started = time.time()
    skips = Skips()
    counts = {'total': 0, 'used': 0}
    ops = {}
    for op in opinfo.op_db:
        key, entry = error_entry(op, skips, counts)
        if entry is not None:
            ops[key] = entry
    body = {'torch': torch.__version__, 'seed': opinfo.SEED, 'errorInputs': counts,
            'unexpressible': dict(sorted(skips.reasons.items(), key=lambda kv: -kv[1]['count'])),
            'ops': dict(sorted(ops.items()))}
    with gzip.GzipFile(OUT, 'wb', mtime=0) as f:   # mtime 0: the same input gives the same bytes
        f.write(json.dumps(body, separators=(',', ':')).encode())
    print(f'{len(ops)} OpInfos, {counts["used"]} of {counts["total"]} error inputs, {os.path.getsize(OUT) / 1e3:.0f} kB, '
          f'{time.time() - started:.0f}s', file=sys.stderr)


if __name__ == '__main__':
    main()
