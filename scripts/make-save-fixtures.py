# Writes torch.save files from Python and the expected values as JSON -> test/fixtures/save/.
#   .venv/bin/python scripts/make-save-fixtures.py                 (torch 2.13: *.pt)
#   python3 scripts/make-save-fixtures.py --suffix _113            (another torch, e.g. Debian's 1.13)
#   .venv/bin/python scripts/make-save-fixtures.py --legacy        (the pre-1.6 format: *_legacy.pt)
# Expected values describe each object: tensors with dtype/shape/stride/offset/values and which
# storage they share (storage index in order of first appearance), other values as JSON tags.
import argparse
import collections
import json
import os
import sys

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'save')


def values(t):
    t = t.detach().resolve_conj()
    if t.is_complex():
        t = torch.view_as_real(t)
    name = str(t.dtype)
    if name == 'torch.uint64':  # no tolist() for uint64 in every torch: via int64, sign fixed
        return [str(x if x >= 0 else x + 2**64) for x in t.view(torch.int64).reshape(-1).tolist()]
    if name in ('torch.int64', 'torch.uint32', 'torch.uint16'):
        return [str(x) for x in t.to(torch.int64).reshape(-1).tolist()]
    if t.is_floating_point() and t.dtype not in (torch.float32, torch.float64):
        t = t.float()
    return t.reshape(-1).tolist()


def describe(v, storages):
    if isinstance(v, np.ndarray):  # torchnode loads numpy arrays as CPU tensors (native byte order)
        return describe(torch.from_numpy(v.astype(v.dtype.newbyteorder('='), copy=False)), storages)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.integer):
        return describe(int(v), storages)
    if isinstance(v, np.floating):
        return describe(float(v), storages)
    if isinstance(v, torch.Tensor) and v.device.type == 'meta':  # no storage, no values
        return {'__meta__': {'dtype': str(v.dtype).replace('torch.', ''), 'shape': list(v.shape), 'stride': list(v.stride()),
                             'requires_grad': v.requires_grad}}
    if isinstance(v, torch.Tensor):
        key = v.untyped_storage().data_ptr() if hasattr(v, 'untyped_storage') else v.storage().data_ptr()
        if key not in storages:
            storages[key] = len(storages)
        return {'__tensor__': {
            'dtype': str(v.dtype).replace('torch.', ''), 'shape': list(v.shape), 'stride': list(v.stride()),
            'offset': v.storage_offset(), 'requires_grad': v.requires_grad, 'storage': storages[key],
            'conj': bool(v.is_conj()), 'values': values(v)}}
    if isinstance(v, torch.dtype):
        return {'__dtype__': str(v).replace('torch.', '')}
    if isinstance(v, torch.device):
        return {'__device__': str(v)}
    if isinstance(v, torch.Size):
        return list(v)
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return v if abs(v) <= 2**53 - 1 else {'__int__': str(v)}
    if isinstance(v, complex):
        return {'__complex__': [describe(v.real, storages), describe(v.imag, storages)]}
    if isinstance(v, float):
        return {'__float__': repr(v)} if v != v or v in (float('inf'), float('-inf')) else v
    if isinstance(v, (list, tuple)):
        return [describe(x, storages) for x in v]
    if isinstance(v, (set, frozenset)):
        return {'__set__': sorted(describe(x, storages) for x in v)}
    if isinstance(v, (bytes, bytearray)):
        return {'__bytes__': bytes(v).hex()}
    if isinstance(v, dict):
        out = {'__dict__': [[describe(k, storages), describe(x, storages)] for k, x in v.items()]}
        if getattr(v, '_metadata', None) is not None:
            out['__metadata__'] = describe(v._metadata, storages)
        return out
    raise TypeError(f'cannot describe {type(v)}')


class Custom:
    """A user class: weights_only refuses it."""

    def __init__(self):
        self.x = 1


class RunsCode:
    """A pickle that would run os.system on load with the full Python unpickler."""

    def __reduce__(self):
        return (os.system, ('echo torchnode-must-not-run-this > /tmp/torchnode-pwned',))


