// torch.func's reverse-mode transforms: grad, gradAndValue, vjp, jacrev and hessian (jacfwd over jacrev),
// as functorch defines them, computed with the autograd engine: each differentiated argument is given to
// the function as a tensor that requires grad (a view of it when it already does, so that an outer grad
// sees through), and the gradients are taken with createGraph, so that the transforms nest. The results
// are detached when no argument required grad, as functorch's are at the outermost level.
import { enableGrad, grad as autogradGrad } from './autograd.js';
import { currentDualLevel, unpackDual } from './autograd_forward_ad.js';
import { onesLike, zeros, zerosLike } from './creation.js';
import { stack } from './generated/functions.js';
import { refuseInsideFunctionalize } from './func_functionalize.js';
import { recordCreated, type Disposable } from './scope.js';
import { describe, pyTypeName, readOptions } from './options.js';
import { mapTree, sameStructure, treeLeaves, treeSpecPprint } from './pytree.js';
import { isTensor, type Tensor } from './tensor.js';

type Argnums = number | readonly number[];
/** Python's type(x) in functorch's messages. */
const pyType = (v: unknown): string => `<class '${pyTypeName(v)}'>`;
type Fn = (...args: never[]) => unknown;
/** The gradient (or Jacobian) a transform returns, typed as the argument it is taken for; for several argnums, an array of them. */
export type DerivativeOf<A extends unknown[], N extends Argnums> = N extends number ? A[N] : A[number][];
/** The arguments a transform's function takes: func's, or any for a func declaring none (it may read `arguments`). */
export type TransformArgs<A extends unknown[]> = A extends [] ? unknown[] : A;
/** A transform's result with hasAux: true, [result, aux]. */
export type WithAux<Result, O> = O extends { hasAux: true } ? [Result, unknown] : Result;

/** The positions argnums names among `count` arguments (negative ones from the end), checked as functorch checks them. */
export function positionsOf(api: string, argnums: Argnums, count: number): number[] {
  const nums = Array.isArray(argnums) ? (argnums as number[]) : [argnums as number];
  if (nums.length === 0 || nums.some((n) => !Number.isInteger(n))) throw new Error(`${api}: argnums must be an int or a non-empty tuple of ints, got ${describe(argnums)}`);
  const positions = nums.map((n) => {
    const p = n < 0 ? n + count : n;
    if (p < 0 || p >= count) throw new RangeError(`${api}: Got argnums=${n}, but only ${count} positional inputs`);
    return p;
  });
  if (new Set(positions).size !== positions.length) throw new Error(`${api}: argnums elements must be unique, got (${positions.join(', ')})`);
  return positions;
}

// The tensor leaves of a pytree (arrays and plain objects, as Python's tuples, lists and dicts), and the same
// pytree with its tensor leaves replaced in that order.
const leavesOf = (v: unknown): Tensor[] => treeLeaves(v).filter(isTensor);
const rebuild = (v: unknown, leaves: Tensor[]): unknown => mapTree(v, (x) => (isTensor(x) ? leaves.shift() : x));
// The tensor the function sees for a differentiated one: a leaf that requires grad, or a view when it requires grad
// already; a copy when it carries a forward-mode tangent, which detach would drop (jacfwd over jacrev: hessian).
function differentiable(t: Tensor): Tensor {
  if (t.requiresGrad) return t.viewAs(t);
  return (hasTangent(t) ? t.clone() : t.detach()).requiresGrad_();
}
function hasTangent(t: Tensor): boolean {
  if (currentDualLevel() < 0) return false;
  const { primal, tangent } = unpackDual(t);
  if (primal !== t) primal.dispose();
  tangent?.dispose();
  return tangent !== null;
}

interface Traced {
  output: unknown;
  aux: unknown;
  inputs: Tensor[];     // the differentiated leaves, as the function saw them
  shapes: unknown[];    // per differentiated argument, its structure (to rebuild the gradients)
  outer: boolean;       // an argument required grad or carried a tangent: results keep their graph
  created: ReadonlySet<Disposable>; // the tensors func made (its outputs among them are ours to free once replaced)
}

// Frees what a transform made and does not return: the inputs' differentiable copies, and the tensors of func's
// output and aux that func made (the transform returns detached ones instead, at the outermost level).
function release(t: Traced, returned: unknown): void {
  const keep = new Set(treeLeaves(returned));
  for (const c of t.inputs) if (!keep.has(c)) c.dispose();
  for (const o of [...treeLeaves(t.output), ...treeLeaves(t.aux)]) if (isTensor(o) && t.created.has(o) && !keep.has(o)) o.dispose();
}

