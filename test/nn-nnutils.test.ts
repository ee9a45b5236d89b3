// torch.nn.utils (clip_grad, convert_parameters, fusion, parametrize, parametrizations, the older
// weight_norm / spectral_norm, prune, stateless, summary) and torch.func.functionalCall against
// PyTorch 2.13. Each scenario of test/fixtures/nn-nnutils.json (scripts/make-nn-nnutils-fixtures.py)
// is rebuilt here from the same seed with the same small modules, and compared bit for bit; the
// results that go through LAPACK (orthogonal, pinverse) use the fixture's tolerance.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { check, type Enc, type Tol } from './golden-replay.js';

torch.setNumThreads(1); // as the generator ran (ATEN_CPU_CAPABILITY=avx2 comes from vitest.config.ts)

type Tensor = torch.Tensor;
const { nn } = torch;
const U = nn.utils;
const P = nn.utils.parametrizations;
const prune = nn.utils.prune;
const parametrize = nn.utils.parametrize;

const fixture = JSON.parse(readFileSync(new URL('./fixtures/nn-nnutils.json', import.meta.url), 'utf8')) as {
  lapackTol: Tol;
  scenarios: Record<string, Record<string, Enc>>;
};
const S = fixture.scenarios;
const LAPACK = fixture.lapackTol;

/** Compares `actual` with the recorded Python result `scenario.key`. */
function golden(scenario: string, key: string, actual: unknown, tol?: Tol): void {
  const exp = S[scenario]?.[key];
  if (exp === undefined) throw new Error(`fixture has no ${scenario}.${key}`);
  check(actual, exp, tol, `${scenario}.${key}`);
}

// ---- the small modules the fixture script builds (same RNG calls, same order) --------------------

class Lin extends nn.Module {
  declare weight: torch.nn.Parameter;
  declare bias: torch.nn.Parameter | null;
  declare outFeatures: number;
  constructor(i: number, o: number, bias = true) {
    super();
    this.weight = new nn.Parameter(torch.randn(o, i));
    if (bias) this.bias = new nn.Parameter(torch.randn(o));
    else this.registerParameter('bias', null);
  }
  override forward(x: Tensor): Tensor {
    const y = x.matmul(this.weight.T);
    return this.bias === null ? y : y.add(this.bias);
  }
}

class Conv extends nn.Module {
  declare weight: torch.nn.Parameter;
  declare bias: torch.nn.Parameter | null;
  constructor(shape: number[], bias = true) {
    super();
    this.weight = new nn.Parameter(torch.randn(shape));
    this.bias = bias ? new nn.Parameter(torch.randn(shape[0]!)) : null;
  }
  override forward(x: Tensor): Tensor {
    return torch.conv2d(x, this.weight, this.bias);
  }
}

class BN extends nn.Module {
  numFeatures: number;
  eps = 1e-5;
  declare weight: torch.nn.Parameter | null;
  declare bias: torch.nn.Parameter | null;
  declare running_mean: Tensor;
  declare running_var: Tensor;
  constructor(n: number, affine = true) {
    super();
    this.numFeatures = n;
    this.weight = affine ? new nn.Parameter(torch.randn(n)) : null;
    this.bias = affine ? new nn.Parameter(torch.randn(n)) : null;
    this.registerBuffer('running_mean', torch.randn(n));
    this.registerBuffer('running_var', torch.rand(n).add(0.5));
  }
}

const keys = (m: torch.nn.Module): string[] => Object.keys(m.stateDict());
const grads = (...ps: Tensor[]): (Tensor | null)[] => ps.map((p) => p.grad);
const f32 = { dtype: torch.float32 };

// ---- clip_grad -------------------------------------------------------------------------------------

function gradParams(dtype: torch.dtype = torch.float32): Tensor[] {
  const ps = [torch.randn([3, 4], { dtype, requiresGrad: true }), torch.randn([5], { dtype, requiresGrad: true }), torch.randn([2, 2, 2], { dtype, requiresGrad: true })];
  for (const p of ps) p.grad = torch.randnLike(p).mul(1.0);
  return ps;
}

describe('clipGradNorm_ / clipGradValue_ / getTotalNorm (bit-exact with PyTorch)', () => {
  const norms: [string, number | 'inf'][] = [['l2', 2], ['l1', 1], ['inf', 'inf'], ['p3', 3], ['p05', 0.5]];
  for (const [name, normType] of norms) {
    it(`normType ${normType}`, () => {
      torch.manualSeed(1);
      const ps = gradParams();
      const total = U.clipGradNorm_(ps, 1.0, normType);
      golden('clip_norm', name, [total, ...grads(...ps)]);
    });
  }
  it('no clipping when the norm is below maxNorm; foreach false; one tensor; options object', () => {
    torch.manualSeed(1);
    let ps = gradParams();
    golden('clip_norm', 'noclip', [U.clipGradNorm_(ps, 100.0), ...grads(...ps)]);
    torch.manualSeed(1);
    ps = gradParams();
    golden('clip_norm', 'noforeach', [U.clipGradNorm_(ps, 1.0, { foreach: false }), ...grads(...ps)]);
    torch.manualSeed(1);
    ps = gradParams();
    golden('clip_norm', 'single', [U.clipGradNorm_(ps[0]!, 0.5), ps[0]!.grad]);
    torch.manualSeed(1);
    ps = gradParams();
    golden('clip_norm', 'l1', [U.clipGradNorm_(ps, 1.0, { normType: 1 }), ...grads(...ps)]);
  });
  it('groups by dtype as PyTorch does', () => {
    torch.manualSeed(1);
    const a = gradParams(torch.float64);
    const b = gradParams(torch.float32);
    const mixed = [a[0]!, b[0]!, a[1]!, b[1]!];
    golden('clip_norm', 'mixed', [U.clipGradNorm_(mixed, 1.0), ...grads(...mixed)]);
  });
  it('getTotalNorm + clipGradsWithNorm_', () => {
    torch.manualSeed(1);
    const ps = gradParams();
    const total = U.getTotalNorm(ps.map((p) => p.grad!), 2.0);
    U.clipGradsWithNorm_(ps, 0.75, total);
    golden('clip_norm', 'split', [total, ...grads(...ps)]);
  });
  it('non-finite norms: scaled anyway, or an error with errorIfNonfinite (gradients untouched)', () => {
    torch.manualSeed(1);
    let ps = gradParams();
    ps[1]!.grad!.indexPut_([2], Infinity);
    golden('clip_norm', 'nonfinite', [U.clipGradNorm_(ps, 1.0), ...grads(...ps)]);
    torch.manualSeed(1);
    ps = gradParams();
    ps[1]!.grad!.indexPut_([2], Infinity);
    const before = ps[0]!.grad!.clone();
    expect(() => U.clipGradNorm_(ps, 1.0, 2, { errorIfNonfinite: true })).toThrow(/non-finite/);
    expect(torch.equal(ps[0]!.grad!, before)).toBe(true);
  });
  it('clipGradValue_ and parameters without gradients', () => {
    torch.manualSeed(1);
    const ps = gradParams();
    U.clipGradValue_(ps, 0.5);
    golden('clip_norm', 'value', grads(...ps));
    golden('clip_norm', 'empty', U.clipGradNorm_([torch.zeros([2], { requiresGrad: true })], 1.0));
  });
  it('bad arguments are TypeErrors naming the function', () => {
    expect(() => U.clipGradNorm_(42 as never, 1.0)).toThrow(/clipGradNorm_.*Tensor/);
    expect(() => U.clipGradNorm_([], 1.0, { bogus: 1 } as never)).toThrow(TypeError);
    expect(() => U.clipGradValue_([], '1' as never)).toThrow(/clipValue/);
  });
});

