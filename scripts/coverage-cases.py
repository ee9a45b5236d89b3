"""Writes test/fixtures/coverage.json: every public name of torch, Tensor, torch.linalg, torch.fft,
torch.special and torch.testing as Python torch 2.13 lists them (dir() without '_' names), each either
excluded with a reason or given real cases (a call with concrete inputs and Python's result) that
scripts/coverage.mjs replays through torchnode. Cases come from OpInfo samples (op_db), from a hand
table (HAND_CASES: Python and JS source of one call each), or from probing a plain call (f(x), ...).
torch.nn.functional is in the fixture too; scripts/coverage.mjs counts it once torchnode exports torch.nn.
Usage: .venv/bin/python scripts/coverage-cases.py"""
import json
import os
import re
import sys
import types
import unittest

# torch.testing._internal imports expecttest only for its TestCase; the venv does not ship it.
_expecttest = types.ModuleType('expecttest')
_expecttest.TestCase = unittest.TestCase
sys.modules.setdefault('expecttest', _expecttest)

import torch  # noqa: E402
from torch.testing._internal.common_methods_invocations import op_db  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import Unencodable, clone_arg, count_elements, dtype_name, enc  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
NAMESPACES = {'torch': torch, 'Tensor': torch.Tensor, 'linalg': torch.linalg, 'fft': torch.fft,
              'special': torch.special, 'testing': torch.testing, 'nn.functional': torch.nn.functional,
              'masked': torch.masked, 'signal.windows': torch.signal.windows}
MAX_SAMPLE_ELEMENTS = 64   # keeps the fixture small: OpInfo offers several sample sizes per op
SEED = 0


# ---------------------------------------------------------------- exclusions (name -> reason)

NUMPY = 'NumPy / DLPack / buffer interop: JS has no such protocol (TypedArrays are the JS form)'
TYPING = 'Python typing or interpreter internals, no meaning in JS'
JIT = 'TorchScript / JIT / dispatcher internal exposed to Python, not tensor API'
SYMBOLIC = 'symbolic-shape helper for torch.compile tracing (SymInt machinery)'
STDLIB = 'Python standard-library module imported by the torch module (torch.os, torch.nn.functional.math, ...)'
SUBMODULE = 'submodule: counted as its own namespace when in scope, not as a name of torch'
REEXPORT = 'module-level import or docstring template of this submodule, not API'
LEGACY_STORAGE = 'legacy typed Storage class; PyTorch deprecates TypedStorage (UserWarning) in favour of untyped_storage()'
MULTIPROC = 'Python multiprocessing / import-machinery helper'
REMOVED = 'removed in PyTorch 1.9: Python 2.13 keeps the name only to raise a RuntimeError pointing to torch.linalg'
COMPILE = 'torch.compile: checks its options and runs eagerly (TorchDynamo rewrites Python bytecode), so not counted as compiling'

EXCLUDED = {
    'torch': {
        'from_numpy': NUMPY, 'from_dlpack': NUMPY, 'to_dlpack': NUMPY,
        'TYPE_CHECKING': TYPING, 'classproperty': TYPING, 'typename': TYPING,
        'USE_GLOBAL_DEPS': 'Python loader flag (how torch/__init__.py loads libtorch)',
        'USE_RTLD_GLOBAL_WITH_LIBTORCH': 'Python loader flag (how torch/__init__.py loads libtorch)',
        'get_file_path': MULTIPROC, 'prepare_multiprocessing_environment': MULTIPROC,
        'compile': COMPILE,
        **{n: REMOVED for n in ('eig', 'lstsq', 'solve', 'symeig', 'matrix_rank')},
        'DisableTorchFunction': '__torch_function__ protocol of Python Tensor subclasses',
        'DisableTorchFunctionSubclass': '__torch_function__ protocol of Python Tensor subclasses',
        'PRIVATE_OPS': 'tuple of private op names used by torch.overrides',
        'profiler_allow_cudagraph_cupti_lazy_reinit_cuda12': 'CUDA 12 profiler workaround flag of the Python profiler',
        'get_device_module': 'returns the Python module of a device (torch.cuda, ...): namespaces, not a function',
        'ops': 'dispatcher op registry namespace (torch.ops.aten.*), counted as a namespace',
        'classes': 'TorchScript custom-class registry namespace',
        'fork': JIT, 'wait': JIT, 'import_ir_module': JIT, 'import_ir_module_from_buffer': JIT,
        'parse_ir': JIT, 'parse_schema': JIT, 'parse_type_comment': JIT,
        'merge_type_from_type_comment': JIT, 'unify_type_list': JIT,
        'set_anomaly_enabled': 'internal setter behind torch.autograd.set_detect_anomaly (autograd namespace)',
        'is_anomaly_check_nan_enabled': 'internal getter behind torch.autograd.detect_anomaly (autograd namespace)',
        'is_anomaly_enabled': 'internal getter behind torch.autograd.detect_anomaly (autograd namespace)',
        **{n: SYMBOLIC for n in ('SymBool', 'SymFloat', 'SymInt', 'sym_float', 'sym_fresh_size', 'sym_int',
                                 'sym_ite', 'sym_max', 'sym_min', 'sym_not', 'sym_sqrt', 'sym_sum', 'sym_constrain_range',
                                 'sym_constrain_range_for_size')},
    },
    'Tensor': {
        **{n: REMOVED for n in ('eig', 'lstsq', 'solve', 'symeig')},
        'numpy': NUMPY,
        'as_subclass': 'makes a Python subclass instance (__torch_function__ protocol)',
        'storage': LEGACY_STORAGE, 'storage_type': LEGACY_STORAGE,
        'index': 'first-class dimensions binding (functorch.dim), a Python-only extension',
        'module_load': 'hook for nn.Module.load_state_dict with Python Tensor subclasses',
        'reinforce': 'removed in PyTorch 0.4; Python raises RuntimeError telling to use torch.distributions',
    },
    'linalg': {'common_notes': REEXPORT},
    'fft': {'Tensor': REEXPORT, 'torch': REEXPORT, 'common_args': REEXPORT, 'factory_common_args': REEXPORT},
    'special': {'Tensor': REEXPORT, 'torch': REEXPORT, 'common_args': REEXPORT, 'multi_dim_common': REEXPORT},
    'testing': {'FileCheck': JIT},
    'masked': {},
    'signal.windows': {},
    'nn.functional': {
        **{n: TYPING for n in ('BroadcastingList1', 'BroadcastingList2', 'BroadcastingList3', 'Callable', 'Optional',
                               'DType', 'TYPE_CHECKING')},
        **{n: REEXPORT for n in ('Tensor', 'reproducibility_notes', 'sparse_support_notes', 'tf32_notes')},
        **{n: '__torch_function__ protocol of Python Tensor subclasses'
           for n in ('handle_torch_function', 'has_torch_function', 'has_torch_function_unary', 'has_torch_function_variadic')},
        'boolean_dispatch': 'Python helper that builds the *_with_indices variants (TorchScript overloads)',
        'assert_int_or_pair': 'Python argument-check helper of fold/unfold',
    },
}


def exclusion(ns, name, obj):
    reason = EXCLUDED[ns].get(name)
    if reason:
        return reason
    if isinstance(obj, types.ModuleType):
        return STDLIB if not getattr(obj, '__name__', '').startswith('torch') else SUBMODULE
    if ns != 'torch':
        return None
    if type(obj).__name__ == 'GenericModule':
        return SUBMODULE
    if type(obj).__name__ == 'pybind11_type':
        return JIT
    if isinstance(obj, torch._C.AggregationType):   # torch.AVG, torch.SUM: values of that JIT benchmark enum
        return JIT
    if type(obj).__name__ == '_LegacyStorageMeta':
        return LEGACY_STORAGE
    if name.startswith(('cudnn_', 'miopen_')):
        return 'cuDNN/MIOpen GPU vendor kernel: the CPU build of Python torch raises on every call, nothing to compare'
    return None


# ---------------------------------------------------------------- encoding of values (scripts/pyvalues.py)

def zeroed(v):
    if isinstance(v, torch.Tensor):
        return torch.zeros_like(v)
    if isinstance(v, (list, tuple)):
        return type(v)(zeroed(x) for x in v) if not hasattr(type(v), 'n_fields') else [zeroed(x) for x in v]
    return v


def shrink(v):
    """The same value with every tensor dimension cut to at most 3 (the fixture stays small)."""
    if isinstance(v, torch.Tensor):
        return v[tuple(slice(0, 3) for _ in range(v.dim()))].clone() if v.layout == torch.strided and v.dim() else v
    if isinstance(v, list):
        return [shrink(x) for x in v]
    if isinstance(v, tuple):
        return tuple(shrink(x) for x in v)
    if isinstance(v, dict):
        return {k: shrink(x) for k, x in v.items()}
    return v


def camel(name):
    """The project's one camelCase rule, as native/src/napi_util.cc CamelCase: a capitalised first word joined
    by '_' starts lower-case (T_max -> tMax); an inner '_' between letters/digits goes and the next letter is
    upper-cased; everything else (UPLO, N, __len__) stays, and so does a constant written in capitals
    (GRID_SAMPLE_PADDING_MODES; not T_0)."""
    head = name.lstrip('_').split('_')[0]
    if len(head) >= 2 and not any(c.islower() for c in name):
        return name
    first = len(name) - len(name.lstrip('_'))
    sep = name.find('_', first) if first < len(name) else -1
    if sep != -1 and sep + 1 < len(name) and not any(c.islower() for c in name[first:sep]):
        name = name[:first] + name[first:sep].lower() + name[sep:]
    out, i = [], 0
    while i < len(name):
        c = name[i]
        if c == '_' and 0 < i < len(name) - 1 and name[i - 1].isalnum() and name[i + 1].isalnum():
            out.append(name[i + 1].upper())
            i += 2
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def js_name(name, obj):
    """The JS spelling per API.md: identifiers in camelCase, dtype constants as PyTorch spells them."""
    return name if isinstance(obj, torch.dtype) else camel(name)


def camel_kwargs(kwargs):
    return {camel(k): enc(v) for k, v in kwargs.items()}


def run(thunk):
    """Python's result of a call with the RNG seeded as the JS replay seeds it: ('ok', value) or ('error', type)."""
    torch.manual_seed(SEED)
    try:
        return 'ok', thunk()
    except Exception as e:  # noqa: BLE001 - the exception type is the expected result
        return 'error', type(e).__name__
    finally:
        torch.set_grad_enabled(True)   # a hand case that leaves grad mode off must not change the next case


def expected_of(status, value):
    return {'$': 'error', 'type': value} if status == 'error' else enc(value)


def call_case(ns, name, self_, args, kwargs, source, meta_only=False):
    """A structured case: JS calls torch[ns].camel(name)(...args, kwargs) or self.camel(name)(...)."""
    fn = getattr(NAMESPACES[ns], name)
    a, kw = clone_arg(args), clone_arg(kwargs)
    if ns == 'Tensor':
        s = clone_arg(self_)
        status, value = run(lambda: fn(s, *a, **kw))
    else:
        status, value = run(lambda: fn(*a, **kw))
    if status == 'ok' and count_elements(value) > 16 * MAX_SAMPLE_ELEMENTS:
        raise Unencodable('result too large')
    case = {'kind': 'call', 'source': source, 'args': enc(list(args))}
    if ns == 'Tensor':
        case['self'] = enc(self_)
    if kwargs:
        case['kwargs'] = camel_kwargs(kwargs)
    if meta_only and status == 'ok':
        value = zeroed(value)   # uninitialised memory differs run to run; the fixture stays reproducible
    case['expect'] = expected_of(status, value)
    if meta_only:
        case['compare'] = 'meta'   # uninitialised memory: only dtype and shape are defined
    return case, status


# ---------------------------------------------------------------- OpInfo cases

UNINITIALISED = {'empty', 'empty_like', 'new_empty', 'new_empty_strided', 'empty_strided', 'empty_permuted'}


