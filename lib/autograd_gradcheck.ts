// torch.autograd.gradcheck and gradgradcheck with the semantics of Python 2.13's torch/autograd/gradcheck.py:
// slow mode (exact Jacobians: central differences against one vector-Jacobian product per output element)
// and fast mode (one random projection v^T J u per input and output, u and v drawn from a fresh
// torch.Generator as Python does, so verdicts agree). Complex outputs are checked through their real and
// imaginary parts, complex inputs through the conjugate Wirtinger derivative; backward runs twice
// (reentrancy), a zero grad_output must give zero input grads, and undefined output grads must be handled.
import { grad } from './autograd.js';
import { dualLevel, makeDual, unpackDual } from './autograd_forward_ad.js';
import { rand, randnLike, zeros, zerosLike } from './creation.js';
import { vmap } from './functional/control.js';
import { Function } from './function.js';
import { Generator as RandomGenerator } from './generator.js';
import { complex, promoteTypes, stack, viewAsReal } from './generated/functions.js';
import { isOptionsObject, readOptions } from './options.js';
import { tidy } from './scope.js';
import { Tensor } from './tensor.js';
import { pyFloat } from './print.js';
import { makeTensor, unravel } from './testing.js';
import { warn } from './warnings.js';

export interface GradcheckOptions {
  /** perturbation of the finite differences */
  eps?: number;
  atol?: number;
  rtol?: number;
  /** false: a failed check returns false instead of throwing a GradcheckError */
  raiseException?: boolean;
  /** how far two backward runs with the same input may differ (0: bit-identical) */
  nondetTol?: number;
  /** backward must accept undefined output grads and treat them as zeros (default true, as in Python) */
  checkUndefinedGrad?: boolean;
  /** a gradient whose dtype differs from its input's fails the check */
  checkGradDtypes?: boolean;
  /** compare random projections v^T J u instead of whole Jacobians (Python's fast_mode) */
  fastMode?: boolean;
  /** also compare Jacobians computed with forward-mode AD (dual tensors) with the numerical ones */
  checkForwardAd?: boolean;
  /**
   * Jacobian-vector products through torch.vmap must equal one-by-one ones (needs checkForwardAd). As
   * checkBatchedGrad: torchnode's vmap is an eager loop, so this cannot find a forward formula without a
   * batching rule; it draws Python's random tangents, so the RNG stays in step with Python.
   */
  checkBatchedForwardGrad?: boolean;
  /** false: only the forward-mode checks run (needs checkForwardAd) */
  checkBackwardAd?: boolean;
  /** accepted for ports: only false or null (no masked sparse inputs) */
  masked?: false | null;
  /**
   * vector-Jacobian products through torch.vmap must equal one-by-one ones. torchnode's vmap is an eager
   * loop, so this cannot find a backward without a batching rule, what Python's check is for; it draws
   * Python's random grad_outputs, so the RNG stays in step with Python.
   */
  checkBatchedGrad?: boolean;
}

export interface GradgradcheckOptions extends Omit<GradcheckOptions, 'checkForwardAd' | 'checkBatchedForwardGrad' | 'checkBackwardAd'> {
  /** the random grad_outputs drawn when none are given are non-contiguous */
  genNonContigGradOutputs?: boolean;
  /** check the second derivatives with forward-mode AD over the reverse-mode first derivatives (default false) */
  checkFwdOverRev?: boolean;
  /** check them with reverse mode over reverse mode (default true) */
  checkRevOverRev?: boolean;
}

const GRADCHECK_KEYS = ['eps', 'atol', 'rtol', 'raiseException', 'nondetTol', 'checkUndefinedGrad', 'checkGradDtypes', 'fastMode', 'checkBatchedGrad'] as const;
const GRADCHECK_MODE_KEYS = ['checkForwardAd', 'checkBackwardAd', 'checkBatchedForwardGrad'] as const;

/** Python's options for what torchnode lacks (masked sparse inputs): accepted at the value that needs none of it. */
const FIXED_OPTIONS: Readonly<Record<string, { only: boolean | null; why: string }>> = {
  masked: { only: false, why: 'masked sparse inputs, which torchnode gradcheck does not support' },
};

/** readOptions with Python's fixed options checked and dropped. */
function readCheckOptions(fn: string, options: unknown, keys: readonly string[], fixed: readonly string[]): Record<string, unknown> {
  const o = readOptions(fn, options, [...keys, ...fixed]) as Record<string, unknown>;
  for (const key of fixed) {
    const value = o[key];
    delete o[key];
    if (value === undefined || value === FIXED_OPTIONS[key]!.only || (key === 'masked' && value === null)) continue;
    throw new Error(`${fn}: ${key}: ${String(value)} needs ${FIXED_OPTIONS[key]!.why}`);
  }
  return o;
}

/** Python's torch.autograd.gradcheck.GradcheckError: the gradients are wrong (not a misuse of gradcheck). */
export class GradcheckError extends Error {
  override name = 'GradcheckError';
}

// fn gets the inputs as given: Tensors, and any other values passed through unchanged (Python's is_tensor_like filters)
type TensorFn = (...inputs: unknown[]) => Tensor | Tensor[];
type ListFn = (...inputs: unknown[]) => Tensor[];

/** An input gradcheck differentiates with respect to: a Tensor that requires grad (Python's is_tensor_like(x) and x.requires_grad). */
const isDifferentiable = (x: unknown): x is Tensor => x instanceof Tensor && x.requiresGrad;
const isComplexTensor = (x: unknown): x is Tensor => x instanceof Tensor && x.isComplex();

/** Which part of complex outputs a check sees, and which differentiable outputs were complex (Python's complex_indices). */
interface Part {
  name: 'real' | 'imaginary';
  complexOutputs: number[];
}

interface Settings {
  eps: number;
  atol: number;
  rtol: number;
  nondetTol: number;
  checkGradDtypes: boolean;
}

