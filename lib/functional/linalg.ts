// torch.lu, torch.cdist and the randomized low-rank SVD/PCA (torch/_lowrank.py), ported from their
// Python implementations over ATen operators in the same order, so the same seed gives the same numbers.
import { aten } from '../call.js';
import { float16, float32, float64, type DType } from '../dtype.js';
import { bind, REQUIRED, signature, type PyArgs, type PyArgsWith } from '../nn/functional/_signature.js';
import { describe } from '../options.js';
import { tidy } from '../scope.js';
import { isTensor, type Tensor } from '../tensor.js';
import { bindArgs, boolArg, installMethods } from './args.js';

export interface LuOptions {
  pivot?: boolean;
  getInfos?: boolean;
  out?: Tensor[] | null;
}

/** With getInfos, torch.lu returns the named tuple of torch._lu_with_info. */
export type LuWithInfo = [Tensor, Tensor, Tensor] & { LU: Tensor; pivots: Tensor; info: Tensor };

const LU = signature('lu', { A: REQUIRED, pivot: true, getInfos: false, out: null });

/**
 * torch.lu(A, pivot=true, getInfos=false, out=null): [LU, pivots], or the named [LU, pivots, info] with getInfos;
 * with out (2 tensors, or 3 with getInfos) the results are copied into out's tensors and out is returned.
 */
export function lu(A: Tensor, options?: { pivot?: boolean; getInfos?: false; out?: null }): [Tensor, Tensor];
export function lu(A: Tensor, options: { pivot?: boolean; getInfos: true; out?: null }): LuWithInfo;
export function lu(A: Tensor, pivot: boolean, getInfos?: false): [Tensor, Tensor];
export function lu(A: Tensor, pivot: boolean, getInfos: true): LuWithInfo;
export function lu<O extends Tensor[]>(A: Tensor, ...args: PyArgsWith<[pivot: boolean, getInfos: boolean], LuOptions & { out: O }>): O;
export function lu(options: { A: Tensor; pivot?: boolean; getInfos?: false; out?: null }): [Tensor, Tensor];
export function lu(options: { A: Tensor; pivot?: boolean; getInfos: true; out?: null }): LuWithInfo;
export function lu(A: Tensor, ...args: (boolean | LuOptions | undefined)[]): [Tensor, Tensor] | [Tensor, Tensor, Tensor];
export function lu(...args: unknown[]): Tensor[] {
  const [A, pivotArg, getInfosArg, out] = bind(LU, args);
  const pivot = boolArg('lu', 'pivot', pivotArg, true);
  const getInfos = boolArg('lu', 'getInfos', getInfosArg, false);
  const result = aten('_lu_with_info', [A, { pivot, checkErrors: !getInfos }]) as LuWithInfo;
  if (out !== null) return copyIntoOut(result, getInfos, out);
  if (getInfos) return result; // Python returns _lu_with_info's named tuple (LU, pivots, info) as it is
  const [packed, pivots, infos] = result;
  infos.dispose();
  return [packed, pivots];
}

// Python's _lu_with_infos/_lu_no_infos with out: _check_list_size, then out[i].resize_as_(result[i]).copy_(result[i]).
function copyIntoOut(result: Tensor[], getInfos: boolean, out: unknown): Tensor[] {
  try {
    const expected = getInfos ? 3 : 2;
    const length = (out as { length?: unknown }).length; // Python's len(out): a Tensor has one too
    if (typeof length === 'number' && length !== expected) throw new TypeError(`lu: expected tuple of ${expected} elements but got ${length}`);
    if (!Array.isArray(out)) throw new TypeError(`lu: argument 'out' must be tuple of Tensors, not ${describe(out)}`);
    const notTensor = out.find((t) => !isTensor(t));
    if (notTensor !== undefined) throw new TypeError(`lu: argument 'out' must be tuple of Tensors, got an element ${describe(notTensor)}`);
    out.forEach((t, i) => t.resizeAs_(result[i]!).copy_(result[i]!));
    return out;
  } finally {
    for (const t of result) t.dispose();
  }
}

