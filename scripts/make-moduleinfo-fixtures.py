"""Writes test/fixtures/moduleinfo.json.gz: PyTorch's own nn.Module test database (ModuleInfo, module_db of
torch.testing._internal.common_modules) as Python torch 2.13 runs it, so that test/moduleinfo.test.ts can replay
every module input through torchnode's torch.nn: for each ModuleInfo, float32 and float64, training mode (and eval
mode where the two differ), and each ModuleInput, the constructor's and forward's arguments, the module's state
dict before the forward (JS loads it, so the parameters' random init does not matter), the forward's output, the
gradients of the sum of its floating outputs with respect to every parameter and every input that requires grad,
and the state dict after where the forward changed it (running statistics). A lazy module is materialised by one forward under no_grad first,
on both sides. Also ModuleInfo's error inputs: the constructor or forward call that must raise, with its pattern,
and per case what the global registration hooks saw while the module was built.
Usage: .venv/bin/python scripts/make-moduleinfo-fixtures.py"""
import gzip
import json
import os
import re
import sys
import time
import types
import unittest

# torch.testing._internal imports expecttest only for its TestCase; the venv does not ship it.
_expecttest = types.ModuleType('expecttest')
_expecttest.TestCase = unittest.TestCase
sys.modules.setdefault('expecttest', _expecttest)

import torch  # noqa: E402
from torch.nn.modules.lazy import LazyModuleMixin  # noqa: E402
from torch.testing._internal.common_modules import ModuleErrorEnum, module_db  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import (Skips, Unencodable, clone_arg, count_elements, dtype_name, enc, enc_tensor_b64,  # noqa: E402
                      has_complex_scalar, has_whole_float, registration_entry, whole_floats_as_ints)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test/fixtures/moduleinfo.json.gz')
SEED = 0
DTYPES = [torch.float32, torch.float64]
MAX_INPUT_ELEMENTS = 4096   # tensor elements over the forward's arguments (keeps the fixture small)


def module_arg(m):
    """A module argument (TransformerEncoder's encoder_layer) as the constructor call JS makes of it; its weights
    do not matter, as the case loads Python's state dict."""
    if type(m) is not torch.nn.TransformerEncoderLayer or m.activation_relu_or_gelu not in (1, 2):
        raise Unencodable(type(m).__name__)
    kwargs = {'dim_feedforward': m.linear1.out_features, 'dropout': m.dropout.p, 'activation': 'relu' if m.activation_relu_or_gelu == 1 else 'gelu',
              'layer_norm_eps': m.norm1.eps, 'batch_first': m.self_attn.batch_first, 'norm_first': m.norm_first, 'bias': m.linear1.bias is not None}
    return {'$': 'module', 'className': type(m).__name__, 'args': [m.self_attn.embed_dim, m.self_attn.num_heads],
            'kwargs': {k: enc(v) for k, v in kwargs.items()}}


def enc_value(v):
    if isinstance(v, torch.nn.Module):
        return module_arg(v)
    if isinstance(v, types.BuiltinFunctionType) and v.__name__ in ('relu', 'gelu'):
        return v.__name__   # an activation given as torch's builtin: the layers take its name too
    return enc(v, enc_tensor_b64)


def enc_call(args, kwargs):
    """[positional arguments, keyword arguments] as the fixture encodes a call."""
    return [[enc_value(a) for a in args], {'$': 'dict', 'v': {k: enc_value(v) for k, v in kwargs.items()}}]


def grad_paths(v, path=()):
    """Paths ([index] or [index, index] in the forward's args, or [name] in its kwargs) of the tensors that require grad."""
    if isinstance(v, torch.Tensor):
        return [list(path)] if v.requires_grad else []
    if isinstance(v, (list, tuple)):
        return [p for i, x in enumerate(v) for p in grad_paths(x, (*path, i))]
    if isinstance(v, dict):
        return [p for k, x in v.items() for p in grad_paths(x, (*path, k))]
    return []


def get_path(v, path):
    for p in path:
        v = v[p]
    return v


