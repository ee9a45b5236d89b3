// Python's text for attribute values in extra_repr, so String(layer) reads as repr(layer):
// str.format of a value (strings bare) and repr (strings quoted), arrays printed as tuples.
// JS numbers do not say int or float: integral values print as ints unless asFloat is asked for.

/** Python's repr of a float: shortest round-trip digits, exponent outside [1e-4, 1e16), always a '.0' or exponent. */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mantissa, exp] = v.toExponential().split('e') as [string, string];
    const e = Number(exp);
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(v);
  return Number.isInteger(v) ? `${s}.0` : s;
}

/** Python's repr of a value: None, True/False, ints, floats, 'strings', tuples for arrays. */
export function pyRepr(v: unknown, asFloat = false): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return asFloat || !Number.isInteger(v) ? pyFloat(v) : String(v);
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return v.length === 1 ? `(${pyRepr(v[0], asFloat)},)` : `(${v.map((e) => pyRepr(e, asFloat)).join(', ')})`;
  return String(v);
}

/** Python's str.format of a value: as repr, except that a string prints bare. */
export function pyStr(v: unknown, asFloat = false): string {
  return typeof v === 'string' ? v : pyRepr(v, asFloat);
}

/** _single/_pair/_triple/_quadruple: a number repeated n times; an array kept as given. */
export function ntuple(v: number | readonly number[], n: number): number[] {
  return Array.isArray(v) ? [...(v as number[])] : new Array<number>(n).fill(v as number);
}
