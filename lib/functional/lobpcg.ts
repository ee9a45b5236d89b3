// torch.lobpcg: a port of torch/_lobpcg.py (PyTorch 2.13), LOBPCG for the k largest (or smallest) eigenpairs of
// a symmetric (generalized) eigenproblem A X = B X E, methods 'ortho' (default) and 'basic'; the same tensor
// operations in the same order, so seeded runs give Python's numbers. Gradients through it are not ported.
import { cholesky, eigh, qr, solveTriangular, vectorNorm } from '../generated/linalg.js';
import { float16, float32, float64, strided, type DType } from '../dtype.js';
import { eye, randn, zeros } from '../creation.js';
import { isGradEnabled } from '../autograd.js';
import { describe, isOptionsObject, readOptions } from '../options.js';
import { sparse } from '../sparse.js';
import { tidy, untracked } from '../scope.js';
import { isTensor, type Tensor } from '../tensor.js';

export interface LobpcgOptions {
  k?: number | null;
  B?: Tensor | null;
  X?: Tensor | null;
  n?: number | null;
  iK?: Tensor | null;
  niter?: number | null;
  tol?: number | null;
  largest?: boolean | null;
  method?: 'ortho' | 'basic' | null;
  /**
   * Called with the worker after each iteration (set `worker.bvars.forceStop = true` to stop). As Python's docs
   * say, clone the worker's tensors to keep them: lobpcg frees its iteration tensors as it goes.
   */
  tracker?: ((worker: LobpcgWorker) => void) | null;
  orthoIparams?: { orthoIMax?: number; orthoJMax?: number } | null;
  orthoFparams?: { orthoTol?: number; orthoTolDrop?: number; orthoTolReplace?: number } | null;
  orthoBparams?: { orthoUseDrop?: boolean } | null;
}

const OPTION_NAMES = ['k', 'B', 'X', 'n', 'iK', 'niter', 'tol', 'largest', 'method', 'tracker', 'orthoIparams', 'orthoFparams', 'orthoBparams'] as const;

// Python's slice t[..., a:b] along `dim`, clamped to the size as Python clamps.
function slice(t: Tensor, dim: number, start: number, end: number = Infinity): Tensor {
  const size = t.shape[dim < 0 ? t.dim() + dim : dim]!;
  const a = Math.min(Math.max(start, 0), size);
  const b = Math.min(Math.max(end, a), size);
  return t.narrow(dim, a, b - a);
}

// torch/_linalg_utils.py
const matmulOf = (A: Tensor | null, B: Tensor): Tensor => (A === null ? B : A.layout !== strided ? sparse.mm(A, B) : A.matmul(B));
const qform = (A: Tensor | null, S: Tensor): Tensor => matmulOf(S.mT, matmulOf(A, S));
const basis = (A: Tensor): Tensor => qr(A)[0];
function symeig(A: Tensor, largest = false): [Tensor, Tensor] {
  const [E, Z] = eigh(A, { UPLO: 'U' });
  return largest ? [E.flip(-1), Z.flip(-1)] : [E, Z];
}
const floatingDType = (A: Tensor): DType => ([float16, float32, float64].includes(A.dtype) ? A.dtype : float32);
const scalar = (t: Tensor): number => t.item();
const creationOptions = (t: Tensor): { dtype: DType; device: Tensor['device'] } => ({ dtype: t.dtype, device: t.device });

/** The LOBPCG worker (Python's torch._lobpcg.LOBPCG), handed to a tracker. */
export class LobpcgWorker {
  E: Tensor;
  R: Tensor;
  S: Tensor;
  readonly tvars: Record<string, Tensor> = {};
  readonly ivars: Record<string, number> = { istep: 0 };
  readonly fvars: Record<string, number> = {};
  readonly bvars: Record<string, boolean> = {};