// ---- convert_parameters --------------------------------------------------------------------------

describe('parametersToVector / vectorToParameters', () => {
  it('round-trips as in PyTorch (parameters keep their identity)', () => {
    torch.manualSeed(2);
    const m = new Lin(3, 2);
    const w = m.weight;
    const v = U.parametersToVector(m.parameters());
    golden('vector', 'vec', v);
    U.vectorToParameters(torch.arange(v.numel(), f32), m.parameters());
    expect(m.weight).toBe(w);
    golden('vector', 'weight', m.weight);
    golden('vector', 'bias', m.bias);
    expect(() => U.vectorToParameters([1, 2] as never, m.parameters())).toThrow(TypeError);
  });
});

// ---- fusion ----------------------------------------------------------------------------------------

describe('fuseConvBnEval / fuseConvBnWeights / fuseLinearBnEval', () => {
  it('conv + batch norm', () => {
    torch.manualSeed(3);
    const conv = new Conv([4, 3, 3, 3]).eval();
    const bn = new BN(4).eval();
    const x = torch.randn(2, 3, 5, 5);
    const fused = U.fuseConvBnEval(conv, bn);
    expect(fused).not.toBe(conv);
    expect(fused).toBeInstanceOf(Conv);
    expect(fused.weight).toBeInstanceOf(nn.Parameter);
    const ref = torch.batchNorm(conv.call(x), bn.weight, bn.bias, bn.running_mean, bn.running_var, false, 0.0, bn.eps, false);
    golden('fusion', 'conv', [fused.weight, fused.bias, fused.call(x), ref]);
    expect(() => U.fuseConvBnEval(conv.train(), bn)).toThrow(/Fusion only for eval/);
  });
  it('weights: transpose, no conv bias, no affine; conv1d; linear', () => {
    torch.manualSeed(4);
    const w = torch.randn(3, 4, 2, 2);
    const [rm, rv] = [torch.randn(4), torch.rand(4).add(0.5)];
    golden('fusion', 'transpose', U.fuseConvBnWeights(w, null, rm, rv, 1e-3, null, null, true));
    torch.manualSeed(5);
    const [w1, b1] = [torch.randn(4, 3, 3), torch.randn(4)];
    const [rm1, rv1, bw, bb] = [torch.randn(4), torch.rand(4).add(0.5), torch.randn(4), torch.randn(4)];
    golden('fusion', 'conv1d', U.fuseConvBnWeights(w1, b1, rm1, rv1, 1e-5, bw, bb));
    torch.manualSeed(6);
    const lin = new Lin(3, 4).eval();
    lin.outFeatures = 4;
    const bn = new BN(4).eval();
    const fl = U.fuseLinearBnEval(lin, bn);
    golden('fusion', 'linear', [fl.weight, fl.bias]);
    lin.outFeatures = 3;
    expect(() => U.fuseLinearBnEval(lin, bn)).toThrow(/linear.out_features == bn.num_features/);
  });
});

// ---- parametrize ----------------------------------------------------------------------------------

class Symmetric extends nn.Module {
  override forward(X: Tensor): Tensor {
    return X.triu().add(X.triu(1).transpose(-1, -2));
  }
  rightInverse(A: Tensor): Tensor {
    return A.triu();
  }
}
class Scale extends nn.Module {
  override forward(X: Tensor): Tensor {
    return X.mul(2.0);
  }
  rightInverse(A: Tensor): Tensor {
    return A.div(2.0);
  }
}

