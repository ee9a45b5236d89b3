// torch/functional.py and torch/_tensor.py helpers whose Python-level behaviour differs from their ATen
// operator: the deprecated non-inplace resize, norm's positional order, None arguments, and what the
// error paths leave behind. Expected values and messages from Python torch 2.13, quoted above each test.
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';
import { native } from '../lib/native.js';
import { warningsOf } from './warnings-of.js';

const live = (): number => native.handleStats().tensors;

describe('torch/functional.py helpers, as Python 2.13', () => {
  // x = torch.tensor([1., 2, 3, 4])
  // x.resize(3, 3) -> UserWarning: non-inplace resize is deprecated; RuntimeError: requested resize to 3x3 (9 elements in total),
  //   but the given tensor has a size of 4 (4 elements). autograd's resize can only change the shape of a given tensor, while preserving the number of elements.
  // r = x.resize(2, 2): [[1., 2.], [3., 4.]], r.data_ptr() == x.data_ptr() True, r.grad_fn None
  // y = x.clone().requires_grad_(); z = y.resize(2, 2): z.grad_fn.name() 'ResizeBackward'; z.sum().backward(): y.grad [1., 1., 1., 1.]
  // x.resize_as(torch.ones(2, 2)).shape (2, 2), warning 'non-inplace resize_as is deprecated'; resize_as(torch.ones(3)) the same RuntimeError
  // xt = torch.arange(6.).view(2, 3).t(); xt.resize(6) -> [0., 3., 1., 4., 2., 5.], a copy
  it('x.resize / resizeAs reshape through autograd\'s Resize, not aten::resize', () => {
    const x = torch.tensor([1, 2, 3, 4], { dtype: torch.float32 });
    const [w] = warningsOf(() => expect(() => x.resize(3, 3)).toThrow(/requested resize to 3x3 \(9 elements in total\), but the given tensor has a size of 4 \(4 elements\)/));
    expect(w).toEqual(['UserWarning', 'non-inplace resize is deprecated']);
    const r = x.resize(2, 2);
    expect([r.tolist(), r.dataPtr() === x.dataPtr(), r.gradFn]).toEqual([[[1, 2], [3, 4]], true, null]);
    expect(x.resize([4]).shape).toEqual([4]);
    const y = x.clone().requiresGrad_();
    const z = y.resize(2, 2);
    expect(z.gradFn?.name()).toBe('ResizeBackward');
    z.sum().backward();
    expect(y.grad!.tolist()).toEqual([1, 1, 1, 1]);
    const [wa] = warningsOf(() => expect(x.resizeAs(torch.ones(2, 2)).shape).toEqual([2, 2]));
    expect(wa).toEqual(['UserWarning', 'non-inplace resize_as is deprecated']);
    expect(() => x.resizeAs(torch.ones(3))).toThrow(/requested resize to 3 \(3 elements in total\)/);
    const xt = torch.arange(6, { dtype: torch.float32 }).view(2, 3).t();
    const r6 = xt.resize(6);
    expect([r6.tolist(), r6.dataPtr() === xt.dataPtr()]).toEqual([[0, 3, 1, 4, 2, 5], false]);
  });

  // x = torch.arange(12.).view(3, 4)
  // x.norm(2, 1, False, torch.float64) -> tensor([ 3.7417, 11.2250, 19.1311], dtype=torch.float64)
  // o = torch.empty(0); torch.norm(x, 2, 1, False, o) -> o holds [3.7417, 11.2250, 19.1311] (out is torch.norm's 5th)
  // x.norm(out=o) -> TypeError: norm() got an unexpected keyword argument 'out'
  it('norm takes Python\'s positional order: dtype 4th for the method, out 5th for torch.norm', () => {
    const x = torch.arange(12, { dtype: torch.float32 }).view(3, 4);
    const byMethod = x.norm(2, 1, false, torch.float64);
    expect(byMethod.dtype).toBe(torch.float64);
    expect(byMethod.allclose(torch.tensor([3.7417, 11.2250, 19.1311], { dtype: torch.float64 }), { atol: 1e-4 })).toBe(true);
    const o = torch.empty(0);
    const r = torch.norm(x, 2, 1, false, o);
    expect(r.dataPtr()).toBe(o.dataPtr());
    expect(o.allclose(torch.tensor([3.7417, 11.2250, 19.1311]), { atol: 1e-4 })).toBe(true);
    expect(() => (x.norm as (...a: unknown[]) => torch.Tensor)({ out: o })).toThrow(/unexpected option 'out'/);
    expect(x.norm('fro', { dim: 1 }).allclose(byMethod.float())).toBe(true);
  });

  // torch.cdist(a, a, None) -> TypeError: cdist(): argument 'p' (position 3) must be float, not NoneType
  // torch.tensordot(a, a.t(), None) -> RuntimeError: tensordot expects dims to be int or tuple[list[int], list[int]] or
  //   list[list[int]] containing two lists, but got dims=None
  it('null is not the default for cdist\'s p or tensordot\'s dims', () => {
    const a = torch.ones(2, 2);
    expect(() => torch.cdist(a, a, null as never)).toThrow(TypeError);
    expect(() => torch.tensordot(a, a.t(), null as never)).toThrow('tensordot expects dims to be int or tuple[list[int], list[int]] or list[list[int]] containing two lists, but got dims=None');
  });

  // torch.stft(torch.randn(3), 8, return_complex=True) -> RuntimeError (the reflect padding is larger than the signal);
  // torch.unravel_index(torch.tensor([1, 2]), (2, 0)) -> ZeroDivisionError. Both raise here too, and free what they made.
  it('stft and unravelIndex free their temporaries when they throw', () => {
    const x = torch.randn(3);
    const idx = torch.tensor([1, 2]);
    const before = live();
    for (let i = 0; i < 3; i++) {
      expect(() => torch.stft(x, 8, { returnComplex: true })).toThrow();
      expect(() => torch.unravelIndex(idx, [2, 0])).toThrow(/ZeroDivisionError/);
    }
    expect(live() - before).toBe(0);
  });
});
