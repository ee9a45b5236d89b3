"""Writes test/fixtures/opinfo/opinfo-<k>.json.gz: PyTorch's own operator test database (OpInfo, op_db of
torch.testing._internal) as fixtures that test/opinfo-*.test.ts replays through torchnode's public JS API.
For every OpInfo that runs on CPU, each supported dtype (bool, integers, float16, bfloat16, float32, float64,
complex64, complex128), up to SAMPLES_PER_DTYPE of its sample inputs (at most MAX_INPUT_ELEMENTS elements
each), it records the function, method and in-place variants' results (or the error Python raises), the
tolerance to compare with, and for differentiable ops one float64 sample for torch.autograd.gradcheck.
Samples with no JS form (Python callables, slices, complex scalars, ...) are counted by reason.
Usage: .venv/bin/python scripts/make-opinfo-fixtures.py [--only op1,op2] [--out DIR] [--over-cap DIR] [--reference-inputs]
--reference-inputs (with --out DIR): OpInfo's reference_inputs, of the OpInfos that have them, instead of sample_inputs
(a superset: PyTorch's reference tests' cases), without gradchecks; replay with OPINFO_FIXTURES=DIR node scripts/opinfo.mjs.
--over-cap DIR writes, in OVER_CAP_SHARDS shards of the same format, only the samples the committed fixture
leaves out for the input element cap (and no gradchecks: the committed fixture has them), streamed one sample at a time;
scripts/opinfo-over-cap.sh replays them."""
import functools
import gzip
import json
import os
import sys
import time
import types
import unittest
from collections import defaultdict

# torch.testing._internal imports expecttest only for its TestCase; the venv does not ship it.
_expecttest = types.ModuleType('expecttest')
_expecttest.TestCase = unittest.TestCase
sys.modules.setdefault('expecttest', _expecttest)

import torch  # noqa: E402
from torch.testing._internal.common_device_type import precisionOverride, toleranceOverride  # noqa: E402
from torch.testing._internal.common_methods_invocations import op_db  # noqa: E402
from torch.testing._internal.opinfo import core as opinfo_core  # noqa: E402
from torch.testing._internal.opinfo.core import DecorateInfo  # noqa: E402
from torch.testing._utils import wrapper_set_seed  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import (Skips, Unencodable, clone_arg, count_elements, dtype_name, enc, enc_tensor_b64,  # noqa: E402
                      has_complex_scalar, has_whole_float, whole_floats_as_ints)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
OUT_DIR = os.path.join(ROOT, 'test/fixtures/opinfo')
SHARDS = 6
SEED = 42                   # OpInfo's wrapper_set_seed seeds 42: its random wrappers and the public call agree
SAMPLES_PER_DTYPE = 10000   # no cap in practice: every sample of an op and dtype that fits the element cap
SAMPLES_EXAMINED = 10000    # every sample OpInfo generates
MAX_INPUT_ELEMENTS = 256    # tensor elements over input, args and kwargs together
FALLBACK_INPUT_ELEMENTS = 20000  # when no sample fits MAX_INPUT_ELEMENTS, the smallest one up to this size
MAX_RESULT_ELEMENTS = 16384
# --over-cap: the samples over MAX_INPUT_ELEMENTS, with results stored in full up to this size (no OpInfo CPU
# sample of torch 2.13 reaches it; a bigger one would be counted as unexpressible, not compared)
OVER_CAP_RESULT_ELEMENTS = 64_000_000
OVER_CAP_SHARDS = 48   # ~19 MB of gzipped JSON each: Node parses one shard at a time
over_cap = False
reference_inputs = False   # --reference-inputs: OpInfo's reference_inputs (sample_inputs and more) instead, no gradchecks
GRAD_MAX_INPUT_ELEMENTS = 512   # JS gradcheck runs 2 forwards per input element and 1 backward per output element
GRAD_MAX_OUTPUT_ELEMENTS = 1024
# When no recorded sample gives a gradcheck, the smallest other sample whose gradcheck stays affordable:
# at most GRAD_FALLBACK_CALLS forwards (2 per real input element, 4 per complex one) plus backwards (2 per
# output element), and a Jacobian of at most GRAD_FALLBACK_JACOBIAN entries.
GRAD_FALLBACK_CALLS = 12000
GRAD_FALLBACK_JACOBIAN = 4_000_000
GRAD_FALLBACK_TRIES = 4
GRAD_DTYPES = [torch.float64, torch.complex128]

DTYPES = [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.float16,
          torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.complex128]
# torch.testing.assert_close's defaults (rtol, atol); OpInfo tests start from them
DEFAULT_TOLERANCE = {torch.float16: (1e-3, 1e-5), torch.bfloat16: (1.6e-2, 1e-5), torch.float32: (1.3e-6, 1e-5),
                     torch.float64: (1e-7, 1e-7), torch.complex64: (1.3e-6, 1e-5), torch.complex128: (1e-7, 1e-7)}