describe('parametrize', () => {
  it('registerParametrization: accessor, state dict keys, repr, gradients, assignment, chaining, cached, remove', () => {
    torch.manualSeed(7);
    const m = new Lin(3, 3);
    const original = m.weight;
    parametrize.registerParametrization(m, 'weight', new Symmetric());
    expect(parametrize.isParametrized(m)).toBe(true);
    expect(parametrize.isParametrized(m, 'weight')).toBe(true);
    expect(parametrize.isParametrized(m, 'bias')).toBe(false);
    expect(m).toBeInstanceOf(Lin);
    expect(parametrize.typeBeforeParametrizations(m)).toBe(Lin);
    const x = torch.randn(2, 3);
    const y = m.call(x);
    y.sum().backward();
    golden('parametrize_basic', 'keys', keys(m));
    golden('parametrize_basic', 'repr', String(m));
    golden('parametrize_basic', 'named_params', m.namedParameters().map(([n]) => n));
    golden('parametrize_basic', 'weight', m.weight);
    const pl = (m as unknown as { parametrizations: Record<string, unknown> & { get(k: string): { original: Tensor } } }).parametrizations;
    expect(pl.get('weight').original).toBe(original); // the parameter object itself, as in PyTorch
    // Python's spelling works too: m.parametrizations.weight.original, m.parametrizations.weight[0]
    const direct = m as unknown as { parametrizations: { weight: { original: Tensor; 0: torch.nn.Module } } };
    expect(direct.parametrizations.weight.original).toBe(original);
    expect(direct.parametrizations.weight[0]).toBeInstanceOf(Symmetric);
    golden('parametrize_basic', 'original', original);
    golden('parametrize_basic', 'y', y);
    golden('parametrize_basic', 'grad_original', original.grad);
    torch.noGrad(() => {
      (m as unknown as { weight: Tensor }).weight = torch.arange(9, f32).reshape(3, 3);
    });
    golden('parametrize_basic', 'after_assign_original', original);
    golden('parametrize_basic', 'after_assign_weight', m.weight);
    parametrize.registerParametrization(m, 'weight', new Scale());
    golden('parametrize_basic', 'chained_weight', m.weight);
    golden('parametrize_basic', 'chained_repr', String(m));
    const same = parametrize.cached(() => m.weight === m.weight);
    golden('parametrize_basic', 'cached_same', same);
    expect(m.weight === m.weight).toBe(false);
    parametrize.removeParametrizations(m, 'weight');
    golden('parametrize_basic', 'removed_keys', keys(m));
    golden('parametrize_basic', 'removed_weight', m.weight);
    golden('parametrize_basic', 'removed_repr', String(m));
    expect(m.weight).toBe(original);
    expect(Object.getPrototypeOf(m)).toBe(Lin.prototype);
    expect(parametrize.isParametrized(m)).toBe(false);

    torch.manualSeed(7);
    const m2 = new Lin(3, 3);
    parametrize.registerParametrization(m2, 'weight', new Symmetric());
    parametrize.removeParametrizations(m2, 'weight', { leaveParametrized: false });
    golden('parametrize_basic', 'unparametrized_weight', m2.weight);
  });
  it('a buffer as the original; transferParametrizationsAndParams shares the original; removing one of two', () => {
    torch.manualSeed(40);
    const m = new Lin(3, 3);
    m.registerBuffer('table', torch.randn(3, 3));
    parametrize.registerParametrization(m, 'table', new Symmetric());
    parametrize.registerParametrization(m, 'weight', new Scale());
    golden('parametrize_more', 'keys', keys(m));
    golden('parametrize_more', 'buffers', m.namedBuffers().map(([n]) => n));
    golden('parametrize_more', 'table', (m as unknown as Record<string, Tensor>).table);
    golden('parametrize_more', 'repr', String(m));
    const m2 = new Lin(3, 3);
    parametrize.transferParametrizationsAndParams(m, m2, 'weight');
    golden('parametrize_more', 'm2_keys', keys(m2));
    golden('parametrize_more', 'm2_weight', m2.weight);
    golden('parametrize_more', 'shared', plist(m2).original === plist(m).original);
    parametrize.removeParametrizations(m, 'table');
    golden('parametrize_more', 'removed_keys', keys(m));
    golden('parametrize_more', 'removed_repr', String(m));
  });
  it('errors: unknown tensor, shape change without unsafe, removing what is not there', () => {
    torch.manualSeed(7);
    const m = new Lin(3, 3);
    expect(() => parametrize.registerParametrization(m, 'nope', new Symmetric())).toThrow(/does not have a parameter, a buffer, or a parametrized element with name 'nope'/);
    class Shrink extends nn.Module {
      override forward(X: Tensor): Tensor {
        return X.index(':2');
      }
    }
    expect(() => parametrize.registerParametrization(m, 'weight', new Shrink())).toThrow(/may not change the shape/);
    expect(keys(m)).toEqual(['weight', 'bias']); // nothing half-changed
    expect(() => parametrize.removeParametrizations(m, 'weight')).toThrow(/does not have a parametrization on weight/);
  });
});

// ---- parametrizations ------------------------------------------------------------------------------

type WithParametrizations = { parametrizations: { get(k: string): Record<string, Tensor> & { at(i: number): Record<string, Tensor> } } };
const plist = (m: torch.nn.Module, name = 'weight') => (m as unknown as WithParametrizations).parametrizations.get(name);

