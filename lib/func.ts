// torch.func: functional_call, jvp, linearize and jacfwd here; stack_module_state in func_ensemble.ts; functionalize in func_functionalize.ts; grad, gradAndValue, vjp and jacrev in func_reverse.ts; hessian.
import { dualLevel, makeDual, unpackDual, withFwdGradEnabled } from './autograd_forward_ad.js';
import { zeros, zerosLike } from './creation.js';
import { pySize } from './dtype.js';
import { isTensor, type Tensor } from './tensor.js';
import { describe, isOptionsObject, pyTypeName, readOptions } from './options.js';
import type { Module } from './nn/module.js';
import { _functionalCall, type FunctionalCallOptions } from './nn/utils/stateless.js';
import { jacrev, positionsOf, type DerivativeOf, type TransformArgs, type WithAux } from './func_reverse.js';
import { vmap, vmapOwned, type VmapRandomness } from './functional/control.js';
import { mapTree, sameStructure, treeLeaves, treeSpecRepr, withLeaves } from './pytree.js';
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
export function functionalCall<M extends Module>(
  module: M,
  parameterAndBufferDicts: Record<string, Tensor | null> | readonly Record<string, Tensor | null>[],
  args?: unknown,
  kwargs?: Record<string, unknown> | null,
  options?: FunctionalCallOptions,
): ReturnType<M['forward']>;
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

