// Python-level Tensor members (apply_, map_, dimOrder, gradDtype, new, storages, shareMemory_,
// post-accumulate-grad hooks), the legacy constructors and torch.asarray, against PyTorch 2.13
// (fixture: scripts/make-tensor-members-fixtures.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';
import type { Tensor } from '../lib/index.js';

interface PyError {
  $: 'error';
  type: string;
  message: string;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/tensor-members.json', import.meta.url), 'utf8')) as { cases: Record<string, unknown> };

// The fixture's encoding of a value (tensors as dtype/shape/data, dtypes by name).
function enc(v: unknown): unknown {
  if (torch.isTensor(v)) {
    const t = v as Tensor;
    const data = t.dtype.isComplex ? torch.viewAsReal(t).tolist() : t.tolist();
    return { $: 'tensor', dtype: t.dtype.name, shape: t.shape, data };
  }
  if (v instanceof torch.DType) return { $: 'dtype', name: v.name };
  if (Array.isArray(v)) return v.map(enc);
  if (typeof v === 'bigint') return Number(v);
  return v ?? null;
}

const x = (): Tensor => torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
const xi = (): Tensor => torch.arange(6).reshape(2, 3);

function postHookRun(): unknown[] {
  const seen: unknown[] = [];
  const v = torch.tensor([0, 0, 0], { dtype: torch.float32, requiresGrad: true });
  v.registerPostAccumulateGradHook((p) => void seen.push(['a', p.grad!.tolist()]));
  const h = v.registerPostAccumulateGradHook((p) => void seen.push(['b', p.grad!.sum().item()]));
  v.backward(torch.tensor([1, 2, 3], { dtype: torch.float32 }));
  h.remove();
  v.backward(torch.tensor([1, 1, 1], { dtype: torch.float32 }));
  return seen;
}

function postHookSgd(): Tensor {
  const v = torch.tensor([0, 0, 0], { dtype: torch.float32, requiresGrad: true });
  v.registerPostAccumulateGradHook((p) => torch.noGrad(() => void p.add_(p.grad!, { alpha: -0.01 })));
  v.backward(torch.tensor([1, 2, 3], { dtype: torch.float32 }));
  return v.detach();
}

function postHookReturns(): void {
  const v = torch.ones(2, { requiresGrad: true });
  v.registerPostAccumulateGradHook((p) => p as unknown as void); // Python accepts a hook returning its argument
  v.sum().backward();
}

function gradDtypeSet(): unknown[] {
  const y = torch.ones(2, { requiresGrad: true });
  y.gradDtype = torch.float64;
  const after = y.gradDtype;
  y.mul(2).sum().backward();
  y.gradDtype = null;
  return [after, y.grad!.dtype, y.gradDtype];
}

function share(): unknown[] {
  const y = x().clone();
  const before = y.isShared();
  y.shareMemory_();
  return [before, y.isShared(), y.untypedStorage().isShared(), y.tolist()];
}

function defaultTensorType(): unknown[] {
  torch.setDefaultTensorType(torch.DoubleTensor);
  try {
    return [torch.tensor([1.5]).dtype, new torch.Tensor([1]).dtype, torch.getDefaultDtype()];
  } finally {
    torch.setDefaultTensorType(torch.FloatTensor);
  }
}

function storageSet(): unknown[] {
  const s = new torch.UntypedStorage([1, 2, 3]);
  s.set(1, 7);
  return [s.tolist(), s.get(0)];
}

const TYPED = ['FloatTensor', 'DoubleTensor', 'HalfTensor', 'BFloat16Tensor', 'ByteTensor', 'CharTensor', 'ShortTensor', 'IntTensor', 'LongTensor', 'BoolTensor'] as const;

const cases: Record<string, () => unknown> = {
  'apply_ float': () => x().clone().apply_((v) => (v as number) * 2 + 1),
  'apply_ int truncates': () => xi().clone().apply_((v) => (v as number) * 1.7),
  'apply_ bool': () => torch.tensor([true, false]).apply_((v) => !v),
  'apply_ requires grad': () => x().clone().requiresGrad_().apply_((v) => v),
  'map_ broadcast': () => x().clone().map_(torch.tensor([10, 20, 30], { dtype: torch.float32 }), (a, b) => (a as number) * (b as number)),
  'map_ dtype mismatch': () => x().clone().map_(torch.arange(3), (a, b) => (a as number) + (b as number)),
  'map2_': () => x().clone().map2_(x(), torch.tensor([[1], [2]], { dtype: torch.float32 }), (a, b, c) => (a as number) + (b as number) * (c as number)),
  cfloat: () => torch.tensor([1.5, -2]).cfloat(),
  cdouble: () => torch.tensor([1, 2]).cdouble(),
  'dim_order contiguous': () => torch.empty(2, 3, 5, 7).dimOrder(),
  'dim_order transposed': () => torch.empty(2, 3, 5, 7).transpose(1, 2).dimOrder(),
  'dim_order channels_last': () => torch.empty([2, 3, 5, 7], { memoryFormat: torch.channelsLast }).dimOrder(),
  'dim_order permuted 3d': () => torch.empty(2, 3, 4).permute(2, 0, 1).dimOrder(),
  'dim_order singleton': () => torch.empty(1, 2, 3, 4).dimOrder(),
  'dim_order singleton checked': () => torch.empty(1, 2, 3, 4).dimOrder({ ambiguityCheck: true }),
  'dim_order singleton formats': () => torch.empty(1, 2, 3, 4).dimOrder({ ambiguityCheck: [torch.contiguousFormat, torch.channelsLast] }),
  'dim_order expanded': () => torch.empty(3, 1).expand(3, 4).dimOrder(),
  'dim_order bad check': () => x().dimOrder({ ambiguityCheck: 'ILLEGAL' as unknown as boolean }),
  'dim_order sparse': () => x().toSparse().dimOrder(),
  'grad_dtype leaf': () => torch.ones(2, { requiresGrad: true }).gradDtype,
  'grad_dtype no grad': () => torch.ones(2).gradDtype,
  'grad_dtype non-leaf': () => torch.ones(2, { requiresGrad: true }).mul(2).gradDtype,
  'grad_dtype set': gradDtypeSet,
  'itemsize nbytes': () => [x(), xi(), torch.ones([3], { dtype: torch.float16 }), torch.ones([2, 2], { dtype: torch.complex128 }), torch.ones(0)].map((t) => [t.itemsize, t.nbytes]),
  'new sizes': () => [xi().new(2, 3).shape, xi().new(2, 3).dtype, xi().new().shape],
  'new data': () => xi().new([1.7, 2]),
  'new string': () => x().new('a' as unknown as number[]),
  'Tensor data': () => new torch.Tensor([1.5, 2]),
  'Tensor sizes': () => [torch.Tensor(2, 3).shape, new torch.Tensor(2, 3).dtype, new torch.Tensor().shape],
  'Tensor of tensor': () => torch.Tensor(torch.arange(3)),
  'Tensor ragged': () => new torch.Tensor([[1, 2], [3]]),
  'typed constructors': () => TYPED.map((n) => torch[n]([1, 0, 2])),
  'typed sizes': () => [torch.IntTensor(2, 2).shape, new torch.IntTensor(2, 2).dtype],
  'typed torch.Size': () => [torch.FloatTensor(new torch.Size([2, 3])).shape, torch.Tensor(new torch.Size([4])).shape, x().new(new torch.Size([1, 2])).shape],
  'typed device': () => [torch.FloatTensor(2, 3, { device: 'cpu' }).shape, torch.LongTensor([1, 2], { device: 'cpu' })],
  'typed wrong device': () => torch.FloatTensor(2, { device: 'meta' }),
  'new wrong device': () => x().new(2, { device: 'meta' }),
  'new of another dtype': () => x().new(torch.tensor([1, 2])),
  'type of a tensor type': () => {
    const t = x();
    return [t.type(torch.DoubleTensor), t.type(torch.FloatTensor) === t, t.type(torch.Tensor) === t, t.type('torch.Tensor') === t, t.double().type(torch.Tensor), xi().toSparse().type(torch.FloatTensor).type()];
  },
  isinstance: () => [x() instanceof torch.FloatTensor, x() instanceof torch.DoubleTensor, xi() instanceof torch.LongTensor, x().toSparse() instanceof torch.FloatTensor, x() instanceof torch.Tensor],
  set_default_tensor_type: defaultTensorType,
  'set_default_tensor_type int': () => torch.setDefaultTensorType(torch.IntTensor),
  'set_default_tensor_type cuda': () => torch.setDefaultTensorType('torch.cuda.FloatTensor'),
  'asarray list': () => [torch.asarray([1.5, 2]), torch.asarray([1, 2]), torch.asarray(3)],
  'asarray dtype': () => torch.asarray(torch.arange(3), { dtype: torch.float32 }),
  'asarray shares': () => {
    const a = torch.ones(3);
    return [torch.asarray(a).dataPtr() === a.dataPtr(), torch.asarray(a, { copy: true }).dataPtr() === a.dataPtr()];
  },
  'asarray copy false dtype': () => torch.asarray(torch.ones(3), { dtype: torch.float64, copy: false }),
  'asarray copy false list': () => torch.asarray([1, 2], { copy: false }),
  'asarray requires_grad': () => torch.asarray([1, 2], { dtype: torch.float32, requiresGrad: true }).requiresGrad,
  'untyped storage': () => {
    const t = x();
    return [t.untypedStorage().nbytes(), t.untypedStorage().size(), t.index(1).untypedStorage().nbytes(), t.untypedStorage().dataPtr() === t.dataPtr(), t.index(1).dataPtr() - t.dataPtr()];
  },
  'untyped storage bytes': () => torch.tensor([1, 258], { dtype: torch.int16 }).untypedStorage().tolist(),
  'UntypedStorage list': () => new torch.UntypedStorage([1, 2, 300]).tolist(),
  'UntypedStorage size': () => new torch.UntypedStorage(8).nbytes(),
  'storage set': storageSet,
  'storage index error': () => new torch.UntypedStorage([1, 2, 3]).get(5),
  'storage writes tensor': () => {
    const t = torch.zeros([2], { dtype: torch.uint8 });
    t.untypedStorage().set(0, 5);
    return t;
  },
  TypedStorage: () => {
    const s = new torch.TypedStorage([1, 2], { dtype: torch.float64 });
    return [s.size(), s.nbytes(), s.dtype, s.get(1), s.elementSize(), s.tolist()];
  },
  is_storage: () => [torch.isStorage(x().untypedStorage()), torch.isStorage(new torch.TypedStorage([1])), torch.isStorage(x()), x().untypedStorage() instanceof torch.StorageBase],
  'share_memory_': share,
  'share_memory_ empty': () => torch.empty(0).shareMemory_().isShared(),
  'data_ptr empty': () => torch.empty(0).dataPtr(),
  'post hook runs': postHookRun,
  'post hook sgd': postHookSgd,
  'post hook returns a value': postHookReturns,
  'post hook non-leaf': () => torch.ones(2, { requiresGrad: true }).mul(2).registerPostAccumulateGradHook(() => {}),
  'post hook no grad': () => torch.ones(2).registerPostAccumulateGradHook(() => {}),
  'volatile name': () => [x().volatile, x().name],
  'device flags': () => { const t = x(); return [t.isIpu, t.isMaia, t.isMkldnn, t.isMps, t.isMtia, t.isVulkan, t.isXla, t.isXpu]; },
  ipu: () => x().ipu(),
  xpu: () => x().xpu(),
  mtia: () => x().mtia(),
  'record_stream cpu': () => x().recordStream(new torch.Stream()),
  'to_sparse_coo': () => [x().toSparseCoo().layout === torch.sparseCoo, x().toSparseCoo().toDense()],
};

describe('Python-level Tensor members against PyTorch 2.13', () => {
  it('has a JS case for every fixture case', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(fixture.cases).sort());
  });
  for (const [name, expected] of Object.entries(fixture.cases)) {
    it(name, () => {
      const run = cases[name]!;
      if ((expected as PyError | null)?.$ === 'error') {
        const e = expected as PyError;
        let thrown: unknown;
        try {
          run();
        } catch (err) {
          thrown = err;
        }
        expect(thrown, `Python raised ${e.type}: ${e.message}`).toBeInstanceOf(Error);
        // The first words of Python's message, except where JS words the problem itself (messages differ).
        if (name === 'set_default_tensor_type cuda' && torch.version.cuda !== null)   // Python's message is a CPU build's
          expect((thrown as Error).message).toContain('is not supported; use torch.setDefaultDevice');
        else if (name === 'new of another dtype')  // Python prints both TensorOptions in full
          expect((thrown as Error).message).toBe('new: expected float32 tensor (got int64)');
        else if (!['NotImplementedError', 'ValueError'].includes(e.type) && !name.startsWith('new string') && !name.startsWith('mtia'))
          expect((thrown as Error).message).toContain(e.message.slice(0, 30));
        return;
      }
      expect(enc(run())).toEqual(expected);
    });
  }
});

