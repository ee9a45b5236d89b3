"""Python values -> JSON for fixtures that JS replays (scripts/pyvalues.mjs decodes and compares them).
Shared by scripts/coverage-cases.py and scripts/make-opinfo-fixtures.py. Tagged objects carry '$'.
A tensor is {'$': 'tensor', dtype, shape, data: nested lists} or, compact, {..., b64: raw little-endian bytes}."""
import base64
import json
import math
import os
from collections import defaultdict

import torch


class Unencodable(Exception):
    """A value with no JSON/JS form (a Python function, a generator with state, ...)."""


def enc_float(v):
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    return v


def dtype_name(dt):
    return str(dt).removeprefix('torch.')


def check_tensor(t):
    if t.layout != torch.strided:
        raise Unencodable(f'layout {t.layout}')
    if t.is_quantized or t.is_nested or t.device.type == 'meta':
        raise Unencodable('quantized/nested/meta tensor')
    if t.dtype.itemsize == 1 and t.dtype.is_floating_point:
        raise Unencodable(f'{t.dtype}')


def enc_tensor_nested(t):
    """Nested lists of numbers: readable, for small fixtures."""
    t = t.detach()
    check_tensor(t)
    if t.dtype in (torch.bfloat16, torch.float16):
        values = t.float().tolist()
    elif t.dtype == torch.complex32:
        values = t.to(torch.complex64).tolist()
    else:
        values = t.tolist()
    # 9 significant digits round-trip every float32 (and narrower) value exactly
    short = t.dtype not in (torch.float64, torch.complex128)

    def real(v):
        return enc_float(float(f'{v:.9g}') if short else v)

    def walk(v):
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, complex):
            return [real(v.real), real(v.imag)]
        if isinstance(v, bool):
            return v
        if isinstance(v, int):
            return v if abs(v) <= 2 ** 53 else str(v)
        return real(v)
    return {'$': 'tensor', 'dtype': dtype_name(t.dtype), 'shape': list(t.shape), 'data': walk(values)}


def enc_tensor_b64(t):
    """The raw bytes of the contiguous tensor (bool as one byte, little-endian), base64: compact and exact."""
    t = t.detach()
    check_tensor(t)
    if t.dtype in (torch.complex32, torch.uint16, torch.uint32, torch.uint64):
        raise Unencodable(f'{t.dtype}')
    raw = t.resolve_conj().resolve_neg().contiguous().reshape(-1)
    if raw.dtype.is_complex:
        raw = torch.view_as_real(raw).reshape(-1)
    data = raw.view(torch.uint8).numpy().tobytes() if raw.numel() else b''
    return {'$': 'tensor', 'dtype': dtype_name(t.dtype), 'shape': list(t.shape), 'b64': base64.b64encode(data).decode()}


SPARSE_COMPRESSED = {torch.sparse_csr: ('crow_indices', 'col_indices'), torch.sparse_csc: ('ccol_indices', 'row_indices'),
                     torch.sparse_bsr: ('crow_indices', 'col_indices'), torch.sparse_bsc: ('ccol_indices', 'row_indices')}


def enc_sparse(t, tensor):
    """A sparse tensor: its layout, size and parts as stored (COO indices uncoalesced as they are, with the
    flag), to rebuild it in JS, and its dense form, to compare a result by."""
    t = t.detach()
    if t.layout == torch.sparse_coo:
        parts = {'indices': tensor(t._indices()), 'values': tensor(t._values()), 'coalesced': t.is_coalesced()}
    elif t.layout in SPARSE_COMPRESSED:
        compressed, plain = SPARSE_COMPRESSED[t.layout]
        parts = {'compressed': tensor(getattr(t, compressed)()), 'plain': tensor(getattr(t, plain)()), 'values': tensor(t.values())}
    else:
        raise Unencodable(f'layout {t.layout}')
    return {'$': 'sparse', 'layout': str(t.layout).removeprefix('torch.'), 'shape': list(t.shape),
            'dense_dim': t.dense_dim(), 'dense': tensor(t.to_dense()), **parts}