describe('parametrizations.weightNorm / spectralNorm / orthogonal', () => {
  it('weightNorm: original0 = g, original1 = v, forward and gradients, old state dicts load', () => {
    torch.manualSeed(8);
    const m = new Lin(4, 3);
    P.weightNorm(m);
    const x = torch.randn(2, 4);
    const y = m.call(x);
    y.mul(torch.randn(2, 3)).sum().backward();
    const pw = plist(m);
    golden('p_weight_norm', 'keys', keys(m));
    golden('p_weight_norm', 'repr', String(m));
    golden('p_weight_norm', 'g', pw.original0);
    golden('p_weight_norm', 'v', pw.original1);
    golden('p_weight_norm', 'weight', m.weight);
    golden('p_weight_norm', 'y', y);
    golden('p_weight_norm', 'grad_g', pw.original0!.grad);
    golden('p_weight_norm', 'grad_v', pw.original1!.grad);
    torch.manualSeed(8);
    const m2 = new Lin(4, 3);
    P.weightNorm(m2, 'weight', null);
    golden('p_weight_norm', 'dim_none_g', plist(m2).original0);
    golden('p_weight_norm', 'dim_none_weight', m2.weight);
    torch.manualSeed(8);
    const m3 = new Lin(4, 3);
    P.weightNorm(m3, { dim: 1 });
    golden('p_weight_norm', 'dim1_g', plist(m3).original0);
    const r = m.loadStateDict({ weight_g: torch.full([3, 1], 2.0, f32), weight_v: torch.ones(3, 4), bias: torch.zeros(3) });
    golden('p_weight_norm', 'compat_weight', m.weight);
    golden('p_weight_norm', 'compat_missing', r.missingKeys);
  });
  it('spectralNorm: u/v buffers from the RNG, power iteration in training only, gradients', () => {
    torch.manualSeed(9);
    const m = new Lin(5, 4);
    P.spectralNorm(m);
    const sn = plist(m).at(0);
    golden('p_spectral_norm', 'keys', keys(m));
    golden('p_spectral_norm', 'repr', String(m));
    golden('p_spectral_norm', 'u0', sn._u);
    golden('p_spectral_norm', 'v0', sn._v);
    const x = torch.randn(3, 5);
    const y1 = m.call(x);
    const y2 = m.call(x);
    y2.mul(torch.randn(3, 4)).sum().backward();
    golden('p_spectral_norm', 'y1', y1);
    golden('p_spectral_norm', 'y2', y2);
    golden('p_spectral_norm', 'u2', sn._u);
    golden('p_spectral_norm', 'v2', sn._v);
    golden('p_spectral_norm', 'grad', plist(m).original!.grad);
    m.eval();
    golden('p_spectral_norm', 'eval_weight', m.weight);
    golden('p_spectral_norm', 'eval_u', sn._u);
    torch.manualSeed(10);
    const c = new Conv([3, 2, 3, 3]);
    P.spectralNorm(c, { nPowerIterations: 3, dim: 1, eps: 1e-6 });
    golden('p_spectral_norm', 'conv_weight', c.weight);
    golden('p_spectral_norm', 'conv_u', plist(c).at(0)._u);
    expect(() => P.spectralNorm(new Lin(2, 2), { nPowerIterations: 0 })).toThrow(/n_power_iterations to be positive/);
  });
  const orthCases: [number[], string | null, boolean][] = [
    [[4, 4], null, true], [[4, 4], 'cayley', true], [[4, 4], 'householder', true],
    [[5, 3], null, true], [[3, 5], null, true], [[5, 3], 'matrix_exp', true],
    [[4, 4], 'householder', false], [[5, 3], 'householder', false], [[3, 5], 'cayley', true],
  ];
  orthCases.forEach(([shape, map, triv], i) => {
    it(`orthogonal ${shape.join('x')} ${map ?? 'default'} useTrivialization=${triv}`, () => {
      torch.manualSeed(11 + i);
      const m = new Lin(shape[1]!, shape[0]!, false);
      P.orthogonal(m, { orthogonalMap: map, useTrivialization: triv });
      const w = m.weight;
      w.sum().backward();
      const orig = plist(m).original!;
      golden('p_orthogonal', `case${i}`, [w, orig, orig.grad, shape[0]! <= shape[1]! ? w.matmul(w.T) : w.T.matmul(w)], LAPACK);
      if (i === 0) {
        golden('p_orthogonal', 'keys', keys(m));
        golden('p_orthogonal', 'repr', String(m));
      }
    });
  });
  it('orthogonal errors', () => {
    expect(() => P.orthogonal(new Lin(3, 3), { orthogonalMap: 'qr' })).toThrow(/orthogonal_map has to be one of/);
    expect(() => P.orthogonal(new Lin(3, 3), 'bias')).toThrow(/Expected a matrix or batch of matrices/);
  });
});

// ---- the older hook-based forms ----------------------------------------------------------------------

describe('nn.utils.weightNorm / spectralNorm (forward pre-hooks)', () => {
  it('weightNorm: weight_g / weight_v, forward, gradients, removeWeightNorm', () => {
    torch.manualSeed(12);
    const m = new Lin(4, 3);
    U.weightNorm(m);
    const x = torch.randn(2, 4);
    const y = m.call(x);
    y.mul(torch.randn(2, 3)).sum().backward();
    const r = m as unknown as Record<string, Tensor>;
    golden('old_weight_norm', 'keys', keys(m));
    golden('old_weight_norm', 'names', m.namedParameters().map(([n]) => n));
    golden('old_weight_norm', 'g', r.weight_g);
    golden('old_weight_norm', 'v', r.weight_v);
    golden('old_weight_norm', 'y', y);
    golden('old_weight_norm', 'grad_g', r.weight_g!.grad);
    golden('old_weight_norm', 'grad_v', r.weight_v!.grad);
    torch.noGrad(() => r.weight_g!.mul_(0.5));
    expect(() => U.weightNorm(m)).toThrow(/Cannot register two weight_norm hooks/);
    U.removeWeightNorm(m);
    golden('old_weight_norm', 'removed_keys', keys(m));
    golden('old_weight_norm', 'removed_weight', m.weight);
    expect(() => U.removeWeightNorm(m)).toThrow(/weight_norm of 'weight' not found/);
  });
  it('spectralNorm: weight_orig / weight_u / weight_v, train and eval, removeSpectralNorm', () => {
    torch.manualSeed(13);
    const m = new Lin(5, 4);
    U.spectralNorm(m);
    const r = m as unknown as Record<string, Tensor>;
    golden('old_spectral_norm', 'keys', keys(m));
    golden('old_spectral_norm', 'u0', r.weight_u);
    golden('old_spectral_norm', 'v0', r.weight_v);
    golden('old_spectral_norm', 'weight0', m.weight);
    const x = torch.randn(3, 5);
    const y1 = m.call(x);
    const y2 = m.call(x);
    y2.mul(torch.randn(3, 4)).sum().backward();
    golden('old_spectral_norm', 'y1', y1);
    golden('old_spectral_norm', 'y2', y2);
    golden('old_spectral_norm', 'u2', r.weight_u);
    golden('old_spectral_norm', 'grad', r.weight_orig!.grad);
    m.eval();
    golden('old_spectral_norm', 'y_eval', m.call(x));
    U.removeSpectralNorm(m);
    golden('old_spectral_norm', 'removed_keys', keys(m));
    golden('old_spectral_norm', 'removed_weight', m.weight);
  });
});

// ---- prune -------------------------------------------------------------------------------------------