describe('legacy constructors and storages', () => {
  it('torch.Tensor is the Tensor class for instanceof and the prototype', () => {
    const t = torch.ones(2);
    expect(t instanceof torch.Tensor).toBe(true);
    expect(Object.getPrototypeOf(t)).toBe(torch.Tensor.prototype);
    expect(torch.Tensor([1]) instanceof torch.Tensor).toBe(true);
  });
  it('a storage keeps its memory alive after the tensor is disposed, and writes reach the tensor', () => {
    const t = torch.tensor([1, 2, 3], { dtype: torch.uint8 });
    const view = t.index('1:');
    const s = t.untypedStorage();
    t.dispose();
    s.set(2, 9);
    expect(view.tolist()).toEqual([2, 9]);
    expect(s.tolist()).toEqual([1, 2, 9]);
  });
  it('shareMemory_ moves every view of the storage, keeping the values', () => {
    const t = torch.arange(4, { dtype: torch.float32 });
    const view = t.index('2:');
    t.shareMemory_();
    expect(view.isShared()).toBe(true);
    view.fill_(7);
    expect(t.tolist()).toEqual([0, 1, 7, 7]);
  });
  it('storage copy_, clone and TypedStorage.untyped share or copy bytes as Python', () => {
    const a = torch.tensor([1, 2, 3, 4], { dtype: torch.uint8 });
    const b = torch.zeros([4], { dtype: torch.uint8 });
    b.untypedStorage().copy_(a.untypedStorage());
    expect(b.tolist()).toEqual([1, 2, 3, 4]);
    const c = a.untypedStorage().clone();
    c.set(0, 9);
    expect([a.tolist(), c.tolist()]).toEqual([[1, 2, 3, 4], [9, 2, 3, 4]]);
    expect(() => b.untypedStorage().copy_(new torch.UntypedStorage(2))).toThrow(RangeError);
    const t = new torch.TypedStorage([1, 2], { dtype: torch.int16 });
    expect(t.untyped().tolist()).toEqual([1, 0, 2, 0]);
    expect(t.untyped().dataPtr()).toBe(t.dataPtr());
  });
  it('a storage made inside tidy() outlives the scope (it is not a tensor the scope owns)', () => {
    const s = torch.tidy(() => torch.arange(3, { dtype: torch.uint8 }).untypedStorage());
    expect(s.tolist()).toEqual([0, 1, 2]);
    const made = torch.tidy(() => new torch.UntypedStorage([5, 6]));
    expect(made.tolist()).toEqual([5, 6]);
  });
  it('bad arguments raise TypeErrors naming the function', () => {
    expect(() => torch.Tensor('a' as unknown as number[])).toThrow(/Tensor: data must be a sequence/);
    expect(() => torch.FloatTensor(2.5)).toThrow(TypeError);
    expect(() => x().apply_(5 as unknown as () => number)).toThrow(/apply_: fn must be a function/);
    expect(() => x().clone().apply_(() => 'a' as unknown as number)).toThrow(/apply_: fn must return/);
    expect(() => new torch.UntypedStorage(-1)).toThrow(RangeError);
    expect(() => torch.setDefaultTensorType(5 as unknown as string)).toThrow(TypeError);
    expect(() => torch.asarray([1], { copy: 'yes' as unknown as boolean })).toThrow(/asarray: copy/);
    expect(() => x().registerPostAccumulateGradHook(5 as unknown as () => void)).toThrow(/hook must be a function/);
  });
  it('asarray shares a TypedArray with the tensor it returns', () => {
    const data = new Float32Array([1, 2, 3]);
    const t = torch.asarray(data);
    data[0] = 7;
    expect(t.tolist()).toEqual([7, 2, 3]);
    expect(torch.asarray(data, { dtype: torch.float64 }).tolist()).toEqual([7, 2, 3]);
  });
  it('frombuffer tensors refuse shareMemory_ (their memory is the ArrayBuffer)', () => {
    const t = torch.frombuffer(new Float32Array([1, 2]));
    expect(() => t.shareMemory_()).toThrow(/frombuffer/);
    expect(t.isShared()).toBe(false);
  });
  it('a post-accumulate-grad hook returning another value fails backward, as Python', () => {
    const v = torch.ones(2, { requiresGrad: true });
    v.registerPostAccumulateGradHook((p) => p.detach() as unknown as void);
    expect(() => v.sum().backward()).toThrow(/should return None/);
  });
  it('a post-accumulate-grad hook may return a non-Tensor (a JS arrow body such as seen.push(...))', () => {
    const seen: number[] = [];
    const v = torch.ones(2, { requiresGrad: true });
    v.registerPostAccumulateGradHook((p) => void seen.push(p.grad!.sum().item()));
    v.registerPostAccumulateGradHook(((p: Tensor) => seen.push(p.grad!.numel())) as unknown as (p: Tensor) => void);
    v.mul(3).sum().backward();
    expect(seen).toEqual([6, 2]);
  });
  it('a hook that throws fails backward with its error', () => {
    const v = torch.ones(2, { requiresGrad: true });
    v.registerPostAccumulateGradHook(() => {
      throw new RangeError('from the hook');
    });
    expect(() => v.sum().backward()).toThrow(/from the hook/);
  });

  it('a post-accumulate-grad hook gets the tensor it was registered on (optimizer-in-backward keys optimizers by Parameter)', () => {
    // PyTorch's tutorial pattern; Python 2.13 (checked by hand): `t is p` and isinstance(t, Parameter) in
    // every call, 4 steps taken, bias after the second backward [-0.8114391565322876, -0.3422250747680664].
    torch.manualSeed(0);
    const lin = new torch.nn.Linear(3, 2);
    const optimizers = new Map(lin.parameters().map((p) => [p as Tensor, new torch.optim.SGD([p], { lr: 0.1 })]));
    const seen: boolean[] = [];
    for (const p of lin.parameters())
      p.registerPostAccumulateGradHook((t) => {
        seen.push(t === p && t instanceof torch.nn.Parameter);
        optimizers.get(t)?.step();
        optimizers.get(t)?.zeroGrad();
      });
    for (let i = 0; i < 2; i++) lin.call(torch.ones(4, 3)).sum().backward();
    expect(seen).toEqual([true, true, true, true]);
    expect(lin.bias!.tolist()).toEqual([-0.8114391565322876, -0.3422250747680664]);
    // a disposed registrant: the hook still runs, on a fresh wrapper of the same tensor
    const v = torch.ones(2, { requiresGrad: true });
    const y = v.mul(2);
    const got: number[][] = [];
    v.registerPostAccumulateGradHook((t) => void got.push(t.grad!.tolist() as number[]));
    v.dispose();
    y.sum().backward();
    expect(got).toEqual([[2, 2]]);
  });
});


