// torch.lu, torch.cdist and the randomized low-rank SVD/PCA (torch/_lowrank.py), ported from their
// Python implementations over ATen operators in the same order, so the same seed gives the same numbers.
import { aten } from '../call.js';
import { float16, float32, float64, type DType } from '../dtype.js';
import { describe } from '../options.js';
import { isTensor, type Tensor } from '../tensor.js';
import { bindArgs, boolArg, checkArity, installMethods } from './args.js';

export interface LuOptions {
  pivot?: boolean;
  getInfos?: boolean;
}

/** With getInfos, torch.lu returns the named tuple of torch._lu_with_info. */
export type LuWithInfo = [Tensor, Tensor, Tensor] & { LU: Tensor; pivots: Tensor; info: Tensor };

/** torch.lu(A, pivot=true, getInfos=false): [LU, pivots], or the named [LU, pivots, info] with getInfos. */
export function lu(A: Tensor, options?: { pivot?: boolean; getInfos?: false }): [Tensor, Tensor];
export function lu(A: Tensor, options: { pivot?: boolean; getInfos: true }): LuWithInfo;
export function lu(A: Tensor, pivot: boolean, getInfos?: false): [Tensor, Tensor];
export function lu(A: Tensor, pivot: boolean, getInfos: true): LuWithInfo;
export function lu(A: Tensor, ...args: (boolean | LuOptions | undefined)[]): [Tensor, Tensor] | [Tensor, Tensor, Tensor];
export function lu(A: Tensor, ...args: unknown[]): [Tensor, Tensor] | [Tensor, Tensor, Tensor] {
  const o = bindArgs('lu', args, ['pivot', 'getInfos']);
  const pivot = boolArg('lu', 'pivot', o.pivot, true);
  const getInfos = boolArg('lu', 'getInfos', o.getInfos, false);
  const result = aten('_lu_with_info', [A, { pivot, checkErrors: !getInfos }]) as [Tensor, Tensor, Tensor];
  if (getInfos) return result; // Python returns _lu_with_info's named tuple (LU, pivots, info) as it is
  const [LU, pivots, infos] = result;
  infos!.dispose();
  return [LU!, pivots!];
}

const COMPUTE_MODES: Record<string, number | null> = {
  use_mm_for_euclid_dist_if_necessary: null,
  use_mm_for_euclid_dist: 1,
  donot_use_mm_for_euclid_dist: 2,
};
export type CdistComputeMode = 'use_mm_for_euclid_dist_if_necessary' | 'use_mm_for_euclid_dist' | 'donot_use_mm_for_euclid_dist';

/** torch.cdist(x1, x2, p=2, computeMode='use_mm_for_euclid_dist_if_necessary'): pairwise p-norm distances. */
export function cdist(x1: Tensor, x2: Tensor, p?: number | { p?: number; computeMode?: CdistComputeMode }, computeMode?: CdistComputeMode | { computeMode?: CdistComputeMode }): Tensor {
  checkArity('cdist', arguments.length, 4);
  const o = bindArgs('cdist', [p, computeMode], ['p', 'computeMode']);
  const mode = (o.computeMode ?? 'use_mm_for_euclid_dist_if_necessary') as string;
  if (!(typeof mode === 'string' && mode in COMPUTE_MODES)) throw new RangeError(`cdist: ${String(mode)} is not a valid value for compute_mode`);
  if (o.p === null) throw new TypeError("cdist(): argument 'p' (position 3) must be float, not null");
  return aten('cdist', [x1, x2, o.p ?? 2, COMPUTE_MODES[mode]]) as Tensor;
}

// _linalg_utils.get_floating_dtype: float16/32/64 stay, everything else computes in float32.
const floatingDtype = (A: Tensor): DType => ([float16, float32, float64].includes(A.dtype) ? A.dtype : float32);
const mm = (a: Tensor, b: Tensor): Tensor => aten('matmul', [a, b]) as Tensor;
const qrQ = (X: Tensor): Tensor => (aten('linalg_qr', [X]) as Tensor[])[0]!;

/**
 * torch._lowrank.get_approximate_basis(A, q, niter=2, M=null): an orthonormal basis Q (n x q) with
 * A ≈ Q Qᴴ A, by randomized subspace iteration (draws from the default generator).
 */
export function getApproximateBasis(A: Tensor, q: number, niter: number | null = 2, M: Tensor | null = null): Tensor {
  const n = niter ?? 2;
  const dtype = A.dtype.isComplex ? A.dtype : floatingDtype(A);
  const R = aten('randn', [[A.shape[A.dim() - 1]!, q], { dtype, device: A.device }]) as Tensor;
  const minusM = (X: Tensor, m: Tensor | null, B: Tensor): Tensor => (m === null ? X : X.sub(mm(m, B)));
  let Q = qrQ(minusM(mm(A, R), M, R));
  for (let i = 0; i < n; i++) {
    Q = qrQ(minusM(mm(A.mH, Q), M === null ? null : M.mH, Q));
    Q = qrQ(minusM(mm(A, Q), M, Q));
  }
  return Q;
}

