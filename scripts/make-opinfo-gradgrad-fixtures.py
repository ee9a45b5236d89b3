"""Writes test/fixtures/opinfo-gradgrad.json: Python torch 2.13's torch.autograd.gradgradcheck verdicts for the
OpInfo gradcheck sample of every op with supports_gradgrad, in fast mode as PyTorch's own OpInfo tests run it and
in slow mode, and forward over reverse where the op supports_fwgrad_bwgrad (PyTorch's test_fn_fwgrad_bwgrad) (the sample, variant, differentiated arguments and wrapper test/fixtures/opinfo/*.json.gz record for its
gradcheck; scripts/make-opinfo-fixtures.py picks them), so test/opinfo-gradgrad.test.ts (fast) and
test/opinfo-gradgrad-slow.test.ts and test/opinfo-fwgrad-bwgrad.test.ts can check JS's verdict op by op. Each call of the function re-seeds as OpInfo's
wrapper_set_seed does; gradgradcheck's random grad_outputs come after torch.manual_seed(GRADGRAD_SEED).
Usage: .venv/bin/python scripts/make-opinfo-gradgrad-fixtures.py   (after scripts/make-opinfo-fixtures.py)"""
import gzip
import importlib.util
import json
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('opinfo_fixtures', os.path.join(HERE, 'make-opinfo-fixtures.py'))
opinfo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(opinfo)

OUT = os.path.join(HERE, '..', 'test/fixtures/opinfo-gradgrad.json')
GRADGRAD_SEED = 7


def load_grad_entries():
    entries = {}
    for shard in range(opinfo.SHARDS):
        with gzip.open(os.path.join(opinfo.OUT_DIR, f'opinfo-{shard}.json.gz')) as f:
            body = json.load(f)
        entries.update({key: entry for key, entry in body['ops'].items() if 'grad' in entry})
    return entries


def gradgrad_function(op, entry):
    """(f, leaves) of the op's recorded gradcheck: the same sample, variant, differentiated arguments, wrapper and
    output processing."""
    g = {'dtype': 'float64', 'variant': 'function', **entry['grad']}
    dtype = getattr(torch, g['dtype'])
    if 'index' in g:   # a sample stored only for the gradcheck: OpInfo's requires_grad=True samples
        args, kwargs, process = opinfo.differentiable_samples(op, dtype)[g['index']]
    else:
        torch.manual_seed(opinfo.SEED)
        sample = list(op.sample_inputs('cpu', dtype, requires_grad=False))[entry['dtypes'][g['dtype']][g['sample']]['index']]
        args, kwargs = [sample.input, *sample.args], dict(sample.kwargs)
        # the output processing belongs to the requires_grad=True twin of the sample: looked up only when there is one
        process = next((p for a, k, p in opinfo.differentiable_samples(op, dtype)
                        if opinfo.sample_key(a, k) == opinfo.sample_key(args, kwargs)), None) if 'process' in g else None
    fn = next(call for kind, call, _, _ in opinfo.variants(op) if kind == g['variant'])
    leaves = [opinfo.functools_get(args, p).detach().clone().requires_grad_() for p in g['paths']]
    _, wrapper = opinfo.grad_wrapper(op)   # OpInfo's gradcheck_wrapper, as the gradcheck itself
    return opinfo.grad_function(fn, args, kwargs, g['paths'], g.get('clone', False), wrapper,
                                process if 'process' in g else None), leaves


# PyTorch's test_fn_fwgrad_bwgrad: forward-mode AD over the reverse-mode first derivatives, fast mode
FWD_OVER_REV = {'check_fwd_over_rev': True, 'check_rev_over_rev': False, 'check_undefined_grad': False}


def verdict(f, leaves, fast, **options):
    """{pass} or {raises, message}; the random grad_outputs are drawn after torch.manual_seed(GRADGRAD_SEED)."""
    torch.manual_seed(GRADGRAD_SEED)
    try:
        return {'pass': bool(torch.autograd.gradgradcheck(f, leaves, raise_exception=False, fast_mode=fast, **options))}
    except Exception as e:  # noqa: BLE001 - an op whose double backward raises: JS must raise too
        return {'raises': type(e).__name__, 'message': str(e).strip().split('\n')[0][:200]}


def main():
    torch.set_default_dtype(torch.float32)
    entries = load_grad_entries()
    started = time.time()
    ops = {}
    for op in opinfo.op_db:
        key = op.name + (f'.{op.variant_test_name}' if op.variant_test_name else '')
        if key not in entries or not op.supports_gradgrad:
            continue
        f, leaves = gradgrad_function(op, entries[key])
        t0 = time.time()
        ops[key] = {'fast': verdict(f, leaves, True)}
        # a fast-mode gradcheck sample is one whose slow-mode Jacobians are over the caps (ctc_loss, slice_scatter)
        if not entries[key]['grad'].get('fast'):
            ops[key]['slow'] = verdict(f, leaves, False)
        if op.supports_fwgrad_bwgrad:
            ops[key]['fwdOverRev'] = verdict(f, leaves, True, **FWD_OVER_REV)
        # which gradcheck sample this is: a regenerated OpInfo fixture that picks another one makes the test say so
        ops[key]['sample'] = {k: v for k, v in entries[key]['grad'].items() if k not in opinfo.GRAD_RESULT_KEYS}
        print(f'{time.time() - t0:6.2f}s {key} {ops[key]}', file=sys.stderr, flush=True)
    with open(OUT, 'w') as fh:
        # one line per op: readable diffs when a verdict changes
        head = json.dumps({'torch': torch.__version__, 'seed': GRADGRAD_SEED})[:-1]
        lines = [f'{json.dumps(key)}: {json.dumps(value)}' for key, value in sorted(ops.items())]
        fh.write(head + ', "ops": {\n' + ',\n'.join(lines) + '\n}}\n')
    print(f'{len(ops)} ops in {time.time() - started:.0f}s', file=sys.stderr)


if __name__ == '__main__':
    main()
