# Loads the files torchnode's torch.save wrote (scripts/make-node-saves.ts) with Python's
# torch.load(weights_only=True) and compares them with what Node says it saved; then uses the
# re-saved state_dict and optimizer state in a real nn.Module and optim.SGD.
#   .venv/bin/python scripts/check-node-saves.py /tmp/node-saves
# Exits non-zero on any difference. Works with torch 2.x and 1.13 (which lacks some dtypes and has
# no weights_only default: the cases it cannot hold are reported as skipped).
import importlib.util
import json
import os
import sys

import torch

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('fixtures', os.path.join(here, 'make-save-fixtures.py'))
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)


def is_int_key(key):
    return (isinstance(key, int) and not isinstance(key, bool)) or (isinstance(key, dict) and '__int__' in key)


def js_keys(d):
    """Python's description with dict keys as JS spells them (int keys as strings, index keys first)."""
    if isinstance(d, list):
        return [js_keys(x) for x in d]
    if not isinstance(d, dict) or '__tensor__' in d:
        return d
    out = {}
    for k, v in d.items():
        # all str or all int keys: a plain JS object (mixed keys make a Map, which keeps them as they are)
        if k == '__dict__' and (all(isinstance(key, str) for key, _ in v) or all(is_int_key(key) for key, _ in v)):
            items = [[str(key) if isinstance(key, int) else key['__int__'] if isinstance(key, dict) else key, js_keys(val)] for key, val in v]
            index = sorted((e for e in items if e[0].isdigit() and (e[0] == '0' or e[0][0] != '0')), key=lambda e: int(e[0]))
            out[k] = index + [e for e in items if not (e[0].isdigit() and (e[0] == '0' or e[0][0] != '0'))]
        else:
            out[k] = js_keys(v)
    return out


# Files torch 2.x itself writes in a form torch 1.13 cannot read.
TORCH2_ONLY = {
    'dtypes_v3': 'uint16/32/64 and float8 tensors are written with _rebuild_tensor_v3 (torch >= 2.1)',
    'conj': 'a conj view is written with _rebuild_tensor_v2 metadata (torch >= 2.0)',
}


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else '/tmp/node-saves'
    with open(os.path.join(folder, 'expected.json')) as f:
        expected = json.load(f)['cases']
    failures, passed, skipped = [], 0, []
    v2 = int(torch.__version__.split('.')[0]) >= 2

    def load(path):
        try:
            return torch.load(path, weights_only=True)
        except Exception as e:  # noqa: BLE001
            # torch 1.13's weights_only unpickler lacks BINFLOAT (any float, e.g. an lr): it cannot
            # read its own optimizer files either. Use its full unpickler there.
            if v2 or 'Unsupported operand 71' not in str(e):
                raise
            skipped.append(f'{os.path.basename(path)}: weights_only=True (torch 1.13 has no BINFLOAT), loaded with weights_only=False')
            return torch.load(path, weights_only=False)
    for name, want in expected.items():
        path = os.path.join(folder, f'{name}.pt')
        if not v2 and name in TORCH2_ONLY:
            skipped.append(f'{name}: {TORCH2_ONLY[name]}')
            continue
        try:
            obj = load(path)
        except Exception as e:  # noqa: BLE001 - report every failure
            failures.append(f'{name}: load failed: {e}')
            continue
        got = js_keys(fixtures.describe(obj, {}))
        want = js_keys(want)  # a JS Map keeps number keys: compare all int keys as strings
        if got != want:
            failures.append(f'{name}: differs\n  python: {json.dumps(got)[:600]}\n  node:   {json.dumps(want)[:600]}')
        else:
            passed += 1

    # What Python code does with them: int keys of the optimizer state, a state_dict with its
    # _metadata loading into the module it came from, and an optimizer resuming from the state.
    sd = load(os.path.join(folder, 'state_dict.pt'))
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    checks = {
        'state_dict is an OrderedDict with _metadata': type(sd).__name__ == 'OrderedDict' and sd._metadata['1'] == {'version': 2},
        'load_state_dict(strict=True) accepts it': str(model.load_state_dict(sd)) == '<All keys matched successfully>',
    }
    opt_sd = load(os.path.join(folder, 'sgd.pt'))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    opt.load_state_dict(opt_sd)
    checks['optimizer state keys are ints'] = sorted(opt_sd['state']) == [0, 1, 2, 3]
    checks['SGD.load_state_dict restores momentum buffers'] = all(
        'momentum_buffer' in opt.state[p] for p in model.parameters())
    nested = load(os.path.join(folder, 'nested.pt'))
    checks['markIntKeys object has int keys'] = list(nested['intKeys']) == [0, 1, 10]
    checks['Map keeps an int key'] = list(nested['map']) == [7, 'k']
    checks['bigint 2**70 is a Python int'] = nested['big'] == 2**70
    checks['JS whole number 1 is int, 1.5 float'] = type(nested['list'][0]) is int and type(nested['float']) is float
    node_values = load(os.path.join(folder, 'node_values.pt'))
    checks['nn.Parameter is a Parameter'] = type(node_values['p']) is torch.nn.Parameter and node_values['p'].requires_grad
    checks['nn.Parameter(requires_grad=False) is a Parameter'] = (
        type(node_values['frozen']) is torch.nn.Parameter and not node_values['frozen'].requires_grad)
    checks['JS 2**53 and 2**64 are Python ints'] = node_values['big'] == 2**53 and node_values['bigger'] == 2**64 and type(node_values['big']) is int
    checks['Map with an array key has a tuple key'] = list(node_values['map']) == [(1, (2, 3)), 1, '1']
    checks['lone surrogates kept'] = node_values['surrogates'][:2] == ['a\ud800b', '\udfff']
    checks['meta tensor'] = node_values['meta'].is_meta and node_values['meta'].stride() == (1, 2)
    checks['complex saved back as complex'] = load(os.path.join(folder, 'keys_values.pt'))['complex'] == 1.5 - 2j
    views = load(os.path.join(folder, 'views.pt'))
    views['base'].add_(100)
    checks['views share one storage'] = views['view'][0, 0].item() == 102 and views['t'][1, 0].item() == 101
    for what, ok in checks.items():
        if ok:
            passed += 1
        else:
            failures.append(f'check failed: {what}')

    print(f'torch {torch.__version__}: {passed} passed, {len(failures)} failed, {len(skipped)} skipped')
    for s in skipped:
        print('  skipped', s)
    for f in failures:
        print('  FAIL', f)
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