const COMPUTE_MODES: Record<string, number | null> = {
  use_mm_for_euclid_dist_if_necessary: null,
  use_mm_for_euclid_dist: 1,
  donot_use_mm_for_euclid_dist: 2,
};
export type CdistComputeMode = 'use_mm_for_euclid_dist_if_necessary' | 'use_mm_for_euclid_dist' | 'donot_use_mm_for_euclid_dist';
export interface CdistOptions {
  p?: number;
  computeMode?: CdistComputeMode;
}
const CDIST = signature('cdist', { x1: REQUIRED, x2: REQUIRED, p: 2, computeMode: 'use_mm_for_euclid_dist_if_necessary' });

/** torch.cdist(x1, x2, p=2, computeMode='use_mm_for_euclid_dist_if_necessary'): pairwise p-norm distances. */
export function cdist(x1: Tensor, x2: Tensor, ...args: PyArgs<[p: number, computeMode: CdistComputeMode], CdistOptions>): Tensor;
export function cdist(x1: Tensor, options: CdistOptions & { x2: Tensor }): Tensor;
export function cdist(options: CdistOptions & { x1: Tensor; x2: Tensor }): Tensor;
export function cdist(...args: unknown[]): Tensor {
  const [x1, x2, p, mode] = bind(CDIST, args);
  if (!(typeof mode === 'string' && mode in COMPUTE_MODES)) throw new RangeError(`cdist: ${String(mode)} is not a valid value for compute_mode`);
  if (p === null) throw new TypeError("cdist(): argument 'p' (position 3) must be float, not null");
  return aten('cdist', [x1, x2, p, COMPUTE_MODES[mode]]) as Tensor;
}

// _linalg_utils.get_floating_dtype: float16/32/64 stay, everything else computes in float32.
const floatingDtype = (A: Tensor): DType => ([float16, float32, float64].includes(A.dtype) ? A.dtype : float32);
const mm = (a: Tensor, b: Tensor): Tensor => aten('matmul', [a, b]) as Tensor;
const qrQ = (X: Tensor): Tensor => (aten('linalg_qr', [X]) as Tensor[])[0]!;

type BasisOptions = { niter?: number | null; M?: Tensor | null };
const APPROXIMATE_BASIS = signature('getApproximateBasis', { A: REQUIRED, q: REQUIRED, niter: 2, M: null });

/**
 * torch._lowrank.get_approximate_basis(A, q, niter=2, M=null): an orthonormal basis Q (n x q) with
 * A ≈ Q Qᴴ A, by randomized subspace iteration (draws from the default generator).
 */
export function getApproximateBasis(A: Tensor, q: number, ...args: PyArgs<[niter: number | null, M: Tensor | null], BasisOptions>): Tensor;
export function getApproximateBasis(A: Tensor, options: BasisOptions & { q: number }): Tensor;
export function getApproximateBasis(options: BasisOptions & { A: Tensor; q: number }): Tensor;
export function getApproximateBasis(...args: unknown[]): Tensor {
  const [A, q, niter, M] = bind(APPROXIMATE_BASIS, args) as [Tensor, number, number | null, Tensor | null];
  return tidy(() => approximateBasis(A, q, niter ?? 2, M));
}