function trace(api: string, func: Fn, args: unknown[], argnums: Argnums, hasAux: boolean): Traced {
  if (typeof func !== 'function') throw new TypeError(`${api}: func must be a function, got ${describe(func)}`);
  refuseInsideFunctionalize(api);
  const positions = positionsOf(api, argnums, args.length);
  const outer = args.some((a) => leavesOf(a).some((t) => t.requiresGrad || hasTangent(t)));
  const called = args.map((a, i) => {
    if (!positions.includes(i)) return a;
    // functorch's _create_differentiable: every leaf of a differentiated argument must be a tensor (Python's ValueError)
    const bad = treeLeaves(a).filter((v) => !isTensor(v));
    if (bad.length > 0) throw new RangeError(`Thing passed to transform API must be Tensor, got ${pyType(bad[0])}`);
    const leaves = leavesOf(a);
    if (leaves.length === 0) throw new TypeError(`${api}: argument ${i} to be differentiated must be a Tensor or a pytree (arrays, objects) of Tensors, got ${describe(a)}`);
    return rebuild(a, leaves.map(differentiable));
  });
  // the differentiated leaves in argnums' order
  const inputs = positions.flatMap((p) => leavesOf(called[p]));
  let result: unknown, created: ReadonlySet<Disposable>;
  try {
    [result, created] = recordCreated(() => enableGrad(() => (func as (...a: unknown[]) => unknown)(...called)));
  } catch (e) {
    for (const c of inputs) c.dispose();
    throw e;
  }
  const traced = { output: hasAux ? (result as unknown[])[0] : result, aux: hasAux ? (result as unknown[])[1] : undefined, inputs, shapes: positions.map((p) => args[p]), outer, created };
  if (hasAux && !(Array.isArray(result) && result.length === 2)) {
    release({ ...traced, output: result, aux: undefined }, undefined);
    throw new Error(`${api}(f, ...): output of function f should be a tuple: (output, aux) if has_aux is True`);
  }
  return traced;
}

// Gradients of `outputs` (weighted by `cotangents`) with respect to the traced inputs; zeros where an input is unused.
// retainGraph follows createGraph, as autograd.grad's default: an outer grad differentiates through this graph again.
function gradients(t: Traced, outputs: Tensor[], cotangents: Tensor[]): Tensor[] {
  const live = outputs.map((o, i) => [o, cotangents[i]!] as const).filter(([o]) => o.requiresGrad);
  const grads = live.length === 0 ? t.inputs.map(() => null)
    : autogradGrad(live.map(([o]) => o), t.inputs, { gradOutputs: live.map(([, c]) => c), createGraph: true, retainGraph: true, allowUnused: true });
  return grads.map((g, i) => {
    const value = g ?? zerosLike(t.inputs[i]!);
    if (t.outer) return value;
    const detached = value.detach();
    value.dispose();
    return detached;
  });
}

/** The gradients in the structure of the differentiated arguments: one per argnum (a single one for an int argnums). */
function structured(t: Traced, flat: Tensor[], argnums: Argnums): unknown {
  const leaves = [...flat];
  const perArg = t.shapes.map((a) => rebuild(a, leaves));
  return Array.isArray(argnums) ? perArg : perArg[0];
}

const finish = (t: Traced, value: unknown): unknown => (t.outer || !isTensor(value) ? value : value.detach());
// aux is returned without its graph at the outermost level, every tensor in it (functorch's _undo_create_differentiable)
const finishAux = (t: Traced): unknown => (t.outer ? t.aux : mapTree(t.aux, (x) => (isTensor(x) ? x.detach() : x)));

// vjp's and jacrev's outputs: what Python's _vjp_with_argnums checks of every output
function checkDifferentiableOutputs(outputs: Tensor[]): void {
  for (const o of outputs)
    if (!o.dtype.isFloatingPoint && !o.dtype.isComplex)
      throw new TypeError(`vjp(f, ...): All outputs of f must be floating-point or complex Tensors, got Tensor with dtype ${String(o.dtype)}`);
}