/** The function's outputs as a list (a Tensor or an array of Tensors, as Python's _as_tuple). */
function outputsOf(fn: TensorFn, inputs: unknown[]): Tensor[] {
  const r = fn(...inputs);
  const list = Array.isArray(r) ? r : [r];
  list.forEach((o, i) => {
    if (!(o instanceof Tensor)) throw new TypeError(`gradcheck: fn must return Tensors, output ${i} is ${o === null ? 'null' : typeof o}`);
  });
  return list;
}

const isFloatOrComplex = (t: Tensor): boolean => t.isFloatingPoint() || t.isComplex();
const sameShape = (a: Tensor, b: Tensor): boolean => a.shape.join() === b.shape.join();

/** A 1-element view of the scalar at idx: of the real tensor, or of one component of a complex one. */
function scalarView(data: Tensor, idx: number[], component: 0 | 1 | null): Tensor {
  let v = data;
  for (const i of idx) v = v.select(0, i);
  return component === null ? v : viewAsReal(v).select(-1, component);
}

/** Outputs of f evaluated before and after a perturbation must agree in shape and dtype (Python's nbhd check). */
function checkSameKind(before: Tensor[], after: Tensor[], eps: number, where: string): void {
  before.forEach((b, i) => {
    const a = after[i]!;
    if (!sameShape(a, b) || a.dtype !== b.dtype)
      throw new Error(`gradcheck: fn returns outputs of different shape or dtype when ${where} is perturbed by ${eps}`);
  });
}

/**
 * Numerical Jacobians of every output of f with respect to each input that requires grad, by central
 * differences: [input][output] of shape [input numel, output numel]. For a complex input the column is
 * d/dx + i d/dy (the conjugate Wirtinger derivative times 2, what backward returns).
 */
function numericalJacobians(f: ListFn, inputs: unknown[], reference: Tensor[], eps: number): Tensor[][] {
  return inputs.filter(isDifferentiable).map((x) => {
    const data = x.data;   // own version counter: perturbing it does not invalidate graphs that saved x
    const columns: Tensor[][] = reference.map(() => []);
    const difference = (idx: number[], component: 0 | 1 | null): Tensor[] => tidy(() => {
      const at = scalarView(data, idx, component);
      const orig = at.item();
      at.fill_(orig - eps);
      const before = f(...inputs).map((o) => o.clone());
      at.fill_(orig + eps);
      const after = f(...inputs).map((o) => o.clone());
      at.fill_(orig);
      checkSameKind(before, after, eps, `input element [${idx.join(', ')}]`);
      return before.map((b, i) => after[i]!.sub(b).div(2 * eps).detach().reshape(-1));
    });
    for (let k = 0; k < x.numel(); k++) {
      const idx = unravel(k, x.shape);
      if (x.isComplex()) {
        const dx = difference(idx, 0);
        const dy = difference(idx, 1);
        // in the input's dtype, as Python allocates the Jacobian of a complex input
        dx.forEach((d, i) => columns[i]!.push((d.isComplex() ? d : complex(d, dy[i]!)).to(x.dtype)));
      } else difference(idx, null).forEach((d, i) => columns[i]!.push(d));
    }
    return columns.map((cols, i) => (cols.length ? stack(cols) : zeros([0, reference[i]!.numel()], { dtype: reference[i]!.dtype })));
  });
}

/**
 * Vector-Jacobian products of one output with respect to the inputs that require grad, one per grad_output
 * given (one-hot rows in slow mode, one random v in fast mode), computed twice: Python's
 * _check_analytical_jacobian_attributes. Returns [input] of shape [input numel, grad_outputs], in the input's dtype.
 */
function analyticalJacobian(output: Tensor, diff: Tensor[], gradOutputs: () => Iterable<Tensor>, s: Settings): Tensor[] {
  let sizesOk = true;
  let typesOk = true;
  const rows = (): Tensor[] => {
    const columns: Tensor[][] = diff.map(() => []);
    for (const gradOutput of gradOutputs()) {
      const gs = grad([output], diff, { gradOutputs: [gradOutput], retainGraph: true, allowUnused: true });
      gs.forEach((g, j) => {
        const x = diff[j]!;
        if (g === null) {
          columns[j]!.push(zeros([x.numel()], { dtype: x.dtype }));
          return;
        }
        if (!sameShape(g, x)) sizesOk = false;
        else if (g.dtype !== x.dtype) typesOk = false;
        if (g.numel() !== x.numel()) throw new Error(`gradcheck: the gradient of input ${j} has ${g.numel()} elements, the input ${x.numel()}`);
        columns[j]!.push(g.detach().reshape(-1).to(x.dtype).clone());   // the grad can alias the reused grad_output
      });
    }
    return columns.map((cs, j) => (cs.length ? stack(cs, 1) : zeros([diff[j]!.numel(), 0], { dtype: diff[j]!.dtype })));
  };
  const first = rows();
  const second = rows();
  // Python reads its size flag where it means the dtype flag and the other way round: kept, so verdicts agree
  if (!sizesOk && s.checkGradDtypes) throw new GradcheckError('gradcheck: Gradient has dtype mismatch');
  if (!typesOk) throw new GradcheckError('gradcheck: Analytical gradient has incorrect size');
  first.forEach((a, j) => {
    if (a.numel() !== 0 && (a.sub(second[j]!).abs().max().item()) > s.nondetTol)
      throw new GradcheckError(`gradcheck: Backward is not reentrant, i.e., running backward with same input and grad_output multiple times gives different values, although analytical gradient matches numerical gradient. The tolerance for nondeterminism was ${s.nondetTol}.`);
  });
  return first;
}

/** One-hot grad_outputs, one per element of the output (the rows of the Jacobian), reusing one buffer. */
function* oneHots(output: Tensor): Iterable<Tensor> {
  const gradOutput = zeros(output.shape, { dtype: output.dtype });
  const flat = gradOutput.view(-1);
  for (let r = 0; r < output.numel(); r++) {
    flat.zero_();
    flat.narrow(0, r, 1).fill_(1);
    yield gradOutput;
  }
}