PRIVATE = 'private ATen op or Python-internal helper (leading underscore / torch.ops.aten), not public API'
EXCLUDED_PREFIXES = {
    'jiterator_': 'CUDA jiterator (runtime-compiled CUDA kernels): no CPU form',
    'torch.ops.aten.': PRIVATE,
    'torch._': PRIVATE,
    '_': PRIVATE,
    '__r': 'Python reflected operator (__radd__, ...): JS has no operator overloading; x.add(y) is tested as add',
}
EXCLUDED = {
    '__getitem__': 'Python indexing syntax x[...] with slice objects; JS spells it x.index(...) (tested in its own suite)',
    'max_pool2d_with_indices_backward': PRIVATE,
    'native_dropout_backward': PRIVATE,
    'slice': 'torch.ops.aten.slice (OpInfo calls the ATen overload): Python indexing, JS x.index() / x.narrow()',
}
# results in uninitialised memory: only dtype and shape are defined (two Python runs can agree by chance)
# Seeded random ops whose float result also goes through kernels whose last bit varies between runs here
# (1 ulp seen in float64 attention weights): compared within the dtype's tolerance, which a different
# random draw (another dropout mask) still exceeds by far.
RANDOM_WITHIN_TOLERANCE = {'nn.functional.multi_head_attention_forward'}
UNINITIALISED = {'empty', 'empty_like', 'new_empty', 'new_empty_strided', 'empty_strided', 'empty_permuted'}


def exclusion(op):
    if op.name in EXCLUDED:
        return EXCLUDED[op.name]
    return next((reason for prefix, reason in EXCLUDED_PREFIXES.items() if op.name.startswith(prefix)), None)


def resolve(path):
    """torch.<path> ('nn.functional.conv2d' -> torch.nn.functional.conv2d), or None."""
    obj = torch
    for part in path.split('.'):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj if callable(obj) else None


def tolerance(op, dtype):
    """assert_close's default for the dtype, loosened by every toleranceOverride / precisionOverride the
    OpInfo declares for this dtype on CPU (any test): the loosest rtol and atol that apply."""
    rtol, atol = DEFAULT_TOLERANCE[dtype]
    for info in op.decorators:
        decorators = [info]
        if isinstance(info, DecorateInfo):
            if info.device_type not in (None, 'cpu') or (info.dtypes is not None and dtype not in info.dtypes):
                continue
            decorators = info.decorators
        for d in decorators:
            if isinstance(d, toleranceOverride) and dtype in d.d:
                atol, rtol = max(atol, d.d[dtype].atol), max(rtol, d.d[dtype].rtol)
            elif isinstance(d, precisionOverride) and dtype in d.d:
                atol = max(atol, d.d[dtype])
    return rtol, atol


# ---------------------------------------------------------------- running and comparing in Python

def run(fn, args, kwargs, seed=SEED):
    torch.manual_seed(seed)
    a, kw = clone_arg(args), clone_arg(kwargs)
    try:
        with torch.no_grad():
            return 'ok', fn(*a, **kw)
    except Exception as e:  # noqa: BLE001 - the error is the expected result
        return 'error', e


def same(a, b):
    """Bit-identical results (NaN equal to NaN)."""
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        if not (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)):
            return False
        if a.dtype != b.dtype or a.shape != b.shape or a.layout != b.layout:
            return False
        if a.layout != torch.strided:
            return True
        try:
            torch.testing.assert_close(a, b, rtol=0, atol=0, equal_nan=True)
            return True
        except AssertionError:
            return False
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return type(a) is type(b) and a == b


def same_outcome(x, y):
    return x[0] == y[0] and (x[0] == 'error' or same(x[1], y[1]))


def close_outcome(x, y):
    """Equal within assert_close's defaults: another seed moves a random op's result by more (a LAPACK
    driver's last bits can move between runs too, which is not randomness)."""
    if not same_outcome(x, y) and x[0] == y[0] == 'ok':
        try:
            torch.testing.assert_close(x[1], y[1], equal_nan=True, check_dtype=True)
            return True
        except Exception:  # noqa: BLE001 - AssertionError, or structures assert_close cannot pair
            return False
    return same_outcome(x, y)


def expected(outcome):
    status, value = outcome
    if status == 'error':
        return {'$': 'error', 'type': type(value).__name__, 'message': str(value).split('\n')[0][:120]}
    if has_complex_scalar(value):
        raise Unencodable('complex Python scalar result (JS has no complex number)')
    if count_elements(value) > (OVER_CAP_RESULT_ELEMENTS if over_cap else MAX_RESULT_ELEMENTS):
        raise Unencodable('result over the element cap')
    try:
        return enc(value, enc_tensor_b64)
    except Unencodable as e:
        raise Unencodable(f'result: {e}') from None


def differentiable_dtype(t):
    return t.dtype.is_floating_point or t.dtype.is_complex