// b = torch.arange(3.).requires_grad_()
// c = torch.asarray(b, copy=True, requires_grad=False); d = torch.asarray(b, dtype=torch.float64, requires_grad=False)
//   -> c.requires_grad False, c.grad_fn None; d the same
// torch.asarray(b * 2, requires_grad=False) -> a new tensor, requires_grad False, grad_fn None (b * 2 keeps its graph)
// e = torch.asarray(b, requires_grad=False) -> e is b True, and b.requires_grad is now False
// torch.asarray(b) with requires_grad left out (b requiring grad) warns once: 'torch.asarray: unspecified requires_grad now
//   defaults to obj.requires_grad instead of False. Pass requires_grad=False explicitly to get the old behavior and silence this warning.'
describe('torch.asarray requiresGrad', () => {
  it('false detaches a copy or a tensor with a graph, and clears a shared leaf\'s flag, as Python 2.13', () => {
    const b = torch.arange(3, { dtype: torch.float32 }).requiresGrad_();
    const c = torch.asarray(b, { copy: true, requiresGrad: false });
    const d = torch.asarray(b, { dtype: torch.float64, requiresGrad: false });
    expect([c.requiresGrad, c.gradFn, d.requiresGrad, d.gradFn]).toEqual([false, null, false, null]);
    const nl = b.mul(2);
    const r = torch.asarray(nl, { requiresGrad: false });
    expect([r === nl, r.requiresGrad, r.gradFn, nl.requiresGrad]).toEqual([false, false, null, true]);
    const e = torch.asarray(b, { requiresGrad: false });
    expect([e === b, b.requiresGrad]).toEqual([true, false]);
  });
});

