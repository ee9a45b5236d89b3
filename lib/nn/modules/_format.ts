// Python's text for attribute values in extra_repr, so String(layer) reads as repr(layer):
// str.format of a value (strings bare) and repr (strings quoted), arrays printed as tuples.
// JS numbers do not say int or float: integral values print as ints unless asFloat is asked for.
import type { FactoryOptions } from '../../creation.js';
import { pyFloat } from '../../print.js';

export { pyFloat };

/** Python's repr of a value: None, True/False, ints, floats, 'strings', tuples for arrays. */
export function pyRepr(v: unknown, asFloat = false): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return asFloat || !Number.isInteger(v) ? pyFloat(v) : String(v);
  if (typeof v === 'string') return pyStrRepr(v);
  if (Array.isArray(v)) return v.length === 1 ? `(${pyRepr(v[0], asFloat)},)` : `(${v.map((e) => pyRepr(e, asFloat)).join(', ')})`;
  return String(v);
}

// What str.isprintable() calls unprintable (space aside): repr writes these as escapes.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/gu;
const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Python's repr of a str: single quotes unless it holds one and no double quote, unprintables escaped. */
export function pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const body = text.replace(/[\\\n\r\t]/g, (c) => NAMED_ESCAPES[c]!).replace(UNPRINTABLE, (c) => {
    if (c === ' ') return c;
    const code = c.codePointAt(0)!;
    const hex = code.toString(16);
    return code < 0x100 ? `\\x${hex.padStart(2, '0')}` : code < 0x10000 ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`;
  });
  return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
}

/** nn.Module.__repr__'s layout: `Name(extra)` when the extra repr is one line and there are no children, else one indented line each. */
export function moduleLayout(name: string, extraRepr: string, childLines: readonly string[] = []): string {
  const extraLines = extraRepr ? extraRepr.split('\n') : [];
  const lines = [...extraLines, ...childLines];
  if (lines.length === 0) return `${name}()`;
  if (extraLines.length === 1 && childLines.length === 0) return `${name}(${extraRepr})`;
  return `${name}(\n  ${lines.join('\n  ')}\n)`;
}

/** Python's str.format of a value: as repr, except that a string prints bare. */
export function pyStr(v: unknown, asFloat = false): string {
  return typeof v === 'string' ? v : pyRepr(v, asFloat);
}


/** A float attribute that may be None. */
export const pyOptFloat = (v: number | null): string => (v === null ? 'None' : pyFloat(v));
/** str() of a bool. */
export const pyBool = (v: boolean): string => (v ? 'True' : 'False');
/** str() of an int that may be None. */
export const pyOptInt = (v: number | null): string => (v === null ? 'None' : String(v));
/** str() of a tuple of ints: (5,) or (4, 5). */
export const pyTuple = (v: readonly number[]): string => (v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`);

/** The device and dtype of a layer's factory_kwargs, as empty()'s options (null: the default). */
export function factoryOptions(a: { device?: unknown; dtype?: unknown }): FactoryOptions {
  const out: FactoryOptions = {};
  if (a.device !== undefined && a.device !== null) out.device = a.device as FactoryOptions['device'];
  if (a.dtype !== undefined && a.dtype !== null) out.dtype = a.dtype as FactoryOptions['dtype'];
  return out;
}