def float_outputs(v):
    if isinstance(v, torch.Tensor):
        return [v] if v.is_floating_point() and v.requires_grad else []
    if isinstance(v, (list, tuple)):
        return [t for x in v for t in float_outputs(x)]
    return []


def enc_state(module):
    return enc({k: v.detach().clone() for k, v in module.state_dict().items()}, enc_tensor_b64)


# What the global registration hooks saw while a case's module was built: every registered parameter, buffer and
# submodule, in order (JS builds the module under the same hooks and must log the same).
REGISTRATIONS = []


def install_registration_hooks():
    from torch.nn.modules import module as nn_module
    for kind, register in [('parameter', nn_module.register_module_parameter_registration_hook),
                           ('buffer', nn_module.register_module_buffer_registration_hook),
                           ('module', nn_module.register_module_module_registration_hook)]:
        register(lambda m, name, v, kind=kind: REGISTRATIONS.append(registration_entry(kind, m, name, v)))


def build(info, constructor, dtype, training):
    torch.manual_seed(SEED)
    module = info.module_cls(*clone_arg(constructor.args), **clone_arg(constructor.kwargs))
    module.to(dtype)   # as PyTorch's test_modules
    module.train(training)
    return module


def run_case(info, module_input, dtype, training):
    """The case's record: what JS passes and what it must get back."""
    constructor, forward = module_input.constructor_input, module_input.forward_input
    case = {'constructor': enc_call(constructor.args, constructor.kwargs), 'forward': enc_call(forward.args, forward.kwargs)}
    REGISTRATIONS.clear()
    module = build(info, constructor, dtype, training)
    case['registrations'] = list(REGISTRATIONS)
    if isinstance(module, LazyModuleMixin):
        with torch.no_grad():
            module(*clone_arg(forward.args), **clone_arg(forward.kwargs))
        case['lazy'] = True
    state = {k: v.detach().clone() for k, v in module.state_dict().items()}
    case['state'] = enc(state, enc_tensor_b64)
    case['repr'] = repr(module)
    paths = grad_paths([list(forward.args), dict(forward.kwargs)])
    args, kwargs = clone_arg([list(forward.args), dict(forward.kwargs)])
    for p in paths:
        get_path([args, kwargs], p).requires_grad_()
    torch.manual_seed(SEED)
    output = module(*args, **kwargs)
    case['output'] = enc(output, enc_tensor_b64)
    floats = float_outputs(output)
    if floats:
        sum(o.sum() for o in floats).backward()
        case['paramGrads'] = enc({n: p.grad for n, p in module.named_parameters()}, enc_tensor_b64)
        case['inputGrads'] = [[p, enc(get_path([args, kwargs], p).grad, enc_tensor_b64)] for p in paths]
    after = enc_state(module)
    if after != case['state']:   # running statistics; most modules leave their state as it was
        case['stateAfter'] = after
    # two runs from one seed that differ (uninitialised memory, kernels whose last bits vary): shapes and dtypes only
    again = build(info, constructor, dtype, training)
    if case.get('lazy'):
        with torch.no_grad():
            again(*clone_arg(forward.args), **clone_arg(forward.kwargs))
    again.load_state_dict(state)
    torch.manual_seed(SEED)
    if enc(again(*clone_arg(forward.args), **clone_arg(forward.kwargs)), enc_tensor_b64) != case['output']:
        case['compare'] = 'meta'
    return case


class NoError(Exception):
    """The call an error input makes did not raise."""