def enc(v, tensor=enc_tensor_nested):
    """Python value -> JSON value; `tensor` encodes tensors."""
    if isinstance(v, torch.Tensor):
        return enc_sparse(v, tensor) if v.layout != torch.strided else tensor(v)
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v if abs(v) <= 2 ** 53 else {'$': 'bigint', 'v': str(v)}
    if isinstance(v, float):
        if v == int(v) if math.isfinite(v) else False:
            return {'$': 'float', 'v': v}   # a whole-valued Python float: JS cannot tell it from an int
        return enc_float(v)
    if isinstance(v, complex):
        return {'$': 'complex', 're': enc_float(v.real), 'im': enc_float(v.imag)}
    if isinstance(v, torch.dtype):
        return {'$': 'dtype', 'name': dtype_name(v)}
    if isinstance(v, torch.device):
        return {'$': 'device', 'v': str(v)}
    if isinstance(v, (torch.layout, torch.memory_format, torch.qscheme)):
        return {'$': 'attr', 'path': str(v)}
    if isinstance(v, torch.Size):
        return list(v)
    if isinstance(v, tuple) and hasattr(type(v), 'n_fields'):   # torch.return_types structseq
        return {'$': 'named', 'names': list(type(v).__match_args__), 'items': [enc(x, tensor) for x in v]}
    if isinstance(v, tuple) and hasattr(v, '_fields'):
        return {'$': 'named', 'names': list(v._fields), 'items': [enc(x, tensor) for x in v]}
    if isinstance(v, (list, tuple)):
        return [enc(x, tensor) for x in v]
    if isinstance(v, dict) and all(isinstance(k, str) for k in v):
        return {'$': 'dict', 'v': {k: enc(x, tensor) for k, x in v.items()}}
    if isinstance(v, (torch.finfo, torch.iinfo)):
        return {'$': 'repr', 'v': str(v)}
    raise Unencodable(type(v).__name__)


def count_elements(v):
    if isinstance(v, torch.Tensor):
        return v.numel()
    if isinstance(v, (list, tuple)):
        return sum(count_elements(x) for x in v)
    if isinstance(v, dict):
        return sum(count_elements(x) for x in v.values())
    return 0


def clone_arg(v):
    """A copy the call may change in place (tensors contiguous, as JS decodes them)."""
    if isinstance(v, torch.Tensor):
        return v.detach().clone(memory_format=torch.contiguous_format) if v.layout == torch.strided else v.detach().clone()
    if isinstance(v, list):
        return [clone_arg(x) for x in v]
    if isinstance(v, tuple) and not hasattr(type(v), 'n_fields') and not hasattr(v, '_fields'):
        return tuple(clone_arg(x) for x in v)
    if isinstance(v, dict):
        return {k: clone_arg(x) for k, x in v.items()}
    return v


# ---------------------------------------------------------------- what JS can express

def whole_floats_as_ints(v):
    """The arguments as JS passes them: a whole-valued number is a Python int there."""
    if isinstance(v, float) and has_whole_float(v):
        return int(v)
    if isinstance(v, list):
        return [whole_floats_as_ints(x) for x in v]
    if isinstance(v, tuple) and not hasattr(type(v), 'n_fields'):
        return tuple(whole_floats_as_ints(x) for x in v)
    if isinstance(v, dict):
        return {k: whole_floats_as_ints(x) for k, x in v.items()}
    return v


def has_whole_float(v):
    """Whether a whole-valued Python float (3.0) is among the values: JS passes it as an int."""
    if isinstance(v, float):
        return v == v and v not in (float('inf'), float('-inf')) and v == int(v)
    if isinstance(v, (list, tuple)):
        return any(has_whole_float(x) for x in v)
    if isinstance(v, dict):
        return any(has_whole_float(x) for x in v.values())
    return False


def has_complex_scalar(v):
    if isinstance(v, complex):
        return True
    if isinstance(v, (list, tuple)):
        return any(has_complex_scalar(x) for x in v)
    if isinstance(v, dict):
        return any(has_complex_scalar(x) for x in v.values())
    return False


EXAMPLES_PER_REASON = 4


class Skips:
    """Samples with no JS form, counted by reason with a few examples."""

    def __init__(self):
        self.reasons = defaultdict(lambda: {'count': 0, 'examples': []})

    def add(self, reason, where):
        r = self.reasons[reason]
        r['count'] += 1
        if len(r['examples']) < EXAMPLES_PER_REASON:
            r['examples'].append(where)


def raised(fn):
    """The exception fn() raises (its message is a fixture's expectation); AssertionError when it raises none."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - any error is the expectation
        return e
    raise AssertionError("expected an error")


def write_fixture(filename, obj, compact=False):
    """Writes obj as test/fixtures/<filename> (indented JSON, or without spaces when compact; one trailing newline) and says so."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", filename)
    with open(path, "w") as f:
        json.dump(obj, f, **({"separators": (",", ":")} if compact else {"indent": 1}))
        f.write("\n")
    print(f"wrote test/fixtures/{filename}")


def registration_entry(kind, module, name, value):
    """One call of a global registration hook as the tests log it: `parameter Linear.weight 3x4`, `module Net.fc Linear`."""
    if value is None:
        text = 'None'
    elif isinstance(value, torch.nn.Module):
        text = type(value).__name__
    elif isinstance(value, torch.nn.parameter.UninitializedTensorMixin):
        text = 'uninitialized'
    else:
        text = 'x'.join(map(str, value.shape))
    return f'{kind} {type(module).__name__}.{name} {text}'
