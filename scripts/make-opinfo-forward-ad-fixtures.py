"""Writes test/fixtures/opinfo-forward-ad.json: Python torch 2.13's torch.autograd.gradcheck verdict with forward-mode
AD only (check_forward_ad=True, check_backward_ad=False, check_undefined_grad=False: PyTorch's own
test_forward_mode_AD settings), in fast mode and in slow mode, for the OpInfo gradcheck sample of every op with supports_forward_ad: the same sample,
variant and differentiated arguments as scripts/make-opinfo-gradgrad-fixtures.py (whose gradgrad_function it reuses),
so test/opinfo-forward-ad.test.ts can check JS's verdict op by op.
Usage: .venv/bin/python scripts/make-opinfo-forward-ad-fixtures.py   (after scripts/make-opinfo-fixtures.py)"""
import importlib.util
import json
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('opinfo_gradgrad', os.path.join(HERE, 'make-opinfo-gradgrad-fixtures.py'))
gradgrad = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gradgrad)
opinfo = gradgrad.opinfo

OUT = os.path.join(HERE, '..', 'test/fixtures/opinfo-forward-ad.json')
OPTIONS = {'check_forward_ad': True, 'check_backward_ad': False, 'check_undefined_grad': False}


def verdict(f, leaves, fast):
    try:
        return {'pass': bool(torch.autograd.gradcheck(f, leaves, raise_exception=False, fast_mode=fast, **OPTIONS))}
    except Exception as e:  # noqa: BLE001 - an op whose forward AD raises: JS must raise too
        return {'raises': type(e).__name__, 'message': str(e).strip().split('\n')[0][:200]}


def main():
    torch.set_default_dtype(torch.float32)
    entries = gradgrad.load_grad_entries()
    started = time.time()
    ops = {}
    for op in opinfo.op_db:
        key = op.name + (f'.{op.variant_test_name}' if op.variant_test_name else '')
        # a fast-mode gradcheck sample is one whose slow-mode Jacobians are over the caps (80 M entries for slice_scatter)
        if key not in entries or not op.supports_forward_ad or entries[key]['grad'].get('fast'):
            continue
        f, leaves = gradgrad.gradgrad_function(op, entries[key])
        t0 = time.time()
        ops[key] = {'fast': verdict(f, leaves, True), 'slow': verdict(f, leaves, False)}
        ops[key]['sample'] = {k: v for k, v in entries[key]['grad'].items() if k not in opinfo.GRAD_RESULT_KEYS}
        print(f'{time.time() - t0:6.2f}s {key} {ops[key]}', file=sys.stderr, flush=True)
    with open(OUT, 'w') as fh:
        head = json.dumps({'torch': torch.__version__})[:-1]
        lines = [f'{json.dumps(key)}: {json.dumps(value)}' for key, value in sorted(ops.items())]
        fh.write(head + ', "ops": {\n' + ',\n'.join(lines) + '\n}}\n')
    print(f'{len(ops)} ops in {time.time() - started:.0f}s', file=sys.stderr)


if __name__ == '__main__':
    main()
