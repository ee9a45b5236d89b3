// A tensor where an op takes a number, as Python's arg parser allows: a one-element integer tensor for an
// int (its __index__), a 0-dim tensor for a float or Scalar; never one that requires grad.
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

// Typed as the number it stands for: Python's stubs do not list Tensor for these parameters either.
const n = (t: torch.Tensor): number => t as unknown as number;
const lengths = () => torch.tensor([3, 5, 2]);
const x = () => torch.arange(12, { dtype: torch.float64 }).reshape(4, 3);

describe('tensors as number arguments', () => {
  // lengths = torch.tensor([3, 5, 2]); x = torch.arange(12, dtype=torch.float64).reshape(4, 3)
  // torch.arange(lengths.max()).tolist(), .dtype -> [0, 1, 2, 3, 4] torch.int64
  // torch.zeros(lengths.sum(), 2).shape, torch.zeros([lengths.sum(), 2]).shape -> torch.Size([10, 2]) torch.Size([10, 2])
  // x.select(0, lengths.argmax()).tolist(), x[0].topk(lengths.min()).values.tolist() -> [3.0, 4.0, 5.0] [2.0, 1.0]
  // x.view(lengths[1] + 1, -1).shape -> torch.Size([6, 2])
  it('an integer tensor of one element stands for an int (sizes, dims, indices, counts)', () => {
    const l = lengths();
    const r = torch.arange(n(l.max()));
    expect([r.tolist(), String(r.dtype)]).toEqual([[0, 1, 2, 3, 4], 'torch.int64']);
    expect([torch.zeros(n(l.sum()), 2).shape, torch.zeros([n(l.sum()), 2]).shape]).toEqual([[10, 2], [10, 2]]);
    expect(x().select(0, n(l.argmax())).tolist()).toEqual([3, 4, 5]);
    expect(x().index(0).topk(n(l.min())).values.tolist()).toEqual([2, 1]);
    expect(x().view(n(l.index(1).add(1)), -1).shape).toEqual([6, 2]);
  });

  // f = torch.full([2], torch.tensor(2.5, dtype=torch.float64)); f.tolist(), f.dtype -> [2.5, 2.5] torch.float32
  // x.add(x, alpha=torch.tensor(2))[1].tolist() -> [9.0, 12.0, 15.0]
  // torch.tensor([1.0, float('nan')]).nan_to_num(nan=torch.tensor(0.5)).tolist() -> [1.0, 0.5]
  it('a 0-dim tensor stands for a Scalar or float', () => {
    const f = torch.full([2], n(torch.tensor(2.5, { dtype: torch.float64 })));
    expect([f.tolist(), String(f.dtype)]).toEqual([[2.5, 2.5], 'torch.float32']);
    expect(x().add(x(), { alpha: n(torch.tensor(2)) }).index(1).tolist()).toEqual([9, 12, 15]);
    expect(torch.tensor([1, NaN]).nanToNum({ nan: n(torch.tensor(0.5)) }).tolist()).toEqual([1, 0.5]);
  });

  // x.select(0, torch.tensor(1.0)) -> TypeError: select(): argument 'index' (position 2) must be int, not Tensor
  // torch.full([2], n(torch.tensor([1.5]))) -> TypeError: full(): argument 'fill_value' (position 2) must be Number, not Tensor
  // torch.zeros(n(torch.tensor(1.5)), 2) -> TypeError: zeros() takes 1 positional argument but 2 were given
  // torch.full([2], torch.tensor(1.5, requires_grad=True)) -> TypeError: full(): argument 'fill_value' (position 2) must be Number, not Tensor
  it('refuses a floating tensor for an int, a 1-d tensor for a Scalar, and a tensor that requires grad', () => {
    expect(() => x().select(0, n(torch.tensor(1, { dtype: torch.float32 })))).toThrow(TypeError);
    expect(() => x().select(0, n(torch.tensor(true)))).toThrow(TypeError);
    expect(() => torch.full([2], n(torch.tensor([1.5])))).toThrow(/argument 'fillValue' \(position 2\) must be number, not Tensor/);
    expect(() => torch.zeros(n(torch.tensor(1.5)), 2)).toThrow(/argument 'size'/);
    expect(() => torch.full([2], n(torch.tensor(1.5, { requiresGrad: true })))).toThrow(/must be number, not Tensor/);
    expect(() => x().add(x(), { alpha: n(torch.tensor(1.5, { requiresGrad: true })) })).toThrow(/alpha must be a number, got Tensor/);
  });
});