function tensorList(v: readonly unknown[], argname: string): Tensor[] {
  const list = treeLeaves(v);
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
 * primals is an array of arguments, each a Tensor or a pytree (arrays, objects) of Tensors, and tangents has the
 * same structure; the outputs keep func's structure (a Tensor or a pytree of Tensors). Nesting jvp inside jvp or
 * inside forwardAd.dualLevel is refused, as libtorch has one forward AD level.
 * Typing: func's parameters P default to the primals' types (an untyped callback gets them; a typed one is not held to them).
 */
export function jvp<A extends unknown[] = Tensor[], P extends unknown[] = A, R = unknown, X = unknown>(
  func: (...primals: P) => readonly [R, X],
  primals: readonly [...A],
  tangents: readonly unknown[],
  options: JvpOptions & { hasAux: true },
): [R, R, X];
export function jvp<A extends unknown[] = Tensor[], P extends unknown[] = A, R = unknown>(func: (...primals: P) => R, primals: readonly [...A], tangents: readonly unknown[], options?: JvpOptions): [R, R];
export function jvp(func: (...primals: never[]) => unknown, primals: readonly unknown[], tangents: readonly unknown[], options: JvpOptions = {}): unknown[] {
  const { strict = false, hasAux = false } = readOptions('torch.func.jvp', options, ['strict', 'hasAux']) as JvpOptions;
  if (typeof func !== 'function') throw new TypeError(`torch.func.jvp: func must be a function, got ${describe(func)}`);
  refuseInsideFunctionalize('jvp');
  if (!Array.isArray(primals)) throw new Error(`${JVP}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).`);
  if (!Array.isArray(tangents) || !sameStructure(primals, tangents))
    throw new Error(`${JVP}: Expected primals and tangents to have the same python structure. For example, if primals is a tuple of 3 tensors, tangents also must be. ` +
      `Got primals with structure ${treeSpecRepr(primals, true)} and tangents with structure ${Array.isArray(tangents) ? treeSpecRepr(tangents, true) : treeSpecRepr(tangents)}`);
  const flatPrimals = tensorList(primals, 'primals');
  const flatTangents = tensorList(tangents, 'tangents');
  return withFwdGradEnabled(true, () => dualLevel(() => {
    const duals = flatPrimals.map((p, i) => makeDual(p, flatTangents[i]!));
    // Freed on the way out (handles only; what they view lives on in the results): the duals, and func's outputs
    // that carry a tangent at this level (made from the duals here, not captured), unless aux returns them.
    const temporaries: Tensor[] = [...duals];
    let aux: unknown;
    try {
      let result = (func as (...a: unknown[]) => unknown)(...(withLeaves(primals, duals) as unknown[]));
      if (hasAux) {
        if (!(Array.isArray(result) && result.length === 2)) throw new Error(`${JVP}: output of function f should be a tuple: (output, aux) if has_aux is True`);
        [result, aux] = result as [unknown, unknown];
      }
      const outputs = treeLeaves(result);
      if (outputs.length === 0 || (outputs.length === 1 && (outputs[0] === null || outputs[0] === undefined)))
        throw new Error(`${JVP}: Expected f to be a function that has non-empty output (got output = ${describe(result)})`);
      for (const o of outputs) if (!isTensor(o)) throw new Error(`${JVP}: expected f(*primals) to return only tensors, got unsupported type ${pyType(o)}`);
      // at the outermost level (nothing given requires grad) the results carry no graph, as functorch's are unwrapped
      const outer = flatPrimals.some((t) => t.requiresGrad) || flatTangents.some((t) => t.requiresGrad);
      const unwrap = (t: Tensor): Tensor => {
        if (outer) return t;
        const detached = t.detach();
        temporaries.push(t);
        return detached;
      };
      const pairs = (outputs as Tensor[]).map((o) => {
        const { primal, tangent } = unpackDual(o);
        if (tangent !== null) {
          temporaries.push(o);
          return [unwrap(primal), unwrap(tangent)] as const;
        }
        if (strict) {
          primal.dispose();
          throw new Error('jvp(f, primals, tangents, strict=True): The output of f is independent of the inputs. This is not allowed with strict=True.');
        }
        return [unwrap(primal), zerosLike(primal)] as const;
      });
      const shaped = (k: 0 | 1): unknown => withLeaves(result, pairs.map((p) => p[k]));
      return hasAux ? [shaped(0), shaped(1), aux] : [shaped(0), shaped(1)];
    } finally {
      const keep = new Set(treeLeaves(aux));
      for (const t of temporaries) if (!keep.has(t)) t.dispose();
    }
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
  /** func returns [output, aux]; the Jacobian function then returns [jacobian, aux] (aux a pytree of Tensors) */
  hasAux?: boolean;
  /** what random operations in func do across the jvps, as vmap's randomness ('error' by default: refused) */
  randomness?: VmapRandomness;
}

/**
 * torch.func.jacfwd(func, argnums = 0, { hasAux, randomness }): a function computing the Jacobian of func with
 * respect to the argument(s) argnums by forward-mode AD: as Python, it pushes the standard basis of the
 * differentiated arguments (Tensors or pytrees of them) through vmap, one jvp per element here (vmap is a loop).
 * Each Jacobian has shape output.shape + input.shape, in func's output structure outside and the arguments'
 * structure inside (one per argnum when argnums is an array).
 */
export function jacfwd<A extends unknown[] = Tensor[], N extends number | readonly number[] = 0, O extends JacfwdOptions = JacfwdOptions>(func: (...args: A) => unknown, argnums?: N, options?: O): (...args: TransformArgs<A>) => WithAux<DerivativeOf<TransformArgs<A>, N>, O>;
export function jacfwd(func: (...args: never[]) => unknown, argnums: number | readonly number[] = 0, options: JacfwdOptions = {}): (...args: unknown[]) => unknown {
  const { hasAux = false, randomness = 'error' } = readOptions('torch.func.jacfwd', options, ['hasAux', 'randomness']) as JacfwdOptions;
  if (typeof func !== 'function') throw new TypeError(`torch.func.jacfwd: func must be a function, got ${describe(func)}`);
  const nums = Array.isArray(argnums) ? (argnums as number[]) : [argnums as number];
  if (nums.length === 0 || nums.some((n) => !Number.isInteger(n))) throw new Error(`jacfwd: argnums must be an int or a non-empty tuple of ints, got ${describe(argnums)}`);
  return (...args: unknown[]): unknown => {
    refuseInsideFunctionalize('jacfwd');
    const positions = positionsOf('jacfwd', argnums, args.length);
    // Python's _slice_argnums: the differentiated arguments, as jvp's primals
    const primals = positions.map((p) => args[p]);
    const flat = tensorList(primals, 'primals');
    const call = (...diff: unknown[]): unknown => (func as (...a: unknown[]) => unknown)(...args.map((a, i) => (positions.includes(i) ? diff[positions.indexOf(i)] : a)));
    const numels = flat.map((p) => p.numel());
    const total = numels.reduce((a, b) => a + b, 0);
    // the Jacobian of one output leaf: [total, ...outShape] -> per input leaf [...outShape, ...input.shape], in argnums' structure
    const perInput = (stacked: Tensor): unknown => {
      const moved = stacked.movedim(0, -1);
      const outShape = moved.shape.slice(0, -1);
      let offset = 0;
      const jacs = flat.map((p, i) => {
        const piece = moved.narrow(-1, offset, numels[i]!);
        offset += numels[i]!;
        const jac = piece.reshape([...outShape, ...p.shape]);
        if (piece !== jac) piece.dispose();
        return jac;
      });
      if (!jacs.includes(moved)) moved.dispose();
      const tree = withLeaves(primals, jacs) as unknown[];
      return Array.isArray(argnums) ? tree : tree[0];
    };
    if (total === 0) {
      // nothing to push through vmap (Python fails here): zero Jacobians in the shapes of func's output
      const r = call(...primals);
      const out = hasAux ? (r as unknown[])[0] : r;
      const result = mapTree(out, (o) => {
        const empty = zeros([0, ...(o as Tensor).shape], { dtype: (o as Tensor).dtype });
        const jac = perInput(empty);
        if (!treeLeaves(jac).includes(empty)) empty.dispose();
        return jac;
      });
      return hasAux ? [result, (r as unknown[])[1]] : result;
    }
    // the standard basis: row k is one-hot at element k of the concatenated differentiated leaves
    let offset = 0;
    const flatBasis = flat.map((p, i) => {
      const n = numels[i]!;
      const b = p.newZeros([total, n]);
      if (n > 0) {
        const block = b.narrow(0, offset, n);
        const diagonal = block.diagonal();
        diagonal.fill_(1);
        diagonal.dispose();
        block.dispose();
      }
      offset += n;
      const basis = b.reshape([total, ...p.shape]);
      if (basis !== b) b.dispose();
      return basis;
    });
    // internal temporaries are freed at once: the basis, jvp's outputs (the tangents once vmap stacked them), the stacked Jacobians
    const pushJvp = (basis: unknown[]): unknown => {
      const r: unknown[] = jvp(call, primals, basis, { hasAux }); // [output, tangent] or, with hasAux, [output, tangent, aux]
      const tangents = treeLeaves(r[1]) as Tensor[];
      for (const t of tangents) vmapOwned.add(t);
      for (const p of treeLeaves(r[0]) as Tensor[]) if (!tangents.includes(p) && !treeLeaves(r[2]).includes(p)) p.dispose();
      if (!hasAux) return r[1];
      for (const a of treeLeaves(r[2])) if (!isTensor(a)) throw new Error(`Expected tensors, got unsupported type ${pyType(a)}`);
      return [r[1], r[2]];
    };
    let pushed: unknown;
    try {
      pushed = vmap(pushJvp, { randomness })(withLeaves(primals, flatBasis) as unknown[]);
    } finally {
      for (const b of flatBasis) b.dispose();
    }
    const jacOut = hasAux ? (pushed as unknown[])[0] : pushed;
    const result = mapTree(jacOut, (o) => perInput(o as Tensor));
    // aux was computed once per basis row: the first row's is func's own, as Python takes
    const auxOut = hasAux ? mapTree((pushed as unknown[])[1], (a) => (a as Tensor).select(0, 0)) : undefined;
    const returned = new Set([...treeLeaves(result), ...treeLeaves(auxOut)]);
    for (const t of treeLeaves(pushed) as Tensor[]) if (!returned.has(t)) t.dispose();
    return hasAux ? [result, auxOut] : result;
  };
}

/** torch.func.hessian(func, argnums = 0): jacfwd(jacrev(func, argnums), argnums), as functorch composes it. */
export function hessian<A extends unknown[] = Tensor[], N extends number | readonly number[] = 0>(func: (...args: A) => unknown, argnums?: N): (...args: TransformArgs<A>) => DerivativeOf<TransformArgs<A>, N>;
export function hessian(func: (...args: never[]) => unknown, argnums: number | readonly number[] = 0): (...args: unknown[]) => unknown {
  const inner = jacfwd(jacrev(func, argnums) as (...args: unknown[]) => unknown, argnums);
  // jacrev keeps its graph for jacfwd's tangents; at the outermost level the result is detached, as functorch's
  const detached = (v: unknown): unknown => mapTree(v, (t) => {
    if (!isTensor(t)) return t;
    const d = t.detach();
    if (d !== t) t.dispose();
    return d;
  });
  return (...args: unknown[]) => (treeLeaves(args).some((a) => isTensor(a) && a.requiresGrad) ? inner(...args) : detached(inner(...args)));
}
