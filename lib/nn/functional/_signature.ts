// Python call signatures for nn.functional: positional arguments in PyTorch's order, then one
// trailing options object whose keys are the camelCase parameter names (required ones included,
// as Python accepts every parameter by keyword). Compiled once per function, bound per call.
import { native } from '../../native.js';
import { isOptionsObject } from '../../options.js';
import type { Tensor } from '../../tensor.js';

/** The marker for a parameter without a default. */
export const REQUIRED: unique symbol = Symbol('required');

export interface Signature {
  readonly fn: string;
  readonly names: readonly string[];
  readonly defaults: readonly unknown[];
  readonly index: ReadonlyMap<string, number>;
}

/** A signature from `{ name: default }` in PyTorch's parameter order (REQUIRED where there is no default). */
export function signature(fn: string, params: Record<string, unknown>): Signature {
  const names = Object.keys(params);
  return { fn, names, defaults: names.map((n) => params[n]), index: new Map(names.map((n, i) => [n, i])) };
}

/**
 * The values of every parameter, in order, as Python binds `fn(*args, **kwargs)`: an `undefined`
 * positional reads as the default; TypeError for too many positionals, an unknown or repeated key,
 * or a missing required argument.
 */
export function bind(sig: Signature, args: readonly unknown[]): unknown[] {
  let n = args.length;
  const last = n > 0 ? args[n - 1] : undefined;
  const options = last !== undefined && isOptionsObject(last) ? last : undefined;
  if (options) n--;
  const count = sig.names.length;
  if (n > count) throw new TypeError(`${sig.fn}() takes ${count} positional arguments but ${n} were given`);
  const out = new Array<unknown>(count);
  for (let i = 0; i < count; i++) out[i] = i < n && args[i] !== undefined ? args[i] : sig.defaults[i];
  if (options) {
    for (const key of Object.keys(options)) {
      const i = sig.index.get(key);
      const value = options[key];
      if (i === undefined || value === undefined) throw new TypeError(`${sig.fn}: ${native.optionMessage(key, sig.names, value === undefined)}`);
      if (i < n && args[i] !== undefined) throw new TypeError(`${sig.fn}() got multiple values for argument '${key}'`);
      out[i] = value;
    }
  }
  for (let i = 0; i < count; i++) {
    if (out[i] === REQUIRED) throw new TypeError(`${sig.fn}() missing required argument '${sig.names[i]}'`);
  }
  return out;
}

/** `fn(...args)` with the arguments bound to `sig` first: the JS form of a Python function. */
export function pythonFunction<R>(sig: Signature, body: (...values: any[]) => R): (...args: any[]) => R {
  const f = (...args: unknown[]): R => body(...bind(sig, args));
  Object.defineProperty(f, 'name', { value: sig.fn });
  return f;
}

/** PyTorch's _single/_pair/_triple (_ntuple): a number repeated n times, a list kept as it is. */
export function ntuple(v: unknown, n: number): number[] {
  if (Array.isArray(v)) return [...(v as number[])]; // a copy: a layer keeps it, the caller may reuse theirs
  return new Array<number>(n).fill(v as number);
}

/** PyTorch's _list_with_default: null entries of an output size take the input's size there. */
export function listWithDefault(outSize: unknown, defaults: readonly number[]): unknown {
  if (!Array.isArray(outSize)) return outSize;
  if (defaults.length <= outSize.length) throw new RangeError(`Input dimension should be at least ${outSize.length + 1}`);
  const tail = defaults.slice(defaults.length - outSize.length);
  return outSize.map((v, i) => (v === null || v === undefined ? tail[i] : v));
}

// ---- types of Python-style argument lists

type Prefixes<P extends readonly unknown[]> = P extends readonly [...infer Init, unknown] ? Prefixes<Init> | P : [];
/** The argument lists Python binds to `P`: a prefix of the positionals, optionally followed by the keyword options `O`. */
export type PyArgs<P extends readonly unknown[], O> = Prefixes<P> extends infer T ? (T extends readonly unknown[] ? T | [...T, O] : never) : never;
/** A prefix of the positionals `P` followed by the options `O` (which must be given). */
export type PyArgsWith<P extends readonly unknown[], O> = Prefixes<P> extends infer T ? (T extends readonly unknown[] ? [...T, O] : never) : never;
/** An int or a list of ints (PyTorch's _size_n_t). */
export type Size = number | readonly number[];

/**
 * A function with boolean_dispatch on return_indices: [values, indices] when returnIndices is true
 * (positionally after `P`, or as an option), else the values.
 */
export interface MaybeWithIndices<P extends readonly unknown[], O> {
  (input: Tensor, ...args: [...P, true, ...unknown[]] | PyArgsWith<P, O & { returnIndices: true }>): [Tensor, Tensor];
  (input: Tensor, ...args: PyArgs<[...P, returnIndices: boolean], O>): Tensor;
}