def cases():
    has = lambda name: hasattr(torch, name)
    torch.manual_seed(0)
    dtypes = collections.OrderedDict()
    base = torch.tensor([0.0, 1.5, -2.25, 3.0, 100.0, -0.5])
    for name in ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64',
                 'complex64', 'complex128', 'uint16', 'uint32', 'uint64', 'float8_e4m3fn', 'float8_e5m2']:
        if not has(name):
            continue
        dt = getattr(torch, name)
        if dt.is_complex:
            t = torch.complex(base, base.flip(0)).to(dt)
        elif dt == torch.bool:
            t = base > 0
        elif dt.is_floating_point:
            t = base.to(dt)
        else:
            t = base.abs().to(torch.int64).to(dt)
        dtypes[name] = t.reshape(2, 3)
    dtypes['int64_big'] = torch.tensor([2**62, -2**63, 2**53 + 1])
    dtypes['empty'] = torch.zeros(0, 3)
    dtypes['scalar'] = torch.tensor(7.25, dtype=torch.float64)
    yield 'dtypes', dtypes

    base = torch.arange(12, dtype=torch.float32)
    yield 'views', {'base': base, 'view': base[2:8].view(2, 3), 't': base.view(3, 4).t(), 'strided': base[::3],
                    'other': torch.ones(2)}
    yield 'noncontiguous', torch.arange(6, dtype=torch.int32).view(2, 3).t()
    yield 'nested', {
        'list': [1, 2.5, 'x', None, True, False, (1, 2), [3, {'k': torch.ones(2)}]],
        'big': 2**70, 'neg': -5, 'negbig': -2**40, 'float': 1.5, 'unicode': 'héllo ✓',
        'int_keys': {0: 'a', 1: 'b', 10: 'c'}, 'tuple': (1, (2, 3)), 'empty': {}, 'empty_list': [], 'empty_tuple': (),
        'size': torch.Size([2, 3]), 'dtype': torch.float16, 'device': torch.device('cpu'),
        'set': {1, 2}, 'bytes': b'\x00\xffab',
    }
    lin = torch.nn.Linear(4, 3)
    bn = torch.nn.BatchNorm1d(3)
    model = torch.nn.Sequential(lin, bn)
    yield 'state_dict', model.state_dict()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.randn(5, 4)).sum().backward()
    opt.step()
    yield 'sgd', opt.state_dict()
    yield 'parameter', torch.nn.Parameter(torch.randn(2, 2))
    yield 'size', torch.Size([4, 5, 6])
    yield 'requires_grad', torch.randn(3).requires_grad_()
    if has('conj'):
        yield 'conj', {'z': torch.complex(torch.ones(2), torch.arange(2.0)).conj()}


def numpy_case():
    """numpy arrays and scalars in a checkpoint (torch.load with weights_only=False)."""
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    return {
        'f4': a, 'same': a, 'f8': np.linspace(-1, 1, 5), 'fortran': np.asfortranarray(np.arange(6, dtype=np.int64).reshape(2, 3)),
        'big_endian': np.array([1, -2, 70000], dtype='>i4'), 'big_endian_f8': np.array([1.5, -2.25], dtype='>f8'),
        'bool': np.array([True, False, True]), 'u1': np.arange(250, 256, dtype=np.uint8), 'i2': np.array([-3, 4], dtype=np.int16),
        'u2': np.array([65535, 1], dtype=np.uint16), 'f2': np.array([0.5, -1.25], dtype=np.float16),
        'c8': np.array([1 + 2j, -3.5j], dtype=np.complex64), 'c16': np.array([[1 - 1j]], dtype=np.complex128),
        'empty': np.zeros((0, 3)), 'zero_dim': np.array(7, dtype=np.int32),
        's_f8': np.float64(1.5), 's_f4': np.float32(0.1), 's_i8': np.int64(-7), 's_big': np.int64(2**60), 's_u1': np.uint8(200),
        's_bool': np.bool_(True), 's_f2': np.float16(0.25),
        'rng': np.random.RandomState(0).get_state(),
    }


