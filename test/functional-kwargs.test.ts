// The hand-written wrappers of torch/functional.py, torch/_lowrank.py and torch/_lobpcg.py: every parameter
// Python binds by keyword is accepted in the options object (the first ones and the input included), out=
// where Python takes it, and the low-rank/lobpcg ports free their temporaries at once. Python torch 2.13's
// code and output are quoted above each expectation.
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';
import { native } from '../lib/native.js';
import { liveTensors } from './run-child.js';

const f64 = { dtype: torch.float64 };

describe('required arguments by keyword, as Python 2.13', () => {
  it('cdist takes x2 (and x1) in the options object', () => {
    const x = torch.arange(9, f64).reshape(3, 3);
    // torch.cdist(x, x2=x, p=1.0).tolist(), .dtype -> [[0.0, 9.0, 18.0], [9.0, 0.0, 9.0], [18.0, 9.0, 0.0]] torch.float64
    const d = torch.cdist(x, { x2: x, p: 1.0 });
    expect(d.dtype).toBe(torch.float64);
    expect(d.tolist()).toEqual([[0, 9, 18], [9, 0, 9], [18, 9, 0]]);
    // torch.cdist(x1=x, x2=x.flip(0), compute_mode='donot_use_mm_for_euclid_dist').tolist()
    // -> [[10.392304845413264, 5.196152422706632, 0.0], [5.196152422706632, 0.0, 5.196152422706632], [0.0, 5.196152422706632, 10.392304845413264]]
    expect(torch.cdist({ x1: x, x2: x.flip(0), computeMode: 'donot_use_mm_for_euclid_dist' }).tolist()).toEqual([
      [10.392304845413264, 5.196152422706632, 0.0],
      [5.196152422706632, 0.0, 5.196152422706632],
      [0.0, 5.196152422706632, 10.392304845413264],
    ]);
    // torch.cdist(x) -> TypeError: cdist() missing 1 required positional argument: 'x2'
    expect(() => (torch.cdist as (...a: unknown[]) => unknown)(x)).toThrow(/^cdist\(\) missing required argument 'x2'/);
    expect(() => torch.cdist(x, x, { x2: x } as never)).toThrow(/^cdist\(\) got multiple values for argument 'x2'/);
  });

  it('tensordot takes b (and a) in the options object', () => {
    const a = torch.arange(12, f64).reshape(3, 4);
    const b = torch.arange(12, f64).reshape(4, 3);
    // torch.tensordot(a, b=b, dims=1).tolist() -> [[42.0, 48.0, 54.0], [114.0, 136.0, 158.0], [186.0, 224.0, 262.0]]
    expect(torch.tensordot(a, { b, dims: 1 }).tolist()).toEqual([[42, 48, 54], [114, 136, 158], [186, 224, 262]]);
    // torch.tensordot(a=a, b=b.t(), dims=2).tolist() -> 440.0
    expect(torch.tensordot({ a, b: b.t(), dims: 2 }).item()).toBe(440);
  });

  it('unravelIndex takes shape (and indices) in the options object', () => {
    // torch.unravel_index(torch.tensor([5, 7]), shape=(3, 4)) -> (tensor([1, 1]), tensor([1, 3]))
    expect(torch.unravelIndex(torch.tensor([5, 7]), { shape: [3, 4] }).map((t) => t.tolist())).toEqual([[1, 1], [1, 3]]);
    // torch.unravel_index(indices=torch.tensor([5, 7]), shape=(3, 4)) -> the same
    expect(torch.unravelIndex({ indices: torch.tensor([5, 7]), shape: [3, 4] }).map((t) => t.tolist())).toEqual([[1, 1], [1, 3]]);
  });

  it('split takes the tensor in the options object too', () => {
    const a = torch.arange(12, f64).reshape(3, 4);
    // torch.split(tensor=a, split_size_or_sections=[1, 3], dim=1) -> [[[0.], [4.], [8.]], [[1., 2., 3.], [5., 6., 7.], [9., 10., 11.]]]
    expect(torch.split({ tensor: a, splitSizeOrSections: [1, 3], dim: 1 }).map((t) => t.tolist())).toEqual([
      [[0], [4], [8]],
      [[1, 2, 3], [5, 6, 7], [9, 10, 11]],
    ]);
  });

  it('nonzero, lu, svdLowrank, pcaLowrank and getApproximateBasis take their input in the options object', () => {
    // torch.nonzero(input=torch.tensor([[1, 0], [0, 3]]), as_tuple=True) -> (tensor([0, 1]), tensor([0, 1]))
    expect(torch.nonzero({ input: torch.tensor([[1, 0], [0, 3]]), asTuple: true }).map((t) => t.tolist())).toEqual([[0, 1], [0, 1]]);
    // torch.lu(A=torch.tensor([[2., 1.], [4., 3.]])) -> ([[4.0, 3.0], [0.5, -0.5]], [2, 2])
    expect(torch.lu({ A: torch.tensor([[2, 1], [4, 3]], { dtype: torch.float32 }) }).map((t) => t.tolist())).toEqual([[[4, 3], [0.5, -0.5]], [2, 2]]);
    const A = torch.arange(20, f64).reshape(4, 5).sin();
    // torch.manual_seed(0); torch.svd_lowrank(A=A, q=2)[1].tolist() -> [2.2157175271875325, 2.1340696824860435]
    torch.manualSeed(0);
    expect(torch.svdLowrank({ A, q: 2 })[1].tolist()).toEqual([2.2157175271875325, 2.1340696824860435]);
    // torch.manual_seed(0); torch.pca_lowrank(A=A, q=2)[1].tolist() -> [2.1966587600486007, 2.0013812380496336]
    torch.manualSeed(0);
    expect(torch.pcaLowrank({ A, q: 2 })[1].tolist()).toEqual([2.1966587600486007, 2.0013812380496336]);
    // torch.manual_seed(0); torch._lowrank.get_approximate_basis(A=A, q=2).tolist()
    torch.manualSeed(0);
    expect(torch.getApproximateBasis({ A, q: 2 }).tolist()).toEqual([
      [-0.6091186779912905, 0.25132360699359996],
      [-0.34816502887324874, -0.66677731917002],
      [0.41159617200718457, -0.6296026301397584],
      [0.5816735682329606, 0.30958840309234187],
    ]);
  });
});

