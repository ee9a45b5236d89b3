// Trailing options objects, read the same way by every entry point (ATen ops check theirs natively
// with the same rule and messages): only own enumerable keys count, so a polluted Object.prototype
// never reaches an op; every key must be one the function takes; an explicit `undefined` is an error.
import { native } from './native.js';

/** PyTorch's snake_case name spelled the torchnode way (`rounding_mode` → `roundingMode`, `T_max` → `tMax`). */
export function camelCase(name: string): string {
  return native.camelCase(name); // the one rule: the native layer names ATen's options with it too
}

/** An optional number argument: `fallback` when undefined, a TypeError naming `fn` and `name` when not a number. */
export function numberArg(fn: string, name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number') throw new TypeError(`${fn}: ${name} must be a number, got ${describe(v)}`);
  return v;
}

/** A thenable: what an async function returns (sync-only APIs refuse it). */
export function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

/** Runs fn, then `leave()` when it returns or throws, or, for an async fn, when its promise settles. */
export function whileRunning<T>(fn: () => T, leave: () => void): T {
  let result: T;
  try {
    result = fn();
  } catch (e) {
    leave();
    throw e;
  }
  if (isPromiseLike(result)) return Promise.resolve(result).finally(leave) as T;
  leave();
  return result;
}

/** A trailing options object: a plain `{ ... }` (or a null-prototype object), not a Tensor, array, dtype or device. */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks the options `fn` was given and returns them as a null-prototype copy of the own keys, so
 * reading an absent option can never find an inherited value. TypeError for a non-object, an
 * unknown key (the message suggests the camelCase spelling or a near miss) or an undefined value.
 */
export function readOptions<K extends string>(fn: string, options: unknown, allowed: readonly K[]): Partial<Record<K, unknown>> {
  if (!isOptionsObject(options)) throw new TypeError(`${fn}: expected an options object ({ ${allowed.join(', ')} }), got ${describe(options)}`);
  const out = Object.create(null) as Partial<Record<K, unknown>>;
  for (const key of Object.keys(options)) {
    const value = options[key];
    if (!(allowed as readonly string[]).includes(key) || value === undefined) throw new TypeError(`${fn}: ${native.optionMessage(key, allowed, value === undefined)}`);
    out[key as K] = value;
  }
  return out;
}

/** A value's kind for error messages: 'null', 'an array', a class name ('Object', 'Tensor') or its typeof. */
/** Python's name of a JS value's type, as type(x).__name__ gives it: int for a whole number, float, str, NoneType, list, dict, .... */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  if (isOptionsObject(v)) return 'dict';
  return describe(v);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return typeof v;
}