const closeEnough = (a: Tensor, b: Tensor, rtol: number, atol: number): boolean => {
  const common = promoteTypes(a.dtype, b.dtype);
  return a.to(common).allclose(b.to(common), { rtol, atol });
};

/** A tensor in an f-string, as Python's Tensor.__format__: a 0-dim one as its Python number (fast mode's projections). */
function formatted(t: Tensor): string {
  if (t.dim() !== 0) return t.toString();
  if (!t.isComplex()) return pyFloat(t.item());
  const [re, im] = (viewAsReal(t).tolist() as number[]).map((v) => pyFloat(v).replace(/\.0$/, ''));
  if (re === '0') return `${im}j`;
  return `(${re}${im!.startsWith('-') ? '' : '+'}${im}j)`;
}

/** Python's _get_notallclose_msg (backward mode). */
function mismatch(outputIndex: number, inputIndex: number, numerical: Tensor, analytical: Tensor, part: Part | null): string {
  const prefix = part && part.complexOutputs.includes(outputIndex) ? `While considering the ${part.name} part of complex outputs only, ` : '';
  return `gradcheck: ${prefix}Jacobian mismatch for output ${outputIndex} with respect to input ${inputIndex},\nnumerical:${formatted(numerical)}\nanalytical:${formatted(analytical)}\n`;
}

const noOutputError = () => new GradcheckError('gradcheck: Numerical gradient for function expected to be zero');

/** One slow-mode check of f (whose outputs are real): Python's _slow_gradcheck. */
function slowCheck(f: ListFn, outputs: Tensor[], inputs: unknown[], s: Settings, part: Part | null): void {
  const diff = inputs.filter(isDifferentiable);
  const numerical = numericalJacobians(f, inputs, outputs, s.eps);   // [input][output]
  const differentiable = outputs.map((o, i) => ({ o, i })).filter(({ o }) => o.requiresGrad);
  if (differentiable.length === 0) {
    // no output requires grad: the function must not depend on the inputs
    for (const perInput of numerical) for (const jac of perInput) if (jac.ne(0).any().item()) throw noOutputError();
    return;
  }
  differentiable.forEach(({ o, i }, outputIndex) => tidy(() => {
    analyticalJacobian(o, diff, () => oneHots(o), s).forEach((a, j) => {
      const n = numerical[j]![i]!;
      if (!closeEnough(a, n, s.rtol, s.atol)) throw new GradcheckError(mismatch(outputIndex, j, n, a, part));
    });
  }));
}

// ---- fast mode --------------------------------------------------------------------------------

const realDtype = (t: Tensor) => (t.dtype.name === 'complex128' ? 'float64' : t.dtype.name === 'complex64' ? 'float32' : t.dtype);

/** A random unit vector with t's element count, drawn as Python's _vec_from_tensor (rand in the default dtype, then cast). */
function unitVector(t: Tensor, generator: RandomGenerator, downcastComplex: boolean): Tensor {
  const v = rand([t.numel()], { generator }).to(downcastComplex ? realDtype(t) : t.dtype);
  return v.div_(v.norm());
}

/** u: a real direction per input that requires grad (two for a complex input: real and imaginary). */
type Direction = { re: Tensor; im: Tensor | null };

/** Python's _adjusted_atol: atol scaled by sum(u) sum(v), the projection of an all-atol matrix. */
function adjustedAtol(atol: number, u: Direction, v: Tensor | null): number {
  const sumV = v === null ? 1 : (v.sum().item());
  const sumU = u.im === null ? (u.re.sum().item()) : (u.re.sum().item()) + (u.im.sum().item());
  return atol * sumU * sumV;
}

/**
 * J u for every output of f, by central differences along u scaled by eps (Python's
 * _get_numerical_jvp_wrt_specific_input): for a complex input, the conjugate Wirtinger derivative.
 */
function numericalJvps(f: ListFn, inputs: unknown[], x: Tensor, u: Direction, eps: number): Tensor[] {
  const data = x.data;
  const along = (delta: Tensor): Tensor[] => {
    const orig = data.clone();
    data.copy_(orig.sub(delta));
    const before = f(...inputs).map((o) => o.clone());
    data.copy_(orig.add(delta));
    const after = f(...inputs).map((o) => o.clone());
    data.copy_(orig);
    checkSameKind(before, after, eps, 'the input');
    return before.map((b, i) => after[i]!.sub(b).div(2 * eps).detach().reshape(-1));
  };
  const dx = along(u.re.reshape(x.shape).mul(eps));
  if (!x.isComplex()) return dx;
  const imag = (u.im ?? u.re).reshape(x.shape).mul(eps);
  const dy = along(complex(zeros(x.shape, { dtype: imag.dtype }), imag));
  return dx.map((d, i) => complex(d, dy[i]!));
}

/** u . vJ of one input (Python's _get_analytical_vJu_backward_mode): real and imaginary parts against u's. */
function projectOnU(vJ: Tensor, u: Direction): Tensor {
  if (!vJ.isComplex()) return vJ.dot(u.re);
  const parts = viewAsReal(vJ.resolveConj());
  return complex(parts.select(-1, 0).dot(u.re), parts.select(-1, 1).dot(u.im!));
}