  constructor(readonly A: Tensor | null, readonly B: Tensor | null, public X: Tensor, readonly iK: Tensor | null,
    readonly iparams: Record<string, number>, readonly fparams: Record<string, number>, readonly bparams: Record<string, boolean>,
    readonly method: string, readonly tracker: ((worker: LobpcgWorker) => void) | null) {
    const { m, n } = iparams as { m: number; n: number };
    const like = creationOptions(X);
    this.E = zeros([n], like);
    this.R = zeros([m, n], like);
    this.S = zeros([m, 3 * n], like);
  }

  update(): void {
    if (this.ivars.istep === 0) {
      const xNorm = scalar(vectorNorm(this.X));
      const ixNorm = xNorm ** -1;
      this.fvars.X_norm = xNorm;
      this.fvars.A_norm = scalar(vectorNorm(matmulOf(this.A, this.X))) * ixNorm;
      this.fvars.B_norm = scalar(vectorNorm(matmulOf(this.B, this.X))) * ixNorm;
      this.ivars.iterations_left = this.iparams.niter!;
      this.ivars.converged_count = 0;
      this.ivars.converged_end = 0;
    }
    if (this.method === 'ortho') this.updateOrtho();
    else this.updateBasic();
    this.ivars.iterations_left! -= 1;
    this.ivars.istep! += 1;
  }

  updateResidual(): void {
    const previous = this.R;
    this.R = matmulOf(this.A, this.X).sub(matmulOf(this.B, this.X).mul(this.E));
    previous.dispose();
  }

  updateConvergedCount(): number {
    const prev = this.ivars.converged_count!;
    const { E, X, R } = this;
    const rerr = vectorNorm(R, 2, [0]).div(vectorNorm(X, 2, [0]).mul(slice(E, 0, 0, X.shape[1]!).abs().mul(this.fvars.B_norm!).add(this.fvars.A_norm!)));
    const converged = Array.from(rerr.lt(this.fparams.tol!).toTypedArray() as Uint8Array);
    let count = 0;
    while (count < converged.length && converged[count]) count++;
    if (count < prev) throw new Error(`lobpcg: the number of converged eigenpairs (was ${prev}, got ${count}) cannot decrease`);
    this.ivars.converged_count = count;
    this.tvars.rerr?.dispose();
    this.tvars.rerr = rerr;
    return count;
  }

  stopIteration(): boolean {
    return this.bvars.forceStop === true || this.ivars.iterations_left === 0 || this.ivars.converged_count! >= this.iparams.k!;
  }

  run(): void {
    this.step();
    while (!this.stopIteration()) this.step();
  }

  // One update with its temporaries freed (the worker's state survives), then the tracker.
  private step(): void {
    tidy(() => {
      this.update();
      return this;
    });
    // outside lobpcg's scopes: what the tracker makes (its clones of the state) is the tracker's
    if (this.tracker) untracked(() => this.tracker!(this));
  }

  private updateBasic(): void {
    let ns = this.ivars.converged_end!;
    let nc = this.ivars.converged_count!;
    const n = this.iparams.n!;
    const largest = this.bparams.largest!;
    if (this.ivars.istep === 0) {
      const Ri = this.rayleighRitzTransform(this.X);
      const [E, Z] = symeig(qform(qform(this.A, this.X), Ri), largest);
      this.X.copy_(this.X.matmul(Ri.matmul(Z)));
      this.E.copy_(E);
      this.updateResidual();
      nc = this.updateConvergedCount();
      slice(this.S, 1, 0, n).copy_(this.X);
      const W = matmulOf(this.iK, this.R);
      ns = this.ivars.converged_end = n + W.shape[1]!;
      slice(this.S, 1, n, ns).copy_(W);
    } else {
      const S_ = slice(this.S, 1, nc, ns);
      const Ri = this.rayleighRitzTransform(S_);
      const [E_, Z] = symeig(qform(qform(this.A, S_), Ri), largest);
      slice(this.X, 1, nc).copy_(S_.matmul(Ri.matmul(slice(Z, 1, 0, n - nc))));
      slice(this.E, 0, nc).copy_(slice(E_, 0, 0, n - nc));
      const P = S_.matmul(Ri.matmul(slice(Z, 1, n, 2 * n - nc)));
      const np = P.shape[1]!;
      this.updateResidual();
      nc = this.updateConvergedCount();
      slice(this.S, 1, 0, n).copy_(this.X);
      slice(this.S, 1, n, n + np).copy_(P);
      const W = matmulOf(this.iK, slice(this.R, 1, nc));
      ns = this.ivars.converged_end = n + np + W.shape[1]!;
      slice(this.S, 1, n + np, ns).copy_(W);
    }
  }

