// torch.nn.utils.parametrizations: orthogonal, weight_norm and spectral_norm as parametrizations
// (register_parametrization), written as PyTorch 2.13 writes them: the same ops in the same order and
// the same draws from the RNG, so the numbers match.
import { type Tensor, isTensor } from '../../tensor.js';
import { aten } from '../../call.js';
import { noGrad } from '../../autograd.js';
import { eye, randn, zerosLike } from '../../creation.js';
import * as ops from '../../generated/functions.js';
import * as linalg from '../../generated/linalg.js';
import { readOptions } from '../../options.js';
import { Module } from '../module.js';
import { registerParametrization } from './parametrize.js';
import { NotImplementedError, normalize, shapeEqual, spectralNormArgs, type SpectralNormOptions } from './_common.js';
import { pySize } from '../../dtype.js';

type Rec = Record<string, unknown>;

function finfoEps(t: Tensor): number {
  const name = String(t.dtype);
  if (name.endsWith('float64') || name.endsWith('complex128')) return 2.220446049250313e-16;
  if (name.endsWith('float16')) return 0.0009765625;
  if (name.endsWith('bfloat16')) return 0.0078125;
  return 1.1920928955078125e-7;
}

/** _is_orthogonal: Q^H Q ≈ I within 10·n·eps. */
function isOrthogonal(q: Tensor): boolean {
  const n = q.size(-2);
  const k = q.size(-1);
  const id = eye(k, { dtype: q.dtype, device: q.device });
  const eps = 10.0 * n * finfoEps(q);
  return ops.allclose(q.mH.matmul(q), id, { atol: eps });
}

/** _make_orthogonal: the Q of A's QR decomposition with the signs that make R's diagonal positive. */
function makeOrthogonal(a: Tensor): Tensor {
  const [x, tau] = ops.geqrf(a) as unknown as [Tensor, Tensor];
  const q = linalg.householderProduct(x, tau);
  q.mul_(x.diagonal({ dim1: -2, dim2: -1 }).sgn().unsqueeze(-2));
  return q;
}

const ORTH_MAPS = ['matrix_exp', 'cayley', 'householder'] as const;
type OrthMap = (typeof ORTH_MAPS)[number];

/** The orthogonal parametrization module (Python's _Orthogonal). */
export class _Orthogonal extends Module {
  declare base: Tensor | null;
  readonly shape: number[];
  readonly orthogonalMap: OrthMap;

  constructor(weight: Tensor, orthogonalMap: OrthMap, options: { useTrivialization?: boolean } = {}) {
    super();
    const useTrivialization = readOptions('_Orthogonal', options, ['useTrivialization'] as const).useTrivialization ?? true;
    if (weight.isComplex() && orthogonalMap === 'householder') throw new Error('The householder parametrization does not support complex tensors.');
    this.shape = weight.shape;
    this.orthogonalMap = orthogonalMap;
    if (useTrivialization) this.registerBuffer('base', null);
  }


  override forward(input: Tensor): Tensor {
    let x = input;
    let n = x.size(-2);
    let k = x.size(-1);
    const transposed = n < k;
    if (transposed) {
      x = x.mT;
      [n, k] = [k, n];
    }
    let q: Tensor;
    if (this.orthogonalMap === 'matrix_exp' || this.orthogonalMap === 'cayley') {
      x = x.tril();
      if (n !== k) x = ops.cat([x, x.newZeros([n, n - k]).expand([...x.shape.slice(0, -2), -1, -1])], -1);
      const a = x.sub(x.mH);
      if (this.orthogonalMap === 'matrix_exp') q = ops.matrixExp(a);
      else {
        const id = eye(n, { dtype: a.dtype, device: a.device });
        q = linalg.solve(ops.add(id, a, { alpha: -0.5 }), ops.add(id, a, { alpha: 0.5 }));
      }
      if (n !== k) q = q.index('...', `:${k}`);
    } else {
      const a = x.tril(-1);
      const tau = a.mul(a).sum(-2).add(1.0).reciprocal().mul(2.0); // 2.0 / (1.0 + ...): Tensor.__rtruediv__
      q = linalg.householderProduct(a, tau);
      q = q.mul(x.diagonal({ dim1: -2, dim2: -1 }).int().unsqueeze(-2));
    }
    if (Object.hasOwn(this, 'base')) q = (this.base as Tensor).matmul(q);
    if (transposed) q = q.mT;
    return q;
  }