/** One fast-mode check of f (whose outputs are real): Python's _fast_gradcheck, backward mode. */
function fastCheck(f: ListFn, funcOut: Tensor[], inputs: unknown[], s: Settings, part: Part | null): void {
  const diff = inputs.filter(isDifferentiable);
  const outputs = funcOut.filter((o) => o.requiresGrad);
  const generator = new RandomGenerator();   // its own stream: the user's RNG state is left alone, as in Python
  const us: Direction[] = diff.map((x) => ({ re: unitVector(x, generator, true), im: x.isComplex() ? unitVector(x, generator, true) : null }));
  const vs = outputs.map((o) => unitVector(o, generator, false));
  // [input][output] v^T (J u), pairing the k-th v with the k-th floating output as Python's zip does
  const numerical = diff.map((x, i) => {
    const jvps = numericalJvps(f, inputs, x, us[i]!, s.eps).filter((_, k) => isFloatOrComplex(funcOut[k]!));
    return vs.slice(0, jvps.length).map((v, j) => v.mul(jvps[j]!).sum());
  });
  if (outputs.length === 0) {
    diff.forEach((x, i) => {
      for (const jvp of numericalJvps(f, inputs, x, us[i]!, s.eps))
        if (jvp.numel() !== 0 && (jvp.abs().max().item()) > s.nondetTol) throw noOutputError();
    });
  }
  // [output][input] (v^T J) u
  const analytical = outputs.map((o, j) =>
    analyticalJacobian(o, diff, () => [vs[j]!.reshape(o.shape)], s).map((vJ, i) => projectOnU(vJ.t().squeeze(0), us[i]!)));
  numerical.forEach((perOutput, i) => perOutput.forEach((n, j) => {
    const a = analytical[j]![i]!;
    if (closeEnough(a, n, s.rtol, adjustedAtol(s.atol, us[i]!, vs[j]!))) return;
    throw new GradcheckError(mismatch(j, i, n, a, part) + slowModeReport(f, funcOut, outputs, inputs, s, i, j));
  }));
}

/** On a fast-mode failure, Python recomputes the one Jacobian in slow mode for the message (_run_slow_mode_and_get_error). */
function slowModeReport(f: ListFn, funcOut: Tensor[], outputs: Tensor[], inputs: unknown[], s: Settings, inputIndex: number, outputIndex: number): string {
  // Python indexes all of fn's outputs by the index among the differentiable ones: the same here
  const numerical = numericalJacobians(f, inputs, funcOut, s.eps)[inputIndex]![outputIndex]!;
  const output = outputs[outputIndex]!;
  const diff = inputs.filter(isDifferentiable);
  const analytical = analyticalJacobian(output, diff, () => oneHots(output), { ...s, nondetTol: Infinity, checkGradDtypes: false })[inputIndex]!;
  return slowModeMessage(numerical, analytical, s);
}

/** The text Python's _run_slow_mode_and_get_error appends to a fast-mode failure, from the slow-mode Jacobians. */
function slowModeMessage(numerical: Tensor, analytical: Tensor, s: Settings): string {
  const maxDiff = numerical.sub(analytical).abs().max();
  let message = '\nThe above quantities relating the numerical and analytical jacobians are computed \nin fast mode. ' +
    'See: https://github.com/pytorch/pytorch/issues/53876 for more background \nabout fast mode. Below, we recompute numerical and analytical jacobians in slow mode:\n\n' +
    `Numerical:\n ${numerical.toString()}\nAnalytical:\n${analytical.toString()}\n\nThe max per-element difference (slow mode) is: ${formatted(maxDiff)}.\n`;
  // no type promotion, as in Python: Jacobians of different dtypes (a bfloat16 grad_output in gradgradcheck) throw
  if (analytical.allclose(numerical, { rtol: s.rtol, atol: s.atol })) message += FAST_FAIL_SLOW_OK;
  return message;
}

const FAST_FAIL_SLOW_OK = 'Fast gradcheck failed but element-wise differences are small. This means that the\n' +
  "test might've passed in slow_mode!\n\nIf you are adding a new operator, please file an issue and then use one of the\n" +
  'workarounds: call gradcheck/gradgradcheck with `fastMode: false`.';

// ---- the checks after the Jacobians -----------------------------------------------------------

/** vmap of `product` over two random vectors equals the two products one by one (Python's batched-gradient checks). */
function batchedMatchesLoop(product: (v: Tensor) => Tensor[], vectors: Tensor[], what: (j: number) => string): void {
  const oneByOne = vectors.map(product);
  const expected = oneByOne[0]!.map((_, j) => stack(oneByOne.map((ps) => ps[j]!)));
  let result: Tensor[];
  try {
    result = vmap(product)(stack(vectors));
  } catch (e) {
    throw new GradcheckError(`gradcheck: While computing batched gradients, got: ${(e as Error).message}`, { cause: e });
  }
  result.forEach((r, j) => {
    if (!r.allclose(expected[j]!)) throw new GradcheckError(`gradcheck: ${what(j)} differ\nGot:\n${r.toString()}\n\nExpected:\n${expected[j]!.toString()}`);
  });
}

/** The vector-Jacobian products of two random grad_outputs (Python's _test_batched_grad). */
function batchedGradsAgree(output: Tensor, outputIndex: number, diff: Tensor[]): void {
  const vjp = (v: Tensor): Tensor[] => grad([output], diff, { gradOutputs: [v], retainGraph: true, allowUnused: true })
    .map((g, j) => g ?? zeros([], { dtype: diff[j]!.dtype }).expand(diff[j]!.shape));
  batchedMatchesLoop(vjp, [randnLike(output), randnLike(output)], (j) => `For output ${outputIndex} and input ${j}: batched gradients`);
}

/** Per input, the outputs' tangents for two random tangents (Python's _test_batched_grad_forward_ad). */
function batchedTangentsAgree(fn: TensorFn, inputs: unknown[]): void {
  inputs.forEach((x, i) => {
    if (!isDifferentiable(x) || !isFloatOrComplex(x)) return;
    const jvp = (tangent: Tensor): Tensor[] => dualLevel(() => {
      const outputs = outputsOf(fn, inputs.map((y, k) => (k === i ? makeDual(x.detach(), tangent) : y instanceof Tensor ? y.detach() : y)));
      return outputs.map((out) => {
        const { primal, tangent: t } = unpackDual(out);
        return t ?? zeros([], { dtype: primal.dtype }).expand(primal.shape);
      });
    });
    // Python names the output index with the input's variable here: kept, so messages agree
    batchedMatchesLoop(jvp, [randnLike(x), randnLike(x)], (j) => `For output ${j} and input ${j}: batched forward-mode gradients`);
  });
}