describe('prune', () => {
  it('l1Unstructured, then lnStructured and randomUnstructured on what is left (PruningContainer), remove', () => {
    torch.manualSeed(14);
    const m = new Lin(5, 4);
    const orig = m.weight;
    prune.l1Unstructured(m, 'weight', 0.3);
    const r = m as unknown as Record<string, Tensor>;
    golden('pruning', 'l1_keys', keys(m));
    golden('pruning', 'l1_names', m.namedParameters().map(([n]) => n));
    golden('pruning', 'l1_buffers', m.namedBuffers().map(([n]) => n));
    golden('pruning', 'l1_mask', r.weight_mask);
    golden('pruning', 'l1_weight', m.weight);
    expect(r.weight_orig).toBe(orig);
    const x = torch.randn(2, 5);
    golden('pruning', 'l1_y', m.call(x));
    prune.lnStructured(m, 'weight', 1, 2, 0);
    golden('pruning', 'iter_mask', r.weight_mask);
    prune.randomUnstructured(m, 'weight', 2);
    golden('pruning', 'iter_random_mask', r.weight_mask);
    golden('pruning', 'is_pruned', prune.isPruned(m));
    prune.remove(m, 'weight');
    golden('pruning', 'removed_keys', keys(m));
    golden('pruning', 'removed_weight', m.weight);
    golden('pruning', 'is_pruned_after', prune.isPruned(m));
    expect(m.weight).toBe(orig);
  });
  it('random and structured methods draw from the RNG as PyTorch does', () => {
    torch.manualSeed(15);
    const m = new Lin(6, 4);
    prune.randomUnstructured(m, 'weight', 0.5);
    golden('pruning', 'random_mask', (m as unknown as Record<string, Tensor>).weight_mask);
    torch.manualSeed(16);
    let c = new Conv([4, 3, 2, 2]);
    prune.randomStructured(c, 'weight', 0.5, 1);
    golden('pruning', 'random_structured_mask', (c as unknown as Record<string, Tensor>).weight_mask);
    torch.manualSeed(17);
    c = new Conv([5, 3, 2, 2]);
    prune.lnStructured(c, 'weight', 0.4, 1, 0);
    golden('pruning', 'ln1_mask', (c as unknown as Record<string, Tensor>).weight_mask);
    prune.lnStructured(c, 'weight', 1, Infinity, -1);
    golden('pruning', 'ln_inf_mask', (c as unknown as Record<string, Tensor>).weight_mask);
  });
  it('importance scores, globalUnstructured, customFromMask, identity, round half to even', () => {
    torch.manualSeed(18);
    let m = new Lin(4, 3);
    const scores = torch.randn(3, 4);
    prune.l1Unstructured(m, 'weight', 5, { importanceScores: scores });
    golden('pruning', 'importance_mask', (m as unknown as Record<string, Tensor>).weight_mask);
    torch.manualSeed(19);
    const [a, b] = [new Lin(4, 3), new Lin(3, 2)];
    prune.globalUnstructured([[a, 'weight'], [b, 'weight'], [a, 'bias']], prune.L1Unstructured, { amount: 0.4 });
    const ra = a as unknown as Record<string, Tensor>;
    golden('pruning', 'global_masks', [ra.weight_mask, (b as unknown as Record<string, Tensor>).weight_mask, ra.bias_mask]);
    torch.manualSeed(23);
    const [a2, b2] = [new Lin(4, 3), new Lin(3, 2)];
    let sa = torch.randn(3, 4);
    prune.globalUnstructured([[a2, 'weight'], [b2, 'weight']], prune.RandomUnstructured, { importanceScores: new Map([[[a2, 'weight'] as const, sa]]), amount: 7 });
    golden('pruning', 'global_random_masks', [(a2 as unknown as Record<string, Tensor>).weight_mask, (b2 as unknown as Record<string, Tensor>).weight_mask]);
    torch.manualSeed(24);
    const a3 = new Lin(4, 3);
    sa = torch.randn(3, 4);
    prune.globalUnstructured([[a3, 'weight']], prune.L1Unstructured, { importanceScores: [[[a3, 'weight'], sa]], amount: 0.25 });
    golden('pruning', 'global_scored_mask', (a3 as unknown as Record<string, Tensor>).weight_mask);
    torch.manualSeed(20);
    m = new Lin(3, 2);
    prune.customFromMask(m, 'weight', torch.tensor([[1, 0, 1], [0, 1, 1]]));
    golden('pruning', 'custom_weight', m.weight);
    prune.identity(m, 'bias');
    golden('pruning', 'identity_keys', keys(m));
    golden('pruning', 'round_half_even', [new prune.L1Unstructured(0.5).computeMask(torch.arange(1, 6, f32), torch.ones(5))]);
  });
  it('bad amounts and failed pruning leave the module as it was', () => {
    torch.manualSeed(14);
    const m = new Lin(5, 4);
    expect(() => prune.l1Unstructured(m, 'weight', 1.5)).toThrow(/should either be a float in the range \[0, 1\] or a non-negative integer/);
    expect(() => prune.l1Unstructured(m, 'weight', 100)).toThrow(/should be smaller than the number of parameters to prune/);
    expect(keys(m)).toEqual(['bias', 'weight']); // as in PyTorch: the rollback registers `weight` again, last
    expect(m.weight).toBeInstanceOf(nn.Parameter);
    expect(prune.isPruned(m)).toBe(false);
    expect(() => prune.lnStructured(m, 'bias', 1, 2, 0)).toThrow(/Structured pruning can only be applied to multidimensional tensors/);
    expect(keys(m)).toEqual(['weight', 'bias']);
    expect(() => prune.remove(m, 'weight')).toThrow(/has to be pruned before pruning can be removed/);
    m.registerBuffer('table', torch.randn(2, 2));
    // Python: prune.l1_unstructured(m, 'table', 1) on a buffer → cannot assign 'torch.FloatTensor' object to parameter 'table_orig'
    expect(() => prune.l1Unstructured(m, 'table', 1)).toThrow(/cannot assign 'torch.FloatTensor' object to parameter 'table_orig'/);
    expect(Object.keys(m.stateDict())).toEqual(['weight', 'bias', 'table']);
  });
});

// ---- stateless / torch.func ------------------------------------------------------------------------

class Tied extends nn.Module {
  a = new Lin(3, 3);
  b = new Lin(3, 3);
  declare offset: Tensor;
  constructor() {
    super();
    this.b.weight = this.a.weight;
    this.registerBuffer('offset', torch.ones(3));
  }
  override forward(x: Tensor): Tensor {
    return this.b.call(this.a.call(x)).add(this.offset);
  }
}

