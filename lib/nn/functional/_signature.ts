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
  /** How many parameters may come by position (the rest are keyword-only, after Python's `*`). */
  readonly positional: number;
  /** Python's name of a function written with `def`: its TypeErrors then read as CPython words them. */
  readonly def: string | undefined;
}

export interface SignatureOptions {
  /** Python's name of the function where it is a Python `def` (bind's TypeErrors then use CPython's wording). */
  def?: string;
  /** How many parameters may come by position; the rest are keyword-only. All of them unless given. */
  positional?: number;
}

/** A signature from `{ name: default }` in PyTorch's parameter order (REQUIRED where there is no default). */
export function signature(fn: string, params: Record<string, unknown>, options: SignatureOptions = {}): Signature {
  const names = Object.keys(params);
  return {
    fn, names, defaults: names.map((n) => params[n]), index: new Map(names.map((n, i) => [n, i])),
    positional: options.positional ?? names.length, def: options.def,
  };
}

const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** CPython's "takes ... positional arguments but n were given" for a `def`. */
function defTooMany(sig: Signature, def: string, given: number): string {
  let required = 0;
  while (required < sig.positional && sig.defaults[required] === REQUIRED) required++;
  const takes = required === sig.positional ? plural(sig.positional, 'positional argument') : `from ${required} to ${sig.positional} positional arguments`;
  return `${def}() takes ${takes} but ${given} ${given === 1 ? 'was' : 'were'} given`;
}

/** CPython's "missing n required positional arguments: 'a', 'b', and 'c'" for a `def`. */
function defMissing(def: string, names: readonly string[]): string {
  const quoted = names.map((n) => `'${snakeCase(n)}'`);
  const list = quoted.length === 1 ? quoted[0] : quoted.length === 2 ? quoted.join(' and ') : `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
  return `${def}() missing ${plural(names.length, 'required positional argument')}: ${list}`;
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
  if (n > sig.positional) {
    // keyword-only parameters: this project's wording for them (functional/args.ts); else the `def`'s or the builtin's
    if (sig.positional < count) throw new TypeError(`${sig.fn}: takes at most ${sig.positional} positional arguments (${n} given)`);
    throw new TypeError(sig.def !== undefined ? defTooMany(sig, sig.def, n) : `${sig.fn}() takes ${count} positional arguments but ${n} were given`);
  }
  const out = new Array<unknown>(count);
  for (let i = 0; i < count; i++) out[i] = i < n && args[i] !== undefined ? args[i] : sig.defaults[i];
  if (options) {
    for (const key of Object.keys(options)) {
      const i = sig.index.get(key);
      const value = options[key];
      if (i === undefined || value === undefined) throw new TypeError(`${sig.fn}: ${native.optionMessage(key, sig.names, value === undefined)}`);
      if (i < n && args[i] !== undefined) throw new TypeError(`${sig.def ?? sig.fn}() got multiple values for argument '${sig.def === undefined ? key : snakeCase(key)}'`);
      out[i] = value;
    }
  }
  for (let i = 0; i < count; i++) {
    if (out[i] !== REQUIRED) continue;
    if (sig.def !== undefined) throw new TypeError(defMissing(sig.def, sig.names.filter((_, j) => out[j] === REQUIRED)));
    throw new TypeError(`${sig.fn}() missing required argument '${sig.names[i]}'`);
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
/**
 * The calls that give some required arguments by keyword: the first k of `P` by position, the rest (named
 * by `K`, in order) as keys of the options, next to the optional keywords `O`. All by position is not among them.
 */
export type KeywordForms<P extends readonly unknown[], K extends readonly string[], O, Head extends unknown[] = []> =
  P extends readonly [infer P0, ...infer PR] ? (K extends readonly [string, ...infer KR extends string[]] ? [...Head, O & Named<P, K>] | KeywordForms<PR, KR, O, [...Head, P0]> : never) : never;
type Named<P extends readonly unknown[], K extends readonly string[]> =
  P extends readonly [infer P0, ...infer PR] ? (K extends readonly [infer K0 extends string, ...infer KR extends string[]] ? Record<K0, P0> & Named<PR, KR> : unknown) : unknown;
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