  private updateOrtho(): void {
    let ns = this.ivars.converged_end!;
    let nc = this.ivars.converged_count!;
    const n = this.iparams.n!;
    const largest = this.bparams.largest!;
    if (this.ivars.istep === 0) {
      const Ri = this.rayleighRitzTransform(this.X);
      const [, Z] = symeig(qform(qform(this.A, this.X), Ri), largest);
      this.X = this.X.matmul(Ri.matmul(Z));
      this.updateResidual();
      nc = this.updateConvergedCount();
      slice(this.S, 1, 0, n).copy_(this.X);
      const W = this.ortho(this.R, this.X);
      ns = this.ivars.converged_end = n + W.shape[1]!;
      slice(this.S, 1, n, ns).copy_(W);
    } else {
      const S_ = slice(this.S, 1, nc, ns);
      const [E_, Z] = symeig(qform(this.A, S_), largest);
      slice(this.X, 1, nc).copy_(S_.matmul(slice(Z, 1, 0, n - nc)));
      slice(this.E, 0, nc).copy_(slice(E_, 0, 0, n - nc));
      const P = S_.matmul(slice(Z, 1, n - nc).matmul(basis(slice(slice(Z, 0, 0, n - nc), 1, n - nc).mT)));
      const np = P.shape[1]!;
      this.updateResidual();
      nc = this.updateConvergedCount();
      slice(this.S, 1, 0, n).copy_(this.X);
      slice(this.S, 1, n, n + np).copy_(P);
      const W = this.ortho(slice(this.R, 1, nc), slice(this.S, 1, 0, n + np));
      ns = this.ivars.converged_end = n + np + W.shape[1]!;
      slice(this.S, 1, n + np, ns).copy_(W);
    }
  }

  private rayleighRitzTransform(S: Tensor): Tensor {
    const SBS = qform(this.B, S);
    const dRow = SBS.diagonal(0, -2, -1).pow(-0.5);
    const dCol = dRow.reshape(dRow.shape[0]!, 1);
    const R = cholesky(SBS.mul(dRow).mul(dCol), { upper: true });
    return solveTriangular(R, dRow.diagEmbed(), { upper: true, left: false });
  }

  private svqb(U: Tensor, drop: boolean, tau: number): Tensor {
    if (U.numel() === 0) return U;
    let UBU = qform(this.B, U);
    let d = UBU.diagonal(0, -2, -1);
    const nonzero = d.abs().ne(0);
    if (scalar(nonzero.sum()) < d.shape[0]!) {
      U = U.indexSelect(1, nonzero.nonzero().flatten());
      if (U.numel() === 0) return U;
      UBU = qform(this.B, U);
      d = UBU.diagonal(0, -2, -1);
    }
    let dCol = d.pow(-0.5).reshape(d.shape[0]!, 1);
    let [E, Z] = symeig(UBU.mul(dCol).mul(dCol.mT));
    const t = tau * scalar(E.abs().max());
    if (drop) {
      const keep = E.gt(t).nonzero().flatten();
      E = E.indexSelect(0, keep);
      Z = Z.indexSelect(1, keep);
      dCol = dCol.indexSelect(0, keep);
    } else {
      E = E.maskedFill(E.lt(t), t);
    }
    return U.mul(dCol.mT).matmul(Z.mul(E.pow(-0.5)));
  }

