// Python's argument binding for the hand-written functions: positionals in order, then one trailing
// options object with the remaining keyword arguments (camelCase keys), as API.md describes.
import { describe, isOptionsObject, readOptions } from '../options.js';
import { isTensor, Tensor as TensorClass, type Tensor } from '../tensor.js';

/** Which of bindArgs' names may come by position, and how its "too many" error counts them. */
export interface Positionals {
  /** How many of the names, from the first, may be given by position; the rest are keyword-only. */
  count: number;
  /** What the positionals follow, for the message: "takes at most N positional arguments after the path". */
  after?: string;
  /** Python's own count instead: the required arguments before these (a masked op's tensors) are counted in. */
  leading?: number;
}

/**
 * Binds `args` to `names` as Python binds a call: positionals first, then the trailing options
 * object; TypeError for too many positionals, an unknown key, or a value given both ways.
 * Trailing `undefined`s count as left out. All names may come by position unless `positionals` says.
 */
export function bindArgs<K extends string>(fn: string, args: readonly unknown[], names: readonly K[], positionals?: Positionals): Partial<Record<K, unknown>> {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const options = n > 0 && isOptionsObject(args[n - 1]) ? readOptions(fn, args[--n], names) : {};
  const most = positionals?.count ?? names.length;
  if (n > most) throw new TypeError(tooManyPositionals(fn, n, names.slice(0, most), positionals));
  const out = Object.create(null) as Partial<Record<K, unknown>>;
  for (let i = 0; i < n; i++) if (args[i] !== undefined) out[names[i]!] = args[i];
  for (const [key, value] of Object.entries(options) as [K, unknown][]) {
    if (key in out) throw new TypeError(`${fn}: got multiple values for argument '${key}'`);
    out[key] = value;
  }
  return out;
}

function tooManyPositionals(fn: string, given: number, allowed: readonly string[], rule: Positionals | undefined): string {
  if (rule?.leading !== undefined) return `${fn}: takes at most ${allowed.length + rule.leading} positional arguments (${given + rule.leading} given)`;
  const which = rule === undefined ? '' : `: ${allowed.join(', ')}`;
  return `${fn}: takes at most ${allowed.length} positional arguments after ${rule?.after ?? 'the tensor'} (${given} given)${which}`;
}

/** A boolean option, or its default. */
export function boolArg(fn: string, name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`${fn}: ${name} must be a boolean, got ${describe(v)}`);
  return v;
}

/** An optional int option (null or undefined: none). */
export function intOrNull(fn: string, name: string, v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${fn}: ${name} must be an integer or null, got ${describe(v)}`);
  return v;
}

/** Each argument a Tensor (Python's *tensors). */
export function tensorArgs(fn: string, args: readonly unknown[]): Tensor[] {
  args.forEach((t, i) => {
    if (!isTensor(t)) throw new TypeError(`${fn}: expected Tensor as element ${i} in argument 0, but got ${describe(t)}`);
  });
  return args as Tensor[];
}

/** The single Tensor argument of a function Python declares as f(input): a TypeError for anything else, or for more. */
export function onlyTensorArg(fn: string, args: ArrayLike<unknown>): Tensor {
  if (args.length > 1) throw new TypeError(`${fn}: takes 1 positional argument but ${args.length} were given`);
  const input = args[0];
  if (!isTensor(input)) throw new TypeError(`${fn}: argument 'input' (position 1) must be Tensor, not ${describe(input)}`);
  return input;
}

/** Splits Python's `*tensors, **kwargs` into the tensors and the trailing options object (if any). */
export function varargsAndOptions(args: readonly unknown[]): [unknown[], unknown] {
  const last = args[args.length - 1];
  return isOptionsObject(last) ? [args.slice(0, -1), last] : [args.slice(), undefined];
}

/** Puts hand-written methods on Tensor.prototype, as the generated ones are (non-enumerable). */
export function installMethods(methods: Record<string | symbol, (this: Tensor, ...args: never[]) => unknown>): void {
  for (const key of Reflect.ownKeys(methods))
    Object.defineProperty(TensorClass.prototype, key, { value: methods[key], writable: true, configurable: true });
}

/** Python's "takes at most n arguments": JS would silently drop the extra ones. */
export function checkArity(fn: string, given: number, most: number): void {
  if (given > most) throw new TypeError(`${fn}: takes at most ${most} arguments (${given} given)`);
}