def float_tensors(v, path=()):
    """Index paths of the floating-point and complex tensors in a nested argument list."""
    if isinstance(v, torch.Tensor):
        return [list(path)] if differentiable_dtype(v) and v.layout == torch.strided else []
    if isinstance(v, (list, tuple)):
        return [p for i, x in enumerate(v) for p in float_tensors(x, (*path, i))]
    return []


def substitute(v, paths, leaves, path=()):
    if list(path) in paths:
        return leaves[paths.index(list(path))]
    if isinstance(v, (list, tuple)):
        return type(v)(substitute(x, paths, leaves, (*path, i)) for i, x in enumerate(v))
    return v


def flat_float_outputs(v):
    if isinstance(v, torch.Tensor):
        return [v] if differentiable_dtype(v) else []
    if isinstance(v, (list, tuple)):
        return [t for x in v for t in flat_float_outputs(x)]
    return []


# OpInfo's gradcheck wrappers (opinfo/core.py): what PyTorch's own OpInfo gradchecks differentiate instead of the
# bare call, e.g. input + input.mH for ops that need a Hermitian input, since finite differences leave the input's
# structure; scripts/opinfo.mjs replays each under this name
GRAD_WRAPPERS = {
    opinfo_core.gradcheck_wrapper_hermitian_input: 'hermitian',
    opinfo_core.gradcheck_wrapper_ctc_loss: 'ctcLoss',
    opinfo_core.gradcheck_wrapper_triangular_input: 'triangular',
    opinfo_core.gradcheck_wrapper_triangular_input_real_positive_diagonal: 'triangularPositiveDiagonal',
    opinfo_core.gradcheck_wrapper_masked_operation: 'masked',
    opinfo_core.gradcheck_wrapper_masked_pointwise_operation: 'maskedPointwise',
}
# a grad entry's keys that record results or stored arguments, not which sample and call it checks
GRAD_RESULT_KEYS = ('pass', 'elements', 'args', 'kwargs', 'wrapped')
PLAIN_CALL = opinfo_core.OpInfo.__dataclass_fields__['gradcheck_wrapper'].default


def grad_wrapper(op):
    """(spec, wrapper) of the op's gradcheck_wrapper: spec ({name, idx?, op?}) for the fixture and OpInfo's own
    wrapper(fn, *args, **kwargs) for Python's verdict; (None, None) for the plain call. wrapper_set_seed needs
    nothing: every call re-seeds (gradcheck_case)."""
    w = op.gradcheck_wrapper
    if w is PLAIN_CALL or w is wrapper_set_seed:
        return None, None
    if w is opinfo_core.gradcheck_wrapper_masked_operation:   # torch.masked._output_mask goes by the op's __name__
        return {'name': GRAD_WRAPPERS[w], 'op': op.op.__name__}, w
    if w in GRAD_WRAPPERS:
        return {'name': GRAD_WRAPPERS[w]}, w
    if getattr(w, '__name__', '') == '<lambda>' and 'gradcheck_wrapper_triangular_input' in w.__code__.co_names:
        # lambda *args, **kwargs: gradcheck_wrapper_triangular_input(*args, idx=1, **kwargs): the argument it replaces
        probe = [torch.ones(2, 2) for _ in range(3)]
        seen = w(lambda *a, **k: a, *probe)
        return {'name': 'triangular', 'idx': next(i for i, (a, b) in enumerate(zip(seen, probe)) if a is not b)}, w
    raise ValueError(f'{op.name}: gradcheck_wrapper {w} has no JS replay (add it to GRAD_WRAPPERS and scripts/opinfo.mjs)')


# OpInfo samples' output_process_fn_grad, by the sample generator's local function: what PyTorch's gradcheck tests
# differentiate instead of the raw outputs (eigenvectors are defined up to a phase: their abs; lu's pivots are not
# differentiable; svd's singular vectors up to sign). scripts/opinfo.mjs replays each under this name.
OUTPUT_PROCESSES = {
    'sample_inputs_linalg_eig.<locals>.out_fn': 'absSecond',
    'sample_inputs_linalg_eigh.<locals>.out_fn': 'absSecond',
    'sample_inputs_lu_unpack.<locals>.out_fn': 'dropFirst',
    'sample_inputs_svd.<locals>.fn_U': 'svdU',
    'sample_inputs_svd.<locals>.fn_S': 'svdS',
    'sample_inputs_svd.<locals>.fn_Vh': 'svdVh',
    'sample_inputs_svd.<locals>.fn_UVh': 'svdUVh',
    'sample_inputs_to_sparse.<locals>.<lambda>': 'toDense',   # gradcheck takes no sparse output
}