def error_case(info, error_input, where, skips):
    """An error input's record: the constructor and forward arguments, the stage that must raise, and the pattern."""
    module_input = error_input.module_error_input
    constructor, forward = module_input.constructor_input, module_input.forward_input
    try:
        case = {'constructor': enc_call(constructor.args, constructor.kwargs)}
        if forward is not None:
            case['forward'] = enc_call(forward.args, forward.kwargs)
    except Unencodable as e:
        skips.add(f'argument of Python type {e} has no JS form', where)
        return None
    calls = [[constructor.args, constructor.kwargs]] + ([[forward.args, forward.kwargs]] if forward is not None else [])
    if has_complex_scalar(calls):
        skips.add('complex Python scalar argument (JS has no complex number)', where)
        return None
    stage = 'constructor' if error_input.error_on == ModuleErrorEnum.CONSTRUCTION_ERROR else 'forward'
    # JS passes a whole float (3.0) as an int: Python's answer to that call is the one to hold JS to
    calls = whole_floats_as_ints(calls)
    try:
        module = info.module_cls(*clone_arg(calls[0][0]), **clone_arg(calls[0][1]))
        if stage == 'constructor' or forward is None:
            raise NoError
        module(*clone_arg(calls[1][0]), **clone_arg(calls[1][1]))
        raise NoError
    except NoError:
        skips.add('Python does not raise for it' + (' once its whole floats are ints, as JS passes them' if has_whole_float(
            [[constructor.args, constructor.kwargs]]) else ''), where)
        return None
    except Exception as e:  # noqa: BLE001 - the error is the expected result
        message = str(e)
    case['constructor'] = enc_call(*calls[0])
    if forward is not None:
        case['forward'] = enc_call(*calls[1])
    case.update({'stage': stage, 'type': error_input.error_type.__name__, 'message': message.split('\n')[0][:200]})
    if re.search(error_input.error_regex, message):
        case['regex'] = error_input.error_regex
    return case


def entry_of(info, skips, counts):
    entry = {'name': info.name, 'className': info.module_cls.__name__, 'cases': [], 'errors': []}
    for dtype in [d for d in DTYPES if d in info.dtypes]:
        for training in ([True, False] if info.train_and_eval_differ else [True]):
            torch.manual_seed(SEED)
            inputs = info.module_inputs_func(info, device='cpu', dtype=dtype, requires_grad=True, training=training)
            for index, module_input in enumerate(inputs):
                counts['total'] += 1
                where = f'{info.name} {dtype_name(dtype)} {"train" if training else "eval"} #{index}'
                if module_input.forward_input is None:
                    skips.add('no forward input', where)
                    continue
                if count_elements([module_input.forward_input.args, module_input.forward_input.kwargs]) > MAX_INPUT_ELEMENTS:
                    skips.add(f'over {MAX_INPUT_ELEMENTS} input elements', where)
                    continue
                try:
                    case = run_case(info, module_input, dtype, training)
                except Unencodable as e:
                    skips.add(f'value of Python type {e} has no JS form', where)
                    continue
                case.update({'dtype': dtype_name(dtype), 'training': training, 'index': index, 'desc': module_input.desc})
                entry['cases'].append(case)
                counts['used'] += 1
    if info.module_error_inputs_func is not None:
        torch.manual_seed(SEED)
        for index, error_input in enumerate(info.module_error_inputs_func(info, device='cpu', dtype=torch.float32,
                                                                           requires_grad=False, training=True)):
            counts['errorsTotal'] += 1
            case = error_case(info, error_input, f'{info.name} error #{index}', skips)
            if case is not None:
                case['index'] = index
                entry['errors'].append(case)
                counts['errorsUsed'] += 1
    return entry


def main():
    torch.set_default_dtype(torch.float32)
    install_registration_hooks()
    started = time.time()
    skips = Skips()
    counts = {'total': 0, 'used': 0, 'errorsTotal': 0, 'errorsUsed': 0}
    modules = {}
    for info in module_db:
        modules[info.name] = entry_of(info, skips, counts)
        print(f'{time.time() - started:7.1f}s {info.name}', file=sys.stderr, flush=True)
    body = {'torch': torch.__version__, 'seed': SEED, 'counts': counts,
            'unexpressible': dict(sorted(skips.reasons.items(), key=lambda kv: -kv[1]['count'])), 'modules': modules}
    with gzip.GzipFile(OUT, 'wb', mtime=0) as f:   # mtime 0: the same input gives the same bytes
        f.write(json.dumps(body, separators=(',', ':')).encode())
    print(f'{len(modules)} ModuleInfos, {counts}, {os.path.getsize(OUT) / 1e6:.1f} MB, {time.time() - started:.0f}s', file=sys.stderr)


if __name__ == '__main__':
    main()