def keys_and_values_case():
    """Dicts whose keys JS objects cannot hold as they are (mixed int and str, tuples), complex numbers,
    strings with lone surrogates, whole floats and ints beyond 2**53, meta tensors."""
    return {
        'mixed': {1: 'int', '1': 'str'}, 'mixed2': {'1': 'x', 2: 'y'}, 'tuple_keys': {(1, 2): 'x', (3, (4, 5)): 'y'},
        'complex': 1.5 - 2j, 'complex_list': [complex(0, 1), 3j], 'surrogates': ['a\ud800b', '\udfff', 'ok \U0001f600'],
        'big': 2**53, 'bigger': 2**64 + 8, 'meta': torch.empty(2, 3, device='meta'),
        'meta_t': torch.empty(4, 2, device='meta', dtype=torch.float16).t().requires_grad_(),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--suffix', default='')
    ap.add_argument('--legacy', action='store_true', help="write the cases in torch.save's legacy (non-zip) format")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    if args.legacy:
        # The dtypes case holds dtypes newer than the format: the classic ones get a case of their own.
        classic = {name: t for name, t in dict(cases())['dtypes'].items()
                   if name in ('bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32',
                               'float64', 'complex64', 'complex128', 'int64_big', 'empty', 'scalar')}
        for name, obj in [*cases(), ('classic_dtypes', classic)]:
            path = os.path.join(OUT, f'{name}_legacy.pt')
            try:
                torch.save(obj, path, _use_new_zipfile_serialization=False)
                expected[name] = describe(torch.load(path), {})
            except Exception as e:  # dtypes newer than the format (torch saves them, then cannot read them back)
                print(f'{name}: no legacy file ({type(e).__name__}: {e})')
                if os.path.exists(path):
                    os.remove(path)
        with open(os.path.join(OUT, 'expected_legacy.json'), 'w') as f:
            json.dump({'torch': torch.__version__, 'cases': expected}, f)
            f.write('\n')
        print(f'wrote {len(expected)} legacy cases to {OUT}')
        return
    for name, obj in cases():
        path = os.path.join(OUT, f'{name}{args.suffix}.pt')
        torch.save(obj, path)
        # What this torch itself loads back (torch 1.13 drops the conj bit of a conj view on save).
        expected[name] = describe(torch.load(path), {})
    if not args.suffix:
        # Files weights_only refuses: a user class, and a pickle that would run os.system.
        torch.save({'obj': Custom()}, os.path.join(OUT, 'custom_class.pt'))
        torch.save({'evil': RunsCode()}, os.path.join(OUT, 'runs_code.pt'))
        torch.save({'t': torch.arange(3.0)}, os.path.join(OUT, 'protocol4.pt'), pickle_protocol=4)
        # numpy values, in protocol 2 (torch.save's default: ndarray's _reconstruct) and 5 (_frombuffer).
        for name, protocol in [('numpy', 2), ('numpy_protocol5', 5)]:
            torch.save(numpy_case(), os.path.join(OUT, f'{name}.pt'), pickle_protocol=protocol)
            expected[name] = describe(torch.load(os.path.join(OUT, f'{name}.pt'), weights_only=False), {})
        # numpy values no tensor can hold, next to a tensor: the load must still succeed.
        torch.save({'w': torch.arange(3.0), 'strings': np.array(['cat', 'dog']), 'objects': np.array([1, 'a'], dtype=object),
                    'dates': np.array(['2020-01-01'], dtype='datetime64[D]'), 'structured': np.zeros(2, dtype=[('a', 'i4'), ('b', 'f8')]),
                    's_str': np.str_('x'), 'f8': np.float64(2.5)}, os.path.join(OUT, 'numpy_inert.pt'))
        # Values whose JS form needs a tag or a Map to be saved back as Python wrote them (zip format only).
        torch.save(keys_and_values_case(), os.path.join(OUT, 'keys_values.pt'))
        expected['keys_values'] = describe(torch.load(os.path.join(OUT, 'keys_values.pt')), {})
        # An nn.Parameter inside a dict, and one that does not require grad.
        params = {'p': torch.nn.Parameter(torch.arange(4.0)), 'frozen': torch.nn.Parameter(torch.ones(2), requires_grad=False)}
        torch.save(params, os.path.join(OUT, 'parameters.pt'))
        expected['parameters'] = describe(torch.load(os.path.join(OUT, 'parameters.pt')), {})
        # A file whose storage says 'cuda:0' (made on a CPU-only machine through a location tagger).
        torch.serialization.register_package(0, lambda s: 'cuda:0' if s.device.type == 'cpu' else None, lambda s, loc: None)
        torch.save({'t': torch.arange(4.0)}, os.path.join(OUT, 'cuda.pt'))
        expected['cuda'] = describe({'t': torch.arange(4.0)}, {})
        expected['protocol4'] = describe({'t': torch.arange(3.0)}, {})
        # The pre-1.6 (non-zip) format, and a zip whose format version no libtorch reads.
        torch.save({'t': torch.arange(3.0)}, os.path.join(OUT, 'legacy.pt'), _use_new_zipfile_serialization=False)
        import io
        import zipfile
        buf = io.BytesIO()
        torch.save({'t': torch.arange(3.0)}, buf)
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(os.path.join(OUT, 'bad_version.pt'), 'w') as dst:
            for item in src.infolist():
                dst.writestr(item, b'99\n' if item.filename.endswith('/version') else src.read(item))
    with open(os.path.join(OUT, f'expected{args.suffix}.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': expected}, f)
        f.write('\n')
    print(f'wrote {len(expected)} cases to {OUT} with torch {torch.__version__}')


if __name__ == '__main__':
    main()