  private ortho(U: Tensor, V: Tensor): Tensor {
    const m = this.iparams.m!;
    const { ortho_tol: tauOrtho, ortho_tol_drop: tauDrop, ortho_tol_replace: tauReplace } = this.fparams as Record<string, number>;
    const iMax = this.iparams.ortho_i_max!, jMax = this.iparams.ortho_j_max!;
    const useDrop = this.bparams.ortho_use_drop!;
    for (const key of Object.keys(this.fvars)) if (key.startsWith('ortho_') && key.endsWith('_rerr')) delete this.fvars[key];
    delete this.ivars.ortho_i;
    delete this.ivars.ortho_j;
    const bvNorm = vectorNorm(matmulOf(this.B, V));
    let BU = matmulOf(this.B, U);
    let VBU = V.mT.matmul(BU);
    let i = 0, j = 0;
    for (i = 0; i < iMax; i++) {
      U = U.sub(V.matmul(VBU));
      let drop = false;
      let tauSvqb = tauDrop!;
      for (j = 0; j < jMax; j++) {
        if (useDrop) {
          U = this.svqb(U, drop, tauSvqb);
          drop = true;
          tauSvqb = tauReplace!;
        } else {
          U = this.svqb(U, false, tauReplace!);
        }
        if (U.numel() === 0) {
          this.ivars.ortho_i = i;
          this.ivars.ortho_j = j;
          return U;
        }
        BU = matmulOf(this.B, U);
        const UBU = U.mT.matmul(BU);
        const uNorm = vectorNorm(U);
        const buNorm = vectorNorm(BU);
        const R = UBU.sub(eye(UBU.shape[1]!, creationOptions(UBU)));
        const rerr = scalar(vectorNorm(R)) * scalar(buNorm.mul(uNorm)) ** -1;
        this.fvars[`ortho_UBUmI_rerr[${i}, ${j}]`] = rerr;
        if (rerr < tauOrtho!) break;
      }
      VBU = V.mT.matmul(BU);
      const rerr = scalar(vectorNorm(VBU)) * scalar(bvNorm.mul(vectorNorm(U))) ** -1;
      this.fvars[`ortho_VBU_rerr[${i}]`] = rerr;
      if (rerr < tauOrtho!) break;
      if (m < U.shape[1]! + V.shape[1]!) {
        throw new RangeError(`lobpcg: overdetermined shape of U: #B-cols(=${this.B?.shape.at(-1) ?? m}) >= #U-cols(=${U.shape[1]}) + #V-cols(=${V.shape[1]}) must hold`);
      }
    }
    this.ivars.ortho_i = i;
    this.ivars.ortho_j = j;
    return U;
  }
}

/**
 * torch.lobpcg(A, { k, B, X, n, iK, niter, tol, largest, method, tracker, orthoIparams, orthoFparams, orthoBparams })
 * (or those positionally, in Python's order): the k largest (largest: false, smallest) eigenvalues E and
 * eigenvectors X of A X = B X E, A (and B) symmetric positive definite, dense or sparse, batched over leading dims.
 * Returns [E, X]. Without X the start is torch.randn([m, n]) (seed with torch.manualSeed for Python's numbers).
 * Gradients through lobpcg (Python's LOBPCGAutogradFunction) are not ported: A and B must not require grad.
 */