describe('functionalCall', () => {
  it('swaps parameters and buffers for one call, follows tied weights, restores everything', () => {
    torch.manualSeed(21);
    const m = new Tied();
    const x = torch.randn(2, 3);
    const w = torch.randn(3, 3);
    const before = m.a.weight;
    golden('functional_call', 'y', m.call(x));
    golden('functional_call', 'swapped', torch.func.functionalCall(m, { 'a.weight': w, offset: torch.zeros(3) }, [x]));
    golden('functional_call', 'untied', torch.func.functionalCall(m, { 'a.weight': w }, [x], null, { tieWeights: false }));
    golden('functional_call', 'two_dicts', torch.func.functionalCall(m, [{ 'a.weight': w }, { offset: torch.zeros(3) }], x));
    golden('functional_call', 'swapped', U.stateless.functionalCall(m, { 'a.weight': w, offset: torch.zeros(3) }, x));
    golden('functional_call', 'after', m.call(x));
    expect(m.a.weight).toBe(before);
    expect(m.b.weight).toBe(before);
    expect(keys(m)).toEqual(['offset', 'a.weight', 'a.bias', 'b.weight', 'b.bias']);
    let message = '';
    try {
      torch.func.functionalCall(m, { 'a.weight': w, nope: w }, [x], null, { strict: true });
    } catch (e) {
      message = (e as Error).message;
    }
    golden('functional_call', 'strict_error', message);
  });
  it('restores the tensors when forward throws', () => {
    torch.manualSeed(21);
    const m = new Tied();
    const before = m.a.weight;
    expect(() => torch.func.functionalCall(m, { 'a.weight': torch.zeros(2, 2) }, [torch.randn(2, 3)])).toThrow();
    expect(m.a.weight).toBe(before);
    expect(m.b.weight).toBe(before);
    expect(() => torch.func.functionalCall(m, [{ x: before }, { x: before }], [torch.randn(2, 3)])).toThrow(/appeared in multiple dictionaries/);
  });
});

// ---- summary ---------------------------------------------------------------------------------------

class Block extends nn.Module {
  l1 = new Lin(4, 8);
  l2 = new Lin(8, 4);
  override forward(x: Tensor): Tensor {
    return this.l2.call(torch.relu(this.l1.call(x)));
  }
}
class Net extends nn.Module {
  b1 = new Block();
  b2 = new Block();
  head = new Lin(4, 2, false);
  override forward(x: Tensor): Tensor {
    return this.head.call(this.b2.call(this.b1.call(x)));
  }
}

describe('summary (torchinfo layout)', () => {
  it('rows, output shapes and parameter counts as the forward pass visits the layers', () => {
    torch.manualSeed(22);
    const net = new Net();
    net.head.weight.requiresGrad_(false);
    const stats = U.summary(net, [3, 4], { verbose: 0 });
    golden('summary_rows', 'rows', stats.summaryList.map((l) => [l.className, l.depth, l.outputSize, l.numParams, l.trainableParams]));
    golden('summary_rows', 'total', stats.totalParams);
    golden('summary_rows', 'trainable', stats.trainableParams);
    const lines = String(stats).split('\n');
    const width = 40 + 2 * 25;
    expect(lines[0]).toBe('='.repeat(width));
    expect(lines[1]).toBe(`${'Layer (type:depth-idx)'.padEnd(40)} ${'Output Shape'.padEnd(25)} Param #`);
    expect(lines[3]).toBe(`${'Net'.padEnd(40)} ${'[3, 2]'.padEnd(25)} --`);
    expect(lines[4]).toBe(`${'├─Block: 1-1'.padEnd(40)} ${'[3, 4]'.padEnd(25)} --`);
    expect(lines[5]).toBe(`${'│    └─Lin: 2-1'.padEnd(40)} ${'[3, 8]'.padEnd(25)} 40`);
    expect(lines[8]).toBe(`${'│    └─Lin: 2-3'.padEnd(40)} ${'[3, 8]'.padEnd(25)} 40`);
    expect(lines[10]).toBe(`${'├─Lin: 1-3'.padEnd(40)} ${'[3, 2]'.padEnd(25)} (8)`);
    expect(lines).toContain('Total params: 160');
    expect(lines).toContain('Trainable params: 152');
    expect(lines).toContain('Non-trainable params: 8');
    expect(lines.some((l) => /^Total mult-adds \(M\): 0\.00$/.test(l))).toBe(true);
    expect(net.training).toBe(true); // mode restored
    // depth 1 folds the blocks: their rows show the whole block's parameters
    const folded = String(U.summary(net, [3, 4], { depth: 1, verbose: 0 })).split('\n');
    expect(folded[4]).toBe(`${'├─Block: 1-1'.padEnd(40)} ${'[3, 4]'.padEnd(25)} 76`);
    expect(() => U.summary(net, [3, 5], { verbose: 0 })).toThrow(/Failed to run torchinfo/);
  });
});

// ---- torch.nn's own layers ---------------------------------------------------------------------------

describe('nn.utils on nn.Linear / Conv2d / ConvTranspose2d / BatchNorm', () => {
  const R = 'real_layers';
  it('fuseConvBnEval / fuseLinearBnEval after a training step', () => {
    torch.manualSeed(30);
    let conv: torch.nn.Module & { weight: Tensor; bias: Tensor | null } = new nn.Conv2d(3, 4, 3);
    let bn = new nn.BatchNorm2d(4);
    let x = torch.randn(2, 3, 6, 6);
    bn.call(conv.call(x));
    conv.eval();
    bn.eval();
    let fused = U.fuseConvBnEval(conv, bn);
    golden(R, 'conv_bn', [fused.weight, fused.bias, fused.call(x), bn.call(conv.call(x))]);
    golden(R, 'conv_bn_repr', String(fused));
    expect(fused.weight).not.toBe(conv.weight);
    torch.manualSeed(31);
    conv = new nn.ConvTranspose2d(3, 4, 2);
    bn = new nn.BatchNorm2d(4);
    x = torch.randn(2, 3, 4, 4);
    bn.call(conv.call(x));
    conv.eval();
    bn.eval();
    fused = U.fuseConvBnEval(conv, bn, { transpose: true });
    golden(R, 'convT_bn', [fused.weight, fused.bias, fused.call(x)]);
    torch.manualSeed(32);
    const lin = new nn.Linear(5, 3);
    const bn1 = new nn.BatchNorm1d(3);
    x = torch.randn(4, 5);
    bn1.call(lin.call(x));
    lin.eval();
    bn1.eval();
    const fl = U.fuseLinearBnEval(lin, bn1);
    golden(R, 'lin_bn', [fl.weight, fl.bias, fl.call(x)]);
  });
  it('spectral norm on ConvTranspose2d normalizes over dim 1 by default; weightNorm on Linear', () => {
    torch.manualSeed(33);
    let ct = new nn.ConvTranspose2d(3, 4, 2);
    P.spectralNorm(ct);
    golden(R, 'convT_sn', [plist(ct).at(0)._u, ct.weight]);
    golden(R, 'convT_sn_repr', String(ct));
    torch.manualSeed(34);
    ct = new nn.ConvTranspose2d(3, 4, 2);
    U.spectralNorm(ct);
    const r = ct as unknown as Record<string, Tensor>;
    golden(R, 'convT_old_sn', [r.weight_u, r.weight_v, ct.weight]);
    torch.manualSeed(35);
    const lin = new nn.Linear(4, 3);
    P.weightNorm(lin);
    golden(R, 'lin_wn_keys', keys(lin));
    golden(R, 'lin_wn_repr', String(lin));
  });
  it('pruning inside a Sequential; functionalCall on BatchNorm updates the given buffer in place', () => {
    torch.manualSeed(36);
    const model = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(2 * 4 * 4, 3));
    prune.l1Unstructured(model.at(0), 'weight', 0.5);
    golden(R, 'seq_pruned', prune.isPruned(model));
    golden(R, 'seq_keys', keys(model));
    golden(R, 'seq_y', model.call(torch.randn(2, 1, 6, 6)));
    torch.manualSeed(37);
    const bn = new nn.BatchNorm1d(3);
    const x = torch.randn(4, 3);
    const rm = torch.zeros(3);
    const given = { running_mean: rm, weight: torch.full([3], 2.0, f32) };
    const y = torch.func.functionalCall(bn, given, [x]);
    golden(R, 'bn_call', [y, rm, bn.running_mean, bn.num_batches_tracked]);
    expect(given.running_mean).toBe(rm);
  });
});

