// torch.func: functional_call, jvp, linearize and jacfwd here; stack_module_state in func_ensemble.ts; functionalize in func_functionalize.ts; grad, gradAndValue, vjp and jacrev in func_reverse.ts; hessian.
import { dualLevel, makeDual, unpackDual, withFwdGradEnabled } from './autograd_forward_ad.js';
import { zeros, zerosLike } from './creation.js';
import { stack } from './generated/functions.js';
import { contiguousFormat, pySize } from './dtype.js';
import { isTensor, type Tensor } from './tensor.js';
import { describe, isOptionsObject, pyTypeName, readOptions } from './options.js';
import type { Module } from './nn/module.js';
import { _functionalCall, type FunctionalCallOptions } from './nn/utils/stateless.js';
import { jacrev } from './func_reverse.js';
import { refuseInsideFunctionalize } from './func_functionalize.js';

export { grad, gradAndValue, jacrev, vjp, type GradTransformOptions } from './func_reverse.js';
// torch.func.vmap is torch.vmap, as in Python: an eager loop (functional/control.ts), so grad inside it gives per-sample gradients.
export { vmap, type VmapOptions } from './functional/control.js';
export { replaceAllBatchNormModules_, stackModuleState } from './func_ensemble.js';
export { functionalize, type FunctionalizeOptions, type FunctionalizeRemove } from './func_functionalize.js';

/**
 * torch.func.functional_call: `module.call(...args)` with its parameters and buffers replaced by the
 * given ones for the duration of the call. `parameterAndBufferDicts` is one object of name -> Tensor
 * or an array of them (a name may appear in only one).
 */
export function functionalCall(
  module: Module,
  parameterAndBufferDicts: Record<string, Tensor | null> | readonly Record<string, Tensor | null>[],
  args?: unknown,
  kwargs?: Record<string, unknown> | null,
  options?: FunctionalCallOptions,
): unknown {
  const fn = 'torch.func.functionalCall';
  let merged: Record<string, Tensor | null>;
  if (Array.isArray(parameterAndBufferDicts)) {
    if (!parameterAndBufferDicts.every((d) => isOptionsObject(d))) throw new TypeError(`${fn}: Expected all elements of parameter_and_buffer_dicts to be dictionaries`);
    const counts = new Map<string, number>();
    for (const d of parameterAndBufferDicts) for (const k of Object.keys(d)) counts.set(k, (counts.get(k) ?? 0) + 1);
    const repeated = [...counts].filter(([, n]) => n > 1).map(([k]) => `'${k}'`);
    if (repeated.length > 0) throw new Error(`${fn}: [${repeated.join(', ')}] appeared in multiple dictionaries; behavior of functional call is ambiguous`);
    merged = Object.assign({}, ...parameterAndBufferDicts) as Record<string, Tensor | null>;
  } else if (isOptionsObject(parameterAndBufferDicts)) {
    merged = parameterAndBufferDicts as Record<string, Tensor | null>;
  } else {
    throw new TypeError(`${fn}: Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got ${describe(parameterAndBufferDicts)}`);
  }
  return _functionalCall(fn, module, merged, args, kwargs, options);
}

const JVP = 'jvp(f, primals, tangents)';

/** Python's type(x) in functorch's messages. */
const pyType = (v: unknown): string => `<class '${pyTypeName(v)}'>`;

function tensorList(v: unknown, argname: string): Tensor[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw new Error(`${JVP}: Expected ${argname} to contain at least one Tensor.`);
  for (const t of list) if (!isTensor(t)) throw new Error(`${JVP}: Expected ${argname} to only contain Tensors, got ${pyType(t)}`);
  return list as Tensor[];
}

export interface JvpOptions {
  /** an output that does not depend on the primals is an error instead of a zero tangent */
  strict?: boolean;
  /** f returns [output, aux]; aux comes back as the third element, untouched */
  hasAux?: boolean;
}

/**
 * torch.func.jvp(func, primals, tangents, { strict, hasAux }): [func(...primals), J(primals) tangents],
 * by forward-mode AD (a dual level around the call, as Python's jvp does outside other transforms).
 * primals and tangents are arrays of Tensors of the same length; the outputs keep func's shape (a Tensor
 * or an array of Tensors). Nesting jvp inside jvp or inside forwardAd.dualLevel is refused, as libtorch
 * has one forward AD level.
 */