def opinfo_cases():
    """(ns, name) -> [case] from the first small sample of each OpInfo that maps to a public name."""
    by_id = {}
    for ns, mod in NAMESPACES.items():
        for name in dir(mod):
            if not name.startswith('_'):
                by_id.setdefault(id(getattr(mod, name)), []).append((ns, name))
    cases = {}
    for op in sorted(op_db, key=lambda o: o.variant_test_name != ''):   # plain variants first
        variants = [op.op, op.method_variant, op.inplace_variant]
        for alias in op.aliases:
            variants += [alias.op, alias.method_variant, alias.inplace_variant]
        targets = [t for v in variants if v is not None for t in by_id.get(id(v), [])]
        targets = [t for t in targets if t not in cases]
        if not targets:
            continue
        supported = op.supported_dtypes('cpu')
        if not supported:
            continue
        dtype = torch.float32 if torch.float32 in supported else sorted(supported, key=str)[0]
        torch.manual_seed(SEED)
        try:
            samples = list(op.sample_inputs('cpu', dtype, requires_grad=False))[:40]
        except Exception:  # noqa: BLE001 - some sample generators need optional packages
            continue
        samples.sort(key=lambda s: count_elements([s.input, s.args, s.kwargs]))
        if samples and count_elements([samples[0].input, samples[0].args, samples[0].kwargs]) > MAX_SAMPLE_ELEMENTS:
            samples = samples[:1]   # no small sample: the smallest one (shrunk below when the call allows)
        for ns, name in targets:
            for sample in samples:
                inputs = (sample.input, list(sample.args), sample.kwargs)
                if count_elements(inputs) > MAX_SAMPLE_ELEMENTS:
                    if sample is not samples[0]:
                        break
                    attempts = [shrink(inputs)]   # cut every dim to 3 first: keeps equal sizes equal
                    if count_elements(inputs) <= 16 * MAX_SAMPLE_ELEMENTS:
                        attempts.append(inputs)
                else:
                    attempts = [inputs]
                case = None
                for self_, args, kwargs in attempts:
                    try:
                        if ns == 'Tensor':
                            case, status = call_case(ns, name, self_, args, kwargs, f'OpInfo {op.name}', name in UNINITIALISED)
                        else:
                            case, status = call_case(ns, name, None, [self_, *args], kwargs, f'OpInfo {op.name}', name in UNINITIALISED)
                    except Unencodable:
                        case = None
                        continue
                    if status == 'ok':   # an OpInfo sample that errors is the wrong variant (e.g. in-place broadcast)
                        break
                    case = None
                if case:
                    cases[(ns, name)] = [case]
                    break
    return cases


# ---------------------------------------------------------------- hand cases: Python and JS source of one check