def output_process(op, fn):
    """The fixture's spec ({name, linalg?}) of a sample's output_process_fn_grad; None for the identity; raises
    Unencodable for one JS has no replay of."""
    name = fn.__qualname__
    if name == 'sample_inputs_linalg_lu.<locals>.out_fn':   # drops P for linalg.lu, the identity for lu_factor
        return {'name': 'dropFirst'} if op.name == 'linalg.lu' else None
    if name in OUTPUT_PROCESSES:
        return {'name': OUTPUT_PROCESSES[name], **({'linalg': op.name == 'linalg.svd'} if name.startswith('sample_inputs_svd') else {})}
    marker = object()
    try:
        if fn(marker) is marker:   # lambda x: x, SampleInput's default
            return None
    except Exception:  # noqa: BLE001 - one that indexes or transforms the output
        pass
    raise Unencodable(f'output_process_fn_grad {name}')


def grad_function(fn, args, kwargs, paths, clone=False, wrapper=None, process=None):
    """The function a gradcheck differentiates: the leaves at `paths` of args -> fn's floating outputs, re-seeded
    each call (OpInfo's wrapper_set_seed), through OpInfo's gradcheck_wrapper and the sample's output processing;
    `clone`: fn works in place, so it gets a copy of the leaves."""
    call = functools.partial(wrapper, fn) if wrapper else fn

    def f(*xs):
        torch.manual_seed(SEED)
        xs = [x.clone() for x in xs] if clone else list(xs)
        out = call(*substitute(clone_arg(args), paths, xs), **clone_arg(kwargs))
        return tuple(flat_float_outputs(process(out) if process else out))
    return f


def gradcheck_case(fn, args, kwargs, clone=False, fallback=False, fast=False, wrapper=None, process=None):
    """Python's verdict for gradcheck of fn over the floating and complex tensors of args (JS repeats it), or
    None. Each call re-seeds (OpInfo's wrapper_set_seed), so seeded random ops have one deterministic
    verdict; `clone`: fn works in place, so it gets a copy of the leaves. When a float argument is not
    differentiable (a loss's target), only the input is checked. `wrapper`: OpInfo's gradcheck_wrapper, which calls fn;
    `process`: the sample's output_process_fn_grad, applied to the result. With either, the outputs at the sample are
    recorded (`wrapped`), so that JS's replay of them is checked too."""
    all_paths = float_tensors(args)
    for paths in [all_paths] + ([all_paths[:1]] if len(all_paths) > 1 and all_paths[0] == [0] else []):
        inputs = [functools_get(args, p) for p in paths]
        leaves = [t.detach().clone().requires_grad_() for t in inputs]
        f = grad_function(fn, args, kwargs, paths, clone, wrapper, process)
        try:
            outs = f(*leaves)
        except Exception:  # noqa: BLE001 - a sample gradcheck cannot run is not a gradient case
            continue
        if not outs or not any(o.requires_grad for o in outs):
            return None
        inputs_numel = sum(t.numel() for t in inputs)
        outputs_numel = sum(o.numel() for o in outs)
        if not paths or inputs_numel == 0 or outputs_numel == 0 or not (fast or affordable(inputs, outs, fallback)):
            return None   # an empty sample checks nothing
        try:
            passed = torch.autograd.gradcheck(f, leaves, raise_exception=False, fast_mode=fast)
        except Exception:  # noqa: BLE001
            continue
        return {'paths': paths, 'pass': bool(passed), 'elements': [inputs_numel, outputs_numel],
                **({'wrapped': enc(list(outs), enc_tensor_b64)} if wrapper or process else {})}
    return None


def affordable(inputs, outs, fallback):
    """The sample's gradcheck fits the caps: the plain ones, or the larger ones of a fallback sample."""
    n_in, n_out = sum(t.numel() for t in inputs), sum(o.numel() for o in outs)
    if not fallback:
        return n_in <= GRAD_MAX_INPUT_ELEMENTS and n_out <= GRAD_MAX_OUTPUT_ELEMENTS
    forwards = sum(t.numel() * (4 if t.is_complex() else 2) for t in inputs)
    return forwards + 2 * n_out <= GRAD_FALLBACK_CALLS and n_in * n_out <= GRAD_FALLBACK_JACOBIAN


def tensor_bytes(v):
    """Bytes of the tensors in a nested argument list (what storing them raw would take)."""
    if isinstance(v, torch.Tensor):
        return v.numel() * v.element_size()
    if isinstance(v, (list, tuple)):
        return sum(tensor_bytes(x) for x in v)
    if isinstance(v, dict):
        return sum(tensor_bytes(x) for x in v.values())
    return 0


def functools_get(v, path):
    for i in path:
        v = v[i]
    return v


# ---------------------------------------------------------------- one op

# OpInfos whose sample order differs from the public signature (OpInfo calls e.g. lambda x, n: torch.polygamma(n, x)):
# the function variant takes [input, *args] in this order
FUNCTION_ORDER = {'polygamma': (1, 0), 'special.polygamma': (1, 0), 'einsum': (1, 0), 'where': (1, 0, 2),
                  'nn.functional.embedding': (1, 0)}
PROPERTIES = {'T', 'H', 'mT', 'mH'}   # tensor properties: JS reads x.T, x.mH


