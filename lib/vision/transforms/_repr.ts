// Python's text of the values in torchvision's transform reprs (v1's __repr__ and v2's extra_repr, which
// format values with str()). JS numbers do not say int or float, nor JS arrays list or tuple: a value
// torchvision stores as a float is marked with float(), one it stores as a tuple with tuple(); other
// numbers print as Python ints where integral, arrays as lists.
import { moduleLayout, pyFloat, pyRepr } from '../../nn/modules/_format.js';
import type { Signature } from '../../nn/functional/_signature.js';

class PyFloat { constructor(readonly value: number) {} }
class PyTuple { constructor(readonly items: readonly unknown[]) {} }
/** A Python expression printed as it is (an enum member). */
class PyRaw { constructor(readonly text: string) {} }

/**
 * Numbers (also in arrays and tuples) that torchvision stores as floats: 30 prints as 30.0. Only for
 * the repr (reprOf, strOf, transformRepr, v2Repr): what it gives holds marked numbers, no longer numbers.
 */
export function float(v: unknown): unknown {
  if (typeof v === 'number') return new PyFloat(v);
  if (Array.isArray(v)) return v.map((x) => float(x));
  if (v instanceof PyTuple) return new PyTuple(v.items.map((x) => float(x)));
  return v;
}
/**
 * A copy of a value given by the caller, to keep (in the repr's state or workerArgs): arrays and plain
 * objects copied all the way down, anything else (numbers, strings, transforms, tensors) as it is.
 */
export function copied<V>(v: V): V {
  if (Array.isArray(v)) return v.map((x) => copied(x)) as V;
  if (v !== null && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v) as object | null)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copied(x)])) as V;
  }
  return v;
}
/** A value torchvision stores as a tuple: (1, 2). */
export const tuple = (items: readonly unknown[]): unknown => new PyTuple(items);
/** An Enum member as str() prints it: InterpolationMode.BILINEAR. */
export const enumMember = (enumName: string, value: string): unknown => new PyRaw(`${enumName}.${value.toUpperCase().replace(/-/g, '_')}`);
/** A size as torchvision's _setup_size keeps it: a number (or a one-element list) as the tuple (n, n), a list as given. */
export const sizeAsGiven = (given: unknown, size: readonly number[]): unknown => (Array.isArray(given) && given.length !== 1 ? copied(given) : tuple(size));

/** Python's repr of a value: None, True/False, ints, floats, 'strings', [lists], (tuples). */
export function reprOf(v: unknown): string {
  if (v instanceof PyFloat) return pyFloat(v.value);
  if (v instanceof PyRaw) return v.text;
  if (v instanceof PyTuple) return v.items.length === 1 ? `(${reprOf(v.items[0])},)` : `(${v.items.map(reprOf).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map(reprOf).join(', ')}]`;
  return pyRepr(v);
}
/** Python's str() of a value: as repr, except that a string prints bare. */
export const strOf = (v: unknown): string => (typeof v === 'string' ? v : reprOf(v));

/** A v1 transform's repr: `Name(key=str(value), ...)`, the entries whose value is undefined left out. */
export function transformRepr(name: string, entries: Record<string, unknown>): string {
  return `${name}(${Object.entries(entries).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${strOf(v)}`).join(', ')})`;
}

/**
 * A v2 transform's repr (torchvision's Transform.extra_repr): `Name(key=str(value), ...)` for the
 * attributes that are bools, numbers, strings, lists, tuples or enums; None, dicts and dtypes are left out.
 */
export function v2Repr(name: string, entries: Record<string, unknown>): string {
  const shown = Object.entries(entries).filter(([, v]) => v !== undefined && v !== null &&
    (typeof v !== 'object' || Array.isArray(v) || v instanceof PyFloat || v instanceof PyTuple || v instanceof PyRaw));
  return moduleLayout(name, shown.map(([k, v]) => `${k}=${strOf(v)}`).join(', '));
}

/** v2's Compose and RandomApply: each transform on a line of the extra_repr, indented by four. */
export const v2ContainerRepr = (name: string, transforms: readonly unknown[]): string => moduleLayout(name, transforms.map((t) => `    ${String(t)}`).join('\n'));

/**
 * `shown` (by default the value itself) as floats where the argument `name` of `sig` was left at its
 * default (bind gives the default's own object): torchvision's defaults are floats (scale=(0.08, 1.0)),
 * a value given is kept as given (scale=[0.5, 1] prints 1).
 */
export function floatIfDefault(sig: Signature, name: string, given: unknown, shown: unknown = given): unknown {
  return isDefault(sig, name, given) ? float(shown) : shown;
}

/** Whether bind left the argument `name` at its default (its own object, for arrays). */
const isDefault = (sig: Signature, name: string, given: unknown): boolean => sig.defaults[sig.index.get(name)!] === given;

/** An argument as torchvision keeps it: the default (a tuple of floats, or a float) as such, a list given as a list, anything else as given. */
export function asGiven(sig: Signature, name: string, given: unknown): unknown {
  if (isDefault(sig, name, given)) return float(Array.isArray(given) ? tuple(given) : given);
  return copied(given);
}

/** A constructor argument for workerArgs that keeps asGiven's distinction: undefined (the default, rebuilt as such) where it was left at its default, else a copy of it. */
export const givenOrDefault = (sig: Signature, name: string, given: unknown): unknown => (isDefault(sig, name, given) ? undefined : copied(given));
