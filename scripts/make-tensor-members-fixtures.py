"""Fixtures for test/tensor-members.test.ts: Python-level Tensor members (apply_, map_, dim_order, grad_dtype,
new, storages, share_memory_, post-accumulate-grad hooks), legacy constructors and torch.asarray, as
computed by PyTorch 2.13. Run: .venv/bin/python scripts/make-tensor-members-fixtures.py"""
import json
import os
import sys
import warnings

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_cases import run_case  # noqa: E402

warnings.simplefilter('ignore')


def enc(v):
    if isinstance(v, torch.Tensor):
        if v.is_complex():
            return {'$': 'tensor', 'dtype': str(v.dtype)[6:], 'shape': list(v.shape), 'data': torch.view_as_real(v).tolist()}
        return {'$': 'tensor', 'dtype': str(v.dtype)[6:], 'shape': list(v.shape), 'data': v.tolist()}
    if isinstance(v, torch.dtype):
        return {'$': 'dtype', 'name': str(v)[6:]}
    if isinstance(v, (tuple, list)):
        return [enc(x) for x in v]
    return v


def case(f):
    return run_case(f, enc)


x = torch.arange(6.).reshape(2, 3)
xi = torch.arange(6).reshape(2, 3)


def post_hook_run():
    seen = []
    v = torch.tensor([0., 0., 0.], requires_grad=True)
    v.register_post_accumulate_grad_hook(lambda p: seen.append(('a', p.grad.tolist())))
    h = v.register_post_accumulate_grad_hook(lambda p: seen.append(('b', p.grad.sum().item())))
    v.backward(torch.tensor([1., 2., 3.]))
    h.remove()
    v.backward(torch.tensor([1., 1., 1.]))
    return seen


def post_hook_sgd():
    v = torch.tensor([0., 0., 0.], requires_grad=True)
    def sgd(p):
        with torch.no_grad():
            p.add_(p.grad, alpha=-0.01)
    v.register_post_accumulate_grad_hook(sgd)
    v.backward(torch.tensor([1., 2., 3.]))
    return v.detach()


def post_hook_returns():
    v = torch.ones(2, requires_grad=True)
    v.register_post_accumulate_grad_hook(lambda p: p)
    v.sum().backward()


def grad_dtype_set():
    y = torch.ones(2, requires_grad=True)
    y.grad_dtype = torch.float64
    after = y.grad_dtype
    (y * 2).sum().backward()
    y.grad_dtype = None
    return [after, y.grad.dtype, y.grad_dtype]


def share():
    y = x.clone()
    before = y.is_shared()
    y.share_memory_()
    return [before, y.is_shared(), y.untyped_storage().is_shared(), y.tolist()]


def default_tensor_type():
    torch.set_default_tensor_type(torch.DoubleTensor)
    try:
        return [torch.tensor([1.5]).dtype, torch.Tensor([1]).dtype, torch.get_default_dtype()]
    finally:
        torch.set_default_tensor_type(torch.FloatTensor)


def asarray_shares():
    a = torch.ones(3)
    b = torch.asarray(a)
    c = torch.asarray(a, copy=True)
    return [b.data_ptr() == a.data_ptr(), c.data_ptr() == a.data_ptr()]


