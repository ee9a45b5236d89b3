// nn.functional calls whose arguments Python binds differently from a plain options object: keyword-only
// parameters, tuple or None dims, string norms, and the order of interpolate's lanczos checks. Expected
// values and messages from Python torch 2.13, quoted above each test.
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';

const F = torch.nn.functional;

describe('nn.functional argument binding, as Python 2.13', () => {
  // torch.manual_seed(0); a, p, n = torch.randn(4, 3), torch.randn(4, 3), torch.randn(4, 3)
  // F.triplet_margin_with_distance_loss(a, p, n, None, 5.0)
  //   TypeError: triplet_margin_with_distance_loss() takes 3 positional arguments but 5 were given
  // F.linear_cross_entropy(a, torch.randn(5, 3), torch.tensor([0, 1, 2, 3]), torch.randn(5))
  //   TypeError: linear_cross_entropy() takes 3 positional arguments but 4 were given
  it('keyword-only parameters refuse a positional value instead of dropping it', () => {
    torch.manualSeed(0);
    const [a, p, n] = [torch.randn(4, 3), torch.randn(4, 3), torch.randn(4, 3)];
    const loose = F.tripletMarginWithDistanceLoss as unknown as (...args: unknown[]) => torch.Tensor;
    expect(() => loose(a, p, n, null, 5.0)).toThrow(/takes at most 3 positional arguments \(5 given\)/);
    expect(() => loose(a, p, n, (x: torch.Tensor, y: torch.Tensor) => x.sub(y).norm())).toThrow(TypeError);
    const lce = F.linearCrossEntropy as unknown as (...args: unknown[]) => torch.Tensor;
    expect(() => lce(a, torch.randn(5, 3), torch.tensor([0, 1, 2, 3]), torch.randn(5))).toThrow(/takes at most 3 positional arguments \(4 given\)/);
    expect(F.tripletMarginWithDistanceLoss(a, p, n, { margin: 5.0 }).item()).toBeGreaterThan(F.tripletMarginWithDistanceLoss(a, p, n).item());
  });

  // F.sigmoid(torch.ones(2), 5) -> TypeError: sigmoid() takes 1 positional argument but 2 were given (tanh, softsign, tanhshrink alike)
  // torch.numel(None) -> TypeError: numel(): argument 'input' (position 1) must be Tensor, not NoneType; torch.numel(x, None): takes 1 positional argument but 2 were given
  it('one-tensor functions refuse extra arguments and non-tensors instead of dropping or misreading them', () => {
    const x = torch.ones(2);
    for (const [name, fn] of [['sigmoid', F.sigmoid], ['tanh', F.tanh], ['softsign', F.softsign], ['tanhshrink', F.tanhshrink], ['numel', torch.numel], ['getDevice', torch.getDevice]] as const) {
      const loose = fn as unknown as (...args: unknown[]) => unknown;
      expect(() => loose(x, 5), name).toThrow(new TypeError(`${name}: takes 1 positional argument but 2 were given`));
      expect(() => loose(null), name).toThrow(new TypeError(`${name}: argument 'input' (position 1) must be Tensor, not null`));
    }
    expect([torch.numel(x), torch.getDevice(x), F.sigmoid(torch.zeros(1)).item()]).toEqual([2, -1, 0.5]);
  });

  // torch.manual_seed(0); x = torch.randn(3, 4)
  // F.normalize(x, 2, (0, 1)).sum().item()          -> -0.8851760029792786
  // F.normalize(x, dim=None).sum().item()           -> -0.8851760029792786
  // F.normalize(x, p='fro').sum().item()            -> -2.239959716796875
  // F.normalize(x, p='nuc', dim=(0, 1)).sum().item() -> -0.5683473348617554
  // F.normalize(x, p='nuc') -> RuntimeError: linalg.matrix_norm: dim must be a 2-tuple. Got 1
  it('normalize takes a dims list, null and string norms, as Tensor.norm', () => {
    torch.manualSeed(0);
    const x = torch.randn(3, 4);
    expect(F.normalize(x, 2, [0, 1]).sum().item()).toBe(-0.8851760029792786);
    expect(F.normalize(x, { dim: null }).sum().item()).toBe(-0.8851760029792786);
    expect(F.normalize(x, { p: 'fro' }).sum().item()).toBe(-2.239959716796875);
    expect(F.normalize(x, { p: 'nuc', dim: [0, 1] }).sum().item()).toBe(-0.5683473348617554);
    expect(F.normalize(x).sum().item()).toBe(-2.239959716796875);
    expect(() => F.normalize(x, { p: 'nuc' })).toThrow('dim must be a 2-tuple. Got 1');
  });

  // F.interpolate(torch.randn(2, 3, 5, 7), size=[3, 4], mode='lanczos', antialias=True, align_corners=True)
  //   ValueError: Lanczos mode does not support align_corners=True
  it('interpolate refuses lanczos with alignCorners even with antialias', () => {
    const x = torch.randn(2, 3, 5, 7);
    expect(() => F.interpolate(x, { size: [3, 4], mode: 'lanczos', antialias: true, alignCorners: true })).toThrow('Lanczos mode does not support align_corners=True');
    expect(F.interpolate(x, { size: [3, 4], mode: 'lanczos', antialias: true }).shape).toEqual([2, 3, 3, 4]);
  });
});