/** A zero grad_output must give zero input grads of the input's dtype and shape (Python's _test_backward_mul_by_grad_output). */
function backwardScalesWithGradOutput(outputs: Tensor[], diff: Tensor[]): void {
  if (outputs.length === 0) return;
  const gs = grad(outputs, diff, { gradOutputs: outputs.map((out) => zeros(out.shape, { dtype: out.dtype })), allowUnused: true });
  gs.forEach((g, j) => {
    if (g === null) return;
    if (!(g.eq(0).all().item<boolean>())) throw new GradcheckError('gradcheck: backward not multiplied by grad_output');
    if (g.dtype !== diff[j]!.dtype) throw new GradcheckError('gradcheck: grad is incorrect type');
    if (!sameShape(g, diff[j]!)) throw new GradcheckError('gradcheck: grad is incorrect size');
  });
}

let undefinedGradFunction: ((x: Tensor) => Tensor) | null = null;
/** Python's torch._C._functions.UndefinedGrad: a copy of x whose backward hands its inputs an undefined grad. */
function undefinedGrad(x: Tensor): Tensor {
  if (undefinedGradFunction === null) {
    // made on first use: Function's module imports autograd, which imports this module
    class UndefinedGrad extends Function {
      static override forward(_ctx: unknown, t: Tensor): Tensor {
        return t.clone();
      }
      static override backward(): null {
        return null;
      }
    }
    undefinedGradFunction = (t) => UndefinedGrad.apply(t) as Tensor;
  }
  return undefinedGradFunction(x);
}

const UNDEFINED_GRAD_NOTE = 'Please look at "Notes about undefined output gradients" in "tools/autograd/derivatives.yaml"';
const warnBackwardsCompatibility = () => warn('Backwards compatibility: New undefined gradient support checking feature is enabled by default, but it may break existing callers of this function. If this is true for you, you can call this function with "check_undefined_grad=False" to disable the feature');

/**
 * Backward must work when every output grad is undefined, and when one at a time is (several outputs),
 * giving undefined or zero input grads: Python's _test_undefined_backward_mode.
 */
function undefinedGradsHandled(fn: TensorFn, outputCount: number, inputs: unknown[]): void {
  const diff = inputs.filter(isDifferentiable);
  const differentiableOutputs = () => outputsOf(fn, inputs).filter((o) => o.requiresGrad);
  const cases = [differentiableOutputs().map(undefinedGrad)];
  if (cases[0]!.length > 1)
    for (let k = 0; k < outputCount; k++) cases.push(differentiableOutputs().map((o, i) => (i === k ? undefinedGrad(o) : o)));
  for (const outputs of cases) {
    let gs: (Tensor | null)[];
    try {
      gs = grad(outputs, diff, { gradOutputs: outputs.map((o) => zeros(o.shape, { dtype: o.dtype })), allowUnused: true });
    } catch (e) {
      warnBackwardsCompatibility();
      throw new GradcheckError(`gradcheck: Expected backward function to handle undefined output grads. ${UNDEFINED_GRAD_NOTE}`, { cause: e });
    }
    if (gs.some((g) => g !== null && !(g.eq(0).all().item<boolean>()))) {
      warnBackwardsCompatibility();
      throw new GradcheckError(`gradcheck: Expected all input grads to be undefined or zero when all output grads are undefined or zero. ${UNDEFINED_GRAD_NOTE}`);
    }
  }
}

// ---- forward mode ------------------------------------------------------------------------------

/** Python's _get_notallclose_msg with is_forward_ad: complexInputs are indices among all inputs, compared with a differentiable-input index as Python does. */
function forwardMismatch(outputIndex: number, inputIndex: number, numerical: Tensor, analytical: Tensor, part: ForwardPart | null): string {
  const prefix = part && part.complexInputs.includes(inputIndex) ? `While considering the ${part.name} part of complex inputs only, ` : '';
  return `gradcheck: ${prefix}Jacobian computed with forward mode mismatch for output ${outputIndex} with respect to input ${inputIndex},\nnumerical:${formatted(numerical)}\nanalytical:${formatted(analytical)}\n`;
}

/** Which part of complex inputs a forward-mode check sees (Python's _real_and_imag_input). */
interface ForwardPart {
  name: 'real' | 'imaginary';
  complexInputs: number[];
}

/** Inputs that require grad as dual tensors with zero tangents, and those tangents (read back: a view's dual may not hold the given one). */
function dualInputs(inputs: unknown[]): { duals: unknown[]; tangents: Tensor[] } {
  const tangents: Tensor[] = [];
  const duals = inputs.map((x) => {
    if (!isDifferentiable(x)) return x;
    const d = makeDual(x.detach(), zerosLike(x));
    tangents.push(unpackDual(d).tangent!);
    return d;
  });
  return { duals, tangents };
}

/** The tangents of f's floating outputs at the duals, flat (zeros where an output has none): Python's unpack loop. */
function outputTangents(f: ListFn, duals: unknown[], checkGradDtypes: boolean): Tensor[] {
  return f(...duals).filter(isFloatOrComplex).map((o) => {
    const { primal, tangent } = unpackDual(o);
    if (tangent === null) return zeros([o.numel()], { dtype: o.dtype });
    if (checkGradDtypes && primal.isComplex() !== tangent.isComplex()) throw new GradcheckError('gradcheck: Forward AD gradient has dtype mismatch.');
    return tangent.reshape(-1).to(o.dtype).clone();
  });
}

/**
 * Python's _get_analytical_jacobian_forward_ad: [input][floating output] Jacobians by forward-mode AD, one
 * column per input element (a one-hot tangent), or with allU one product J u per input.
 */