export interface SvdLowrankOptions {
  q?: number | null;
  niter?: number | null;
  M?: Tensor | null;
}

/** torch.svd_lowrank(A, q=6, niter=2, M=null): [U, S, V] of a rank-q approximation of A (or A - M). */
export function svdLowrank(A: Tensor, q?: number | null | SvdLowrankOptions, niter?: number | null | SvdLowrankOptions, M?: Tensor | null | SvdLowrankOptions): [Tensor, Tensor, Tensor] {
  checkArity('svdLowrank', arguments.length, 4);
  const o = bindArgs('svdLowrank', [q, niter, M], ['q', 'niter', 'M']);
  return svdLowrankImpl(A, (o.q ?? 6) as number, (o.niter ?? 2) as number, (o.M ?? null) as Tensor | null);
}

// torch._lowrank._svd_lowrank.
function svdLowrankImpl(A: Tensor, q: number, niter: number, M: Tensor | null): [Tensor, Tensor, Tensor] {
  if (!isTensor(A)) throw new TypeError(`svdLowrank: A must be a Tensor, got ${describe(A)}`);
  const [m, n] = A.shape.slice(-2) as [number, number];
  if (M !== null) M = aten('broadcast_to', [M, A.shape]) as Tensor;
  if (m < n) {
    A = A.mH;
    if (M !== null) M = M.mH;
  }
  const Q = getApproximateBasis(A, q, niter, M);
  let B = mm(Q.mH, A);
  if (M !== null) B = B.sub(mm(Q.mH, M));
  const [U0, S, Vh] = aten('linalg_svd', [B, { fullMatrices: false }]) as Tensor[];
  const V = Vh!.mH;
  const U = Q.matmul(U0!);
  return m < n ? [V, S!, U] : [U, S!, V];
}

export interface PcaLowrankOptions {
  q?: number | null;
  center?: boolean;
  niter?: number;
}

/** torch.pca_lowrank(A, q=null, center=true, niter=2): [U, S, V] of the principal components of A. */
export function pcaLowrank(A: Tensor, q?: number | null | PcaLowrankOptions, center?: boolean | PcaLowrankOptions, niter?: number | PcaLowrankOptions): [Tensor, Tensor, Tensor] {
  checkArity('pcaLowrank', arguments.length, 4);
  const o = bindArgs('pcaLowrank', [q, center, niter], ['q', 'center', 'niter']);
  const [m, n] = A.shape.slice(-2) as [number, number];
  let rank = (o.q ?? null) as number | null;
  if (rank === null) rank = Math.min(6, m, n);
  else if (!(rank >= 0 && rank <= Math.min(m, n))) throw new RangeError(`pcaLowrank: q(=${rank}) must be non-negative integer and not greater than min(m, n)=${Math.min(m, n)}`);
  const iterations = (o.niter ?? 2) as number;
  if (!(iterations >= 0)) throw new RangeError(`pcaLowrank: niter(=${iterations}) must be non-negative integer`);
  if (!boolArg('pcaLowrank', 'center', o.center, true)) return svdLowrankImpl(A, rank, iterations, null);
  if (A.layout.name === 'sparse_coo') return svdLowrankImpl(A, rank, iterations, sparseColumnMeans(A, m, n));
  const C = aten('mean', [A, [-2], true]) as Tensor;
  return svdLowrankImpl(A.sub(C), rank, iterations, null);
}

// pca_lowrank's centering of a sparse A (m x n) without densifying it: M, each row the column means, as
// torch/_lowrank.py builds it (a sparse n x 1 column of the means times a row of ones, transposed).
function sparseColumnMeans(A: Tensor, m: number, n: number): Tensor {
  if (A.dim() !== 2) throw new RangeError('pcaLowrank: pca_lowrank input is expected to be 2-dimensional tensor');
  const dtype = floatingDtype(A);
  const c = (aten('_sparse_sum', [A, [-2]]) as Tensor).div(m);
  const columns = (aten('indices', [c]) as Tensor).select(0, 0);
  const indices = aten('stack', [[columns, aten('zeros_like', [columns])]]) as Tensor;
  const Ct = aten('sparse_coo_tensor', [indices, aten('values', [c]), [n, 1], { dtype }]) as Tensor;
  return (aten('mm', [Ct, aten('ones', [[1, m], { dtype }])]) as Tensor).mT;
}

declare module '../tensor.js' {
  interface Tensor {
    /** x.lu(pivot=true, getInfos=false) is torch.lu(x, ...). */
    lu(options?: { pivot?: boolean; getInfos?: false }): [Tensor, Tensor];
    lu(options: { pivot?: boolean; getInfos: true }): LuWithInfo;
    lu(pivot: boolean, getInfos?: false): [Tensor, Tensor];
    lu(pivot: boolean, getInfos: true): LuWithInfo;
    lu(...args: (boolean | LuOptions | undefined)[]): [Tensor, Tensor] | [Tensor, Tensor, Tensor];
  }
}

installMethods({
  lu(this: Tensor, ...args: (boolean | LuOptions | undefined)[]): [Tensor, Tensor] | [Tensor, Tensor, Tensor] {
    return lu(this, ...args);
  },
});
