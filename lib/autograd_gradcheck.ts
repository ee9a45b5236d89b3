// torch.autograd.gradcheck with the semantics of Python's slow (exact Jacobian) mode: central differences
// against autograd's vector-Jacobian products, complex outputs checked through their real and imaginary
// parts, complex inputs through the conjugate Wirtinger derivative, backward run twice (reentrancy), and
// a zero grad_output must give zero input grads.
import { grad, noGrad } from './autograd.js';
import { zeros } from './creation.js';
import { complex, promoteTypes, stack, viewAsReal } from './generated/functions.js';
import { readOptions } from './options.js';
import { tidy } from './scope.js';
import { Tensor } from './tensor.js';

export interface GradcheckOptions {
  /** perturbation of the finite differences */
  eps?: number;
  atol?: number;
  rtol?: number;
  /** false: a failed check returns false instead of throwing a GradcheckError */
  raiseException?: boolean;
  /** how far two backward runs with the same input may differ (0: bit-identical) */
  nondetTol?: number;
  /** a gradient whose dtype differs from its input's fails the check */
  checkGradDtypes?: boolean;
}

/** Python's torch.autograd.gradcheck.GradcheckError: the gradients are wrong (not a misuse of gradcheck). */
export class GradcheckError extends Error {
  override name = 'GradcheckError';
}

type Part = 'real' | 'imaginary' | null;

/** The function's outputs as a list (a Tensor or an array of Tensors, as Python's _as_tuple). */
function outputsOf(fn: (...inputs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[]): Tensor[] {
  const r = fn(...inputs);
  const list = Array.isArray(r) ? r : [r];
  list.forEach((o, i) => {
    if (!(o instanceof Tensor)) throw new TypeError(`gradcheck: fn must return Tensors, output ${i} is ${o === null ? 'null' : typeof o}`);
  });
  return list;
}

/** Multi-index of flat element k of a tensor of this shape (row-major, as Python's _iter_tensor). */
function unravel(k: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = k % shape[d]!;
    k = Math.floor(k / shape[d]!);
  }
  return idx;
}

/** A 1-element view of the scalar at idx: of the real tensor, or of one component of a complex one. */
function scalarView(data: Tensor, idx: number[], component: 0 | 1 | null): Tensor {
  let v = data;
  for (const i of idx) v = v.select(0, i);
  return component === null ? v : viewAsReal(v).select(-1, component);
}

/**
 * Numerical Jacobians of every output of f with respect to each input that requires grad, by central
 * differences: [input][output] of shape [input numel, output numel]. For a complex input the column is
 * d/dx + i d/dy (the conjugate Wirtinger derivative times 2, what backward returns).
 */
function numericalJacobians(f: (...inputs: Tensor[]) => Tensor[], inputs: Tensor[], reference: Tensor[], eps: number): Tensor[][] {
  return inputs.filter((x) => x.requiresGrad).map((x) => {
    const data = x.data;   // own version counter: perturbing it does not invalidate graphs that saved x
    const columns: Tensor[][] = reference.map(() => []);
    const difference = (idx: number[], component: 0 | 1 | null): Tensor[] => tidy(() => {
      const at = scalarView(data, idx, component);
      const orig = at.item() as number;
      at.fill_(orig - eps);
      const before = f(...inputs).map((o) => o.clone());
      at.fill_(orig + eps);
      const after = f(...inputs).map((o) => o.clone());
      at.fill_(orig);
      return before.map((b, i) => {
        const a = after[i]!;
        if (a.shape.join() !== b.shape.join() || a.dtype !== b.dtype)
          throw new Error(`gradcheck: fn returns outputs of different shape or dtype when input element [${idx.join(', ')}] is perturbed by ${eps}`);
        return a.sub(b).div(2 * eps).detach().reshape(-1);
      });
    });
    for (let k = 0; k < x.numel(); k++) {
      const idx = unravel(k, x.shape);
      if (x.isComplex()) {
        const dx = difference(idx, 0);
        const dy = difference(idx, 1);
        dx.forEach((d, i) => columns[i]!.push(d.isComplex() ? d : complex(d, dy[i]!)));
      } else difference(idx, null).forEach((d, i) => columns[i]!.push(d));
    }
    return columns.map((cols, i) => (cols.length ? stack(cols) : zeros([0, reference[i]!.numel()], { dtype: reference[i]!.dtype })));
  });
}