cases = {
    'apply_ float': case(lambda: x.clone().apply_(lambda v: v * 2 + 1)),
    'apply_ int truncates': case(lambda: xi.clone().apply_(lambda v: v * 1.7)),
    'apply_ bool': case(lambda: torch.tensor([True, False]).apply_(lambda v: not v)),
    'apply_ requires grad': case(lambda: x.clone().requires_grad_().apply_(lambda v: v)),
    'map_ broadcast': case(lambda: x.clone().map_(torch.tensor([10., 20., 30.]), lambda a, b: a * b)),
    'map_ dtype mismatch': case(lambda: x.clone().map_(torch.arange(3), lambda a, b: a + b)),
    'map2_': case(lambda: x.clone().map2_(x, torch.tensor([[1.], [2.]]), lambda a, b, c: a + b * c)),
    'cfloat': case(lambda: torch.tensor([1.5, -2.]).cfloat()),
    'cdouble': case(lambda: torch.tensor([1, 2]).cdouble()),
    'dim_order contiguous': case(lambda: torch.empty((2, 3, 5, 7)).dim_order()),
    'dim_order transposed': case(lambda: torch.empty((2, 3, 5, 7)).transpose(1, 2).dim_order()),
    'dim_order channels_last': case(lambda: torch.empty((2, 3, 5, 7), memory_format=torch.channels_last).dim_order()),
    'dim_order permuted 3d': case(lambda: torch.empty((2, 3, 4)).permute(2, 0, 1).dim_order()),
    'dim_order singleton': case(lambda: torch.empty((1, 2, 3, 4)).dim_order()),
    'dim_order singleton checked': case(lambda: torch.empty((1, 2, 3, 4)).dim_order(ambiguity_check=True)),
    'dim_order singleton formats': case(lambda: torch.empty((1, 2, 3, 4)).dim_order(ambiguity_check=[torch.contiguous_format, torch.channels_last])),
    'dim_order expanded': case(lambda: torch.empty(3, 1).expand(3, 4).dim_order()),
    'dim_order bad check': case(lambda: x.dim_order(ambiguity_check='ILLEGAL')),
    'dim_order sparse': case(lambda: x.to_sparse().dim_order()),
    'grad_dtype leaf': case(lambda: torch.ones(2, requires_grad=True).grad_dtype),
    'grad_dtype no grad': case(lambda: torch.ones(2).grad_dtype),
    'grad_dtype non-leaf': case(lambda: torch.ones(2, requires_grad=True).mul(2).grad_dtype),
    'grad_dtype set': case(grad_dtype_set),
    'itemsize nbytes': case(lambda: [[t.itemsize, t.nbytes] for t in (x, xi, torch.ones(3, dtype=torch.float16), torch.ones(2, 2, dtype=torch.complex128), torch.ones(0))]),
    'new sizes': case(lambda: [xi.new(2, 3).shape, xi.new(2, 3).dtype, xi.new().shape]),
    'new data': case(lambda: xi.new([1.7, 2])),
    'new string': case(lambda: x.new('a')),
    'Tensor data': case(lambda: torch.Tensor([1.5, 2])),
    'Tensor sizes': case(lambda: [torch.Tensor(2, 3).shape, torch.Tensor(2, 3).dtype, torch.Tensor().shape]),
    'Tensor of tensor': case(lambda: torch.Tensor(torch.arange(3))),
    'Tensor ragged': case(lambda: torch.Tensor([[1, 2], [3]])),
    'typed constructors': case(lambda: [getattr(torch, n)([1, 0, 2]) for n in ('FloatTensor', 'DoubleTensor', 'HalfTensor', 'BFloat16Tensor', 'ByteTensor', 'CharTensor', 'ShortTensor', 'IntTensor', 'LongTensor', 'BoolTensor')]),
    'typed sizes': case(lambda: [torch.IntTensor(2, 2).shape, torch.IntTensor(2, 2).dtype]),
    'typed torch.Size': case(lambda: [torch.FloatTensor(torch.Size([2, 3])).shape, torch.Tensor(torch.Size([4])).shape, x.new(torch.Size([1, 2])).shape]),
    'typed device': case(lambda: [torch.FloatTensor(2, 3, device='cpu').shape, torch.LongTensor([1, 2], device='cpu')]),
    'typed wrong device': case(lambda: torch.FloatTensor(2, device='meta')),
    'new wrong device': case(lambda: x.new(2, device='meta')),
    'new of another dtype': case(lambda: x.new(torch.tensor([1, 2]))),
    'type of a tensor type': case(lambda: [x.type(torch.DoubleTensor), x.type(torch.FloatTensor) is x, x.type(torch.Tensor) is x, x.type('torch.Tensor') is x,
                                           x.double().type(torch.Tensor), xi.to_sparse().type(torch.FloatTensor).type()]),
    'isinstance': case(lambda: [isinstance(x, torch.FloatTensor), isinstance(x, torch.DoubleTensor), isinstance(xi, torch.LongTensor), isinstance(x.to_sparse(), torch.FloatTensor), isinstance(x, torch.Tensor)]),
    'set_default_tensor_type': case(default_tensor_type),
    'set_default_tensor_type int': case(lambda: torch.set_default_tensor_type(torch.IntTensor)),
    'set_default_tensor_type cuda': case(lambda: torch.set_default_tensor_type('torch.cuda.FloatTensor')),
    'asarray list': case(lambda: [torch.asarray([1.5, 2]), torch.asarray([1, 2]), torch.asarray(3)]),
    'asarray dtype': case(lambda: torch.asarray(torch.arange(3), dtype=torch.float32)),
    'asarray shares': case(asarray_shares),
    'asarray copy false dtype': case(lambda: torch.asarray(torch.ones(3), dtype=torch.float64, copy=False)),
    'asarray copy false list': case(lambda: torch.asarray([1, 2], copy=False)),
    'asarray requires_grad': case(lambda: torch.asarray([1., 2.], requires_grad=True).requires_grad),
    'untyped storage': case(lambda: [x.untyped_storage().nbytes(), x.untyped_storage().size(), x[1].untyped_storage().nbytes(), x.untyped_storage().data_ptr() == x.data_ptr(), x[1].data_ptr() - x.data_ptr()]),
    'untyped storage bytes': case(lambda: torch.tensor([1, 258], dtype=torch.int16).untyped_storage().tolist()),
    'UntypedStorage list': case(lambda: torch.UntypedStorage([1, 2, 300]).tolist()),
    'UntypedStorage size': case(lambda: torch.UntypedStorage(8).nbytes()),
    'storage set': case(lambda: (lambda s: (s.__setitem__(1, 7), s.tolist(), s[0])[1:])(torch.UntypedStorage([1, 2, 3]))),
    'storage index error': case(lambda: torch.UntypedStorage([1, 2, 3])[5]),
    'storage writes tensor': case(lambda: (lambda t: (t.untyped_storage().__setitem__(0, 5), t)[1])(torch.zeros(2, dtype=torch.uint8))),
    'TypedStorage': case(lambda: (lambda s: [s.size(), s.nbytes(), s.dtype, s[1], s.element_size(), s.tolist()])(torch.TypedStorage([1.0, 2.0], dtype=torch.float64))),
    'is_storage': case(lambda: [torch.is_storage(x.untyped_storage()), torch.is_storage(torch.TypedStorage([1.0])), torch.is_storage(x), isinstance(x.untyped_storage(), torch.StorageBase)]),
    'share_memory_': case(share),
    'share_memory_ empty': case(lambda: torch.empty(0).share_memory_().is_shared()),
    'data_ptr empty': case(lambda: torch.empty(0).data_ptr()),
    'post hook runs': case(post_hook_run),
    'post hook sgd': case(post_hook_sgd),
    'post hook returns a value': case(post_hook_returns),
    'post hook non-leaf': case(lambda: torch.ones(2, requires_grad=True).mul(2).register_post_accumulate_grad_hook(lambda p: None)),
    'post hook no grad': case(lambda: torch.ones(2).register_post_accumulate_grad_hook(lambda p: None)),
    'volatile name': case(lambda: [x.volatile, x.name]),
    'device flags': case(lambda: [x.is_ipu, x.is_maia, x.is_mkldnn, x.is_mps, x.is_mtia, x.is_vulkan, x.is_xla, x.is_xpu]),
    'ipu': case(lambda: x.ipu()),
    'xpu': case(lambda: x.xpu()),
    'mtia': case(lambda: x.mtia()),
    'record_stream cpu': case(lambda: x.record_stream(torch.Stream())),
    'to_sparse_coo': case(lambda: [x.to_sparse_coo().layout == torch.sparse_coo, x.to_sparse_coo().to_dense()]),
}

with open('test/fixtures/tensor-members.json', 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f, indent=1)
    f.write('\n')
print(len(cases), 'cases')