def variants(op):
    """[(variant, callable over [input, *args], JS name, own)]: the public function at torch.<name>, x.method(),
    x.method_(), or a property; `own` when it is OpInfo's own callable (else each sample checks it agrees)."""
    out = []
    public = resolve(op.name)
    order = FUNCTION_ORDER.get(op.name)
    if public is not None:
        call = public if order is None else (lambda *a, **k: public(*(a[i] for i in order), *a[len(order):], **k))
        out.append(('function', call, op.name, public is op.op))
    for kind, v in (('method', op.method_variant), ('inplace', op.inplace_variant)):
        name = getattr(v, '__name__', '<lambda>')
        if v is not None and name != '<lambda>' and getattr(torch.Tensor, name, None) is not None:
            out.append((kind, getattr(torch.Tensor, name), name, True))
    if op.name in PROPERTIES:
        out.append(('property', lambda x, _name=op.name: getattr(x, _name), op.name, False))
    elif not any(kind == 'method' for kind, *_ in out) and callable(getattr(torch.Tensor, op.name, None)):
        out.append(('method', getattr(torch.Tensor, op.name), op.name, False))   # x.item(), x.chalf()
    return out


def op_entry(op, skips, dropped, sink=None):
    """The op's fixture entry; with `sink` (--over-cap), each recorded sample goes to sink(key, entry, dtype,
    case, tolerance) as it is recorded instead of into the entry, so one op's samples are never all in memory."""
    key = op.name + (f'.{op.variant_test_name}' if op.variant_test_name else '')
    entry = {'name': op.name}
    if op.variant_test_name:
        entry['variantTest'] = op.variant_test_name
    reason = exclusion(op)
    if reason:
        entry['excluded'] = reason
        return key, entry
    found = variants(op)
    entry['variants'] = {kind: js for kind, _, js, _ in found}
    if op.name in FUNCTION_ORDER and 'function' in entry['variants']:
        entry['functionOrder'] = list(FUNCTION_ORDER[op.name])
    if not found:
        skips.add('no public function or method (OpInfo calls a Python lambda)', key)
        entry['unexpressible'] = 'no public function or method (OpInfo calls a Python lambda)'
        return key, entry
    supported = op.supported_dtypes('cpu')
    entry['dtypes'] = {}
    tolerances = {}
    grad_pool = {}   # dtype -> (recorded cases, every sample) for the gradcheck
    for dtype in [d for d in DTYPES if d in supported]:
        torch.manual_seed(SEED)
        try:
            all_samples = list((op.reference_inputs if reference_inputs else op.sample_inputs)('cpu', dtype, requires_grad=False))
        except Exception as e:  # noqa: BLE001 - a generator that needs an optional package
            skips.add(f'sample generator raised {type(e).__name__}', f'{key} {dtype_name(dtype)}')
            continue
        samples = []
        examined = list(enumerate(all_samples[:SAMPLES_EXAMINED]))
        sizes = [count_elements([s.input, s.args, s.kwargs]) for _, s in examined]
        if over_cap:   # exactly the samples the branches below leave out for the element cap
            smallest = sizes.index(min(sizes)) if sizes and min(sizes) <= FALLBACK_INPUT_ELEMENTS else None
            examined = [e for at, (e, n) in enumerate(zip(examined, sizes))
                        if len(sizes) > 1 and n > MAX_INPUT_ELEMENTS and at != smallest]
            dropped['overElementCap'] += len(examined)
            dropped['overElementCapInputBytes'] += sum(tensor_bytes([s.input, s.args, s.kwargs]) for _, s in examined)
        elif examined and min(sizes) > MAX_INPUT_ELEMENTS and min(sizes) <= FALLBACK_INPUT_ELEMENTS:
            examined = [examined[sizes.index(min(sizes))]]
            dropped['overElementCap'] += len(sizes) - 1
        for index, sample in examined:
            if len(samples) >= SAMPLES_PER_DTYPE:
                break
            where = f'{key} {dtype_name(dtype)} #{index}'
            args = [sample.input, *sample.args]
            kwargs = dict(sample.kwargs)
            if not over_cap and len(examined) > 1 and count_elements([args, kwargs]) > MAX_INPUT_ELEMENTS:
                dropped['overElementCap'] += 1
                dropped['overElementCapInputBytes'] += tensor_bytes([args, kwargs])
                continue
            try:
                case = sample_case(op, found, args, kwargs, where, skips)
            except Exception as e:  # noqa: BLE001 - a sample this script cannot record is counted, not fatal
                skips.add(f'recording the sample raised {type(e).__name__}', where)
                case = None
            if case is not None:
                case['index'] = index
                if sink is None:
                    samples.append(case)
                else:
                    sink(key, entry, dtype, case, tolerance(op, dtype) if dtype in DEFAULT_TOLERANCE else None)
                    dropped['used'] += 1
        dropped['total'] += len(all_samples)
        dropped['used'] += len(samples)
        if dtype in GRAD_DTYPES:
            grad_pool[dtype] = (samples, all_samples)
        if not samples:
            continue
        entry['dtypes'][dtype_name(dtype)] = samples
        if dtype in DEFAULT_TOLERANCE and tolerance(op, dtype) != DEFAULT_TOLERANCE[dtype]:
            tolerances[dtype_name(dtype)] = list(tolerance(op, dtype))
    if op.supports_autograd and not over_cap and not reference_inputs:
        grad = grad_case(op, found, grad_pool)
        if grad is None:
            entry['noGradcheck'] = ('no float64 or complex128 dtype' if not grad_pool
                                    else 'no sample within the gradcheck caps that gradcheck can run')
        else:
            entry['grad'] = grad
    if tolerances:
        entry['tolerance'] = tolerances
    return key, entry