describe('nn.utils details', () => {
  it('summary: kernel and mult-adds columns (torchinfo formulas), recursive layers, no input, ascii', () => {
    torch.manualSeed(0);
    const model = new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(4 * 26 * 26, 10));
    const stats = U.summary(model, [1, 1, 28, 28], { colNames: ['kernel_size', 'output_size', 'num_params', 'mult_adds'], verbose: 0 });
    // Conv2d: (36 weights + 4 biases) x 26·26 output positions; Linear: (27040 + 10) x batch 1; only leaves count
    expect(stats.summaryList.slice(1).map((l) => l.macs)).toEqual([40 * 676, 0, 0, 27050]);
    expect(stats.totalMultAdds).toBe(40 * 676 + 27050);
    const text = String(stats);
    expect(text).toContain('Total mult-adds (M): 0.05');
    expect(text.split('\n')[1]).toBe(`${'Layer (type:depth-idx)'.padEnd(40)} ${'Kernel Shape'.padEnd(25)} ${'Output Shape'.padEnd(25)} ${'Param #'.padEnd(25)} Mult-Adds`);
    expect(text).toContain(`${'├─Conv2d: 1-1'.padEnd(40)} ${'[3, 3]'.padEnd(25)} ${'[1, 4, 26, 26]'.padEnd(25)} ${'40'.padEnd(25)} 27,040`);
    expect(text).toContain('Input size (MB): 0.00');
    expect(text).toContain('Params size (MB): 0.11'); // 27,090 float32 parameters
    expect(text).toContain(`${'Sequential'.padEnd(40)} ${'--'.padEnd(25)} ${'[1, 10]'.padEnd(25)} ${'--'.padEnd(25)} --`);

    class Twice extends nn.Module {
      lin = new nn.Linear(3, 3);
      override forward(x: Tensor): Tensor {
        return this.lin.call(this.lin.call(x));
      }
    }
    const twice = U.summary(new Twice(), [2, 3], { verbose: 0, rowSettings: ['depth', 'ascii_only'] });
    const lines = String(twice).split('\n');
    expect(lines[4]).toBe(`${'+ Linear: 1-1'.padEnd(40)} ${'[2, 3]'.padEnd(25)} 12`);
    expect(lines[5]).toBe(`${'+ Linear: 1-2'.padEnd(40)} ${'[2, 3]'.padEnd(25)} (recursive)`);
    expect(twice.totalParams).toBe(12);

    class Stack extends nn.Module {
      layers = new nn.ModuleList([new nn.Linear(3, 3), new nn.Linear(3, 3)]);
      override forward(x: Tensor): Tensor {
        for (const l of this.layers) x = l.call(x) as Tensor;
        return x;
      }
    }
    const stack = String(U.summary(new Stack(), [2, 3], { verbose: 0, rowSettings: ['depth', 'var_names'] })).split('\n');
    expect(stack.slice(3, 7)).toEqual([
      `${'Stack (Stack)'.padEnd(40)} ${'[2, 3]'.padEnd(25)} --`,
      `${'├─ModuleList (layers): 1-1'.padEnd(40)} ${'--'.padEnd(25)} --`, // never called itself: a row without shapes
      `${'│    └─Linear (0): 2-1'.padEnd(40)} ${'[2, 3]'.padEnd(25)} 12`,
      `${'│    └─Linear (1): 2-2'.padEnd(40)} ${'[2, 3]'.padEnd(25)} 12`,
    ]);

    // verbose 2 adds a row per weight: kernel shape as [in, out, ...] and the count, └─ on the last one
    const log = console.log;
    let printed = '';
    console.log = (t: string) => (printed = t);
    try {
      U.summary(new Stack(), [2, 3], { verbose: 2, colNames: ['kernel_size', 'num_params'] });
    } finally {
      console.log = log;
    }
    // (as torchinfo: a non-root row lists its submodules' parameters too, by dotted name)
    expect(printed.split('\n').slice(5, 14)).toEqual([
      `${'│    └─0.weight'.padEnd(40)} ${'[3, 3]'.padEnd(25)} ├─9`,
      `${'│    └─0.bias'.padEnd(40)} ${'[3]'.padEnd(25)} ├─3`,
      `${'│    └─1.weight'.padEnd(40)} ${'[3, 3]'.padEnd(25)} ├─9`,
      `${'│    └─1.bias'.padEnd(40)} ${'[3]'.padEnd(25)} └─3`,
      `${'│    └─Linear: 2-1'.padEnd(40)} ${'--'.padEnd(25)} 12`,
      `${'│    │    └─weight'.padEnd(40)} ${'[3, 3]'.padEnd(25)} ├─9`,
      `${'│    │    └─bias'.padEnd(40)} ${'[3]'.padEnd(25)} └─3`,
      `${'│    └─Linear: 2-2'.padEnd(40)} ${'--'.padEnd(25)} 12`,
      `${'│    │    └─weight'.padEnd(40)} ${'[3, 3]'.padEnd(25)} ├─9`,
    ]);

    const noInput = String(U.summary(model, { verbose: 0 })).split('\n');
    expect(noInput[1]).toBe(`${'Layer (type:depth-idx)'.padEnd(40)} Param #`);
    expect(noInput).toContain('Total params: 27,090');
    expect(noInput.some((l) => l.startsWith('Total mult-adds'))).toBe(false);
    expect(() => U.summary(model, { colNames: ['output_size'], verbose: 0 })).toThrow(/You must pass input_data or input_size/);
    expect(() => U.summary(model, [1, 1, 28, 28], { colNames: ['bogus' as never], verbose: 0 })).toThrow(/is not a valid column name/);
  });
  it('hook-computed weights stay valid after torch.tidy; parametrized modules convert with .double() and reload their state dict', () => {
    torch.manualSeed(12);
    const m = new Lin(4, 3);
    U.weightNorm(m);
    torch.tidy(() => m.call(torch.randn(2, 4)));
    expect(m.weight.isDisposed).toBe(false);
    expect(m.weight.shape).toEqual([3, 4]);

    torch.manualSeed(9);
    const sn = new Lin(5, 4);
    P.spectralNorm(sn);
    const sd = sn.stateDict();
    sn.double();
    expect(sn.weight.dtype).toBe(torch.float64);
    expect(plist(sn).at(0)._u!.dtype).toBe(torch.float64);
    torch.manualSeed(99);
    const other = new Lin(5, 4);
    P.spectralNorm(other);
    other.loadStateDict(sd);
    other.eval();
    sn.float().eval();
    expect(torch.equal(other.weight, sn.weight)).toBe(true);
    expect(() => other.loadStateDict({ ...sd, extra: torch.zeros(1) })).toThrow(/Unexpected key\(s\) in state_dict: "extra"/);
  });
});