export function jvp(func: (...primals: Tensor[]) => unknown, primals: readonly Tensor[], tangents: readonly Tensor[], options: JvpOptions = {}): unknown[] {
  const { strict = false, hasAux = false } = readOptions('torch.func.jvp', options, ['strict', 'hasAux']) as JvpOptions;
  if (typeof func !== 'function') throw new TypeError(`torch.func.jvp: func must be a function, got ${describe(func)}`);
  refuseInsideFunctionalize('jvp');
  if (!Array.isArray(primals)) throw new Error(`${JVP}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).`);
  if (!Array.isArray(tangents) || tangents.length !== primals.length)
    throw new Error(`${JVP}: Expected primals and tangents to have the same python structure. For example, if primals is a tuple of 3 tensors, tangents also must be. ` +
      `Got primals with ${primals.length} elements and tangents with ${Array.isArray(tangents) ? `${tangents.length} elements` : describe(tangents)}`);
  const flatPrimals = tensorList(primals, 'primals');
  const flatTangents = tensorList(tangents, 'tangents');
  return withFwdGradEnabled(true, () => dualLevel(() => {
    const duals = flatPrimals.map((p, i) => makeDual(p, flatTangents[i]!));
    let result = func(...duals);
    let aux: unknown;
    if (hasAux) {
      if (!(Array.isArray(result) && result.length === 2)) throw new Error(`${JVP}: output of function f should be a tuple: (output, aux) if has_aux is True`);
      [result, aux] = result as [unknown, unknown];
    }
    const outputs = Array.isArray(result) ? result : [result];
    if (outputs.length === 0 || (outputs.length === 1 && (outputs[0] === null || outputs[0] === undefined)))
      throw new Error(`${JVP}: Expected f to be a function that has non-empty output (got output = ${describe(result)})`);
    for (const o of outputs) if (!isTensor(o)) throw new Error(`${JVP}: expected f(*primals) to return only tensors, got unsupported type ${pyType(o)}`);
    // at the outermost level (nothing given requires grad) the results carry no graph, as functorch's are unwrapped
    const outer = flatPrimals.some((t) => t.requiresGrad) || flatTangents.some((t) => t.requiresGrad);
    const unwrap = (t: Tensor): Tensor => (outer ? t : t.detach());
    const pairs = (outputs as Tensor[]).map((o) => {
      const { primal, tangent } = unpackDual(o);
      if (tangent !== null) return [unwrap(primal), unwrap(tangent)] as const;
      if (strict) throw new Error('jvp(f, primals, tangents, strict=True): The output of f is independent of the inputs. This is not allowed with strict=True.');
      return [unwrap(primal), zerosLike(primal)] as const;
    });
    const shaped = (k: 0 | 1): unknown => (Array.isArray(result) ? pairs.map((p) => p[k]) : pairs[0]![k]);
    return hasAux ? [shaped(0), shaped(1), aux] : [shaped(0), shaped(1)];
  }));
}

/**
 * torch.func.linearize(func, ...primals): `[func(...primals), jvpFn]`, where `jvpFn(...tangents)` gives the
 * Jacobian-vector product at the primals. Python traces the jvp once into a graph; here jvpFn runs func
 * again under forward-mode AD, with the same numbers (so func should be free of side effects, as there).
 */
export function linearize(func: (...primals: Tensor[]) => unknown, ...primals: Tensor[]): [unknown, (...tangents: Tensor[]) => unknown] {
  if (typeof func !== 'function') throw new TypeError(`torch.func.linearize: func must be a function, got ${describe(func)}`);
  refuseInsideFunctionalize('linearize');
  primals.forEach((p, i) => {
    if (!isTensor(p)) throw new TypeError(`torch.func.linearize: primals[${i}] must be a Tensor, got ${describe(p)}`);
  });
  const output = func(...primals);
  const meta = primals.map((p) => ({ shape: p.shape, device: String(p.device), dtype: String(p.dtype) }));
  const jvpFn = (...tangents: Tensor[]): unknown => {
    if (tangents.length !== primals.length) throw new Error(`torch.func.linearize: expected ${primals.length} tangents, one per primal, got ${tangents.length}`);
    tangents.forEach((t, i) => {
      if (!isTensor(t)) throw new TypeError(`torch.func.linearize: tangent:${i} must be a Tensor, got ${describe(t)}`);
      const want = meta[i]!;
      const mismatch = (what: string, got: string, expected: string): Error => new Error(`tangent:${i} with ${what} ${got} in flattened pytree doesn't match the ${what} ${expected} of the corresponding primal.`);
      if (t.shape.length !== want.shape.length || t.shape.some((d, j) => d !== want.shape[j])) throw mismatch('shape', pySize(t.shape), pySize(want.shape));
      if (String(t.device) !== want.device) throw mismatch('device', String(t.device), want.device);
      if (String(t.dtype) !== want.dtype) throw mismatch('dtype', String(t.dtype), want.dtype);
    });
    return jvp(func, primals, tangents)[1];
  };
  return [output, jvpFn];
}