/**
 * Analytical Jacobian of one output with respect to the inputs that require grad: [input] of shape
 * [input numel, output numel], in the input's dtype, from one backward per output element.
 */
function analyticalJacobian(output: Tensor, diff: Tensor[], checkGradDtypes: boolean): Tensor[] {
  const n = output.numel();
  const rows: Tensor[][] = diff.map(() => []);
  const gradOutput = zeros(output.shape, { dtype: output.dtype });
  const flat = gradOutput.view(-1);
  for (let r = 0; r < n; r++) {
    flat.zero_();
    flat.narrow(0, r, 1).fill_(1);
    const gs = grad([output], diff, { gradOutputs: [gradOutput], retainGraph: true, allowUnused: true });
    gs.forEach((g, j) => {
      const x = diff[j]!;
      if (g === null) {
        rows[j]!.push(zeros([x.numel()], { dtype: x.dtype }));
        return;
      }
      if (g.shape.join() === x.shape.join() && g.dtype !== x.dtype) {
        // Python's check reads its size flag where it means the dtype flag: a dtype mismatch fails as "incorrect size"
        throw new GradcheckError(checkGradDtypes ? 'gradcheck: Gradient has dtype mismatch' : 'gradcheck: Analytical gradient has incorrect size');
      }
      if (g.numel() !== x.numel()) throw new Error(`gradcheck: the gradient of input ${j} has ${g.numel()} elements, the input ${x.numel()}`);
      rows[j]!.push(g.detach().reshape(-1).to(x.dtype).clone());   // the grad can alias the reused grad_output
    });
  }
  return rows.map((rs, j) => (rs.length ? stack(rs, 1) : zeros([diff[j]!.numel(), 0], { dtype: diff[j]!.dtype })));
}

const closeEnough = (a: Tensor, b: Tensor, rtol: number, atol: number): boolean => {
  const common = promoteTypes(a.dtype, b.dtype);
  return a.to(common).allclose(b.to(common), { rtol, atol });
};

interface Settings {
  eps: number;
  atol: number;
  rtol: number;
  nondetTol: number;
  checkGradDtypes: boolean;
}

/** One slow-mode check of f (whose outputs are real): Python's _slow_gradcheck. */
function checkJacobians(f: (...inputs: Tensor[]) => Tensor[], inputs: Tensor[], s: Settings, part: Part): void {
  const diff = inputs.filter((x) => x.requiresGrad);
  const outputs = f(...inputs);
  const numerical = numericalJacobians(f, inputs, outputs, s.eps);   // [input][output]
  const differentiable = outputs.map((o, i) => ({ o, i })).filter(({ o }) => o.requiresGrad);
  if (differentiable.length === 0) {
    // no output requires grad: the function must not depend on the inputs
    for (const perInput of numerical)
      for (const jac of perInput)
        if (jac.ne(0).any().item()) throw new GradcheckError('gradcheck: Numerical gradient for function expected to be zero');
    return;
  }
  const prefix = part ? `While considering the ${part} part of complex outputs only, ` : '';
  differentiable.forEach(({ o, i }, outputIndex) => tidy(() => {
    const first = analyticalJacobian(o, diff, s.checkGradDtypes);
    const second = analyticalJacobian(o, diff, s.checkGradDtypes);
    first.forEach((a, j) => {
      if (a.numel() !== 0 && (a.sub(second[j]!).abs().max().item() as number) > s.nondetTol)
        throw new GradcheckError(`gradcheck: Backward is not reentrant, i.e., running backward with same input and grad_output multiple times gives different values, although analytical gradient matches numerical gradient. The tolerance for nondeterminism was ${s.nondetTol}.`);
    });
    first.forEach((a, j) => {
      const n = numerical[j]![i]!;
      if (!closeEnough(a, n, s.rtol, s.atol))
        throw new GradcheckError(`gradcheck: ${prefix}Jacobian mismatch for output ${outputIndex} with respect to input ${j},\nnumerical:${n.toString()}\nanalytical:${a.toString()}`);
    });
  }));
}