describe('surface', () => {
  it("has the names of Python's torch.nn.utils (this part), prune, parametrize, parametrizations, stateless and torch.func.functional_call", () => {
    const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    const utils = ['clip_grad_norm', 'clip_grad_norm_', 'clip_grad_value_', 'clip_grads_with_norm_', 'fuse_conv_bn_eval', 'fuse_conv_bn_weights',
      'fuse_linear_bn_eval', 'fuse_linear_bn_weights', 'get_total_norm', 'parameters_to_vector', 'remove_spectral_norm', 'remove_weight_norm',
      'spectral_norm', 'vector_to_parameters', 'weight_norm', 'summary'];
    const pruneNames = ['BasePruningMethod', 'CustomFromMask', 'Identity', 'L1Unstructured', 'LnStructured', 'PruningContainer', 'RandomStructured',
      'RandomUnstructured', 'custom_from_mask', 'global_unstructured', 'identity', 'is_pruned', 'l1_unstructured', 'ln_structured',
      'random_structured', 'random_unstructured', 'remove'];
    const parametrizeNames = ['cached', 'ParametrizationList', 'register_parametrization', 'is_parametrized', 'remove_parametrizations',
      'type_before_parametrizations', 'transfer_parametrizations_and_params'];
    const missing = [
      ...utils.filter((n) => !(camel(n) in U)).map((n) => `nn.utils.${n}`),
      ...pruneNames.filter((n) => !(camel(n) in prune)).map((n) => `prune.${n}`),
      ...parametrizeNames.filter((n) => !(camel(n) in parametrize)).map((n) => `parametrize.${n}`),
      ...['orthogonal', 'spectral_norm', 'weight_norm'].filter((n) => !(camel(n) in P)).map((n) => `parametrizations.${n}`),
      ...(typeof U.stateless.functionalCall === 'function' ? [] : ['stateless.functional_call']),
      ...(typeof torch.func.functionalCall === 'function' ? [] : ['torch.func.functional_call']),
    ];
    expect(missing).toEqual([]);
  });
  it('parametrize.cached keeps its cache for an async function until it settles', async () => {
    torch.manualSeed(7);
    const m = new Lin(3, 3);
    parametrize.registerParametrization(m, 'weight', new Symmetric());
    const same = await parametrize.cached(async () => {
      const w = m.weight;
      await new Promise((r) => setTimeout(r, 1));
      return w === m.weight;
    });
    expect(same).toBe(true);
    expect(m.weight === m.weight).toBe(false);
  });
  // Python: with P.cached(): for i in range(3): h = rnn(torch.ones(1, 2), h) — three steps; the tidy around each JS step
  // must not free the cached weight the first step computed.
  it('parametrize.cached survives a tidy() per step inside it', () => {
    torch.manualSeed(0);
    const rnn = new nn.RNNCell(2, 2);
    parametrize.registerParametrization(rnn, 'weight_hh', new Symmetric());
    const expected = torch.tidy(() => {
      let h = torch.zeros([1, 2]);
      for (let i = 0; i < 3; i++) h = rnn.call(torch.ones([1, 2]), h);
      return h.tolist();
    });
    const got = parametrize.cached(() => {
      let h = torch.zeros([1, 2]);
      for (let i = 0; i < 3; i++) h = torch.tidy(() => rnn.call(torch.ones([1, 2]), h));
      return h.tolist();
    });
    expect(got).toEqual(expected);
  });
  // Python: m.weight = nn.Parameter(torch.ones(2, 2)) on a parametrized weight → KeyError "attribute 'weight' already exists",
  // the original unchanged; a plain tensor goes through right_inverse.
  it('assigning a Parameter to a parametrized tensor is refused, as Python; a tensor goes through rightInverse', () => {
    torch.manualSeed(1);
    const m = new Lin(2, 2);
    parametrize.registerParametrization(m, 'weight', new Symmetric());
    const original = (m as unknown as { parametrizations: { weight: { original: Tensor } } }).parametrizations.weight.original;
    const before = original.tolist();
    expect(() => ((m as { weight: Tensor }).weight = new nn.Parameter(torch.ones([2, 2])))).toThrow(/^attribute 'weight' already exists$/);
    expect(original.tolist()).toEqual(before);
    (m as { weight: Tensor }).weight = torch.tensor([[1, 2], [2, 3]], { dtype: torch.float32 });
    expect(original.tolist()).toEqual([[1, 2], [0, 3]]);
  });
});