// The tensor leaves of f's output, as Python's _vjp_with_argnums checks them (assert_non_empty_tensor_output, then the dtypes)
function tensorOutputs(output: unknown): Tensor[] {
  const leaves = treeLeaves(output);
  if (leaves.length === 0 || (leaves.length === 1 && (leaves[0] === null || leaves[0] === undefined)))
    throw new Error(`vjp(f, *primals): Expected f to be a function that has non-empty output (got output = ${describe(output)})`);
  for (const o of leaves) if (!isTensor(o)) throw new Error(`vjp(f, *primals): expected f(*primals) to return only tensors, got unsupported type ${pyType(o)}`);
  checkDifferentiableOutputs(leaves as Tensor[]);
  return leaves as Tensor[];
}

export interface GradTransformOptions {
  hasAux?: boolean;
}
export type JacrevOptions = GradTransformOptions & { chunkSize?: number | null };

/** torch.func.gradAndValue(func, argnums = 0, { hasAux }): a function returning [gradients, func's value] (value [output, aux] with hasAux). */
export function gradAndValue<A extends unknown[] = Tensor[], R = unknown, N extends Argnums = 0, O extends GradTransformOptions = GradTransformOptions>(func: (...args: A) => R, argnums?: N, options?: O): (...args: TransformArgs<A>) => [WithAux<DerivativeOf<TransformArgs<A>, N>, O>, R];
export function gradAndValue(func: Fn, argnums: Argnums = 0, options: GradTransformOptions = {}): (...args: unknown[]) => [unknown, unknown] {
  const { hasAux = false } = readOptions('torch.func.gradAndValue', options, ['hasAux']) as GradTransformOptions;
  return (...args: unknown[]) => gradAndValueOf(func, args, argnums, hasAux, true) as [unknown, unknown];
}

// grad's and gradAndValue's work: [gradients, value] (value [output, aux] with hasAux); without withValue only the
// gradients ([gradients, aux] with hasAux), so that func's output is freed rather than returned detached.
function gradAndValueOf(func: Fn, args: unknown[], argnums: Argnums, hasAux: boolean, withValue: boolean): unknown {
  const t = trace('grad_and_value', func, args, argnums, hasAux);
  let result: unknown;
  try {
    const out = t.output;
    if (!isTensor(out)) throw new TypeError(`grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got ${describe(out)}`);
    if (out.dim() !== 0)
      throw new RangeError(`grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with ${out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?`);
    if (out.dtype.isComplex) throw new Error(`grad can be implicitly created only for real scalar outputs but got ${String(out.dtype)}`);
    const ones = onesLike(out);
    const flat = gradients(t, [out], [ones]);
    ones.dispose();
    const grads = structured(t, flat, argnums);
    if (withValue) {
      const value = finish(t, out);
      result = [grads, hasAux ? [value, finishAux(t)] : value];
    } else result = hasAux ? [grads, finishAux(t)] : grads;
    return result;
  } finally {
    release(t, result);
  }
}

/** torch.func.grad(func, argnums = 0, { hasAux }): a function returning func's gradient ([gradient, aux] with hasAux). */
export function grad<A extends unknown[] = Tensor[], N extends Argnums = 0, O extends GradTransformOptions = GradTransformOptions>(func: (...args: A) => unknown, argnums?: N, options?: O): (...args: TransformArgs<A>) => WithAux<DerivativeOf<TransformArgs<A>, N>, O>;
export function grad(func: Fn, argnums: Argnums = 0, options: GradTransformOptions = {}): (...args: unknown[]) => unknown {
  const { hasAux = false } = readOptions('torch.func.grad', options, ['hasAux']) as GradTransformOptions;
  return (...args: unknown[]) => gradAndValueOf(func, args, argnums, hasAux, false);
}

/**
 * torch.func.vjp(func, ...primals, { hasAux }?): [func(...primals), vjpFn] where vjpFn(cotangents) gives the
 * vector-Jacobian product for every primal (an array); with hasAux, [output, vjpFn, aux]. Give the options
 * object after the primals to pass hasAux.
 */