describe('out= as Python 2.13', () => {
  it('nonzero writes into out and returns it', () => {
    // o = torch.empty(0, dtype=torch.int64); r = torch.nonzero(torch.tensor([1, 0, 2]), out=o)
    // r is o, o.tolist(), o.dtype -> True [[0], [2]] torch.int64
    const o = torch.empty(0, { dtype: torch.int64 });
    const r = torch.nonzero(torch.tensor([1, 0, 2]), { out: o });
    expect(r).toBe(o);
    expect(o.dtype).toBe(torch.int64);
    expect(o.tolist()).toEqual([[0], [2]]);
    // torch.nonzero(t, out=o, as_tuple=True) -> RuntimeError: nonzero does not support the out kwarg when as_tuple is True
    expect(() => torch.nonzero(torch.tensor([1, 0, 2]), { out: o, asTuple: true } as never)).toThrow('nonzero does not support the out kwarg when as_tuple is True');
    // x.nonzero(out=o) -> TypeError (Tensor.nonzero has no out)
    expect(() => torch.tensor([1, 0, 2]).nonzero({ out: o } as never)).toThrow(/^nonzero: unexpected option 'out'/);
  });

  it('lu copies its results into out\'s tensors (resize_as_ then copy_) and returns out', () => {
    const A = torch.tensor([[2, 1], [4, 3]], { dtype: torch.float32 });
    // out = [torch.empty(0), torch.empty(0, dtype=torch.int32)]; r = torch.lu(A, out=out)
    // r is out, [t.tolist() for t in out], dtypes -> True [[[4.0, 3.0], [0.5, -0.5]], [2, 2]] [torch.float32, torch.int32]
    const out = [torch.empty(0), torch.empty(0, { dtype: torch.int32 })] as [torch.Tensor, torch.Tensor];
    expect(torch.lu(A, { out })).toBe(out);
    expect(out.map((t) => t.tolist())).toEqual([[[4, 3], [0.5, -0.5]], [2, 2]]);
    expect(out.map((t) => t.dtype)).toEqual([torch.float32, torch.int32]);
    // out3 = (torch.empty(0, dtype=torch.float64), torch.empty(0, dtype=torch.int64), torch.empty(0, dtype=torch.int32))
    // torch.lu(A, True, True, out3) is out3, values, dtypes -> True [[[4.0, 3.0], [0.5, -0.5]], [2, 2], 0] [torch.float64, torch.int64, torch.int32]
    const out3 = [torch.empty(0, f64), torch.empty(0, { dtype: torch.int64 }), torch.empty(0, { dtype: torch.int32 })] as [torch.Tensor, torch.Tensor, torch.Tensor];
    expect(torch.lu(A, true, true, { out: out3 })).toBe(out3);
    expect(out3.map((t) => t.tolist())).toEqual([[[4, 3], [0.5, -0.5]], [2, 2], 0]);
    expect(out3.map((t) => t.dtype)).toEqual([torch.float64, torch.int64, torch.int32]);
    // torch.lu(A, get_infos=True, out=out) -> TypeError: expected tuple of 3 elements but got 2
    const before = native.handleStats().tensors;
    expect(() => torch.lu(A, { getInfos: true, out } as never)).toThrow(/^lu: expected tuple of 3 elements but got 2/);
    expect(native.handleStats().tensors).toBe(before);
    // torch.eye(3).lu(out=out) -> TypeError: Tensor.lu() got an unexpected keyword argument 'out'
    expect(() => A.lu({ out } as never)).toThrow(/^lu: unexpected option 'out'/);
  });
});