GRAD_VARIANTS = ('function', 'method', 'property')   # in-place variants modify a leaf: not gradchecked


def sample_key(args, kwargs):
    """A sample's values as text (None when it has no encoding): the same sample from two sample_inputs calls."""
    try:
        return json.dumps(enc([args, kwargs], enc_tensor_b64), sort_keys=True)
    except Unencodable:
        return None


def differentiable_samples(op, dtype):
    """OpInfo's samples for gradients (sample_inputs with requires_grad=True, as PyTorch's own gradcheck tests draw
    them), detached, as (args, kwargs, output_process_fn_grad): some generators leave out points where the gradient is
    undefined (entr at x <= 0, embedding's padding_idx), or add samples of their own."""
    torch.manual_seed(SEED)
    try:
        return [(clone_arg([s.input, *s.args]), clone_arg(dict(s.kwargs)), s.output_process_fn_grad)
                for s in op.sample_inputs('cpu', dtype, requires_grad=True)]
    except Exception:  # noqa: BLE001 - a generator that needs an optional package
        return []


def grad_case(op, found, pool):
    """One gradcheck for the op: the smallest recorded float64 (else complex128) sample and variant whose
    gradcheck runs within the caps; else the smallest other sample within the fallback caps, stored with its
    arguments; only samples OpInfo also generates with requires_grad=True, as PyTorch's gradcheck tests use; when even that is over the caps, the smallest sample in fast mode (`fast`: one J·u against
    one v·J, as PyTorch's own OpInfo tests check big samples) if it passes there. Each goes through OpInfo's
    gradcheck_wrapper (`wrapper`) and the sample's output_process_fn_grad (`process`). {dtype, variant, sample | args/kwargs,
    paths, pass, clone?, fast?, wrapper?, process?} or None."""
    callables = {kind: fn for kind, fn, _, _ in found if kind in GRAD_VARIANTS}
    spec, wrapper = grad_wrapper(op)
    wrapped = {'wrapper': spec} if spec else {}
    in_place = {kind: js.endswith('_') for kind, _, js, _ in found}   # torch.zero_: checked on a copy
    def size(case):
        return count_elements([all_samples[case['index']].input, all_samples[case['index']].args, all_samples[case['index']].kwargs])
    grad_samples = {dtype: differentiable_samples(op, dtype) for dtype in pool}
    for dtype, (samples, all_samples) in pool.items():
        for_grad = {sample_key(args, kwargs): process for args, kwargs, process in grad_samples[dtype]}
        # the smallest sample first: a gradcheck costs forwards per input and backwards per output element
        for at, case in sorted(enumerate(samples), key=lambda ac: size(ac[1])):
            if case.get('compare') == 'meta':   # uninitialised memory has no gradient to check
                continue
            sample = all_samples[case['index']]
            key = sample_key([sample.input, *sample.args], dict(sample.kwargs))
            if key not in for_grad:
                continue
            try:
                processing = output_process(op, for_grad[key])
            except Unencodable:
                continue
            for kind, result in case['expect'].items():
                if kind not in callables or (isinstance(result, dict) and result.get('$') == 'error'):
                    continue
                g = gradcheck_case(callables[kind], [sample.input, *sample.args], dict(sample.kwargs), clone=in_place[kind], wrapper=wrapper,
                                   process=for_grad[key] if processing else None)
                if g is not None:
                    return {'dtype': dtype_name(dtype), 'variant': kind, 'sample': at, **({'clone': True} if in_place[kind] else {}), **wrapped,
                            **({'process': processing} if processing else {}), **g}
    for fast in (False, True):
        for dtype, (samples, all_samples) in pool.items():
            recorded = {sample_key([all_samples[case['index']].input, *all_samples[case['index']].args], dict(all_samples[case['index']].kwargs)): at
                        for at, case in enumerate(samples) if case.get('compare') != 'meta'}
            by_size = sorted((count_elements([args, kwargs]), i) for i, (args, kwargs, _) in enumerate(grad_samples[dtype]))
            for _, index in by_size[:GRAD_FALLBACK_TRIES]:
                args, kwargs, process = grad_samples[dtype][index]
                key = sample_key(args, kwargs)
                try:
                    processing = output_process(op, process)
                except Unencodable:
                    continue
                # a replayed sample is referred to; another one carries its arguments (index: in the requires_grad=True samples)
                form = ({'sample': recorded[key], 'variants': list(samples[recorded[key]]['expect'])} if key in recorded
                        else js_call_form(op, found, args, kwargs))
                if form is None:
                    continue
                for kind in [k for k in form.pop('variants') if k in callables]:
                    g = gradcheck_case(callables[kind], args, kwargs, clone=in_place[kind], fallback=True, fast=fast, wrapper=wrapper,
                                       process=process if processing else None)
                    # a fast-mode failure's report recomputes the slow-mode Jacobian: as over the caps as slow mode
                    if g is not None and not (fast and not g['pass']):
                        return {'dtype': dtype_name(dtype), 'variant': kind, **({} if 'sample' in form else {'index': index}), **form,
                                **({'clone': True} if in_place[kind] else {}), **({'fast': True} if fast else {}), **wrapped,
                                **({'process': processing} if processing else {}), **g}
    return None