export function vjp<A extends unknown[] = Tensor[], R = unknown, X = unknown>(
  func: (...primals: A) => readonly [R, X],
  ...primalsAndOptions: [...A, { hasAux: true }]
): [R, (cotangents: R) => A, X];
export function vjp<A extends unknown[] = Tensor[], R = unknown>(func: (...primals: A) => R, ...primals: A): [R, (cotangents: R) => A];
export function vjp(func: Fn, ...primalsAndOptions: unknown[]): unknown[] {
  const last = primalsAndOptions.at(-1);
  // a trailing object of option names only is the options; any other object is a pytree primal (Python's dict)
  const hasOptions = last !== null && typeof last === 'object' && !isTensor(last) && !Array.isArray(last) && Object.keys(last).length > 0 && Object.keys(last).every((k) => k === 'hasAux');
  const { hasAux = false } = hasOptions ? (readOptions('torch.func.vjp', last, ['hasAux']) as GradTransformOptions) : {};
  const primals = hasOptions ? primalsAndOptions.slice(0, -1) : primalsAndOptions;
  const t = trace('vjp', func, primals, primals.map((_, i) => i), hasAux);
  let outputs: Tensor[];
  try {
    outputs = tensorOutputs(t.output);
  } catch (e) {
    release(t, undefined);
    throw e;
  }
  // the inputs' copies and func's outputs stay alive with vjpFn (its graph starts there), and go with it to the GC
  const vjpFn = (cotangents: unknown): unknown[] => {
    if (!sameStructure(cotangents, t.output))
      throw new Error(`Expected pytree structure of cotangents to be the same as pytree structure of outputs to the function. cotangents: ${treeSpecPprint(cotangents)}, primal output: ${treeSpecPprint(t.output)}`);
    const cots = treeLeaves(cotangents) as Tensor[];
    for (const c of cots) if (!isTensor(c)) throw new TypeError(`gradients can be either Tensors or None, but got ${pyTypeName(c)}`);
    outputs.forEach((o, i) => {
      const c = cots[i]!;
      if (c.shape.length !== o.shape.length || c.shape.some((d, k) => d !== o.shape[k]))
        throw new RangeError(`vjp: Mismatch in shape: grad_output[${i}] has a shape of [${c.shape}] and output[${i}] has a shape of [${o.shape}].`);
    });
    return structured(t, gradients(t, outputs, cots), primals.map((_, i) => i)) as unknown[];
  };
  const output = t.outer ? t.output : rebuild(t.output, outputs.map((o) => o.detach()));
  return hasAux ? [output, vjpFn, finishAux(t)] : [output, vjpFn];
}

// A tensor of out's shape and dtype that is one at flat position k and zero elsewhere (a cotangent for jacrev's row k).
function oneHot(out: Tensor, k: number): Tensor {
  const cot = zerosLike(out);
  const flat = cot.view(-1);
  const element = flat.narrow(0, k, 1);
  element.fill_(1);
  element.dispose();
  flat.dispose();
  return cot;
}

/**
 * torch.func.jacrev(func, argnums = 0, { hasAux, chunkSize }): the Jacobian by reverse mode, one vjp per output
 * element; output shape then input shape, in the structure of func's output (a pytree) and of the arguments.
 * chunkSize only batches Python's vmap; the results do not depend on it.
 */
export function jacrev<A extends unknown[] = Tensor[], N extends Argnums = 0, O extends JacrevOptions = JacrevOptions>(func: (...args: A) => unknown, argnums?: N, options?: O): (...args: TransformArgs<A>) => WithAux<DerivativeOf<TransformArgs<A>, N>, O>;
export function jacrev(func: Fn, argnums: Argnums = 0, options: JacrevOptions = {}): (...args: unknown[]) => unknown {
  const { hasAux = false, chunkSize = null } = readOptions('torch.func.jacrev', options, ['hasAux', 'chunkSize']) as JacrevOptions;
  if (!(chunkSize === null || chunkSize > 0)) throw new RangeError('jacrev: `chunk_size` should be greater than 0.');
  return (...args: unknown[]) => {
    const t = trace('jacrev', func, args, argnums, hasAux);
    let returned: unknown;
    try {
      const perOutput = tensorOutputs(t.output).map((out) => {
        // row k: the gradient of output element k, for every differentiated input
        const rows: Tensor[][] = t.inputs.map(() => []);
        for (let k = 0; k < out.numel(); k++) {
          const cot = oneHot(out, k);
          gradients(t, [out], [cot]).forEach((g, j) => rows[j]!.push(g));
          cot.dispose();
        }
        const jac = t.inputs.map((input, j) => {
          if (rows[j]!.length === 0) return zeros([...out.shape, ...input.shape], { dtype: input.dtype });
          const stacked = stack(rows[j]!);
          for (const r of rows[j]!) r.dispose();
          const shaped = stacked.reshape([...out.shape, ...input.shape]);
          if (shaped !== stacked) stacked.dispose();
          return shaped;
        });
        return structured(t, jac, argnums);
      });
      let k = 0;
      const result = mapTree(t.output, () => perOutput[k++]);
      returned = hasAux ? [result, finishAux(t)] : result;
      return returned;
    } finally {
      release(t, returned);
    }
  };
}