/** fn with torch.real or torch.imag applied to its complex outputs (Python's _real_and_imag_output). */
const partOf = (fn: (...inputs: Tensor[]) => Tensor | Tensor[], take: 'real' | 'imag') => (...inputs: Tensor[]): Tensor[] =>
  outputsOf(fn, inputs).map((o) => (o.isComplex() ? o[take] : o));

/**
 * torch.autograd.gradcheck(fn, inputs, { eps, atol, rtol, raiseException, nondetTol, checkGradDtypes }):
 * compares the gradients autograd computes for fn at `inputs` with central finite differences, for every
 * input that requires grad (use float64 / complex128 inputs). Complex outputs are checked through their
 * real and imaginary parts, complex inputs by their Wirtinger derivative. True when all agree; throws a
 * GradcheckError naming the first mismatch, or returns false with raiseException: false. Not ported:
 * fast mode, forward-mode AD checks, batched-grad checks, and Python's undefined-output-grad check
 * (a zero grad_output must still give zero input grads).
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor | Tensor[], inputs: Tensor | Tensor[], options: GradcheckOptions = {}): boolean {
  const o = readOptions('autograd.gradcheck', options, ['eps', 'atol', 'rtol', 'raiseException', 'nondetTol', 'checkGradDtypes']) as GradcheckOptions;
  const s: Settings = { eps: o.eps ?? 1e-6, atol: o.atol ?? 1e-5, rtol: o.rtol ?? 1e-3, nondetTol: o.nondetTol ?? 0, checkGradDtypes: o.checkGradDtypes ?? false };
  const raiseException = o.raiseException ?? true;
  if (typeof fn !== 'function') throw new TypeError('autograd.gradcheck: fn must be a function');
  const xs = Array.isArray(inputs) ? inputs : [inputs];
  xs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new TypeError(`autograd.gradcheck: input ${i} is not a Tensor`);
    if (x.requiresGrad && x.shape.some((size, d) => size > 1 && x.stride(d) === 0))
      throw new RangeError(`autograd.gradcheck: input ${i} has a dimension with stride 0 (an expanded tensor); call .contiguous() on it first`);
  });
  if (!xs.some((x) => x.requiresGrad)) throw new Error('autograd.gradcheck: no input requires grad (gradcheck expects at least one input tensor with requiresGrad: true)');
  try {
    tidy(() => {
      const outputs = outputsOf(fn, xs);
      if (outputs.some((out) => out.isComplex())) {
        checkJacobians(partOf(fn, 'imag'), xs, s, 'imaginary');
        checkJacobians(partOf(fn, 'real'), xs, s, 'real');
      } else checkJacobians((...ins) => outputsOf(fn, ins), xs, s, null);
      backwardScalesWithGradOutput(outputsOf(fn, xs).filter((out) => out.requiresGrad), xs.filter((x) => x.requiresGrad));
    });
  } catch (e) {
    if (e instanceof GradcheckError && !raiseException) return false;
    throw e;
  }
  return true;
}

/** A zero grad_output must give zero input grads of the input's dtype and shape (Python's _test_backward_mul_by_grad_output). */
function backwardScalesWithGradOutput(outputs: Tensor[], diff: Tensor[]): void {
  if (outputs.length === 0) return;
  const gs = grad(outputs, diff, { gradOutputs: outputs.map((out) => zeros(out.shape, { dtype: out.dtype })), allowUnused: true });
  gs.forEach((g, j) => {
    if (g === null) return;
    if (!(noGrad(() => g.eq(0).all().item()) as boolean)) throw new GradcheckError('gradcheck: backward not multiplied by grad_output');
    if (g.dtype !== diff[j]!.dtype) throw new GradcheckError('gradcheck: grad is incorrect type');
    if (g.shape.join() !== diff[j]!.shape.join()) throw new GradcheckError('gradcheck: grad is incorrect size');
  });
}