// get_approximate_basis' body; its temporaries belong to the caller's tidy.
function approximateBasis(A: Tensor, q: number, niter: number, M: Tensor | null): Tensor {
  const dtype = A.dtype.isComplex ? A.dtype : floatingDtype(A);
  const R = aten('randn', [[A.shape[A.dim() - 1]!, q], { dtype, device: A.device }]) as Tensor;
  const minusM = (X: Tensor, m: Tensor | null, B: Tensor): Tensor => (m === null ? X : X.sub(mm(m, B)));
  let Q = qrQ(minusM(mm(A, R), M, R));
  for (let i = 0; i < niter; i++) {
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
const SVD_LOWRANK = signature('svdLowrank', { A: REQUIRED, q: 6, niter: 2, M: null });

/** torch.svd_lowrank(A, q=6, niter=2, M=null): [U, S, V] of a rank-q approximation of A (or A - M). */
export function svdLowrank(A: Tensor, ...args: PyArgs<[q: number | null, niter: number | null, M: Tensor | null], SvdLowrankOptions>): [Tensor, Tensor, Tensor];
export function svdLowrank(options: SvdLowrankOptions & { A: Tensor }): [Tensor, Tensor, Tensor];
export function svdLowrank(...args: unknown[]): [Tensor, Tensor, Tensor] {
  const [A, q, niter, M] = bind(SVD_LOWRANK, args) as [Tensor, number | null, number | null, Tensor | null];
  return tidy(() => svdLowrankImpl(A, q ?? 6, niter ?? 2, M));
}

// torch._lowrank._svd_lowrank; its temporaries belong to the caller's tidy.
function svdLowrankImpl(A: Tensor, q: number, niter: number, M: Tensor | null): [Tensor, Tensor, Tensor] {
  if (!isTensor(A)) throw new TypeError(`svdLowrank: A must be a Tensor, got ${describe(A)}`);
  const [m, n] = A.shape.slice(-2) as [number, number];
  if (M !== null) M = aten('broadcast_to', [M, A.shape]) as Tensor;
  if (m < n) {
    A = A.mH;
    if (M !== null) M = M.mH;
  }
  const Q = approximateBasis(A, q, niter, M);
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
const PCA_LOWRANK = signature('pcaLowrank', { A: REQUIRED, q: null, center: true, niter: 2 });

/** torch.pca_lowrank(A, q=null, center=true, niter=2): [U, S, V] of the principal components of A. */
export function pcaLowrank(A: Tensor, ...args: PyArgs<[q: number | null, center: boolean, niter: number], PcaLowrankOptions>): [Tensor, Tensor, Tensor];
export function pcaLowrank(options: PcaLowrankOptions & { A: Tensor }): [Tensor, Tensor, Tensor];
export function pcaLowrank(...args: unknown[]): [Tensor, Tensor, Tensor] {
  const [A, q, center, niterArg] = bind(PCA_LOWRANK, args) as [Tensor, number | null, unknown, number | null];
  const [m, n] = A.shape.slice(-2) as [number, number];
  const rank = q ?? Math.min(6, m, n);
  if (!(rank >= 0 && rank <= Math.min(m, n))) throw new RangeError(`pcaLowrank: q(=${rank}) must be non-negative integer and not greater than min(m, n)=${Math.min(m, n)}`);
  const niter = niterArg ?? 2;
  if (!(niter >= 0)) throw new RangeError(`pcaLowrank: niter(=${niter}) must be non-negative integer`);
  const centered = boolArg('pcaLowrank', 'center', center, true);
  return tidy(() => {
    if (!centered) return svdLowrankImpl(A, rank, niter, null);
    if (A.layout.name === 'sparse_coo') return svdLowrankImpl(A, rank, niter, sparseColumnMeans(A, m, n));
    const C = aten('mean', [A, [-2], true]) as Tensor;
    return svdLowrankImpl(A.sub(C), rank, niter, null);
  });
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

type LuMethodOptions = Omit<LuOptions, 'out'>;

declare module '../tensor.js' {
  interface Tensor {
    /** x.lu(pivot=true, getInfos=false) is torch.lu(x, ...) (Python's method has no out). */
    lu(options?: { pivot?: boolean; getInfos?: false }): [Tensor, Tensor];
    lu(options: { pivot?: boolean; getInfos: true }): LuWithInfo;
    lu(pivot: boolean, getInfos?: false): [Tensor, Tensor];
    lu(pivot: boolean, getInfos: true): LuWithInfo;
    lu(...args: (boolean | LuMethodOptions | undefined)[]): [Tensor, Tensor] | [Tensor, Tensor, Tensor];
  }
}

installMethods({
  lu(this: Tensor, ...args: (boolean | LuMethodOptions | undefined)[]): [Tensor, Tensor] | [Tensor, Tensor, Tensor] {
    return lu(this, bindArgs('lu', args, ['pivot', 'getInfos']) as LuMethodOptions);
  },
});