export interface JacfwdOptions {
  /** func returns [output, aux]; the Jacobian function then returns [jacobian, aux] */
  hasAux?: boolean;
}

/**
 * torch.func.jacfwd(func, argnums = 0, { hasAux }): a function computing the Jacobian of func with respect to
 * the argument(s) argnums by forward-mode AD, one jvp per element of those arguments (Python pushes the same basis
 * through vmap). Each Jacobian has shape output.shape + input.shape; with an array argnums, one per argument.
 */
export function jacfwd(func: (...args: Tensor[]) => unknown, argnums: number | readonly number[] = 0, options: JacfwdOptions = {}): (...args: Tensor[]) => unknown {
  const { hasAux = false } = readOptions('torch.func.jacfwd', options, ['hasAux']) as JacfwdOptions;
  if (typeof func !== 'function') throw new TypeError(`torch.func.jacfwd: func must be a function, got ${describe(func)}`);
  const nums = Array.isArray(argnums) ? (argnums as number[]) : [argnums as number];
  if (nums.length === 0 || nums.some((n) => !Number.isInteger(n))) throw new Error(`jacfwd: argnums must be an int or a non-empty tuple of ints, got ${describe(argnums)}`);
  return (...args: Tensor[]): unknown => {
    refuseInsideFunctionalize('jacfwd');
    const positions = nums.map((n) => {
      const p = n < 0 ? n + args.length : n;
      if (p < 0 || p >= args.length) throw new RangeError(`jacfwd: Got argnums=${n} but only ${args.length} positional inputs`);
      return p;
    });
    const primals = positions.map((p) => args[p]!);
    const call = (...diff: Tensor[]): unknown => func(...args.map((a, i) => (positions.includes(i) ? diff[positions.indexOf(i)]! : a)));
    // one jvp per element of the concatenated arguments, tangent one-hot there and zero elsewhere
    const columns: unknown[][] = primals.map(() => []);
    let aux: unknown;
    // func's own output, for its structure and shapes when an argument has no elements (no jvp runs for it)
    let plain: unknown;
    const plainOutput = (): unknown => {
      if (plain === undefined) {
        const r = call(...primals);
        plain = hasAux ? (r as unknown[])[0] : r;
        if (hasAux && aux === undefined) aux = (r as unknown[])[1];
      }
      return plain;
    };
    primals.forEach((primal, j) => {
      for (let k = 0; k < primal.numel(); k++) {
        const tangents = primals.map((p) => zerosLike(p, { memoryFormat: contiguousFormat }));
        tangents[j]!.view(-1).narrow(0, k, 1).fill_(1);
        const r = jvp(call, primals, tangents, { hasAux });
        if (hasAux) aux = r[2];
        columns[j]!.push(r[1]);
      }
    });
    const jacobianOf = (perArg: (out: unknown) => Tensor, primal: Tensor, cols: unknown[]): Tensor => {
      if (cols.length === 0) {
        const out = perArg(plainOutput());
        return zeros([...out.shape, ...primal.shape], { dtype: out.dtype });
      }
      const stacked = stack(cols.map(perArg));   // [input numel, ...output shape]
      const outShape = stacked.shape.slice(1);
      return stacked.reshape([primal.numel(), ...outShape]).movedim(0, -1).reshape([...outShape, ...primal.shape]);
    };
    const first = columns.find((cols) => cols.length > 0)?.[0] ?? plainOutput();
    const perOutput = (pick: (out: unknown) => Tensor): Tensor | Tensor[] => {
      const jacs = primals.map((p, j) => jacobianOf(pick, p, columns[j]!));
      return Array.isArray(argnums) ? jacs : jacs[0]!;
    };
    const result = Array.isArray(first) ? first.map((_, o) => perOutput((c) => (c as Tensor[])[o]!)) : perOutput((c) => c as Tensor);
    return hasAux ? [result, aux] : result;
  };
}

/** torch.func.hessian(func, argnums = 0): jacfwd(jacrev(func, argnums), argnums), as functorch composes it. */
export function hessian(func: (...args: never[]) => unknown, argnums: number | readonly number[] = 0): (...args: Tensor[]) => unknown {
  const inner = jacfwd(jacrev(func, argnums) as (...args: Tensor[]) => unknown, argnums);
  // jacrev keeps its graph for jacfwd's tangents; at the outermost level the result is detached, as functorch's
  const detached = (v: unknown): unknown => (isTensor(v) ? v.detach() : Array.isArray(v) ? v.map(detached) : v);
  return (...args: Tensor[]) => (args.some((a) => isTensor(a) && a.requiresGrad) ? inner(...args) : detached(inner(...args)));
}