# Each entry: name -> list of (python expression, JS expression). Both see `torch` and `F`
# (torch.nn.functional); `x` is torch.arange(6.).reshape(2, 3) in both. Python's value is the expected result.
HAND_CASES = {
    'torch': {
        'Tensor': [('torch.Tensor([1.5, 2])', 'new torch.Tensor([1.5, 2])')],
        'Generator': [('torch.Generator().manual_seed(3).initial_seed()', 'new torch.Generator().manualSeed(3).initialSeed()')],
        'Size': [('torch.Size([2, 3])', 'new torch.Size([2, 3])'), ('torch.Size([2, 3]).numel()', 'new torch.Size([2, 3]).numel()')],
        'device': [("str(torch.device('cpu'))", "String(torch.device('cpu'))"),
                   ("torch.device('cuda', 1).index", "torch.device('cuda', 1).index")],
        'dtype': [('isinstance(torch.float32, torch.dtype)', 'torch.float32 instanceof torch.dtype')],
        'layout': [('isinstance(torch.strided, torch.layout)', 'torch.strided instanceof torch.layout')],
        'memory_format': [('isinstance(torch.channels_last, torch.memory_format)',
                           'torch.channelsLast instanceof torch.memoryFormat')],
        'qscheme': [('isinstance(torch.per_tensor_affine, torch.qscheme)',
                     'torch.perTensorAffine instanceof torch.qscheme')],
        'finfo': [('torch.finfo(torch.float32).eps', 'torch.finfo(torch.float32).eps'),
                  ('torch.finfo(torch.bfloat16).max', 'torch.finfo(torch.bfloat16).max')],
        'iinfo': [('torch.iinfo(torch.int32).max', 'torch.iinfo(torch.int32).max')],
        'no_grad': [('within(torch.no_grad(), lambda: x.requires_grad_() * 2).requires_grad',
                     'torch.noGrad(() => x.requiresGrad_().mul(2)).requiresGrad')],
        'enable_grad': [('within(torch.no_grad(), lambda: within(torch.enable_grad(), lambda: x.requires_grad_() * 2)).requires_grad',
                         'torch.noGrad(() => torch.enableGrad(() => x.requiresGrad_().mul(2))).requiresGrad')],
        'inference_mode': [('within(torch.inference_mode(), lambda: (x * 2).is_inference())',
                            'torch.inferenceMode(() => x.mul(2).isInference())')],
        'set_grad_enabled': [('(torch.set_grad_enabled(False), (x.requires_grad_() * 2).requires_grad, torch.set_grad_enabled(True))[1]',
                              '(torch.setGradEnabled(false), ((r) => (torch.setGradEnabled(true), r))(x.requiresGrad_().mul(2).requiresGrad))')],
        'autocast': [("within(torch.autocast('cpu', dtype=torch.bfloat16), lambda: torch.mm(x, x.T)).dtype",
                      "torch.autocast('cpu', { dtype: torch.bfloat16 }, () => torch.mm(x, x.T)).dtype")],
        'GradScaler': [("torch.GradScaler('cpu').get_scale()", "new torch.GradScaler('cpu').getScale()")],
        'Stream': [("torch.Stream('cpu').device_type", "new torch.Stream('cpu').deviceType")],
        'Event': [("torch.Event('cpu').device.type", "new torch.Event('cpu').device.type")],
        'TypedStorage': [('torch.TypedStorage([1.0, 2.0], dtype=torch.float64).size()',
                          'new torch.TypedStorage([1, 2], { dtype: torch.float64 }).size()')],
        'UntypedStorage': [('torch.UntypedStorage(8).nbytes()', 'new torch.UntypedStorage(8).nbytes()')],
        'StorageBase': [('isinstance(x.untyped_storage(), torch.StorageBase)',
                         'x.untypedStorage() instanceof torch.StorageBase')],
        'AcceleratorError': [('issubclass(torch.AcceleratorError, RuntimeError)', 'torch.AcceleratorError.prototype instanceof Error')],
        'FatalError': [('issubclass(torch.FatalError, Exception)', 'torch.FatalError.prototype instanceof Error')],
        'JITException': [('issubclass(torch.JITException, Exception)', 'torch.JITException.prototype instanceof Error')],
        'OutOfMemoryError': [('issubclass(torch.OutOfMemoryError, RuntimeError)',
                              'torch.OutOfMemoryError.prototype instanceof Error')],
        'default_generator': [('torch.default_generator.manual_seed(5).initial_seed()',
                               'torch.defaultGenerator.manualSeed(5).initialSeed()')],
        'newaxis': [('torch.newaxis', 'torch.newaxis')],
        'manual_seed': [('(torch.manual_seed(7), torch.rand(3))[1]', '(torch.manualSeed(7), torch.rand(3))')],
        'seed': [('type(torch.seed()).__name__', "['number', 'bigint'].includes(typeof torch.seed()) ? 'int' : typeof torch.seed()")],
        'initial_seed': [('(torch.manual_seed(11), torch.initial_seed())[1]', '(torch.manualSeed(11), torch.initialSeed())')],
        'get_rng_state': [('torch.get_rng_state().shape', 'torch.getRngState().shape')],
        'set_rng_state': [('(lambda s: (torch.rand(2), torch.set_rng_state(s), torch.rand(2))[2])(torch.get_rng_state())',
                           '((s) => (torch.rand(2), torch.setRngState(s), torch.rand(2)))(torch.getRngState())')],
        'get_default_dtype': [('torch.get_default_dtype()', 'torch.getDefaultDtype()')],
        'set_default_dtype': [('(torch.set_default_dtype(torch.float64), torch.tensor([1.5]).dtype, torch.set_default_dtype(torch.float32))[1]',
                               '(torch.setDefaultDtype(torch.float64), ((d) => (torch.setDefaultDtype(torch.float32), d))(torch.tensor([1.5]).dtype))')],
        'set_default_tensor_type': [("(torch.set_default_tensor_type(torch.DoubleTensor), torch.tensor([1.5]).dtype, torch.set_default_tensor_type(torch.FloatTensor))[1]",
                                     '(torch.setDefaultTensorType(torch.DoubleTensor), ((d) => (torch.setDefaultTensorType(torch.FloatTensor), d))(torch.tensor([1.5]).dtype))')],
        'get_default_device': [('torch.get_default_device()', 'torch.getDefaultDevice()')],
        'set_default_device': [("(torch.set_default_device('cpu'), torch.zeros(1).device, torch.set_default_device(None))[1]",
                                "(torch.setDefaultDevice('cpu'), ((d) => (torch.setDefaultDevice(null), d))(torch.zeros(1).device))")],
        'set_printoptions': [('(torch.set_printoptions(precision=2), str(torch.tensor([1.23456])), torch.set_printoptions(profile="default"))[1]',
                              "(torch.setPrintoptions({ precision: 2 }), ((s) => (torch.setPrintoptions({ profile: 'default' }), s))(String(torch.tensor([1.23456]))))")],
        'get_num_threads': [("type(torch.get_num_threads()).__name__", "Number.isInteger(torch.getNumThreads()) ? 'int' : 'other'")],
        'set_num_threads': [('(lambda n: (torch.set_num_threads(1), torch.get_num_threads(), torch.set_num_threads(n))[1])(torch.get_num_threads())',
                             '((n) => (torch.setNumThreads(1), ((m) => (torch.setNumThreads(n), m))(torch.getNumThreads())))(torch.getNumThreads())')],
        'get_num_interop_threads': [("type(torch.get_num_interop_threads()).__name__", "Number.isInteger(torch.getNumInteropThreads()) ? 'int' : 'other'")],
        'set_num_interop_threads': [('torch.set_num_interop_threads(1)', 'torch.setNumInteropThreads(1)')],
        'init_num_threads': [('torch.init_num_threads()', 'torch.initNumThreads()')],
        'set_flush_denormal': [('torch.set_flush_denormal(False)', 'torch.setFlushDenormal(false)')],
        'is_tensor': [('torch.is_tensor(x)', 'torch.isTensor(x)'), ('torch.is_tensor([1])', 'torch.isTensor([1])')],
        'is_storage': [('torch.is_storage(x.untyped_storage())', 'torch.isStorage(x.untypedStorage())')],
        'is_grad_enabled': [('torch.is_grad_enabled()', 'torch.isGradEnabled()')],
        'is_inference_mode_enabled': [('torch.is_inference_mode_enabled()', 'torch.isInferenceModeEnabled()')],
        'use_deterministic_algorithms': [('(torch.use_deterministic_algorithms(True), torch.are_deterministic_algorithms_enabled(), torch.use_deterministic_algorithms(False))[1]',
                                          '(torch.useDeterministicAlgorithms(true), ((v) => (torch.useDeterministicAlgorithms(false), v))(torch.areDeterministicAlgorithmsEnabled()))')],
        'are_deterministic_algorithms_enabled': [('torch.are_deterministic_algorithms_enabled()', 'torch.areDeterministicAlgorithmsEnabled()')],
        'is_deterministic_algorithms_warn_only_enabled': [('torch.is_deterministic_algorithms_warn_only_enabled()', 'torch.isDeterministicAlgorithmsWarnOnlyEnabled()')],
        'get_deterministic_debug_mode': [('torch.get_deterministic_debug_mode()', 'torch.getDeterministicDebugMode()')],
        'set_deterministic_debug_mode': [("(torch.set_deterministic_debug_mode('warn'), torch.get_deterministic_debug_mode(), torch.set_deterministic_debug_mode(0))[1]",
                                          "(torch.setDeterministicDebugMode('warn'), ((v) => (torch.setDeterministicDebugMode(0), v))(torch.getDeterministicDebugMode()))")],
        'get_float32_matmul_precision': [('torch.get_float32_matmul_precision()', 'torch.getFloat32MatmulPrecision()')],
        'set_float32_matmul_precision': [("(torch.set_float32_matmul_precision('high'), torch.get_float32_matmul_precision(), torch.set_float32_matmul_precision('highest'))[1]",
                                          "(torch.setFloat32MatmulPrecision('high'), ((v) => (torch.setFloat32MatmulPrecision('highest'), v))(torch.getFloat32MatmulPrecision()))")],
        'is_warn_always_enabled': [('torch.is_warn_always_enabled()', 'torch.isWarnAlwaysEnabled()')],
        'set_warn_always': [('(torch.set_warn_always(True), torch.is_warn_always_enabled(), torch.set_warn_always(False))[1]',
                             '(torch.setWarnAlways(true), ((v) => (torch.setWarnAlways(false), v))(torch.isWarnAlwaysEnabled()))')],
        'compiled_with_cxx11_abi': [('torch.compiled_with_cxx11_abi()', 'torch.compiledWithCxx11Abi()')],
        'save': [("(lambda b: (torch.save(x, b), b.seek(0), torch.load(b))[2])(__import__('io').BytesIO())",
                  "((p) => (torch.save(x, p), torch.load(p)))(require('node:path').join(require('node:os').tmpdir(), `torchnode-coverage-${process.pid}.pt`))")],
        'load': [("(lambda b: (torch.save({'w': x}, b), b.seek(0), torch.load(b)['w'])[2])(__import__('io').BytesIO())",
                  "((p) => (torch.save({ w: x }, p), torch.load(p).w))(require('node:path').join(require('node:os').tmpdir(), `torchnode-coverage-${process.pid}.pt`))")],
        'einsum': [("torch.einsum('ij,kj->ik', x, x)", "torch.einsum('ij,kj->ik', x, x)")],
        'meshgrid': [("torch.meshgrid(torch.arange(2), torch.arange(3), indexing='ij')",
                      "torch.meshgrid(torch.arange(2), torch.arange(3), { indexing: 'ij' })")],
        'tensordot': [('torch.tensordot(x, x.T, dims=1)', 'torch.tensordot(x, x.T, { dims: 1 })')],
        'unique': [('torch.unique(torch.tensor([3, 1, 3, 2]), return_counts=True)',
                    'torch.unique(torch.tensor([3, 1, 3, 2]), { returnCounts: true })')],
        'unique_consecutive': [('torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 1]))',
                                'torch.uniqueConsecutive(torch.tensor([1, 1, 2, 2, 1]))')],
        'unravel_index': [('torch.unravel_index(torch.tensor([4, 1]), (2, 3))', 'torch.unravelIndex(torch.tensor([4, 1]), [2, 3])')],
        'broadcast_shapes': [('torch.broadcast_shapes((2, 1), (1, 3))', 'torch.broadcastShapes([2, 1], [1, 3])')],
        'broadcast_tensors': [('torch.broadcast_tensors(x, torch.ones(1, 3))', 'torch.broadcastTensors(x, torch.ones(1, 3))')],
        'block_diag': [('torch.block_diag(x, torch.ones(1, 1))', 'torch.blockDiag(x, torch.ones(1, 1))')],
        'cartesian_prod': [('torch.cartesian_prod(torch.arange(2), torch.arange(3))', 'torch.cartesianProd(torch.arange(2), torch.arange(3))')],
        'cdist': [('torch.cdist(x, x + 1)', 'torch.cdist(x, x.add(1))')],
        'chain_matmul': [('torch.chain_matmul(x, x.T, x)', 'torch.chainMatmul(x, x.T, x)')],
        'atleast_1d': [('torch.atleast_1d(torch.tensor(1.5))', 'torch.atleast1d(torch.tensor(1.5))')],
        'atleast_2d': [('torch.atleast_2d(torch.arange(3))', 'torch.atleast2d(torch.arange(3))')],
        'atleast_3d': [('torch.atleast_3d(x)', 'torch.atleast3d(x)')],
        'split': [('torch.split(torch.arange(5), 2)', 'torch.split(torch.arange(5), 2)')],
        'norm': [('torch.norm(x)', 'torch.norm(x)'), ("torch.norm(x, p='fro', dim=1)", "torch.norm(x, { p: 'fro', dim: 1 })")],
        'stft': [('torch.stft(torch.arange(16.), 8, return_complex=True, window=torch.hann_window(8))',
                  'torch.stft(torch.arange(16, { dtype: torch.float32 }), 8, { returnComplex: true, window: torch.hannWindow(8) })')],
        # the packed matrix is an opaque FBGEMM buffer (pointers inside): only its dtype and shape are defined
        'fbgemm_pack_gemm_matrix_fp16': [('torch.fbgemm_pack_gemm_matrix_fp16(torch.ones(2, 3)).dtype',
                                          'torch.fbgemmPackGemmMatrixFp16(torch.ones(2, 3)).dtype')],
        # FBGEMM int8 weights: quantized by fbgemm_linear_quantize_weight (weight, col_offsets, scale, zero_point), packed by fbgemm_pack_quantized_matrix
        'fbgemm_pack_quantized_matrix': [('torch.fbgemm_pack_quantized_matrix(torch.fbgemm_linear_quantize_weight(x / 10)[0]).dtype',
                                          'torch.fbgemmPackQuantizedMatrix(torch.fbgemmLinearQuantizeWeight(x.div(10))[0]).dtype')],
        'fbgemm_linear_int8_weight': [('(lambda q: torch.fbgemm_linear_int8_weight(x, q[0], torch.fbgemm_pack_quantized_matrix(q[0]), q[1], q[2], q[3], torch.ones(4)))(torch.fbgemm_linear_quantize_weight((torch.arange(12.).reshape(4, 3) - 5) / 10))',
          '((q) => torch.fbgemmLinearInt8Weight(x, q[0], torch.fbgemmPackQuantizedMatrix(q[0]), q[1], q[2], q[3], torch.ones(4)))(torch.fbgemmLinearQuantizeWeight(torch.arange(12, { dtype: torch.float32 }).reshape(4, 3).sub(5).div(10)))')],
        'fbgemm_linear_int8_weight_fp32_activation': [('(lambda q: torch.fbgemm_linear_int8_weight_fp32_activation(x, q[0], torch.fbgemm_pack_quantized_matrix(q[0]), q[1], q[2], q[3], torch.ones(4)))(torch.fbgemm_linear_quantize_weight((torch.arange(12.).reshape(4, 3) - 5) / 10))',
          '((q) => torch.fbgemmLinearInt8WeightFp32Activation(x, q[0], torch.fbgemmPackQuantizedMatrix(q[0]), q[1], q[2], q[3], torch.ones(4)))(torch.fbgemmLinearQuantizeWeight(torch.arange(12, { dtype: torch.float32 }).reshape(4, 3).sub(5).div(10)))')],
        'quantized_lstm_cell': [('(lambda qi, qh: torch.quantized_lstm_cell(x, [torch.zeros(2, 1), torch.zeros(2, 1)], qi[0], qh[0], torch.zeros(4), torch.zeros(4), torch.fbgemm_pack_quantized_matrix(qi[0]), torch.fbgemm_pack_quantized_matrix(qh[0]), qi[1], qh[1], qi[2], qh[2], qi[3], qh[3]))(torch.fbgemm_linear_quantize_weight((torch.arange(12.).reshape(4, 3) - 5) / 10), torch.fbgemm_linear_quantize_weight(torch.arange(4.).reshape(4, 1) / 4))',
                                 '((qi, qh) => torch.quantizedLstmCell(x, [torch.zeros(2, 1), torch.zeros(2, 1)], qi[0], qh[0], torch.zeros(4), torch.zeros(4), torch.fbgemmPackQuantizedMatrix(qi[0]), torch.fbgemmPackQuantizedMatrix(qh[0]), qi[1], qh[1], qi[2], qh[2], qi[3], qh[3]))(torch.fbgemmLinearQuantizeWeight(torch.arange(12, { dtype: torch.float32 }).reshape(4, 3).sub(5).div(10)), torch.fbgemmLinearQuantizeWeight(torch.arange(4, { dtype: torch.float32 }).reshape(4, 1).div(4)))')],
        'quantized_gru_cell': [('(lambda qi, qh: torch.quantized_gru_cell(x, torch.zeros(2, 1), qi[0], qh[0], torch.zeros(3), torch.zeros(3), torch.fbgemm_pack_quantized_matrix(qi[0]), torch.fbgemm_pack_quantized_matrix(qh[0]), qi[1], qh[1], qi[2], qh[2], qi[3], qh[3]))(torch.fbgemm_linear_quantize_weight((torch.arange(9.).reshape(3, 3) - 4) / 10), torch.fbgemm_linear_quantize_weight(torch.arange(3.).reshape(3, 1) / 4))',
                                '((qi, qh) => torch.quantizedGruCell(x, torch.zeros(2, 1), qi[0], qh[0], torch.zeros(3), torch.zeros(3), torch.fbgemmPackQuantizedMatrix(qi[0]), torch.fbgemmPackQuantizedMatrix(qh[0]), qi[1], qh[1], qi[2], qh[2], qi[3], qh[3]))(torch.fbgemmLinearQuantizeWeight(torch.arange(9, { dtype: torch.float32 }).reshape(3, 3).sub(4).div(10)), torch.fbgemmLinearQuantizeWeight(torch.arange(3, { dtype: torch.float32 }).reshape(3, 1).div(4)))')],
        'quantized_rnn_tanh_cell': [('(lambda qi, qh: torch.quantized_rnn_tanh_cell(x, torch.zeros(2, 1), qi[0], qh[0], torch.zeros(1), torch.zeros(1), torch.fbgemm_pack_quantized_matrix(qi[0]), torch.fbgemm_pack_quantized_matrix(qh[0]), qi[1], qh[1], qi[2], qh[2], qi[3], qh[3]))(torch.fbgemm_linear_quantize_weight((torch.arange(3.).reshape(1, 3) - 1) / 10), torch.fbgemm_linear_quantize_weight(torch.arange(1.).reshape(1, 1) / 4))',
                                     '((qi, qh) => torch.quantizedRnnTanhCell(x, torch.zeros(2, 1), qi[0], qh[0], torch.zeros(1), torch.zeros(1), torch.fbgemmPackQuantizedMatrix(qi[0]), torch.fbgemmPackQuantizedMatrix(qh[0]), qi[1], qh[1], qi[2], qh[2], qi[3], qh[3]))(torch.fbgemmLinearQuantizeWeight(torch.arange(3, { dtype: torch.float32 }).reshape(1, 3).sub(1).div(10)), torch.fbgemmLinearQuantizeWeight(torch.arange(1, { dtype: torch.float32 }).reshape(1, 1).div(4)))')],
        'quantized_rnn_relu_cell': [('(lambda qi, qh: torch.quantized_rnn_relu_cell(x, torch.zeros(2, 1), qi[0], qh[0], torch.zeros(1), torch.zeros(1), torch.fbgemm_pack_quantized_matrix(qi[0]), torch.fbgemm_pack_quantized_matrix(qh[0]), qi[1], qh[1], qi[2], qh[2], qi[3], qh[3]))(torch.fbgemm_linear_quantize_weight((torch.arange(3.).reshape(1, 3) - 1) / 10), torch.fbgemm_linear_quantize_weight(torch.arange(1.).reshape(1, 1) / 4))',
                                     '((qi, qh) => torch.quantizedRnnReluCell(x, torch.zeros(2, 1), qi[0], qh[0], torch.zeros(1), torch.zeros(1), torch.fbgemmPackQuantizedMatrix(qi[0]), torch.fbgemmPackQuantizedMatrix(qh[0]), qi[1], qh[1], qi[2], qh[2], qi[3], qh[3]))(torch.fbgemmLinearQuantizeWeight(torch.arange(3, { dtype: torch.float32 }).reshape(1, 3).sub(1).div(10)), torch.fbgemmLinearQuantizeWeight(torch.arange(1, { dtype: torch.float32 }).reshape(1, 1).div(4)))')],
        # mkldnn kernels: grad_output and input in the mkldnn layout; the LSTM layer as torch/_decomp's mkldnn_one_layer_lstm calls it (mode 2)
        'mkldnn_linear_backward_weights': [('torch.mkldnn_linear_backward_weights(torch.ones(2, 4).to_mkldnn(), x.to_mkldnn(), torch.ones(4, 3), True)',
                                            'torch.mkldnnLinearBackwardWeights(torch.ones(2, 4).toMkldnn(), x.toMkldnn(), torch.ones(4, 3), true)')],
        'mkldnn_rnn_layer': [('torch.mkldnn_rnn_layer(x.reshape(2, 1, 3) / 6, torch.ones(8, 3) / 4, torch.ones(8, 2) / 4, torch.zeros(8), torch.zeros(8), torch.zeros(1, 1, 2), torch.zeros(1, 1, 2), False, [], 2, 2, 1, True, False, False, False)[0:3]',
                              'torch.mkldnnRnnLayer(x.reshape(2, 1, 3).div(6), torch.ones(8, 3).div(4), torch.ones(8, 2).div(4), torch.zeros(8), torch.zeros(8), torch.zeros(1, 1, 2), torch.zeros(1, 1, 2), false, [], 2, 2, 1, true, false, false, false).slice(0, 3)')],
        'lu': [('torch.lu(x[:, :2] + torch.eye(2))', "torch.lu(x.index(':', ':2').add(torch.eye(2)))")],
        'segment_reduce': [("torch.segment_reduce(torch.arange(6.), 'sum', lengths=torch.tensor([2, 4]))",
                            "torch.segmentReduce(torch.arange(6, { dtype: torch.float32 }), 'sum', { lengths: torch.tensor([2, 4]) })")],
        'lobpcg': [('torch.lobpcg(torch.diag(torch.arange(1., 11.)), k=1)[0]',
                    'torch.lobpcg(torch.diag(torch.arange(1, 11, { dtype: torch.float32 })), { k: 1 })[0]')],
        'pca_lowrank': [('torch.pca_lowrank(x, q=2)[1]', 'torch.pcaLowrank(x, { q: 2 })[1]')],
        'svd_lowrank': [('torch.svd_lowrank(x, q=2)[1]', 'torch.svdLowrank(x, { q: 2 })[1]')],
        'vmap': [('torch.vmap(torch.dot)(x, x)', 'torch.vmap(torch.dot)(x, x)')],
        'cond': [('torch.cond(x.sum() > 0, lambda a: a + 1, lambda a: a - 1, (x,))',
                  'torch.cond(x.sum().gt(0), (a) => a.add(1), (a) => a.sub(1), [x])')],
        'while_loop': [('torch.while_loop(lambda i: i < 3, lambda i: (i + 1,), (torch.tensor(0),))',
                        'torch.whileLoop((i) => i.lt(3), (i) => [i.add(1)], [torch.tensor(0)])')],
        'asarray': [('torch.asarray([1.5, 2])', 'torch.asarray([1.5, 2])')],
        # Python's buffer protocol is a TypedArray or ArrayBuffer in JS: the same bytes, the same tensor.
        'frombuffer': [("torch.frombuffer(bytearray(__import__('struct').pack('<3f', 1.5, -2, 3)), dtype=torch.float32)",
                        'torch.frombuffer(new Float32Array([1.5, -2, 3]), { dtype: torch.float32 })'),
                       ("torch.frombuffer(bytearray(b'\\x01\\x02\\x03\\x04'), dtype=torch.uint8, count=2, offset=1)",
                        'torch.frombuffer(new Uint8Array([1, 2, 3, 4]), { dtype: torch.uint8, count: 2, offset: 1 })')],
        'dsmm': [('torch.dsmm(torch.eye(2).to_sparse(), x[:, :2] * 1.0)', "torch.dsmm(torch.eye(2).toSparse(), x.index(':', ':2'))")],
        'hsmm': [('torch.hsmm(torch.eye(2).to_sparse(), x[:, :2] * 1.0)', "torch.hsmm(torch.eye(2).toSparse(), x.index(':', ':2'))")],
        'spmm': [('torch.spmm(torch.eye(2).to_sparse(), x[:, :2] * 1.0)', "torch.spmm(torch.eye(2).toSparse(), x.index(':', ':2'))")],
        'saddmm': [('torch.saddmm(torch.eye(2).to_sparse(), torch.eye(2).to_sparse(), torch.ones(2, 2) * 2).to_dense()',
                    'torch.saddmm(torch.eye(2).toSparse(), torch.eye(2).toSparse(), torch.ones(2, 2).mul(2)).toDense()')],
        'quantized_lstm': [('callable(torch.quantized_lstm)', "typeof torch.quantizedLstm === 'function'")],
        'quantized_gru': [('callable(torch.quantized_gru)', "typeof torch.quantizedGru === 'function'")],
        'FloatTensor': [('torch.FloatTensor([1, 2])', 'torch.FloatTensor([1, 2])')],
        'DoubleTensor': [('torch.DoubleTensor([1, 2])', 'torch.DoubleTensor([1, 2])')],
        'HalfTensor': [('torch.HalfTensor([1, 2])', 'torch.HalfTensor([1, 2])')],
        'BFloat16Tensor': [('torch.BFloat16Tensor([1, 2])', 'torch.BFloat16Tensor([1, 2])')],
        'ByteTensor': [('torch.ByteTensor([1, 2])', 'torch.ByteTensor([1, 2])')],
        'CharTensor': [('torch.CharTensor([1, 2])', 'torch.CharTensor([1, 2])')],
        'ShortTensor': [('torch.ShortTensor([1, 2])', 'torch.ShortTensor([1, 2])')],
        'IntTensor': [('torch.IntTensor([1, 2])', 'torch.IntTensor([1, 2])')],
        'LongTensor': [('torch.LongTensor([1, 2])', 'torch.LongTensor([1, 2])')],
        'BoolTensor': [('torch.BoolTensor([1, 0])', 'torch.BoolTensor([1, 0])')],
        'rand': [('torch.rand(2, 3)', 'torch.rand(2, 3)')],
        'randn': [('torch.randn(2, 3)', 'torch.randn(2, 3)')],
        'randint': [('torch.randint(0, 10, (2, 3))', 'torch.randint(0, 10, [2, 3])')],
        'randperm': [('torch.randperm(6)', 'torch.randperm(6)')],
        'range': [('torch.range(0, 3)', 'torch.range(0, 3)')],
        'multinomial': [('torch.multinomial(torch.tensor([0.2, 0.3, 0.5]), 4, replacement=True)',
                         'torch.multinomial(torch.tensor([0.2, 0.3, 0.5]), 4, { replacement: true })')],
        'poisson': [('torch.poisson(x)', 'torch.poisson(x)')],
        'hann_window': [('torch.hann_window(5)', 'torch.hannWindow(5)')],
        'hamming_window': [('torch.hamming_window(5)', 'torch.hammingWindow(5)')],
        'blackman_window': [('torch.blackman_window(5)', 'torch.blackmanWindow(5)')],
        'bartlett_window': [('torch.bartlett_window(5)', 'torch.bartlettWindow(5)')],
        'kaiser_window': [('torch.kaiser_window(5)', 'torch.kaiserWindow(5)')],
        'polygamma': [('torch.polygamma(1, x + 1)', 'torch.polygamma(1, x.add(1))')],
        'can_cast': [('torch.can_cast(torch.float32, torch.int32)', 'torch.canCast(torch.float32, torch.int32)')],
        'promote_types': [('torch.promote_types(torch.int32, torch.float32)', 'torch.promoteTypes(torch.int32, torch.float32)')],
        'narrow': [('torch.narrow(x, 1, 0, 2)', 'torch.narrow(x, 1, 0, 2)')],
        'narrow_copy': [('torch.narrow_copy(x, 1, 0, 2)', 'torch.narrowCopy(x, 1, 0, 2)')],
        'baddbmm': [('torch.baddbmm(torch.ones(1, 2, 2), x.reshape(1, 2, 3), x.reshape(1, 3, 2))',
                     'torch.baddbmm(torch.ones(1, 2, 2), x.reshape(1, 2, 3), x.reshape(1, 3, 2))')],
        'addbmm': [('torch.addbmm(torch.ones(2, 2), x.reshape(1, 2, 3), x.reshape(1, 3, 2))',
                    'torch.addbmm(torch.ones(2, 2), x.reshape(1, 2, 3), x.reshape(1, 3, 2))')],
        'addmv_': [('torch.addmv_(torch.ones(2), x, torch.ones(3))', 'torch.addmv_(torch.ones(2), x, torch.ones(3))')],
        'dsplit': [('torch.dsplit(x.reshape(1, 2, 3), 3)', 'torch.dsplit(x.reshape(1, 2, 3), 3)')],
        'renorm': [('torch.renorm(x, 2, 0, 5)', 'torch.renorm(x, 2, 0, 5)')],
        'is_nonzero': [('torch.is_nonzero(torch.tensor([1.5]))', 'torch.isNonzero(torch.tensor([1.5]))')],
        'split_with_sizes': [('torch.split_with_sizes(torch.arange(5), [2, 3])', 'torch.splitWithSizes(torch.arange(5), [2, 3])')],
        'unsafe_split_with_sizes': [('torch.unsafe_split_with_sizes(torch.arange(5), [2, 3])', 'torch.unsafeSplitWithSizes(torch.arange(5), [2, 3])')],
        'split_with_sizes_copy': [('torch.split_with_sizes_copy(torch.arange(5), [2, 3])', 'torch.splitWithSizesCopy(torch.arange(5), [2, 3])')],
        'threshold': [('torch.threshold(x, 2.5, 0.5)', 'torch.threshold(x, 2.5, 0.5)')],
        'threshold_': [('torch.threshold_(x.clone(), 2.5, 0.5)', 'torch.threshold_(x.clone(), 2.5, 0.5)')],
        'conv2d': [('torch.conv2d(x.reshape(1, 1, 2, 3), torch.ones(1, 1, 2, 2))', 'torch.conv2d(x.reshape(1, 1, 2, 3), torch.ones(1, 1, 2, 2))')],
        'conv_transpose3d': [('torch.conv_transpose3d(x.reshape(1, 1, 1, 2, 3), torch.ones(1, 1, 1, 2, 2))',
                              'torch.convTranspose3d(x.reshape(1, 1, 1, 2, 3), torch.ones(1, 1, 1, 2, 2))')],
        'convolution': [('torch.convolution(x.reshape(1, 1, 2, 3), torch.ones(1, 1, 2, 2), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)',
                         'torch.convolution(x.reshape(1, 1, 2, 3), torch.ones(1, 1, 2, 2), null, [1, 1], [0, 0], [1, 1], false, [0, 0], 1)')],
        'conv_tbc': [('torch.conv_tbc(x.reshape(2, 1, 3), torch.ones(1, 3, 2), torch.zeros(2), 0)',
                      'torch.convTbc(x.reshape(2, 1, 3), torch.ones(1, 3, 2), torch.zeros(2), 0)')],
        'max_pool2d': [('torch.max_pool2d(x.reshape(1, 2, 3), 2)', 'torch.maxPool2d(x.reshape(1, 2, 3), 2)')],
        'max_pool3d': [('torch.max_pool3d(x.reshape(1, 1, 2, 3), 1)', 'torch.maxPool3d(x.reshape(1, 1, 2, 3), 1)')],
        'dropout': [('torch.dropout(x, 0.5, True)', 'torch.dropout(x, 0.5, true)')],
        'dropout_': [('torch.dropout_(x.clone(), 0.5, True)', 'torch.dropout_(x.clone(), 0.5, true)')],
        'alpha_dropout': [('torch.alpha_dropout(x, 0.5, True)', 'torch.alphaDropout(x, 0.5, true)')],
        'alpha_dropout_': [('torch.alpha_dropout_(x.clone(), 0.5, True)', 'torch.alphaDropout_(x.clone(), 0.5, true)')],
        'feature_dropout': [('torch.feature_dropout(x.reshape(1, 2, 3), 0.5, True)', 'torch.featureDropout(x.reshape(1, 2, 3), 0.5, true)')],
        'feature_dropout_': [('torch.feature_dropout_(x.reshape(1, 2, 3).clone(), 0.5, True)', 'torch.featureDropout_(x.reshape(1, 2, 3).clone(), 0.5, true)')],
        'feature_alpha_dropout': [('torch.feature_alpha_dropout(x.reshape(1, 2, 3), 0.5, True)', 'torch.featureAlphaDropout(x.reshape(1, 2, 3), 0.5, true)')],
        'feature_alpha_dropout_': [('torch.feature_alpha_dropout_(x.reshape(1, 2, 3).clone(), 0.5, True)', 'torch.featureAlphaDropout_(x.reshape(1, 2, 3).clone(), 0.5, true)')],
        'native_dropout': [('torch.native_dropout(x, 0.5, True)', 'torch.nativeDropout(x, 0.5, true)')],
        'embedding': [('torch.embedding(x.T, torch.tensor([0, 2]))', 'torch.embedding(x.T, torch.tensor([0, 2]))')],
        'embedding_renorm_': [('torch.embedding_renorm_(x.T.clone(), torch.tensor([0, 2]), 1.5, 2.0)',
                               'torch.embeddingRenorm_(x.T.clone(), torch.tensor([0, 2]), 1.5, 2)')],
        'batch_norm': [('torch.batch_norm(x, None, None, None, None, True, 0.1, 1e-5, False)',
                        'torch.batchNorm(x, null, null, null, null, true, 0.1, 1e-5, false)')],
        'instance_norm': [('torch.instance_norm(x.reshape(1, 2, 3), None, None, None, None, True, 0.1, 1e-5, False)',
                           'torch.instanceNorm(x.reshape(1, 2, 3), null, null, null, null, true, 0.1, 1e-5, false)')],
        'channel_shuffle': [('torch.channel_shuffle(x.reshape(1, 2, 3, 1), 2)', 'torch.channelShuffle(x.reshape(1, 2, 3, 1), 2)')],
        'native_channel_shuffle': [('torch.native_channel_shuffle(x.reshape(1, 2, 3, 1), 2)', 'torch.nativeChannelShuffle(x.reshape(1, 2, 3, 1), 2)')],
        'cosine_embedding_loss': [('torch.cosine_embedding_loss(x, x.flip(1), torch.tensor([1, -1]))',
                                   'torch.cosineEmbeddingLoss(x, x.flip(1), torch.tensor([1, -1]))')],
        'margin_ranking_loss': [('torch.margin_ranking_loss(x, x.flip(1), torch.ones(2, 3))',
                                 'torch.marginRankingLoss(x, x.flip(1), torch.ones(2, 3))')],
        'triplet_margin_loss': [('torch.triplet_margin_loss(x, x + 1, x * 2)', 'torch.tripletMarginLoss(x, x.add(1), x.mul(2))')],
        'poisson_nll_loss': [('torch.poisson_nll_loss(x, x + 1, True, False, 1e-8, 1)', 'torch.poissonNllLoss(x, x.add(1), true, false, 1e-8, 1)')],
        'affine_grid_generator': [('torch.affine_grid_generator(x.reshape(1, 2, 3), [1, 1, 2, 2], False)',
                                   'torch.affineGridGenerator(x.reshape(1, 2, 3), [1, 1, 2, 2], false)')],
        'grid_sampler': [('torch.grid_sampler(x.reshape(1, 1, 2, 3), torch.zeros(1, 2, 2, 2), 0, 0, False)',
                          'torch.gridSampler(x.reshape(1, 1, 2, 3), torch.zeros(1, 2, 2, 2), 0, 0, false)')],
        'grid_sampler_2d': [('torch.grid_sampler_2d(x.reshape(1, 1, 2, 3), torch.zeros(1, 2, 2, 2), 0, 0, False)',
                             'torch.gridSampler2d(x.reshape(1, 1, 2, 3), torch.zeros(1, 2, 2, 2), 0, 0, false)')],
        'empty_strided': [('torch.empty_strided((2, 3), (1, 2)).stride()', 'torch.emptyStrided([2, 3], [1, 2]).stride()')],
        'index_put_': [('torch.index_put_(x.clone(), (torch.tensor([0]),), torch.tensor(9.))',
                        'torch.indexPut_(x.clone(), [torch.tensor([0])], torch.tensor(9, { dtype: torch.float32 }))')],
        'as_strided_': [('torch.as_strided_(x.clone(), (2, 2), (1, 2))', 'torch.asStrided_(x.clone(), [2, 2], [1, 2])')],
        'gcd_': [('torch.gcd_(torch.tensor([4, 6]), torch.tensor([6, 4]))', 'torch.gcd_(torch.tensor([4, 6]), torch.tensor([6, 4]))')],
        'lcm_': [('torch.lcm_(torch.tensor([4, 6]), torch.tensor([6, 4]))', 'torch.lcm_(torch.tensor([4, 6]), torch.tensor([6, 4]))')],
        'vander': [('torch.vander(torch.tensor([1, 2, 3]))', 'torch.vander(torch.tensor([1, 2, 3]))')],
        'select_copy': [('torch.select_copy(x, 0, 1)', 'torch.selectCopy(x, 0, 1)')],
        'view_as_real_copy': [('torch.view_as_real_copy(torch.complex(x, x))', 'torch.viewAsRealCopy(torch.complex(x, x))')],
        'view_as_complex_copy': [('torch.view_as_complex_copy(x.reshape(3, 2))', 'torch.viewAsComplexCopy(x.reshape(3, 2))')],
        'values_copy': [('torch.values_copy(x.to_sparse())', 'torch.valuesCopy(x.toSparse())')],
        'indices_copy': [('torch.indices_copy(x.to_sparse())', 'torch.indicesCopy(x.toSparse())')],
        'crow_indices_copy': [('torch.crow_indices_copy(x.to_sparse_csr())', 'torch.crowIndicesCopy(x.toSparseCsr())')],
        'col_indices_copy': [('torch.col_indices_copy(x.to_sparse_csr())', 'torch.colIndicesCopy(x.toSparseCsr())')],
        'ccol_indices_copy': [('torch.ccol_indices_copy(x.to_sparse_csc())', 'torch.ccolIndicesCopy(x.toSparseCsc())')],
        'row_indices_copy': [('torch.row_indices_copy(x.to_sparse_csc())', 'torch.rowIndicesCopy(x.toSparseCsc())')],
        'sparse_coo_tensor': [('torch.sparse_coo_tensor(torch.tensor([[0, 1], [1, 0]]), torch.tensor([1.5, 2.5]), (2, 2)).to_dense()',
                               'torch.sparseCooTensor(torch.tensor([[0, 1], [1, 0]]), torch.tensor([1.5, 2.5]), [2, 2]).toDense()')],
        'sparse_csr_tensor': [('torch.sparse_csr_tensor(torch.tensor([0, 1, 2]), torch.tensor([1, 0]), torch.tensor([1.5, 2.5]), (2, 2)).to_dense()',
                               'torch.sparseCsrTensor(torch.tensor([0, 1, 2]), torch.tensor([1, 0]), torch.tensor([1.5, 2.5]), [2, 2]).toDense()')],
        'sparse_csc_tensor': [('torch.sparse_csc_tensor(torch.tensor([0, 1, 2]), torch.tensor([1, 0]), torch.tensor([1.5, 2.5]), (2, 2)).to_dense()',
                               'torch.sparseCscTensor(torch.tensor([0, 1, 2]), torch.tensor([1, 0]), torch.tensor([1.5, 2.5]), [2, 2]).toDense()')],
        'sparse_bsr_tensor': [('torch.sparse_bsr_tensor(torch.tensor([0, 1, 2]), torch.tensor([1, 0]), torch.tensor([[[1.5]], [[2.5]]]), (2, 2)).to_dense()',
                               'torch.sparseBsrTensor(torch.tensor([0, 1, 2]), torch.tensor([1, 0]), torch.tensor([[[1.5]], [[2.5]]]), [2, 2]).toDense()')],
        'sparse_bsc_tensor': [('torch.sparse_bsc_tensor(torch.tensor([0, 1, 2]), torch.tensor([1, 0]), torch.tensor([[[1.5]], [[2.5]]]), (2, 2)).to_dense()',
                               'torch.sparseBscTensor(torch.tensor([0, 1, 2]), torch.tensor([1, 0]), torch.tensor([[[1.5]], [[2.5]]]), [2, 2]).toDense()')],
        'sparse_compressed_tensor': [('torch.sparse_compressed_tensor(torch.tensor([0, 1, 2]), torch.tensor([1, 0]), torch.tensor([1.5, 2.5]), (2, 2), layout=torch.sparse_csr).to_dense()',
                                      'torch.sparseCompressedTensor(torch.tensor([0, 1, 2]), torch.tensor([1, 0]), torch.tensor([1.5, 2.5]), [2, 2], { layout: torch.sparseCsr }).toDense()')],
        'hspmm': [('torch.hspmm(x.to_sparse(), x.T).to_dense()', 'torch.hspmm(x.toSparse(), x.T).toDense()')],
        'smm': [('torch.smm(x.to_sparse(), x.T)', 'torch.smm(x.toSparse(), x.T)')],
        'sspaddmm': [('torch.sspaddmm(torch.eye(2).to_sparse(), x.to_sparse(), x.T).to_dense()',
                      'torch.sspaddmm(torch.eye(2).toSparse(), x.toSparse(), x.T).toDense()')],
        'quantize_per_tensor': [('torch.quantize_per_tensor(x, 0.5, 0, torch.quint8).int_repr()',
                                 'torch.quantizePerTensor(x, 0.5, 0, torch.quint8).intRepr()')],
        'quantize_per_channel': [('torch.quantize_per_channel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0, torch.quint8).int_repr()',
                                  'torch.quantizePerChannel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0, torch.quint8).intRepr()')],
        'int_repr': [('torch.int_repr(torch.quantize_per_tensor(x, 0.5, 0, torch.quint8))', 'torch.intRepr(torch.quantizePerTensor(x, 0.5, 0, torch.quint8))')],
        'q_scale': [('torch.q_scale(torch.quantize_per_tensor(x, 0.5, 0, torch.quint8))', 'torch.qScale(torch.quantizePerTensor(x, 0.5, 0, torch.quint8))')],
        'q_zero_point': [('torch.q_zero_point(torch.quantize_per_tensor(x, 0.5, 3, torch.quint8))', 'torch.qZeroPoint(torch.quantizePerTensor(x, 0.5, 3, torch.quint8))')],
        'fake_quantize_per_tensor_affine': [('torch.fake_quantize_per_tensor_affine(x, 0.5, 0, 0, 255)', 'torch.fakeQuantizePerTensorAffine(x, 0.5, 0, 0, 255)')],
        'fake_quantize_per_channel_affine': [('torch.fake_quantize_per_channel_affine(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1], dtype=torch.int32), 0, 0, 255)',
                                              'torch.fakeQuantizePerChannelAffine(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1], { dtype: torch.int32 }), 0, 0, 255)')],
        # CUDA-only kernels (SyncBatchNorm, norm): Python's CPU build raises NotImplementedError; so must JS
        'batch_norm_stats': [('torch.batch_norm_stats(x.reshape(1, 2, 3), 1e-5)', 'torch.batchNormStats(x.reshape(1, 2, 3), 1e-5)')],
        'batch_norm_elemt': [('torch.batch_norm_elemt(x.reshape(1, 2, 3), None, None, torch.ones(2), torch.ones(2), 1e-5)',
                              'torch.batchNormElemt(x.reshape(1, 2, 3), null, null, torch.ones(2), torch.ones(2), 1e-5)')],
        'batch_norm_gather_stats': [('torch.batch_norm_gather_stats(x.reshape(1, 2, 3), torch.ones(1, 2), torch.ones(1, 2), None, None, 0.1, 1e-5, 3)',
                                     'torch.batchNormGatherStats(x.reshape(1, 2, 3), torch.ones(1, 2), torch.ones(1, 2), null, null, 0.1, 1e-5, 3)')],
        'batch_norm_gather_stats_with_counts': [('torch.batch_norm_gather_stats_with_counts(x.reshape(1, 2, 3), torch.ones(1, 2), torch.ones(1, 2), None, None, 0.1, 1e-5, torch.tensor([3.]))',
                                                 'torch.batchNormGatherStatsWithCounts(x.reshape(1, 2, 3), torch.ones(1, 2), torch.ones(1, 2), null, null, 0.1, 1e-5, torch.tensor([3], { dtype: torch.float32 }))')],
        'batch_norm_backward_reduce': [('torch.batch_norm_backward_reduce(torch.ones(1, 2, 3), x.reshape(1, 2, 3), torch.ones(2), torch.ones(2), None, True, True, True)',
                                        'torch.batchNormBackwardReduce(torch.ones(1, 2, 3), x.reshape(1, 2, 3), torch.ones(2), torch.ones(2), null, true, true, true)')],
        'batch_norm_backward_elemt': [('torch.batch_norm_backward_elemt(torch.ones(1, 2, 3), x.reshape(1, 2, 3), torch.ones(2), torch.ones(2), None, torch.ones(2), torch.ones(2), torch.tensor([3], dtype=torch.int32))',
                                       'torch.batchNormBackwardElemt(torch.ones(1, 2, 3), x.reshape(1, 2, 3), torch.ones(2), torch.ones(2), null, torch.ones(2), torch.ones(2), torch.tensor([3], { dtype: torch.int32 }))')],
        'native_norm': [('torch.native_norm(x)', 'torch.nativeNorm(x)')],
        'batch_norm_update_stats': [('torch.batch_norm_update_stats(x.reshape(1, 2, 3), None, None, 0.1)', 'torch.batchNormUpdateStats(x.reshape(1, 2, 3), null, null, 0.1)')],
        'ctc_loss': [('torch.ctc_loss(x.T.reshape(3, 1, 2).log_softmax(2), torch.tensor([[1]]), [3], [1])',
                      'torch.ctcLoss(x.T.reshape(3, 1, 2).logSoftmax(2), torch.tensor([[1]]), [3], [1])')],
        'embedding_bag': [('torch.embedding_bag(x.T, torch.tensor([0, 2, 1]), torch.tensor([0, 2]))', 'torch.embeddingBag(x.T, torch.tensor([0, 2, 1]), torch.tensor([0, 2]))')],
        'gru_cell': [('torch.gru_cell(x * 0.1, torch.ones(2, 2), torch.ones(6, 3) * 0.1, torch.ones(6, 2) * 0.1)',
                      'torch.gruCell(x.mul(0.1), torch.ones(2, 2), torch.ones(6, 3).mul(0.1), torch.ones(6, 2).mul(0.1))')],
        'lstm_cell': [('torch.lstm_cell(x * 0.1, [torch.ones(2, 2), torch.ones(2, 2)], torch.ones(8, 3) * 0.1, torch.ones(8, 2) * 0.1)',
                       'torch.lstmCell(x.mul(0.1), [torch.ones(2, 2), torch.ones(2, 2)], torch.ones(8, 3).mul(0.1), torch.ones(8, 2).mul(0.1))')],
        'rnn_tanh_cell': [('torch.rnn_tanh_cell(x * 0.1, torch.ones(2, 2), torch.ones(2, 3) * 0.1, torch.ones(2, 2) * 0.1)',
                           'torch.rnnTanhCell(x.mul(0.1), torch.ones(2, 2), torch.ones(2, 3).mul(0.1), torch.ones(2, 2).mul(0.1))')],
        'rnn_relu_cell': [('torch.rnn_relu_cell(x, torch.ones(2, 2), torch.ones(2, 3), torch.ones(2, 2))', 'torch.rnnReluCell(x, torch.ones(2, 2), torch.ones(2, 3), torch.ones(2, 2))')],
        'rnn_tanh': [('torch.rnn_tanh(x.reshape(1, 2, 3) * 0.1, torch.zeros(1, 2, 2), [torch.ones(2, 3) * 0.1, torch.ones(2, 2) * 0.1], False, 1, 0.0, False, False, False)',
                      'torch.rnnTanh(x.reshape(1, 2, 3).mul(0.1), torch.zeros(1, 2, 2), [torch.ones(2, 3).mul(0.1), torch.ones(2, 2).mul(0.1)], false, 1, 0, false, false, false)')],
        'rnn_relu': [('torch.rnn_relu(x.reshape(1, 2, 3), torch.zeros(1, 2, 2), [torch.ones(2, 3), torch.ones(2, 2)], False, 1, 0.0, False, False, False)',
                      'torch.rnnRelu(x.reshape(1, 2, 3), torch.zeros(1, 2, 2), [torch.ones(2, 3), torch.ones(2, 2)], false, 1, 0, false, false, false)')],
        'gru': [('torch.gru(x.reshape(1, 2, 3) * 0.1, torch.zeros(1, 2, 2), [torch.ones(6, 3) * 0.1, torch.ones(6, 2) * 0.1], False, 1, 0.0, False, False, False)',
                 'torch.gru(x.reshape(1, 2, 3).mul(0.1), torch.zeros(1, 2, 2), [torch.ones(6, 3).mul(0.1), torch.ones(6, 2).mul(0.1)], false, 1, 0, false, false, false)')],
        'lstm': [('torch.lstm(x.reshape(1, 2, 3) * 0.1, [torch.zeros(1, 2, 2), torch.zeros(1, 2, 2)], [torch.ones(8, 3) * 0.1, torch.ones(8, 2) * 0.1], False, 1, 0.0, False, False, False)',
                  'torch.lstm(x.reshape(1, 2, 3).mul(0.1), [torch.zeros(1, 2, 2), torch.zeros(1, 2, 2)], [torch.ones(8, 3).mul(0.1), torch.ones(8, 2).mul(0.1)], false, 1, 0, false, false, false)')],
        'quantize_per_tensor_dynamic': [('torch.quantize_per_tensor_dynamic(x, torch.quint8, False).int_repr()', 'torch.quantizePerTensorDynamic(x, torch.quint8, false).intRepr()')],
        'q_per_channel_scales': [('torch.q_per_channel_scales(torch.quantize_per_channel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0, torch.quint8))',
                                  'torch.qPerChannelScales(torch.quantizePerChannel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0, torch.quint8))')],
        'q_per_channel_zero_points': [('torch.q_per_channel_zero_points(torch.quantize_per_channel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0, torch.quint8))',
                                       'torch.qPerChannelZeroPoints(torch.quantizePerChannel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0, torch.quint8))')],
        'q_per_channel_axis': [('torch.q_per_channel_axis(torch.quantize_per_channel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0, torch.quint8))',
                                'torch.qPerChannelAxis(torch.quantizePerChannel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0, torch.quint8))')],
        'quantized_max_pool1d': [('torch.quantized_max_pool1d(torch.quantize_per_tensor(x.reshape(1, 2, 3), 0.5, 0, torch.quint8), [2]).int_repr()',
                                  'torch.quantizedMaxPool1d(torch.quantizePerTensor(x.reshape(1, 2, 3), 0.5, 0, torch.quint8), [2]).intRepr()')],
        'quantized_max_pool2d': [('torch.quantized_max_pool2d(torch.quantize_per_tensor(x.reshape(1, 1, 2, 3), 0.5, 0, torch.quint8), [2, 2]).int_repr()',
                                  'torch.quantizedMaxPool2d(torch.quantizePerTensor(x.reshape(1, 1, 2, 3), 0.5, 0, torch.quint8), [2, 2]).intRepr()')],
        'quantized_max_pool3d': [('torch.quantized_max_pool3d(torch.quantize_per_tensor(x.reshape(1, 1, 1, 2, 3), 0.5, 0, torch.quint8), [1, 2, 2]).int_repr()',
                                  'torch.quantizedMaxPool3d(torch.quantizePerTensor(x.reshape(1, 1, 1, 2, 3), 0.5, 0, torch.quint8), [1, 2, 2]).intRepr()')],
        'quantized_batch_norm': [('torch.quantized_batch_norm(torch.quantize_per_tensor(x.reshape(1, 2, 3, 1), 0.5, 0, torch.quint8), torch.ones(2), torch.zeros(2), torch.zeros(2), torch.ones(2), 1e-5, 0.5, 0).int_repr()',
                                  'torch.quantizedBatchNorm(torch.quantizePerTensor(x.reshape(1, 2, 3, 1), 0.5, 0, torch.quint8), torch.ones(2), torch.zeros(2), torch.zeros(2), torch.ones(2), 1e-5, 0.5, 0).intRepr()')],
        'empty_quantized': [('torch.empty_quantized([2], torch.quantize_per_tensor(x, 0.5, 0, torch.quint8)).shape',
                             'torch.emptyQuantized([2], torch.quantizePerTensor(x, 0.5, 0, torch.quint8)).shape')],
        'mkldnn_max_pool2d': [('torch.mkldnn_max_pool2d(x.reshape(1, 1, 2, 3).to_mkldnn(), [2, 2]).to_dense()', 'torch.mkldnnMaxPool2d(x.reshape(1, 1, 2, 3).toMkldnn(), [2, 2]).toDense()')],
        'mkldnn_max_pool3d': [('torch.mkldnn_max_pool3d(x.reshape(1, 1, 1, 2, 3).to_mkldnn(), [1, 2, 2]).to_dense()', 'torch.mkldnnMaxPool3d(x.reshape(1, 1, 1, 2, 3).toMkldnn(), [1, 2, 2]).toDense()')],
        'mkldnn_adaptive_avg_pool2d': [('torch.mkldnn_adaptive_avg_pool2d(x.reshape(1, 1, 2, 3).to_mkldnn(), [1, 1]).to_dense()',
                                        'torch.mkldnnAdaptiveAvgPool2d(x.reshape(1, 1, 2, 3).toMkldnn(), [1, 1]).toDense()')],
        'mkldnn_convolution': [('torch.mkldnn_convolution(x.reshape(1, 1, 2, 3), torch.ones(1, 1, 2, 2), None, [0, 0], [1, 1], [1, 1], 1)',
                                'torch.mkldnnConvolution(x.reshape(1, 1, 2, 3), torch.ones(1, 1, 2, 2), null, [0, 0], [1, 1], [1, 1], 1)')],
        'resize_as_sparse_': [('torch.resize_as_sparse_(x.to_sparse(), torch.eye(3).to_sparse()).shape', 'torch.resizeAsSparse_(x.toSparse(), torch.eye(3).toSparse()).shape')],
        'fused_moving_avg_obs_fake_quant': [('torch.fused_moving_avg_obs_fake_quant(x, torch.tensor([1]), torch.tensor([1]), torch.tensor(0.), torch.tensor(5.), torch.tensor([0.5]), torch.tensor([0], dtype=torch.int32), 0.01, 0, 255, 0)',
                                             'torch.fusedMovingAvgObsFakeQuant(x, torch.tensor([1]), torch.tensor([1]), torch.tensor(0, { dtype: torch.float32 }), torch.tensor(5, { dtype: torch.float32 }), torch.tensor([0.5]), torch.tensor([0], { dtype: torch.int32 }), 0.01, 0, 255, 0)')],
        'choose_qparams_optimized': [('torch.choose_qparams_optimized(x.flatten(), 6, 10, 0.16, 8)', 'torch.chooseQparamsOptimized(x.flatten(), 6, 10, 0.16, 8)')],
        'fbgemm_linear_fp16_weight': [('torch.fbgemm_linear_fp16_weight(x, torch.fbgemm_pack_gemm_matrix_fp16(torch.ones(2, 3)), torch.zeros(2))',
                                       'torch.fbgemmLinearFp16Weight(x, torch.fbgemmPackGemmMatrixFp16(torch.ones(2, 3)), torch.zeros(2))')],
        'fbgemm_linear_fp16_weight_fp32_activation': [('torch.fbgemm_linear_fp16_weight_fp32_activation(x, torch.fbgemm_pack_gemm_matrix_fp16(torch.ones(2, 3)), torch.zeros(2))',
                                                       'torch.fbgemmLinearFp16WeightFp32Activation(x, torch.fbgemmPackGemmMatrixFp16(torch.ones(2, 3)), torch.zeros(2))')],
        'from_file': [("(lambda p: (p.write_bytes(bytes(range(8))), torch.from_file(str(p), size=2, dtype=torch.int32))[1])(__import__('pathlib').Path(__import__('tempfile').mkdtemp(), 'from_file.bin'))",
                       "((p) => (require('node:fs').writeFileSync(p, Buffer.from([0, 1, 2, 3, 4, 5, 6, 7])), torch.fromFile(p, { size: 2, dtype: torch.int32 })))(require('node:path').join(require('node:os').tmpdir(), `torchnode-coverage-${process.pid}.bin`))")],
    },
    'Tensor': {
        'new_tensor': [('x.new_tensor([1, 2])', 'x.newTensor([1, 2])')],
        'new': [('x.new(2, 3).shape', 'x.new(2, 3).shape')],
        'type': [("x.type()", 'x.type()'), ("x.type('torch.DoubleTensor')", "x.type('torch.DoubleTensor')")],
        'tolist': [('x.tolist()', 'x.tolist()')],
        'register_hook': [('(lambda y: (y.register_hook(lambda g: g * 2), y.sum().backward(), y.grad)[2])(x.clone().requires_grad_())',
                           '((y) => (y.registerHook((g) => g.mul(2)), y.sum().backward(), y.grad))(x.clone().requiresGrad_())')],
        'register_post_accumulate_grad_hook': [('(lambda y, seen: (y.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.sum().item())), (y * 3).sum().backward(), seen)[2])(x.clone().requires_grad_(), [])',
                                                '((y, seen) => (y.registerPostAccumulateGradHook((p) => seen.push(p.grad.sum().item())), y.mul(3).sum().backward(), seen))(x.clone().requiresGrad_(), [])')],
        'apply_': [('x.clone().apply_(lambda v: v * 2)', 'x.clone().apply_((v) => v * 2)')],
        'map_': [('x.clone().map_(x, lambda a, b: a + b)', 'x.clone().map_(x, (a, b) => a + b)')],
        'map2_': [('x.clone().map2_(x, x, lambda a, b, c: a + b + c)', 'x.clone().map2_(x, x, (a, b, c) => a + b + c)')],
        'share_memory_': [('x.clone().share_memory_().is_shared()', 'x.clone().shareMemory_().isShared()')],
        'is_shared': [('x.is_shared()', 'x.isShared()')],
        'untyped_storage': [('x.untyped_storage().nbytes()', 'x.untypedStorage().nbytes()')],
        'data_ptr': [('x.data_ptr() != 0', 'x.dataPtr() !== 0n')],
        'const_data_ptr': [('x.const_data_ptr() == x.data_ptr()', 'x.constDataPtr() === x.dataPtr()')],
        'dim_order': [('x.dim_order()', 'x.dimOrder()')],
        'unique': [('torch.tensor([3, 1, 3]).unique(return_inverse=True)', 'torch.tensor([3, 1, 3]).unique({ returnInverse: true })')],
        'lu': [('(x[:, :2] + torch.eye(2)).lu()', "x.index(':', ':2').add(torch.eye(2)).lu()")],
        'to_sparse_coo': [('x.to_sparse_coo().to_dense()', 'x.toSparseCoo().toDense()')],
        'item': [('x.sum().item()', 'x.sum().item()')],
        'backward': [('(lambda y: ((y * y).sum().backward(), y.grad)[1])(x.clone().requires_grad_())',
                      '((y) => (y.mul(y).sum().backward(), y.grad))(x.clone().requiresGrad_())')],
        'retain_grad': [('(lambda y: (y.retain_grad(), (y * y).sum().backward(), y.grad)[2])(x.clone().requires_grad_() * 2)',
                         '((y) => (y.retainGrad(), y.mul(y).sum().backward(), y.grad))(x.clone().requiresGrad_().mul(2))')],
        'narrow': [('x.narrow(1, 0, 2)', 'x.narrow(1, 0, 2)')],
        'narrow_copy': [('x.narrow_copy(1, 0, 2)', 'x.narrowCopy(1, 0, 2)')],
        'baddbmm': [('torch.ones(1, 2, 2).baddbmm(x.reshape(1, 2, 3), x.reshape(1, 3, 2))', 'torch.ones(1, 2, 2).baddbmm(x.reshape(1, 2, 3), x.reshape(1, 3, 2))')],
        'baddbmm_': [('torch.ones(1, 2, 2).baddbmm_(x.reshape(1, 2, 3), x.reshape(1, 3, 2))', 'torch.ones(1, 2, 2).baddbmm_(x.reshape(1, 2, 3), x.reshape(1, 3, 2))')],
        'addbmm': [('torch.ones(2, 2).addbmm(x.reshape(1, 2, 3), x.reshape(1, 3, 2))', 'torch.ones(2, 2).addbmm(x.reshape(1, 2, 3), x.reshape(1, 3, 2))')],
        'addbmm_': [('torch.ones(2, 2).addbmm_(x.reshape(1, 2, 3), x.reshape(1, 3, 2))', 'torch.ones(2, 2).addbmm_(x.reshape(1, 2, 3), x.reshape(1, 3, 2))')],
        'addmv_': [('torch.ones(2).addmv_(x, torch.ones(3))', 'torch.ones(2).addmv_(x, torch.ones(3))')],
        'dsplit': [('x.reshape(1, 2, 3).dsplit(3)', 'x.reshape(1, 2, 3).dsplit(3)')],
        'renorm': [('x.renorm(2, 0, 5)', 'x.renorm(2, 0, 5)')],
        'renorm_': [('x.clone().renorm_(2, 0, 5)', 'x.clone().renorm_(2, 0, 5)')],
        'is_nonzero': [('torch.tensor([1.5]).is_nonzero()', 'torch.tensor([1.5]).isNonzero()')],
        'multinomial': [('torch.tensor([0.2, 0.3, 0.5]).multinomial(4, replacement=True)', 'torch.tensor([0.2, 0.3, 0.5]).multinomial(4, { replacement: true })')],
        'prelu': [('x.prelu(torch.tensor([0.25]))', 'x.prelu(torch.tensor([0.25]))')],
        'float_power_': [('x.double().float_power_(2)', 'x.double().floatPower_(2)')],
        'split_with_sizes': [('torch.arange(5).split_with_sizes([2, 3])', 'torch.arange(5).splitWithSizes([2, 3])')],
        'unsafe_split_with_sizes': [('torch.arange(5).unsafe_split_with_sizes([2, 3])', 'torch.arange(5).unsafeSplitWithSizes([2, 3])')],
        'to_sparse': [('x.to_sparse().to_dense()', 'x.toSparse().toDense()')],
        'to_sparse_csr': [('x.to_sparse_csr().to_dense()', 'x.toSparseCsr().toDense()')],
        'to_sparse_csc': [('x.to_sparse_csc().to_dense()', 'x.toSparseCsc().toDense()')],
        'to_sparse_bsr': [('x.to_sparse_bsr((1, 1)).to_dense()', 'x.toSparseBsr([1, 1]).toDense()')],
        'to_sparse_bsc': [('x.to_sparse_bsc((1, 1)).to_dense()', 'x.toSparseBsc([1, 1]).toDense()')],
        'coalesce': [('(x.to_sparse() + x.to_sparse()).coalesce().values()', 'x.toSparse().add(x.toSparse()).coalesce().values()')],
        'is_coalesced': [('x.to_sparse().is_coalesced()', 'x.toSparse().isCoalesced()')],
        'indices': [('x.to_sparse().indices()', 'x.toSparse().indices()')],
        'values': [('x.to_sparse().values()', 'x.toSparse().values()')],
        'crow_indices': [('x.to_sparse_csr().crow_indices()', 'x.toSparseCsr().crowIndices()')],
        'col_indices': [('x.to_sparse_csr().col_indices()', 'x.toSparseCsr().colIndices()')],
        'ccol_indices': [('x.to_sparse_csc().ccol_indices()', 'x.toSparseCsc().ccolIndices()')],
        'row_indices': [('x.to_sparse_csc().row_indices()', 'x.toSparseCsc().rowIndices()')],
        'sparse_mask': [('x.sparse_mask(torch.eye(2, 3).to_sparse()).to_dense()', 'x.sparseMask(torch.eye(2, 3).toSparse()).toDense()')],
        'sparse_resize_': [('x.to_sparse().sparse_resize_((3, 3), 2, 0).shape', 'x.toSparse().sparseResize_([3, 3], 2, 0).shape')],
        'sparse_resize_and_clear_': [('x.to_sparse().sparse_resize_and_clear_((3, 3), 2, 0).to_dense()', 'x.toSparse().sparseResizeAndClear_([3, 3], 2, 0).toDense()')],
        'smm': [('x.to_sparse().smm(x.T)', 'x.toSparse().smm(x.T)')],
        'sspaddmm': [('torch.eye(2).to_sparse().sspaddmm(x.to_sparse(), x.T).to_dense()', 'torch.eye(2).toSparse().sspaddmm(x.toSparse(), x.T).toDense()')],
        'int_repr': [('torch.quantize_per_tensor(x, 0.5, 0, torch.quint8).int_repr()', 'torch.quantizePerTensor(x, 0.5, 0, torch.quint8).intRepr()')],
        'q_scale': [('torch.quantize_per_tensor(x, 0.5, 0, torch.quint8).q_scale()', 'torch.quantizePerTensor(x, 0.5, 0, torch.quint8).qScale()')],
        'q_zero_point': [('torch.quantize_per_tensor(x, 0.5, 3, torch.quint8).q_zero_point()', 'torch.quantizePerTensor(x, 0.5, 3, torch.quint8).qZeroPoint()')],
        'qscheme': [('torch.quantize_per_tensor(x, 0.5, 3, torch.quint8).qscheme()', 'torch.quantizePerTensor(x, 0.5, 3, torch.quint8).qscheme()')],
        'q_per_channel_scales': [('torch.quantize_per_channel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0, torch.quint8).q_per_channel_scales()',
                                  'torch.quantizePerChannel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0, torch.quint8).qPerChannelScales()')],
        'q_per_channel_zero_points': [('torch.quantize_per_channel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0, torch.quint8).q_per_channel_zero_points()',
                                       'torch.quantizePerChannel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0, torch.quint8).qPerChannelZeroPoints()')],
        'q_per_channel_axis': [('torch.quantize_per_channel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0, torch.quint8).q_per_channel_axis()',
                                'torch.quantizePerChannel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0, torch.quint8).qPerChannelAxis()')],
        'to_mkldnn': [('x.to_mkldnn().to_dense()', 'x.toMkldnn().toDense()')],
        'pin_memory': [('x.pin_memory()', 'x.pinMemory()')],
        'record_stream': [('x.record_stream(None)', 'x.recordStream(null)')],
        'to_padded_tensor': [('torch.nested.nested_tensor([torch.ones(2), torch.ones(3)]).to_padded_tensor(0.5)',
                              'torch.nested.nestedTensor([torch.ones(2), torch.ones(3)]).toPaddedTensor(0.5)')],
        'resize': [('x.resize(3, 2)', 'x.resize(3, 2)')],
        'resize_as_sparse_': [('x.to_sparse().resize_as_sparse_(torch.eye(3).to_sparse()).shape', 'x.toSparse().resizeAsSparse_(torch.eye(3).toSparse()).shape')],
        'cuda': [('x.cuda()', 'x.cuda()')], 'xpu': [('x.xpu()', 'x.xpu()')], 'ipu': [('x.ipu()', 'x.ipu()')],
        'mtia': [('x.mtia()', 'x.mtia()')],
    },
    'linalg': {
        'LinAlgError': [('issubclass(torch.linalg.LinAlgError, RuntimeError)', 'torch.linalg.LinAlgError.prototype instanceof Error')],
        'tensorinv': [('torch.linalg.tensorinv((torch.eye(4) * 2).reshape(4, 2, 2), ind=1)', 'torch.linalg.tensorinv(torch.eye(4).mul(2).reshape(4, 2, 2), { ind: 1 })')],
    },
    'fft': {
        'fftfreq': [('torch.fft.fftfreq(5)', 'torch.fft.fftfreq(5)')],
        'rfftfreq': [('torch.fft.rfftfreq(5, d=0.5)', 'torch.fft.rfftfreq(5, { d: 0.5 })')],
    },
    'special': {
        'polygamma': [('torch.special.polygamma(1, x + 1)', 'torch.special.polygamma(1, x.add(1))')],
    },
    'nn.functional': {  # F is torch.nn.functional in both languages
        'adaptive_max_pool2d_with_indices': [('F.adaptive_max_pool2d_with_indices(x.reshape(1, 2, 3), 1)', 'F.adaptiveMaxPool2dWithIndices(x.reshape(1, 2, 3), 1)')],
        'adaptive_max_pool3d_with_indices': [('F.adaptive_max_pool3d_with_indices(x.reshape(1, 1, 2, 3), 1)', 'F.adaptiveMaxPool3dWithIndices(x.reshape(1, 1, 2, 3), 1)')],
        'affine_grid': [('F.affine_grid(x.reshape(1, 2, 3), [1, 1, 2, 2], align_corners=False)', 'F.affineGrid(x.reshape(1, 2, 3), [1, 1, 2, 2], { alignCorners: false })')],
        'conv_tbc': [('F.conv_tbc(x.reshape(2, 1, 3), torch.ones(1, 3, 2), torch.zeros(2), 0)', 'F.convTbc(x.reshape(2, 1, 3), torch.ones(1, 3, 2), torch.zeros(2), 0)')],
        'ctc_loss': [('F.ctc_loss(x.T.reshape(3, 1, 2).log_softmax(2), torch.tensor([[1]]), [3], [1])',
                      'F.ctcLoss(x.T.reshape(3, 1, 2).logSoftmax(2), torch.tensor([[1]]), [3], [1])')],
        'embedding': [('F.embedding(torch.tensor([0, 2]), x.T)', 'F.embedding(torch.tensor([0, 2]), x.T)')],
        'embedding_bag': [("F.embedding_bag(torch.tensor([0, 2, 1]), x.T, torch.tensor([0, 2]), mode='sum')",
                           "F.embeddingBag(torch.tensor([0, 2, 1]), x.T, torch.tensor([0, 2]), { mode: 'sum' })")],
        'fold': [('F.fold(torch.arange(8.).reshape(1, 4, 2), (2, 3), (2, 2))', 'F.fold(torch.arange(8, { dtype: torch.float32 }).reshape(1, 4, 2), [2, 3], [2, 2])')],
        'fractional_max_pool2d': [('F.fractional_max_pool2d(x.reshape(1, 1, 2, 3), 1, output_size=(1, 2))', 'F.fractionalMaxPool2d(x.reshape(1, 1, 2, 3), 1, { outputSize: [1, 2] })')],
        'fractional_max_pool2d_with_indices': [('F.fractional_max_pool2d_with_indices(x.reshape(1, 1, 2, 3), 1, output_size=(1, 2))',
                                                'F.fractionalMaxPool2dWithIndices(x.reshape(1, 1, 2, 3), 1, { outputSize: [1, 2] })')],
        'fractional_max_pool3d': [('F.fractional_max_pool3d(torch.arange(12.).reshape(1, 1, 2, 2, 3), 1, output_size=(1, 1, 2))',
                                   'F.fractionalMaxPool3d(torch.arange(12, { dtype: torch.float32 }).reshape(1, 1, 2, 2, 3), 1, { outputSize: [1, 1, 2] })')],
        'fractional_max_pool3d_with_indices': [('F.fractional_max_pool3d_with_indices(torch.arange(12.).reshape(1, 1, 2, 2, 3), 1, output_size=(1, 1, 2))',
                                                'F.fractionalMaxPool3dWithIndices(torch.arange(12, { dtype: torch.float32 }).reshape(1, 1, 2, 2, 3), 1, { outputSize: [1, 1, 2] })')],
        'lp_pool1d': [('F.lp_pool1d(x.reshape(1, 2, 3), 2, 2)', 'F.lpPool1d(x.reshape(1, 2, 3), 2, 2)')],
        'lp_pool2d': [('F.lp_pool2d(x.reshape(1, 1, 2, 3), 2, 2)', 'F.lpPool2d(x.reshape(1, 1, 2, 3), 2, 2)')],
        'lp_pool3d': [('F.lp_pool3d(x.reshape(1, 1, 1, 2, 3), 2, (1, 2, 2))', 'F.lpPool3d(x.reshape(1, 1, 1, 2, 3), 2, [1, 2, 2])')],
        'max_pool2d_with_indices': [('F.max_pool2d_with_indices(x.reshape(1, 2, 3), 2)', 'F.maxPool2dWithIndices(x.reshape(1, 2, 3), 2)')],
        'max_pool3d_with_indices': [('F.max_pool3d_with_indices(x.reshape(1, 1, 2, 3), 1)', 'F.maxPool3dWithIndices(x.reshape(1, 1, 2, 3), 1)')],
        'native_channel_shuffle': [('F.native_channel_shuffle(x.reshape(1, 2, 3, 1), 2)', 'F.nativeChannelShuffle(x.reshape(1, 2, 3, 1), 2)')],
        'scaled_dot_product_attention': [('F.scaled_dot_product_attention(x.reshape(1, 2, 3), x.reshape(1, 2, 3), x.reshape(1, 2, 3))',
                                          'F.scaledDotProductAttention(x.reshape(1, 2, 3), x.reshape(1, 2, 3), x.reshape(1, 2, 3))')],
        'threshold_': [('F.threshold_(x.clone(), 2.5, 0.5)', 'F.threshold_(x.clone(), 2.5, 0.5)')],
        'triplet_margin_with_distance_loss': [('F.triplet_margin_with_distance_loss(x, x + 1, x * 2)', 'F.tripletMarginWithDistanceLoss(x, x.add(1), x.mul(2))')],
        'upsample': [("F.upsample(x.reshape(1, 1, 2, 3), scale_factor=2, mode='nearest')", "F.upsample(x.reshape(1, 1, 2, 3), { scaleFactor: 2, mode: 'nearest' })")],
        'multi_head_attention_forward': [('F.multi_head_attention_forward(x.reshape(2, 1, 3) * 0.1, x.reshape(2, 1, 3) * 0.1, x.reshape(2, 1, 3) * 0.1, 3, 1, torch.ones(9, 3) * 0.1, torch.zeros(9), None, None, False, 0.0, torch.ones(3, 3) * 0.1, torch.zeros(3), need_weights=True)',
                                          'F.multiHeadAttentionForward(x.reshape(2, 1, 3).mul(0.1), x.reshape(2, 1, 3).mul(0.1), x.reshape(2, 1, 3).mul(0.1), 3, 1, torch.ones(9, 3).mul(0.1), torch.zeros(9), null, null, false, 0, torch.ones(3, 3).mul(0.1), torch.zeros(3), { needWeights: true })')],
        # CUDA-only (float8 / grouped GEMM): Python's CPU build raises; so must JS
        'grouped_mm': [('F.grouped_mm(x, x.T)', 'F.groupedMm(x, x.T)')],
        'scaled_mm': [('F.scaled_mm(x, x.T, torch.tensor(1.), F.ScalingType.TensorWise, torch.tensor(1.), F.ScalingType.TensorWise)',
                       'F.scaledMm(x, x.T, torch.tensor(1, { dtype: torch.float32 }), F.ScalingType.TensorWise, torch.tensor(1, { dtype: torch.float32 }), F.ScalingType.TensorWise)')],
        'scaled_grouped_mm': [('F.scaled_grouped_mm(x, x.T, torch.tensor(1.), F.ScalingType.TensorWise, torch.tensor(1.), F.ScalingType.TensorWise)',
                               'F.scaledGroupedMm(x, x.T, torch.tensor(1, { dtype: torch.float32 }), F.ScalingType.TensorWise, torch.tensor(1, { dtype: torch.float32 }), F.ScalingType.TensorWise)')],
        # Python's enums; JS has their values (the ops take them as ints)
        'ScalingType': [('[m.value for m in F.ScalingType.__members__.values()]', '[F.ScalingType.TensorWise, F.ScalingType.RowWise, F.ScalingType.BlockWise1x16, F.ScalingType.BlockWise1x32, F.ScalingType.BlockWise1x128, F.ScalingType.BlockWise128x128]')],
        'SwizzleType': [('[m.value for m in F.SwizzleType.__members__.values()]', '[F.SwizzleType.NO_SWIZZLE, F.SwizzleType.SWIZZLE_32_4_4]')],
    },
    'masked': {  # MaskedTensor: the class and its constructors, read back as (data, mask)
        'MaskedTensor': [('(lambda m: (m.get_data(), m.get_mask()))(torch.masked.MaskedTensor(x, x > 2))',
                          '((m) => [m.getData(), m.getMask()])(new torch.masked.MaskedTensor(x, x.gt(2)))')],
        'masked_tensor': [('(lambda m: (m.get_data(), m.get_mask()))(torch.masked.masked_tensor(x, x > 2).sum(1))',
                           '((m) => [m.getData(), m.getMask()])(torch.masked.maskedTensor(x, x.gt(2)).sum(1))')],
        'as_masked_tensor': [('(lambda m: (m.get_data(), m.get_mask()))(torch.masked.as_masked_tensor(x, x > 2).exp())',
                              '((m) => [m.getData(), m.getMask()])(torch.masked.asMaskedTensor(x, x.gt(2)).exp())')],
        'is_masked_tensor': [('torch.masked.is_masked_tensor(x)', 'torch.masked.isMaskedTensor(x)')],
    },
    'testing': {
        'assert_close': [('torch.testing.assert_close(x, x + 1e-7)', 'torch.testing.assertClose(x, x.add(1e-7))'),
                         ('torch.testing.assert_close(x, x + 1)', 'torch.testing.assertClose(x, x.add(1))')],
        'assert_allclose': [('torch.testing.assert_allclose(x, x + 1)', 'torch.testing.assertAllclose(x, x.add(1))')],
        'make_tensor': [("torch.testing.make_tensor((2, 3), dtype=torch.float32, device='cpu', low=-1, high=1)",
                         "torch.testing.makeTensor([2, 3], { dtype: torch.float32, device: 'cpu', low: -1, high: 1 })")],
    },
}