function forwardJacobians(f: ListFn, inputs: unknown[], funcOut: Tensor[], checkGradDtypes: boolean, allU: Tensor[] | null): Tensor[][] {
  const floatOuts = funcOut.filter(isFloatOrComplex);
  return dualLevel(() => {
    const { duals, tangents } = dualInputs(inputs);
    return tangents.map((tangent, i) => {
      if (allU !== null) {
        tangent.copy_(allU[i]!.viewAs(tangent));
        const jus = outputTangents(f, duals, checkGradDtypes);
        tangent.zero_();
        return jus;
      }
      const columns: Tensor[][] = floatOuts.map(() => []);
      for (let k = 0; k < tangent.numel(); k++) {
        const at = scalarView(tangent, unravel(k, tangent.shape), null);
        at.fill_(1);
        outputTangents(f, duals, checkGradDtypes).forEach((c, j) => columns[j]!.push(c));
        at.fill_(0);
      }
      return columns.map((cols, j) => (cols.length ? stack(cols) : zeros([0, floatOuts[j]!.numel()], { dtype: floatOuts[j]!.dtype })));
    });
  });
}

/** One slow-mode forward-AD check (Python's _slow_gradcheck with use_forward_ad). */
function slowForwardCheck(f: ListFn, funcOut: Tensor[], inputs: unknown[], s: Settings, part: ForwardPart | null): void {
  const numerical = numericalJacobians(f, inputs, funcOut, s.eps).map((perInput) => perInput.filter((_, k) => isFloatOrComplex(funcOut[k]!)));
  if (!funcOut.some((o) => o.requiresGrad)) {
    for (const perInput of numerical) for (const jac of perInput) if (jac.ne(0).any().item()) throw noOutputError();
    return;
  }
  // Python pairs the floating outputs' Jacobians with all outputs and keeps those that require grad: the same here
  const byOutput = funcOut.map((_, k) => numerical.map((perInput) => perInput[k])).filter((_, k) => funcOut[k]!.requiresGrad);
  const analytical = forwardJacobians(f, inputs, funcOut, s.checkGradDtypes, null);
  byOutput.forEach((perInput, i) => perInput.forEach((n, j) => {
    if (n === undefined) return;
    const a = analytical[j]![i]!;
    if (!closeEnough(a, n, s.rtol, s.atol)) throw new GradcheckError(forwardMismatch(i, j, n, a, part));
  }));
}

/** One fast-mode forward-AD check (Python's _fast_gradcheck with use_forward_ad): J u numerically and by forward AD. */
function fastForwardCheck(f: ListFn, funcOut: Tensor[], inputs: unknown[], s: Settings, part: ForwardPart | null): void {
  const diff = inputs.filter(isDifferentiable);
  const generator = new RandomGenerator();
  const us = diff.map((x) => unitVector(x, generator, true));   // the inputs are real here: complex ones were split
  const numerical = diff.map((x, i) => numericalJvps(f, inputs, x, { re: us[i]!, im: null }, s.eps).filter((_, k) => isFloatOrComplex(funcOut[k]!)));
  const analytical = forwardJacobians(f, inputs, funcOut, s.checkGradDtypes, us);
  numerical.forEach((perOutput, i) => perOutput.forEach((n, j) => {
    const a = analytical[i]![j]!;
    if (closeEnough(a, n, s.rtol, adjustedAtol(s.atol, { re: us[i]!, im: null }, null))) return;
    throw new GradcheckError(forwardMismatch(j, i, n, a, part) + slowForwardReport(f, funcOut, inputs, s, i, j));
  }));
}

/**
 * Python's _run_slow_mode_and_get_error for forward mode: the one Jacobian again, column by column. Python indexes
 * all inputs by the differentiable-input index and the differentiable outputs by the floating-output index; kept,
 * so that where Python's IndexError ends the check, this one does too.
 */
function slowForwardReport(f: ListFn, funcOut: Tensor[], inputs: unknown[], s: Settings, inputIndex: number, outputIndex: number): string {
  const differentiable = funcOut.filter((o) => o.requiresGrad);
  const x = inputs[inputIndex];
  if (outputIndex >= differentiable.length || !isDifferentiable(x))
    throw new RangeError("gradcheck: tuple index out of range (Python's fast-mode failure report indexes the differentiable outputs and all inputs as here)");
  const numerical = numericalJacobians(f, inputs, funcOut, s.eps)[inputIndex]![outputIndex]!;
  const single = (t: unknown): Tensor[] => [f(...inputs.map((y, k) => (k === inputIndex ? t : y)))[outputIndex]!];
  const analytical = forwardJacobians(single, [x], [differentiable[outputIndex]!], false, null)[0]![0]!;
  return slowModeMessage(numerical, analytical, s);
}

/**
 * Python's _test_undefined_forward_mode: for each input, the outputs' tangents with a zero tangent given
 * and with none given (a plain tensor) must agree.
 */
function undefinedTangentsHandled(f: ListFn, inputs: unknown[]): void {
  const generator = new RandomGenerator();
  const us = inputs.filter(isDifferentiable).map((x) => unitVector(x, generator, true));
  dualLevel(() => {
    const { duals, tangents } = dualInputs(inputs);
    tangents.forEach((t, i) => t.copy_(us[i]!.viewAs(t)));
    inputs.forEach((x, idx) => {
      if (!isDifferentiable(x)) return;
      const keep = duals[idx];
      duals[idx] = makeDual(x.detach(), zerosLike(x));
      const withZero = f(...duals).filter(isFloatOrComplex);
      duals[idx] = x.detach();
      const withNone = f(...duals).filter(isFloatOrComplex);
      duals[idx] = keep;
      withZero.forEach((o1, k) => {
        const o2 = withNone[k];
        if (o2 === undefined) return;
        const res1 = unpackDual(o1).tangent;
        const res2 = unpackDual(o2).tangent;
        if (res1 !== null && res2 !== null && !res1.allclose(res2))
          throw new GradcheckError(`gradcheck: Mismatch in tangent values for output with index: ${k} when input: ${x.toString()} has an undefined tangent value.  Got: ${res1.toString()} but expected: ${res2.toString()}`);
      });
    });
  });
}