def js_call_form(op, found, args, kwargs):
    """{args, kwargs?, variants} of a sample that is not replayed (only gradchecked): its arguments
    encoded, and the variants whose public call agrees with OpInfo's; None when it has no JS form."""
    if has_complex_scalar([args, kwargs]):
        return None
    try:
        form = {'args': enc(args, enc_tensor_b64), 'kwargs': {k: enc(v, enc_tensor_b64) for k, v in kwargs.items()}}
    except Unencodable:
        return None
    if not form['kwargs']:
        del form['kwargs']
    reference = run(op.op, args, kwargs)
    js_args, js_kwargs = whole_floats_as_ints(args), whole_floats_as_ints(kwargs)
    if has_whole_float([args, kwargs]) and not same_outcome(reference, run(op.op, js_args, js_kwargs)):
        return None
    form['variants'] = [kind for kind, fn, _, own in found if own or same_outcome(run(fn, args, kwargs), reference)]
    return form


def sample_case(op, found, args, kwargs, where, skips):
    """{args, kwargs, expect: {variant: value}, compare?} or None when the sample has no JS form."""
    if has_complex_scalar([args, kwargs]):
        skips.add('complex Python scalar argument (JS has no complex number)', where)
        return None
    try:
        case = {'args': enc(args, enc_tensor_b64), 'kwargs': {k: enc(v, enc_tensor_b64) for k, v in kwargs.items()}}
    except Unencodable as e:
        skips.add(f'argument of Python type {e} has no JS form', where)
        return None
    if not case['kwargs']:
        del case['kwargs']
    # OpInfo wraps some calls in a lambda: keep a public variant only where it agrees with OpInfo's call
    reference = None
    for kind, fn, _, own in list(found):
        if own:
            continue
        reference = reference or run(op.op, args, kwargs)
        if not same_outcome(run(fn, args, kwargs), reference):
            found = [f for f in found if f[0] != kind]
            skips.add(f'{kind} variant: OpInfo\'s wrapper call differs from the public call (variant left out)', where)
    js_args, js_kwargs = whole_floats_as_ints(args), whole_floats_as_ints(kwargs)
    expect = {}
    first = None
    for kind, fn, _, _ in found:
        call = (lambda *a, _fn=fn, **k: _fn(*a, **k))
        outcome = run(call, args, kwargs)
        if has_whole_float([args, kwargs]) and not same_outcome(outcome, run(call, js_args, js_kwargs)):
            skips.add('whole-valued Python float argument: JS passes it as an int, which changes the result', where)
            return None
        if first is None:
            first = (call, outcome)
        try:
            value = expected(outcome)
        except Unencodable as e:
            skips.add(str(e), where)
            return None
        expect[kind] = {'$': 'same'} if kind != 'function' and 'function' in expect and value == expect['function'] else value
    if not expect:
        return None
    call, outcome = first
    if outcome[0] == 'ok':
        if op.name in UNINITIALISED or not same_outcome(outcome, run(call, args, kwargs)):
            case['compare'] = 'meta'   # two runs with one seed differ: uninitialised memory
        elif op.name not in RANDOM_WITHIN_TOLERANCE and not close_outcome(outcome, run(call, args, kwargs, seed=SEED + 1)):
            case['compare'] = 'exact'   # seeded random: the same seed gives the same numbers in JS
    case['expect'] = expect
    return case