def autocast_state_cases():
    """torch.set_autocast_* / get_ / is_autocast_*: set a value, read it back, restore the old one."""
    table = [  # (state, device argument, value to set, getter prefix)
        ('autocast_enabled', "'cpu'", ('True', 'true'), 'is'), ('autocast_dtype', "'cpu'", ('torch.float16',) * 2, 'get'),
        ('autocast_cache_enabled', '', ('False', 'false'), 'is'),
        ('autocast_cpu_enabled', '', ('True', 'true'), 'is'), ('autocast_cpu_dtype', '', ('torch.float16',) * 2, 'get'),
        ('autocast_gpu_dtype', '', ('torch.bfloat16',) * 2, 'get'),
        ('autocast_ipu_enabled', '', ('True', 'true'), 'is'), ('autocast_ipu_dtype', '', ('torch.float16',) * 2, 'get'),
        ('autocast_xla_enabled', '', ('True', 'true'), 'is'), ('autocast_xla_dtype', '', ('torch.float16',) * 2, 'get'),
    ]
    cases = {}
    for state, device, (py_value, js_value), prefix in table:
        setter, getter = f'set_{state}', f'{prefix}_{state}'
        js_setter, js_getter = camel(setter), camel(getter)
        lead = f'{device}, ' if device else ''
        cases[setter] = [(f'(lambda old: (torch.{setter}({lead}{py_value}), torch.{getter}({device}), torch.{setter}({lead}old))[1])(torch.{getter}({device}))',
                          f'((old) => (torch.{js_setter}({lead}{js_value}), ((v) => (torch.{js_setter}({lead}old), v))(torch.{js_getter}({device}))))(torch.{js_getter}({device}))')]
        cases[getter] = [(f'torch.{getter}({device})', f'torch.{js_getter}({device})')]
    cases['autocast_increment_nesting'] = [('(torch.autocast_increment_nesting(), torch.autocast_decrement_nesting())',
                                            '[torch.autocastIncrementNesting(), torch.autocastDecrementNesting()]')]
    cases['autocast_decrement_nesting'] = cases['autocast_increment_nesting']
    cases['clear_autocast_cache'] = [('torch.clear_autocast_cache()', 'torch.clearAutocastCache()')]
    return cases


