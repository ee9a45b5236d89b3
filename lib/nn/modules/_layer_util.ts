// Helpers of the nnact layers (not exported from torch.nn): Python's str()/repr() of the values
// layers print in extra_repr, and a layer's factory_kwargs (device, dtype) as factory options.
import type { FactoryOptions } from '../../creation.js';

// JS cannot tell 1 from 1.0, so attributes PyTorch types as float print as Python floats.

/** repr(float(v)): shortest round-trip digits, fixed for 1e-4 <= |v| < 1e16, else d.ddde-05. */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const sign = v < 0 ? '-' : '';
  const [mant, expText] = Math.abs(v).toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const digits = mant.replace('.', '');
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    return `${sign}${whole}.${digits.slice(exp + 1) || '0'}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** A float attribute that may be None. */
export const pyOptFloat = (v: number | null): string => (v === null ? 'None' : pyFloat(v));
/** str() of a bool. */
export const pyBool = (v: boolean): string => (v ? 'True' : 'False');
/** str() of an int that may be None. */
export const pyOptInt = (v: number | null): string => (v === null ? 'None' : String(v));
/** str() of a tuple of ints: (5,) or (4, 5). */
export const pyTuple = (v: readonly number[]): string => (v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`);
/** repr() of a str. */
export const pyStr = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The device and dtype of a layer's factory_kwargs, as empty()'s options (null: the default). */
export function factoryOptions(a: { device?: unknown; dtype?: unknown }): FactoryOptions {
  const out: FactoryOptions = {};
  if (a.device !== undefined && a.device !== null) out.device = a.device as FactoryOptions['device'];
  if (a.dtype !== undefined && a.dtype !== null) out.dtype = a.dtype as FactoryOptions['dtype'];
  return out;
}
