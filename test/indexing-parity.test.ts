// Tensor indexing against Python torch 2.13: every expected value below was printed by Python 2.13
// (the expression and its output are quoted above each check).
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';
import { native } from '../lib/native.js';
import { warningsOf } from './warnings-of.js';

type Item = Parameters<torch.Tensor['index']>[number];
// Items Python takes that the IndexItem typing does not spell (tensors, null or slices inside an array).
const item = (v: unknown): Item => v as Item;
const long = { dtype: torch.int64 };
const x3 = (): torch.Tensor => torch.arange(24).reshape(2, 3, 4);
const x4 = (): torch.Tensor => torch.arange(120).reshape(2, 3, 4, 5);
const SEQUENCE_AS_TUPLE =
  'Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. ' +
  'In pytorch 2.9 this will be interpreted as tensor index, x[torch.tensor(seq)], which will result either in an error or a different result';
const TRUNCATING = 'Truncating the start/stop/step of slice. This is likely because of saved old models when the start/stop/step were larger.';

describe('indexing parity with Python 2.13', () => {
  it('an array item takes one-element integer tensors as elements', () => {
    const x = x3();
    const t = (v: number | boolean, o = {}): torch.Tensor => torch.tensor(v, o);
    // x[:, [torch.tensor(0), torch.tensor(2)]]  ->  shape [2, 2, 4], [[[0, 1, 2, 3], [8, 9, 10, 11]], [[12, 13, 14, 15], [20, 21, 22, 23]]]
    const a = x.index(':', item([t(0), t(2)]));
    expect(a.shape).toEqual([2, 2, 4]);
    expect(a.tolist()).toEqual([[[0, 1, 2, 3], [8, 9, 10, 11]], [[12, 13, 14, 15], [20, 21, 22, 23]]]);
    // x[:, [torch.tensor(0), 2]][0]  ->  [[0, 1, 2, 3], [8, 9, 10, 11]]
    expect(x.index(':', item([t(0), 2])).index(0).tolist()).toEqual([[0, 1, 2, 3], [8, 9, 10, 11]]);
    // x[:, [[torch.tensor(0)], [2]]].shape  ->  torch.Size([2, 2, 1, 4])
    expect(x.index(':', item([[t(0)], [2]])).shape).toEqual([2, 2, 1, 4]);
    // x[:, [torch.tensor(True), torch.tensor(False), torch.tensor(True)]][0]  ->  [[0, 1, 2, 3], [8, 9, 10, 11]]  (a mask)
    expect(x.index(':', item([t(true), t(false), t(true)])).index(0).tolist()).toEqual([[0, 1, 2, 3], [8, 9, 10, 11]]);
    // x[:, [torch.tensor(1, dtype=torch.int32), 0]][:, :, 0]  ->  [[4, 0], [16, 12]]
    expect(x.index(':', item([t(1, { dtype: torch.int32 }), 0])).index(':', ':', 0).tolist()).toEqual([[4, 0], [16, 12]]);
    // x[:, [torch.tensor(1.5), 0]]  ->  TypeError: only integer tensors of a single element can be converted to an index
    expect(() => x.index(':', item([torch.tensor(1.5), 0]))).toThrow(new TypeError('index: only integer tensors of a single element can be converted to an index'));
    // x[:, [torch.tensor([0, 1]), 2]]  ->  TypeError: only integer tensors of a single element can be converted to an index
    expect(() => x.index(':', item([torch.tensor([0, 1]), 2]))).toThrow(new TypeError('index: only integer tensors of a single element can be converted to an index'));
    // y = torch.zeros(2, 3, dtype=torch.long); y[:, [torch.tensor(0), torch.tensor(2)]] = 9; y  ->  [[9, 0, 9], [9, 0, 9]]
    const y = torch.zeros(2, 3, long);
    y.indexPut_([':', item([t(0), t(2)])], 9);
    expect(y.tolist()).toEqual([[9, 0, 9], [9, 0, 9]]);
  });

  it('a TypedArray item is a NumPy array: any dtype but uint8 indexes as int64, fractions truncated', () => {
    const x = x3();
    const rows = (idx: Item): unknown => x.index(idx).index(':', 0, 0).tolist();
    // x[np.array([1, 0], dtype=np.int8)][:, 0, 0]  ->  [12, 0]
    expect(rows(new Int8Array([1, 0]))).toEqual([12, 0]);
    // x[np.array([-1, 0], dtype=np.int16)][:, 0, 0]  ->  [12, 0]
    expect(rows(new Int16Array([-1, 0]))).toEqual([12, 0]);
    // x[np.array([1, 0], dtype=np.uint16)][:, 0, 0]  ->  [12, 0]
    expect(rows(new Uint16Array([1, 0]))).toEqual([12, 0]);
    // x[np.array([1, 0], dtype=np.uint32)][:, 0, 0]  ->  [12, 0]
    expect(rows(new Uint32Array([1, 0]))).toEqual([12, 0]);
    // x[np.array([1.9, 0.5], dtype=np.float32)][:, 0, 0]  ->  [12, 0]
    expect(rows(new Float32Array([1.9, 0.5]))).toEqual([12, 0]);
    // x[np.array([1.7, 0.2])][:, 0, 0]  ->  [12, 0]
    expect(rows(new Float64Array([1.7, 0.2]))).toEqual([12, 0]);
    // torch.arange(5)[np.array([-1.7, 2.9])]  ->  [4, 2]  (truncated toward zero: [-1, 2])
    expect(torch.arange(5).index(new Float64Array([-1.7, 2.9])).tolist()).toEqual([4, 2]);
    // x[:, np.array([2, 0], dtype=np.int8)][0, :, 0]  ->  [8, 0]
    expect(x.index(':', new Int8Array([2, 0])).index(0, ':', 0).tolist()).toEqual([8, 0]);
    // y = torch.zeros(3, dtype=torch.long); y[np.array([1.9], dtype=np.float32)] = 9; y  ->  [0, 9, 0]
    const y = torch.zeros(3, long);
    y.indexPut_([new Float32Array([1.9])], 9);
    expect(y.tolist()).toEqual([0, 9, 0]);
  });

  it("a lone array holding an array, tensor, TypedArray, slice, '...' or null is read as the items, with Python's warning", () => {
    const x = x4();
    let r: torch.Tensor | undefined;
    // x4[[[0, 1], [1, 0]]][:, :, 0]  ->  [[20, 25, 30, 35], [60, 65, 70, 75]]   (UserWarning: Using a non-tuple sequence ...)
    expect(warningsOf(() => (r = x.index([[0, 1], [1, 0]])))).toEqual([['UserWarning', SEQUENCE_AS_TUPLE]]);
    expect(r!.shape).toEqual([2, 4, 5]);
    expect(r!.index(':', ':', 0).tolist()).toEqual([[20, 25, 30, 35], [60, 65, 70, 75]]);
    // x4[[0, None]].shape  ->  torch.Size([1, 3, 4, 5])   (the same warning)
    expect(warningsOf(() => (r = x.index(item([0, null]))))).toEqual([['UserWarning', SEQUENCE_AS_TUPLE]]);
    expect(r!.shape).toEqual([1, 3, 4, 5]);
    // x4[[[0, 1], [1]]][:, :, 0]  ->  [[20, 25, 30, 35], [80, 85, 90, 95]]
    expect(x.index([[0, 1], [1]]).index(':', ':', 0).tolist()).toEqual([[20, 25, 30, 35], [80, 85, 90, 95]]);
    // x4[[0, slice(1, 3)]].shape  ->  torch.Size([2, 4, 5])
    expect(x.index(item([0, '1:3'])).shape).toEqual([2, 4, 5]);
    // x4[[0, ...]].shape  ->  torch.Size([3, 4, 5]);  x4[[..., 0]].shape  ->  torch.Size([2, 3, 4])
    expect(x.index(item([0, '...'])).shape).toEqual([3, 4, 5]);
    expect(x.index(item(['...', 0])).shape).toEqual([2, 3, 4]);
    // x4[[torch.tensor(0), torch.tensor(1)]].shape  ->  torch.Size([4, 5])  (x4[t0, t1])
    expect(x.index(item([torch.tensor(0), torch.tensor(1)])).shape).toEqual([4, 5]);
    // x4[[torch.tensor([0, 1]), torch.tensor([1, 0])]].shape  ->  torch.Size([2, 4, 5])
    expect(x.index(item([torch.tensor([0, 1]), torch.tensor([1, 0])])).shape).toEqual([2, 4, 5]);
    // x4[[np.array([0, 1], dtype=np.int32), 0]].shape  ->  torch.Size([2, 4, 5])
    expect(x.index(item([new Int32Array([0, 1]), 0])).shape).toEqual([2, 4, 5]);
    // x4[[0, 1]].shape  ->  torch.Size([2, 3, 4, 5])  (numbers only: one index tensor, no warning)
    expect(warningsOf(() => (r = x.index([0, 1])))).toEqual([]);
    expect(r!.shape).toEqual([2, 3, 4, 5]);
    // x4[[[0]] + [0] * 30]  ->  IndexError: too many indices for tensor of dimension 4  (31 items, read as a tuple)
    expect(() => x.index([[0], ...Array<number>(30).fill(0)])).toThrow(new RangeError('index: too many indices for tensor of dimension 4'));
    // setitem reads it the same way:
    // y = x.clone(); y[[[0, 1], [1, 0]]] = 5; y[0]  ->  [[0, 1, 2, 3], [5, 5, 5, 5], [8, 9, 10, 11]]   (the same warning)
    const y = x3();
    expect(warningsOf(() => y.indexPut_([[[0, 1], [1, 0]]], 5))).toEqual([['UserWarning', SEQUENCE_AS_TUPLE]]);
    expect(y.index(0).tolist()).toEqual([[0, 1, 2, 3], [5, 5, 5, 5], [8, 9, 10, 11]]);
    // y = x.clone(); y[[0, None]] = 5; y[0, 0]  ->  [5, 5, 5, 5]
    const z = x3();
    z.indexPut_([item([0, null])], 5);
    expect(z.index(0, 0).tolist()).toEqual([5, 5, 5, 5]);
  });

  it('slice bounds of any size clamp as in Python', () => {
    const x = x4();
    // x4[1:99999999999999999999].shape  ->  torch.Size([1, 3, 4, 5])
    expect(x.index('1:99999999999999999999').shape).toEqual([1, 3, 4, 5]);
    // x4[1:2**63-1].shape  ->  torch.Size([1, 3, 4, 5])
    expect(x.index('1:9223372036854775807').shape).toEqual([1, 3, 4, 5]);
    // x4[99999999999999999999:].shape  ->  torch.Size([0, 3, 4, 5])
    expect(x.index('99999999999999999999:').shape).toEqual([0, 3, 4, 5]);
    // x4[:, 1:2**53+1].shape  ->  torch.Size([2, 2, 4, 5])
    expect(x.index(':', '1:9007199254740993').shape).toEqual([2, 2, 4, 5]);
    // x4[::2**62].shape  ->  torch.Size([1, 3, 4, 5])
    expect(x.index('::4611686018427387904').shape).toEqual([1, 3, 4, 5]);
    let r: torch.Tensor | undefined;
    // x4[-99999999999999999999:1].shape  ->  torch.Size([1, 3, 4, 5])   (UserWarning: Truncating the start/stop/step of slice. ...)
    expect(warningsOf(() => (r = x.index('-99999999999999999999:1')))).toEqual([['UserWarning', TRUNCATING]]);
    expect(r!.shape).toEqual([1, 3, 4, 5]);
    // x4[:, :-2**70].shape  ->  torch.Size([2, 0, 4, 5])   (the same warning)
    expect(warningsOf(() => (r = x.index(':', ':-1180591620717411303424')))).toEqual([['UserWarning', TRUNCATING]]);
    expect(r!.shape).toEqual([2, 0, 4, 5]);
    // x4[:, -2**62-1:2].shape  ->  torch.Size([2, 2, 4, 5])   (the same warning)
    expect(warningsOf(() => (r = x.index(':', '-4611686018427387905:2')))).toEqual([['UserWarning', TRUNCATING]]);
    expect(r!.shape).toEqual([2, 2, 4, 5]);
  });

  it("takes several '...' as Python does", () => {
    const x = x4();
    // torch.equal(x4[..., 1, ...], x4[..., 1])  ->  True
    expect(torch.equal(x.index('...', 1, '...'), x.index('...', 1))).toBe(true);
    // x4[..., None, ...].shape  ->  torch.Size([2, 3, 4, 5, 1])
    expect(x.index('...', null, '...').shape).toEqual([2, 3, 4, 5, 1]);
    // x4[0, ..., 1, ...].shape  ->  torch.Size([3, 4])
    expect(x.index(0, '...', 1, '...').shape).toEqual([3, 4]);
    // x4[..., ..., ...].shape  ->  torch.Size([2, 3, 4, 5])
    expect(x.index('...', '...', '...').shape).toEqual([2, 3, 4, 5]);
    // x4[..., [0, 1], ...].shape  ->  torch.Size([2, 3, 4, 2])
    expect(x.index('...', [0, 1], '...').shape).toEqual([2, 3, 4, 2]);
    // x4[0, 1, 2, 3, ..., ...]  ->  tensor(33)
    expect(x.index(0, 1, 2, 3, '...', '...').item()).toBe(33);
    // x4[..., 0, ..., 1]  ->  IndexError: index 1 is out of bounds for dimension 3 with size 0
    expect(() => x.index('...', 0, '...', 1)).toThrow(new RangeError('index: index 1 is out of bounds for dimension 3 with size 0'));
  });

  it('a lone slice is a slice view (SliceBackward0), and a 0-d tensor refuses it as Python does', () => {
    const a = torch.arange(6, { dtype: torch.float32 }).requiresGrad_();
    const b = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3).detach().requiresGrad_();
    // torch.arange(6.).requires_grad_()[:].grad_fn.name()  ->  'SliceBackward0'
    expect(a.index(':').gradFn!.name()).toBe('SliceBackward0');
    // torch.arange(6.).requires_grad_()[0:3].grad_fn.name()  ->  'SliceBackward0'
    expect(a.index('0:3').gradFn!.name()).toBe('SliceBackward0');
    // torch.arange(6.).requires_grad_()[0:6].grad_fn.name()  ->  'SliceBackward0'
    expect(a.index('0:6').gradFn!.name()).toBe('SliceBackward0');
    // torch.arange(6.).reshape(2, 3).requires_grad_()[:].grad_fn.name()  ->  'SliceBackward0'
    expect(b.index(':').gradFn!.name()).toBe('SliceBackward0');
    // torch.arange(6.).reshape(2, 3).requires_grad_()[:, :].grad_fn.name()  ->  'AliasBackward0'
    expect(b.index(':', ':').gradFn!.name()).toBe('AliasBackward0');
    // torch.tensor(5)[:]  ->  IndexError: slice() cannot be applied to a 0-dim tensor.
    expect(() => torch.tensor(5).index(':')).toThrow(new RangeError('index: slice() cannot be applied to a 0-dim tensor.'));
    // torch.tensor(5)[1:3]  ->  IndexError: slice() cannot be applied to a 0-dim tensor.
    expect(() => torch.tensor(5).index('1:3')).toThrow(new RangeError('index: slice() cannot be applied to a 0-dim tensor.'));
    // y = torch.tensor(5); y[:] = 1  ->  IndexError: slice() cannot be applied to a 0-dim tensor.
    expect(() => torch.tensor(5).indexPut_([':'], 1)).toThrow(new RangeError('indexPut_: slice() cannot be applied to a 0-dim tensor.'));
    // torch.tensor(5)[:, None]  ->  IndexError: too many indices for tensor of dimension 0
    expect(() => torch.tensor(5).index(':', null)).toThrow(new RangeError('index: too many indices for tensor of dimension 0'));
  });

  it('integer items select from a nested tensor; aten::select and aten::slice raise as in Python', () => {
    const nt = torch.nested.nestedTensor([[1.5], [2.5, 3]]);
    // nt = torch.nested.nested_tensor([[1.5], [2.5, 3]]); nt[1]  ->  tensor([2.5, 3.])
    expect(nt.index(1).tolist()).toEqual([2.5, 3]);
    // nt[-1]  ->  tensor([2.5, 3.])
    expect(nt.index(-1).tolist()).toEqual([2.5, 3]);
    // nt[1, 0]  ->  tensor(2.5)
    expect(nt.index(1, 0).item()).toBe(2.5);
    // nt[torch.tensor(1)]  ->  tensor([2.5, 3.])
    expect(nt.index(torch.tensor(1)).tolist()).toEqual([2.5, 3]);
    // nt[5]  ->  IndexError: index 5 is out of bounds for dimension 0 with size 2
    expect(() => nt.index(5)).toThrow(new RangeError('index: index 5 is out of bounds for dimension 0 with size 2'));
    // nt[-3]  ->  IndexError: index -3 is out of bounds for dimension 0 with size 2
    expect(() => nt.index(-3)).toThrow(new RangeError('index: index -3 is out of bounds for dimension 0 with size 2'));
    // nt[1, 5]  ->  IndexError: index 5 is out of bounds for dimension 1 with size 2
    expect(() => nt.index(1, 5)).toThrow(new RangeError('index: index 5 is out of bounds for dimension 1 with size 2'));
    // nt[0:1]  ->  NotImplementedError: Could not run 'aten::slice.Tensor' with arguments from the 'NestedTensorCPU' backend. ...
    expect(() => nt.index('0:1')).toThrow(/Could not run 'aten::slice.Tensor' with arguments from the 'NestedTensorCPU' backend/);
    // nt[:, 0]  ->  NotImplementedError: Could not run 'aten::slice.Tensor' with arguments from the 'NestedTensorCPU' backend. ...
    expect(() => nt.index(':', 0)).toThrow(/Could not run 'aten::slice.Tensor' with arguments from the 'NestedTensorCPU' backend/);
    // y = nt.clone(); y[1] = 7.  ->  RuntimeError: Internal error: NestedTensorImpl doesn't support sizes. Please file an issue.
    expect(() => nt.clone().indexPut_([1], 7)).toThrow("indexPut_: Internal error: NestedTensorImpl doesn't support sizes. Please file an issue.");
  });
});

describe('indexing errors leave no tensor behind', () => {
  it('a bad item after select/slice views frees those views and the index tensors made so far', () => {
    const x = torch.arange(24).reshape(2, 3, 4);
    const calls: (() => unknown)[] = [
      () => x.index(0, 9), () => x.index('1:2', 9), () => x.index(0, [9]), () => x.index(0, 'a'), () => x.index(0, 1.5),
      () => x.index([1, 7], 1), () => x.indexPut_([0, [9]], 1),
    ];
    for (const call of calls) {
      const before = native.handleStats().tensors;
      expect(call).toThrow();
      expect(native.handleStats().tensors - before).toBe(0);
    }
  });
});