  rightInverse(value: Tensor): Tensor {
    return noGrad(() => {
      if (!shapeEqual(value.shape, this.shape))
        throw new Error(`Expected a matrix or batch of matrices of shape ${pySize(this.shape)}. Got a tensor of shape ${pySize(value.shape)}.`);
      const qInit = value;
      let q = value;
      let n = q.size(-2);
      let k = q.size(-1);
      const transpose = n < k;
      if (transpose) {
        q = q.mT;
        [n, k] = [k, n];
      }
      if (!Object.hasOwn(this, 'base')) {
        if (this.orthogonalMap === 'cayley' || this.orthogonalMap === 'matrix_exp')
          throw new NotImplementedError('It is not possible to assign to the matrix exponential or the Cayley parametrizations when use_trivialization=False.');
        const [a, tau] = ops.geqrf(q) as unknown as [Tensor, Tensor];
        const diag = a.diagonal({ dim1: -2, dim2: -1 });
        diag.sign_();
        const zeroTau = tau.eq(0.0);
        diag.indexPut_([zeroTau], diag.index(zeroTau).mul(-1));
        return transpose ? a.mT : a;
      }
      if (n === k) q = isOrthogonal(q) ? q.clone() : makeOrthogonal(q);
      else {
        const noise = randn([...q.shape.slice(0, -2), n, n - k], { dtype: q.dtype, device: q.device });
        q = makeOrthogonal(ops.cat([q, noise], -1));
      }
      this.registerBuffer('base', q);
      const negId = zerosLike(qInit);
      negId.diagonal({ dim1: -2, dim2: -1 }).fill_(-1.0);
      return negId;
    });
  }
}

/**
 * parametrizations.orthogonal: `module[name]` becomes an orthogonal (unitary) matrix or batch of them,
 * through 'matrix_exp', 'cayley' or 'householder' (default: matrix_exp for square or complex, else householder).
 */
export function orthogonal<M extends Module>(
  module: M,
  name: string | { name?: string; orthogonalMap?: string | null; useTrivialization?: boolean } = 'weight',
  orthogonalMap: string | null | { useTrivialization?: boolean } = null,
  options: { useTrivialization?: boolean } = {},
): M {
  const fn = 'orthogonal';
  let o: { name?: unknown; orthogonalMap?: unknown; useTrivialization?: unknown };
  if (typeof name === 'object') o = readOptions(fn, name, ['name', 'orthogonalMap', 'useTrivialization'] as const);
  else if (typeof orthogonalMap === 'object' && orthogonalMap !== null) o = { name, ...readOptions(fn, orthogonalMap, ['orthogonalMap', 'useTrivialization'] as const) };
  else o = { name, orthogonalMap, ...readOptions(fn, options, ['useTrivialization'] as const) };
  const tensorName = (o.name ?? 'weight') as string;
  const weight = (module as unknown as Rec)[tensorName];
  if (!isTensor(weight)) throw new Error(`Module '${String(module)}' has no parameter or buffer with name '${tensorName}'`);
  if (weight.dim() < 2) throw new Error(`Expected a matrix or batch of matrices. Got a tensor of ${weight.dim()} dimensions.`);
  let map = (o.orthogonalMap ?? null) as string | null;
  if (map === null) map = weight.size(-2) === weight.size(-1) || weight.isComplex() ? 'matrix_exp' : 'householder';
  if (!(ORTH_MAPS as readonly string[]).includes(map))
    throw new Error(`orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: ${map}`);
  const orth = new _Orthogonal(weight, map as OrthMap, { useTrivialization: Boolean(o.useTrivialization ?? true) });
  registerParametrization(module, tensorName, orth, { unsafe: true });
  return module;
}

/** The weight-norm parametrization module (Python's _WeightNorm): weight = g · v / ‖v‖. */
export class _WeightNorm extends Module {
  readonly dim: number;
  constructor(dim: number | null = 0) {
    super();
    this.dim = dim === null ? -1 : dim;
  }
  override forward(weightG: Tensor, weightV: Tensor): Tensor {
    return aten('_weight_norm', [weightV, weightG, this.dim]) as Tensor;
  }
  rightInverse(weight: Tensor): [Tensor, Tensor] {
    const weightG = aten('norm_except_dim', [weight, 2, this.dim]) as Tensor;
    return [weightG, weight];
  }
}

/**
 * parametrizations.weight_norm: `module[name]` = g · v / ‖v‖ with g (`original0`) and v (`original1`)
 * as parameters. State dicts of the older nn.utils.weightNorm (`weight_g`, `weight_v`) still load.
 */