export function lobpcg(A: Tensor, ...args: unknown[]): [Tensor, Tensor] {
  const given: Record<string, unknown> = {};
  let i = 0;
  for (; i < args.length && !isOptionsObject(args[i]); i++) {
    if (i >= OPTION_NAMES.length) throw new TypeError(`lobpcg: takes at most ${OPTION_NAMES.length + 1} positional arguments`);
    given[OPTION_NAMES[i]!] = args[i];
  }
  if (i < args.length - 1) throw new TypeError('lobpcg: the options object must come last');
  if (i < args.length) {
    for (const [key, value] of Object.entries(readOptions('lobpcg', args[i], OPTION_NAMES))) {
      if (key in given) throw new TypeError(`lobpcg: got '${key}' both as an argument and as an option`);
      given[key] = value;
    }
  }
  const o = given as LobpcgOptions;
  if (!isTensor(A)) throw new TypeError(`lobpcg: expected A to be a Tensor, got ${describe(A)}`);
  const B = o.B ?? null, X0 = o.X ?? null, iK = o.iK ?? null;
  if (isGradEnabled() && (A.requiresGrad || B?.requiresGrad)) throw new Error('lobpcg: gradients through lobpcg are not supported in torchnode; call it on A.detach() (and B.detach())');

  const shape = A.shape;
  if (shape.at(-2) !== shape.at(-1)) throw new RangeError(`lobpcg: A must be square, got shape [${shape.join(', ')}]`);
  if (B && String(B.shape) !== String(shape)) throw new RangeError(`lobpcg: A and B must have same shape, got [${shape.join(', ')}] vs [${B.shape.join(', ')}]`);
  const dtype = floatingDType(A);
  const feps = dtype === float32 ? 1.2e-7 : dtype === float64 ? 2.23e-16 : null;
  if (o.tol == null && feps === null) throw new TypeError(`lobpcg: no default tol for ${String(dtype)}; pass tol`);
  const tol = o.tol ?? feps! ** 0.5;
  const m = shape.at(-1)!;
  const k = o.k ?? (X0 === null ? 1 : X0.shape.at(-1)!);
  const n = X0 === null ? (o.n ?? k) : X0.shape.at(-1)!;
  if (m < 3 * n) throw new RangeError(`lobpcg: LOBPCG algorithm is not applicable when the number of A rows (=${m}) is smaller than 3 x the number of requested eigenpairs (=${n})`);
  const method = o.method ?? 'ortho';
  if (method !== 'ortho' && method !== 'basic') throw new RangeError(`lobpcg: method must be 'ortho' or 'basic', got ${String(method)}`);
  const iparams: Record<string, number> = { m, n, k, niter: o.niter ?? 1000 };
  const fparams: Record<string, number> = { tol };
  const bparams: Record<string, boolean> = { largest: o.largest ?? true };
  if (method === 'ortho') {
    const ip = o.orthoIparams ?? {}, fp = o.orthoFparams ?? {}, bp = o.orthoBparams ?? {};
    iparams.ortho_i_max = ip.orthoIMax ?? 3;
    iparams.ortho_j_max = ip.orthoJMax ?? 3;
    fparams.ortho_tol = fp.orthoTol ?? tol;
    fparams.ortho_tol_drop = fp.orthoTolDrop ?? tol;
    fparams.ortho_tol_replace = fp.orthoTolReplace ?? tol;
    bparams.ortho_use_drop = bp.orthoUseDrop ?? false;
  }
  const like = { dtype, device: A.device };
  return tidy(() => {
    const solve = (A_: Tensor, B_: Tensor | null, X_: Tensor | null): LobpcgWorker => {
      const X = X_ ?? randn([m, n], like);
      if (X.dim() !== 2 || X.shape[0] !== m || X.shape[1] !== n) throw new RangeError(`lobpcg: X shape mismatch: got [${X.shape.join(', ')}], expected [${m}, ${n}]`);
      const worker = new LobpcgWorker(A_, B_, X, iK, iparams, fparams, bparams, method, o.tracker ?? null);
      worker.run();
      return worker;
    };
    if (shape.length > 2) {
      const batch = shape.slice(0, -2);
      const N = batch.reduce((a, b) => a * b, 1);
      const bA = A.reshape([N, m, m]), bB = B?.reshape([N, m, m]) ?? null, bX = X0?.reshape([N, ...X0.shape.slice(-2)]) ?? null;
      const bE = zeros([N, k], like), bX_ = zeros([N, m, k], like);
      for (let b = 0; b < N; b++) {
        iparams.batch_index = b;
        tidy(() => {
          const worker = solve(bA.select(0, b), bB?.select(0, b) ?? null, bX?.select(0, b) ?? null);
          bE.select(0, b).copy_(slice(worker.E, 0, 0, k));
          bX_.select(0, b).copy_(slice(worker.X, 1, 0, k));
        });
      }
      return [bE.reshape([...batch, k]), bX_.reshape([...batch, m, k])];
    }
    const worker = solve(A, B, X0);
    return [slice(worker.E, 0, 0, k), slice(worker.X, 1, 0, k)];
  });
}