class OverCapShards:
    """--over-cap output, streamed: each sample is written as soon as it is recorded, as an entry of its own
    (JSON key 'op dtype #index', the op's key in entry.key; scripts/opinfo.mjs merges them), to the shard
    with the fewest bytes so far: one grid_sampler_3d dtype alone is ~400 MB of JSON, over what Node can
    parse as one string, and its largest sample ~110 MB. The counts go after the ops when all are done."""

    def __init__(self, out_dir):
        os.makedirs(out_dir, exist_ok=True)
        self.paths = [os.path.join(out_dir, f'opinfo-{shard}.json.gz') for shard in range(OVER_CAP_SHARDS)]
        self.files = [gzip.GzipFile(path, 'wb', mtime=0, compresslevel=6) for path in self.paths]
        self.written = [0] * OVER_CAP_SHARDS
        self.bytes = [0] * OVER_CAP_SHARDS
        self.ops = set()
        for f in self.files:
            f.write(b'{"ops":{')

    def add(self, key, entry, dtype, case, tol):
        name = dtype_name(dtype)
        piece = {**entry, 'key': key, 'dtypes': {name: [case]}}
        if tol is not None and tol != DEFAULT_TOLERANCE[dtype]:
            piece['tolerance'] = {name: list(tol)}
        text = json.dumps(f'{key} {name} #{case["index"]}').encode() + b':' + json.dumps(piece, separators=(',', ':')).encode()
        shard = self.bytes.index(min(self.bytes))
        self.files[shard].write((b',' if self.written[shard] else b'') + text)
        self.written[shard] += 1
        self.bytes[shard] += len(text)
        self.ops.add(key)

    def close(self, meta):
        for shard, f in enumerate(self.files):
            tail = json.dumps({**meta, 'shards': OVER_CAP_SHARDS, 'shard': shard}, separators=(',', ':'))
            f.write(b'},' + tail[1:].encode())
            f.close()
        return sum(os.path.getsize(p) for p in self.paths)


def main():
    global OUT_DIR, over_cap, reference_inputs
    reference_inputs = '--reference-inputs' in sys.argv
    only = None
    if '--only' in sys.argv:
        only = set(sys.argv[sys.argv.index('--only') + 1].split(','))
    if '--out' in sys.argv:   # another directory (a trial run with --only must not replace the fixture)
        OUT_DIR = sys.argv[sys.argv.index('--out') + 1]
    streamed = None
    if '--over-cap' in sys.argv:
        over_cap = True
        streamed = OverCapShards(sys.argv[sys.argv.index('--over-cap') + 1])
    torch.set_default_dtype(torch.float32)
    started = time.time()
    skips = Skips()
    dropped = {'total': 0, 'used': 0, 'overElementCap': 0, 'overElementCapInputBytes': 0}
    ops = {}
    for op in op_db:
        if only and op.name not in only:
            continue
        if not op.supported_dtypes('cpu') or (reference_inputs and op.reference_inputs_func is None):
            continue
        key, entry = op_entry(op, skips, dropped, streamed and streamed.add)
        if streamed is None:
            ops[key] = entry
        print(f'{time.time() - started:7.1f}s {key}', file=sys.stderr, flush=True)
    meta = {
        'torch': torch.__version__, 'seed': SEED, 'shards': SHARDS,
        'caps': {'samplesPerDtype': SAMPLES_PER_DTYPE, 'samplesExamined': SAMPLES_EXAMINED,
                 'maxInputElements': MAX_INPUT_ELEMENTS, 'fallbackInputElements': FALLBACK_INPUT_ELEMENTS,
                 'maxResultElements': MAX_RESULT_ELEMENTS},
        # samples OpInfo generates, those recorded, and those left out for size; the rest are over the
        # per-dtype sample cap or have no JS form (counted in 'unexpressible')
        'samples': dropped,
        'unexpressible': dict(sorted(skips.reasons.items(), key=lambda kv: -kv[1]['count'])),
    }
    if streamed is not None:
        meta['caps'] = {'overCap': True, 'minInputElements': MAX_INPUT_ELEMENTS + 1, 'maxResultElements': OVER_CAP_RESULT_ELEMENTS}
        size = streamed.close(meta)
        print(f'over the cap: {len(streamed.ops)} OpInfos, {sum(streamed.written)} samples, {size / 1e6:.1f} MB in {OVER_CAP_SHARDS} shards, '
              f'{time.time() - started:.0f}s; samples {dropped}', file=sys.stderr)
        return
    keys = sorted(ops)
    os.makedirs(OUT_DIR, exist_ok=True)
    for shard in range(SHARDS):
        body = {**meta, 'shard': shard, 'ops': {k: ops[k] for k in keys[shard::SHARDS]}}
        path = os.path.join(OUT_DIR, f'opinfo-{shard}.json.gz')
        with gzip.GzipFile(path, 'wb', mtime=0) as f:   # mtime 0: the same input gives the same bytes
            f.write(json.dumps(body, separators=(',', ':')).encode())
    size = sum(os.path.getsize(os.path.join(OUT_DIR, f'opinfo-{s}.json.gz')) for s in range(SHARDS))
    print(f'{len(ops)} OpInfos, {size / 1e6:.1f} MB in {SHARDS} shards, {time.time() - started:.0f}s; dropped {dropped}',
          file=sys.stderr)


if __name__ == '__main__':
    main()