describe('the low-rank and lobpcg ports free their temporaries at once', () => {
  // Python frees them by reference counting: nothing is left for the GC after the results are dropped.
  const leftAfter = (run: () => torch.Tensor[]): number => {
    const before = liveTensors(torch);
    for (let k = 0; k < 3; k++) for (const t of run()) t.dispose();
    return native.handleStats().tensors - before;
  };

  it('pcaLowrank, svdLowrank and getApproximateBasis', () => {
    const x = torch.randn([7, 5], f64);
    const wide = torch.randn([5, 9]);
    const sparse = x.toSparse();
    const means = wide.mean(0, true);
    expect(leftAfter(() => torch.pcaLowrank(x, { q: 2 }))).toBe(0);
    expect(leftAfter(() => torch.pcaLowrank(x, 3, false, 1))).toBe(0);
    expect(leftAfter(() => torch.pcaLowrank(sparse, { q: 2 }))).toBe(0);
    expect(leftAfter(() => torch.svdLowrank(wide, 2, 3, means))).toBe(0);
    expect(leftAfter(() => [torch.getApproximateBasis(x, 2)])).toBe(0);
  });

  it('lobpcg, batched and with a tracker', () => {
    torch.manualSeed(0);
    const R = torch.randn([12, 12], f64);
    const A = R.matmul(R.mT).add(torch.eye(12, f64));
    const batch = torch.stack([A, A.mul(2)]);
    expect(leftAfter(() => torch.lobpcg(A, { k: 1 }))).toBe(0);
    expect(leftAfter(() => torch.lobpcg(A, { k: 2, method: 'basic' }))).toBe(0);
    expect(leftAfter(() => torch.lobpcg(batch, { k: 2 }))).toBe(0);
    // what a tracker makes is its own: the copies it keeps stay valid
    const kept: torch.Tensor[] = [];
    const [E] = torch.lobpcg(A, { k: 1, tracker: (worker: torch.LobpcgWorker) => void kept.push(worker.E.clone()) });
    expect(kept.length).toBeGreaterThan(1);
    expect(kept.at(-1)!.narrow(0, 0, 1).tolist()).toEqual(E!.tolist());
  });
});