/** fn with its complex inputs replaced by real ones, the other part held at the original (Python's _real_and_imag_input). */
function realImagInputFns(fn: TensorFn, complexInputs: number[], inputs: unknown[]): [ListFn, ListFn] {
  const withParts = (toComplex: (inp: Tensor, orig: Tensor) => Tensor): ListFn => (...ins) =>
    outputsOf(fn, ins.map((t, i) => (complexInputs.includes(i) ? toComplex(t as Tensor, inputs[i] as Tensor) : t)));
  const timesI = (t: Tensor): Tensor => complex(zerosLike(t), t);
  return [withParts((inp, orig) => timesI(orig.imag).add(inp)), withParts((inp, orig) => timesI(inp).add(orig.real))];
}

/** The forward-mode half of Python's _gradcheck_real_imag. */
function forwardChecks(fn: TensorFn, funcOut: Tensor[], xs: unknown[], s: Settings, fast: boolean, checkUndefined: boolean): void {
  const check = fast ? fastForwardCheck : slowForwardCheck;
  const complexInputs = xs.map((x, i) => (isComplexTensor(x) ? i : -1)).filter((i) => i >= 0);
  if (complexInputs.length === 0) {
    const f: ListFn = (...ins) => outputsOf(fn, ins);
    check(f, funcOut, xs, s, null);
    if (checkUndefined) undefinedTangentsHandled(f, xs);
    return;
  }
  const [realFn, imagFn] = realImagInputFns(fn, complexInputs, xs);
  const imagInputs = xs.map((x) => (isComplexTensor(x) ? x.imag : x));
  check(imagFn, imagFn(...imagInputs), imagInputs, s, { name: 'imaginary', complexInputs });
  const realInputs = xs.map((x) => (isComplexTensor(x) ? x.real : x));
  check(realFn, realFn(...realInputs), realInputs, s, { name: 'real', complexInputs });
  if (checkUndefined) {
    undefinedTangentsHandled(imagFn, imagInputs);
    undefinedTangentsHandled(realFn, realInputs);
  }
}

// ---- entry points -----------------------------------------------------------------------------

/** fn with torch.real or torch.imag applied to its complex outputs (Python's _real_and_imag_output). */
const partOf = (fn: TensorFn, take: 'real' | 'imag') => (...inputs: unknown[]): Tensor[] =>
  outputsOf(fn, inputs).map((o) => (o.isComplex() ? o[take] : o));

/** Python's _check_inputs: at least one Tensor requiring grad, none of those with overlapping (stride 0) memory; a warning for non-double precision. */
function checkInputs(xs: unknown[]): void {
  xs.forEach((x, i) => {
    if (!isDifferentiable(x)) return;
    if (x.dtype.name !== 'float64' && x.dtype.name !== 'complex128')
      warn(`Input #${i} requires gradient and is not a double precision floating point or complex. This check will likely fail if all the inputs are not of double precision floating point or complex. `);
    if (x.shape.some((size, d) => size > 1 && x.stride(d) === 0))
      throw new RangeError(`The ${i}th input has a dimension with stride 0. gradcheck only supports inputs that are non-overlapping to be able to compute the numerical gradients correctly. You should call .contiguous on the input before passing it to gradcheck.`);
  });
  if (!xs.some(isDifferentiable)) throw new Error('gradcheck expects at least one input tensor to require gradient, but none of them have requires_grad=True.');
}

/**
 * torch.autograd.gradcheck(fn, inputs, { eps, atol, rtol, raiseException, nondetTol, checkUndefinedGrad,
 * checkGradDtypes, fastMode, checkBatchedGrad, checkForwardAd, checkBatchedForwardGrad, checkBackwardAd }): compares the gradients autograd computes for fn at `inputs` with finite
 * differences, for every input that requires grad (use float64 / complex128 inputs). True when all agree;
 * throws a GradcheckError naming the first mismatch, or returns false with raiseException: false.
 * checkBatchedGrad and checkBatchedForwardGrad go through torchnode's eager vmap (see the options). Not ported:
 * sparse and masked inputs. Inputs other than Tensors reach fn unchanged, as in Python.
 */