def within(context, fn):
    """Python's `with context: fn()` as an expression, for the hand table."""
    with context:
        return fn()


def hand_cases(ns, name):
    cases = []
    for py, js in HAND_CASES.get(ns, {}).get(name, []):
        scope = {'torch': torch, 'F': torch.nn.functional, 'x': torch.arange(6.).reshape(2, 3), 'within': within}
        status, value = run(lambda: eval(py, scope))  # noqa: S307 - our own table
        try:
            expect = expected_of(status, value)
        except Unencodable:
            expect = {'$': 'repr', 'v': str(value)}
        cases.append({'kind': 'js', 'source': 'hand', 'py': py, 'js': js, 'expect': expect})
    return cases


for _name, _pairs in autocast_state_cases().items():
    HAND_CASES['torch'].setdefault(_name, _pairs)


# ---------------------------------------------------------------- values and probes for what is left

def value_case(obj):
    """Non-callable module attributes: JS must hold the same value."""
    if isinstance(obj, torch.dtype):
        expect = {'$': 'dtype', 'name': dtype_name(obj)}
    elif isinstance(obj, (torch.layout, torch.memory_format, torch.qscheme)):
        expect = {'$': 'repr', 'v': str(obj)}
    else:
        expect = enc(obj)
    return {'kind': 'value', 'source': 'value', 'expect': expect}