// s = torch.UntypedStorage(2); s[0] = 300; s[1] = -1; s.tolist()  -> [44, 255]
// s.fill_(-2); s.tolist() -> [254, 254];  s[0] = True -> [1, 254];  s.fill_(2**40) -> [0, 0]
// s[0] = 1.5 -> RuntimeError: can only set storage content with a int types, but got float instead
// s.fill_(1.5) -> RuntimeError: fill_ expects int, but got float
describe('UntypedStorage writes', () => {
  it('keep the low byte of an integer and refuse a float, as Python 2.13', () => {
    const s = new torch.UntypedStorage(2);
    s.set(0, 300);
    s.set(1, -1);
    expect(s.tolist()).toEqual([44, 255]);
    s.fill_(-2);
    expect(s.tolist()).toEqual([254, 254]);
    s.set(0, true);
    expect(s.tolist()).toEqual([1, 254]);
    s.fill_(2 ** 40);
    expect(s.tolist()).toEqual([0, 0]);
    expect(() => s.set(0, 1.5)).toThrow('can only set storage content with a int types, but got float instead');
    expect(() => s.fill_(1.5)).toThrow('fill_ expects int, but got float');
    expect(s.tolist()).toEqual([0, 0]);
  });
});

// x = torch.arange(6.)
// torch.empty(0).set_(x.untyped_storage()) -> tensor([0., 1., 2., 3., 4., 5.])
// torch.empty(0).set_(x.untyped_storage(), 2, (2,), (1,)) -> tensor([2., 3.]); without the stride the same
// torch.empty(0, dtype=torch.float64).set_(x.untyped_storage()).tolist() -> [0.0078125, 32.00000762939453, 2048.0004920959473]
// torch.empty(0, dtype=torch.int64).set_(x.storage())
//   -> RuntimeError: Expected a Storage of type long int or an UntypedStorage, but got type Float for argument 1 'storage'
// s = x.storage() -> TypedStorage, s.dtype torch.float32, s.size() 6, s[2] 2.0 (and the TypedStorage deprecation warning)
// torch.empty(0).set_(x.storage(), 1, (3,)) -> tensor([1., 2., 3.]);  u = x.untyped_storage(): u.untyped() is u, u.cpu() is u
// torch.empty(0).set_(torch.UntypedStorage(7)).shape -> torch.Size([1])
describe('set_ with a storage, x.storage()', () => {
  it('as Python 2.13', () => {
    const x = torch.arange(6, { dtype: torch.float32 });
    expect(torch.empty(0).set_(x.untypedStorage()).tolist()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(torch.empty(0).set_(x.untypedStorage(), 2, [2], [1]).tolist()).toEqual([2, 3]);
    expect(torch.empty(0).set_(x.untypedStorage(), 2, [2]).tolist()).toEqual([2, 3]);
    expect(torch.empty(0, { dtype: torch.float64 }).set_(x.untypedStorage()).tolist()).toEqual([0.0078125, 32.00000762939453, 2048.0004920959473]);
    const s = x.storage();
    expect([s instanceof torch.TypedStorage, s.dtype, s.size(), s.get(2)]).toEqual([true, torch.float32, 6, 2]);
    expect(() => torch.empty(0, { dtype: torch.int64 }).set_(s)).toThrow(/Expected a Storage of type torch.int64 or an UntypedStorage, but got type torch.float32/);
    expect(torch.empty(0).set_(s, 1, [3]).tolist()).toEqual([1, 2, 3]);
    const u = x.untypedStorage();
    expect([u.untyped() === u, u.cpu() === u]).toEqual([true, true]);
    expect(torch.empty(0).set_(new torch.UntypedStorage(7)).shape).toEqual([1]);
    const shared = torch.empty(0).set_(x.untypedStorage());
    shared.fill_(9);
    expect(x.tolist()).toEqual([9, 9, 9, 9, 9, 9]); // the same memory
  });

  // Python 2.13: base = torch.zeros(4); s = base.untyped_storage(); ts = base.storage(); base.resize_(100)
  // s.nbytes(), s.size(), ts.size(), ts.nbytes() → 400 400 100 400; base.fill_(1.5); s[20], ts[30] → 0 1.5
  // u = torch.zeros(4).untyped_storage(); torch.empty(0).set_(u, 0, [100]); u.nbytes() → 400
  it('a storage object reads its size live: tensors on it may grow it', () => {
    const base = torch.zeros(4);
    const s = base.untypedStorage();
    const ts = base.storage();
    base.resize_(100);
    expect([s.nbytes(), s.size(), ts.size(), ts.nbytes()]).toEqual([400, 400, 100, 400]);
    base.fill_(1.5);
    expect([s.get(20), ts.get(30)]).toEqual([0, 1.5]);
    const u = torch.zeros(4).untypedStorage();
    torch.empty(0).set_(u, 0, [100]);
    expect(u.nbytes()).toBe(400);
  });
});