export function weightNorm<M extends Module>(module: M, name: string | { name?: string; dim?: number | null } = 'weight', dim: number | null = 0): M {
  let tensorName = name as string;
  let d: number | null = dim;
  if (typeof name === 'object') {
    const o = readOptions('weightNorm', name, ['name', 'dim'] as const);
    tensorName = (o.name ?? 'weight') as string;
    d = o.dim === undefined ? 0 : (o.dim as number | null);
  }
  registerParametrization(module, tensorName, new _WeightNorm(d), { unsafe: true });
  module._registerLoadStateDictPreHook((stateDict, prefix) => {
    const gKey = `${prefix}${tensorName}_g`;
    const vKey = `${prefix}${tensorName}_v`;
    if (gKey in stateDict && vKey in stateDict) {
      const original0 = stateDict[gKey];
      const original1 = stateDict[vKey];
      delete stateDict[gKey];
      delete stateDict[vKey];
      stateDict[`${prefix}parametrizations.${tensorName}.original0`] = original0;
      stateDict[`${prefix}parametrizations.${tensorName}.original1`] = original1;
    }
  });
  return module;
}

/** The spectral-norm parametrization module (Python's _SpectralNorm), with its power-iteration vectors `_u`, `_v`. */
export class _SpectralNorm extends Module {
  declare _u: Tensor;
  declare _v: Tensor;
  readonly dim: number;
  readonly eps: number;
  readonly nPowerIterations: number = 1;

  constructor(weight: Tensor, nPowerIterations = 1, dim = 0, eps = 1e-12) {
    super();
    const ndim = weight.dim();
    if (dim >= ndim || dim < -ndim) throw new RangeError(`Dimension out of range (expected to be in range of [-${ndim}, ${ndim - 1}] but got ${dim})`);
    if (nPowerIterations <= 0) throw new Error(`Expected n_power_iterations to be positive, but got n_power_iterations=${nPowerIterations}`);
    this.dim = dim >= 0 ? dim : dim + ndim;
    this.eps = eps;
    if (ndim > 1) {
      this.nPowerIterations = nPowerIterations;
      const weightMat = this.reshapeWeightToMatrix(weight);
      const [h, w] = weightMat.shape as [number, number];
      const u = weightMat.newEmpty([h]).normal_(0, 1);
      const v = weightMat.newEmpty([w]).normal_(0, 1);
      this.registerBuffer('_u', normalize(u, 0, this.eps));
      this.registerBuffer('_v', normalize(v, 0, this.eps));
      this.powerMethod(weightMat, 15);
    }
  }

  reshapeWeightToMatrix(weight: Tensor): Tensor {
    if (weight.dim() <= 1) throw new Error(`Expected weight to have more than 1 dimension, got ${weight.dim()}`);
    let w = weight;
    if (this.dim !== 0) w = w.permute([this.dim, ...Array.from({ length: w.dim() }, (_, i) => i).filter((i) => i !== this.dim)]);
    return w.flatten(1);
  }

  powerMethod(weightMat: Tensor, nPowerIterations: number): void {
    noGrad(() => {
      for (let i = 0; i < nPowerIterations; i++) {
        normalize(ops.mv(weightMat, this._v), 0, this.eps, this._u);
        normalize(ops.mv(weightMat.H, this._u), 0, this.eps, this._v);
      }
    });
  }

  override forward(weight: Tensor): Tensor {
    if (weight.dim() === 1) return normalize(weight, 0, this.eps);
    const weightMat = this.reshapeWeightToMatrix(weight);
    if (this.training) this.powerMethod(weightMat, this.nPowerIterations);
    const u = this._u.clone({ memoryFormat: 'contiguous_format' } as never);
    const v = this._v.clone({ memoryFormat: 'contiguous_format' } as never);
    const sigma = ops.vdot(u, ops.mv(weightMat, v));
    return weight.div(sigma);
  }

  rightInverse(value: Tensor): Tensor {
    return value;
  }
}

/**
 * parametrizations.spectral_norm: `module[name]` is divided by its spectral norm, estimated by power
 * iteration (one step per training-mode access). dim defaults to 1 for ConvTranspose, else 0.
 */
export function spectralNorm<M extends Module>(
  module: M,
  name: string | SpectralNormOptions = 'weight',
  nPowerIterations = 1,
  eps = 1e-12,
  dim: number | null = null,
): M {
  const a = spectralNormArgs('spectralNorm', module, name, nPowerIterations, eps, dim);
  const tensorName = a.tensorName;
  const weight = (module as unknown as Rec)[tensorName];
  if (!isTensor(weight)) throw new Error(`Module '${String(module)}' has no parameter or buffer with name '${tensorName}'`);
  const sn = new _SpectralNorm(weight, a.nPowerIterations, a.dim, a.eps);
  registerParametrization(module, tensorName, sn);
  return module;
}