export function gradcheck<A extends unknown[] = Tensor[]>(fn: (...inputs: A) => Tensor | Tensor[], inputs: Tensor | [...A], options: GradcheckOptions = {}): boolean {
  const o = readCheckOptions('autograd.gradcheck', options, [...GRADCHECK_KEYS, ...GRADCHECK_MODE_KEYS], ['masked']) as GradcheckOptions;
  if (typeof fn !== 'function') throw new TypeError('autograd.gradcheck: fn must be a function');
  const forward = o.checkForwardAd ?? false;
  const backward = o.checkBackwardAd ?? true;
  if (!forward && !backward) throw new Error('autograd.gradcheck: Expected at least one of check_forward_ad or check_backward_ad to be True');
  if (o.checkBatchedGrad && !backward) throw new Error('autograd.gradcheck: Setting check_batched_grad=True requires check_backward_ad to be True');
  if (o.checkBatchedForwardGrad && !forward) throw new Error('autograd.gradcheck: Setting check_batched_forward_grad=True requires check_forward_ad to be True');
  const f = fn as TensorFn;   // called with the inputs as given
  const xs: unknown[] = Array.isArray(inputs) ? inputs : [inputs];
  checkInputs(xs);
  const s: Settings = { eps: o.eps ?? 1e-6, atol: o.atol ?? 1e-5, rtol: o.rtol ?? 1e-3, nondetTol: o.nondetTol ?? 0, checkGradDtypes: o.checkGradDtypes ?? false };
  const check = o.fastMode ? fastCheck : slowCheck;
  try {
    tidy(() => {
      const funcOut = outputsOf(f, xs);
      const outputs = funcOut.filter((out) => out.requiresGrad);
      const complexOutputs = outputs.map((out, i) => (out.isComplex() ? i : -1)).filter((i) => i >= 0);
      if (backward && funcOut.some((out) => out.isComplex())) {
        // one call of each part, as Python, so that fn's random draws leave the RNG where Python's leave it
        for (const [take, name] of [['imag', 'imaginary'], ['real', 'real']] as const) {
          const partFn = partOf(f, take);
          check(partFn, partFn(...xs), xs, s, { name, complexOutputs });
        }
      } else if (backward) check((...ins) => outputsOf(f, ins), funcOut, xs, s, null);
      if (forward) forwardChecks(f, funcOut, xs, s, o.fastMode ?? false, o.checkUndefinedGrad ?? true);
      if (o.checkBatchedForwardGrad) batchedTangentsAgree(f, xs);
      if (!backward) return;   // the remaining checks need backward AD, as in Python
      if (o.checkBatchedGrad) outputs.forEach((out, i) => batchedGradsAgree(out, i, xs.filter(isDifferentiable)));
      backwardScalesWithGradOutput(outputs, xs.filter(isDifferentiable));
      if (o.checkUndefinedGrad ?? true) undefinedGradsHandled(f, outputs.length, xs);
    });
  } catch (e) {
    if (e instanceof GradcheckError && !(o.raiseException ?? true)) return false;
    throw e;
  }
  return true;
}

/**
 * torch.autograd.gradgradcheck(fn, inputs, gradOutputs?, { ...gradcheck's options, genNonContigGradOutputs }):
 * gradcheck of the function (inputs, gradOutputs) -> autograd.grad(fn(inputs), inputs, gradOutputs,
 * { createGraph: true }), i.e. of the second derivatives. Without gradOutputs, random ones in [-1, 1) are
 * drawn from torch's global RNG as Python draws them (torch.testing.make_tensor), so seeded runs agree.
 */
export function gradgradcheck<A extends unknown[] = Tensor[]>(fn: (...inputs: A) => Tensor | Tensor[], inputs: Tensor | [...A], gradOutputs?: Tensor | Tensor[] | GradgradcheckOptions | null, options: GradgradcheckOptions = {}): boolean {
  if (isOptionsObject(gradOutputs)) [gradOutputs, options] = [null, gradOutputs as GradgradcheckOptions];
  const o = readCheckOptions('autograd.gradgradcheck', options, [...GRADCHECK_KEYS, 'genNonContigGradOutputs', 'checkFwdOverRev', 'checkRevOverRev'], ['masked']) as GradgradcheckOptions;
  if (typeof fn !== 'function') throw new TypeError('autograd.gradgradcheck: fn must be a function');
  const fwdOverRev = o.checkFwdOverRev ?? false;
  const revOverRev = o.checkRevOverRev ?? true;
  if (!fwdOverRev && !revOverRev) throw new Error('autograd.gradgradcheck: Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True');
  if ((o.checkUndefinedGrad ?? true) && !revOverRev) throw new Error('autograd.gradgradcheck: Setting check_undefined_grad=True requires check_rev_over_rev to be True');
  if (o.checkBatchedGrad && !revOverRev) throw new Error('autograd.gradgradcheck: Setting check_batched_grad=True requires check_rev_over_rev to be True');
  const f = fn as TensorFn;   // called with the inputs as given
  const xs: unknown[] = Array.isArray(inputs) ? inputs : [inputs];
  let gos: Tensor[];
  if (gradOutputs === undefined || gradOutputs === null) {
    gos = outputsOf(f, xs).filter((out) => out.requiresGrad).map((out) => makeTensor(out.shape, {
      dtype: isFloatOrComplex(out) ? out.dtype : 'float64', device: out.device, low: -1, high: 1, requiresGrad: true, noncontiguous: o.genNonContigGradOutputs ?? false,
    }));
  } else {
    const given: unknown[] = Array.isArray(gradOutputs) ? gradOutputs : [gradOutputs];
    given.forEach((g, i) => {
      if (!(g instanceof Tensor)) throw new TypeError(`autograd.gradgradcheck: gradOutputs[${i}] is not a Tensor`);
    });
    gos = given as Tensor[];
  }
  const inputCount = xs.length;
  const diffInputs = new Set(xs.map((x, i) => (isDifferentiable(x) ? i : -1)).filter((i) => i >= 0));
  const diffGradOutputs = new Set(gos.map((g, i) => (g.requiresGrad ? i : -1)).filter((i) => i >= 0));
  // Python's new_func: the input grads, with a graph, as a function of the inputs and the grad_outputs
  const firstGrads = (...args: unknown[]): Tensor[] => {
    const ins = args.slice(0, inputCount).map((x, i) => (diffInputs.has(i) ? (x as Tensor).requiresGrad_() : x));
    const outputs = outputsOf(f, ins).filter((out) => out.requiresGrad);
    const gradOuts = (args.slice(inputCount) as Tensor[]).map((g, i) => (diffGradOutputs.has(i) ? g.requiresGrad_() : g));
    const gs = grad(outputs, ins.filter((_, i) => diffInputs.has(i)) as Tensor[], { gradOutputs: gradOuts, createGraph: true, allowUnused: true });
    return gs.filter((g): g is Tensor => g !== null);
  };
  const { genNonContigGradOutputs: _ignored, checkFwdOverRev: _fwd, checkRevOverRev: _rev, ...gradcheckOptions } = o;
  return gradcheck(firstGrads, [...xs, ...gos], { ...gradcheckOptions, checkForwardAd: fwdOverRev, checkBackwardAd: revOverRev });
}