def probe_cases(ns, name):
    """One plain call on small seeded inputs; the first form Python accepts becomes the case."""
    torch.manual_seed(SEED)
    x = torch.randn(2, 3)
    y = torch.randn(2, 3)
    square = torch.randn(3, 3)
    if ns == 'Tensor':
        forms = [(x, []), (x, [y]), (x, [1]), (square, [])]
    else:
        forms = [(None, []), (None, [x]), (None, [x, y]), (None, [x, 1]), (None, [square]), (None, [[x, y]])]
    fn = getattr(NAMESPACES[ns], name)
    if ns != 'Tensor' and name.startswith(('set_', 'use_')):
        return []   # setters change process state; they need a hand case that restores it
    for self_, args in forms:
        try:
            case, status = call_case(ns, name, self_, args, {}, 'probe')
        except Unencodable:
            continue
        if status == 'ok':
            return [case]
    return []


def tensor_property_case(name):
    torch.manual_seed(SEED)
    x = torch.randn(2, 3)
    status, value = run(lambda: getattr(x, name))
    try:
        return [{'kind': 'get', 'source': 'property', 'self': enc(x), 'expect': expected_of(status, value)}]
    except Unencodable:
        return []


# ---------------------------------------------------------------- main

def main():
    from_opinfo = opinfo_cases()
    names = {}
    for ns, mod in NAMESPACES.items():
        entries = {}
        for name in sorted(n for n in dir(mod) if not n.startswith('_')):
            obj = getattr(mod, name)
            reason = exclusion(ns, name, obj)
            if reason:
                entries[name] = {'js': js_name(name, obj), 'excluded': reason}
                continue
            cases = hand_cases(ns, name) or from_opinfo.get((ns, name), [])
            if not cases and ns == 'Tensor' and not callable(obj):
                cases = tensor_property_case(name)
            elif not cases and not callable(obj) and not isinstance(obj, type):
                cases = [value_case(obj)]
            elif not cases:
                cases = probe_cases(ns, name)
            entries[name] = {'js': js_name(name, obj), 'cases': cases}
        names[ns] = entries
    fixture = {'torch': torch.__version__, 'seed': SEED, 'namespaces': names}
    path = os.path.join(ROOT, 'test', 'fixtures', 'coverage.json')
    with open(path, 'w') as f:
        json.dump(fixture, f, separators=(',', ':'), allow_nan=False)
        f.write('\n')
    total = sum(len(e) for e in names.values())
    excluded = sum(1 for e in names.values() for v in e.values() if 'excluded' in v)
    caseless = [f'{ns}.{n}' for ns, e in names.items() for n, v in e.items() if v.get('cases') == []]
    print(f'{total} names, {excluded} excluded, {len(caseless)} without a case: {" ".join(caseless)}', file=sys.stderr)


if __name__ == '__main__':
    main()
