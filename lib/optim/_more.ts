// Checks shared by Adagrad, Adadelta, RMSprop, Rprop, ASGD, SparseAdam, Adafactor and LBFGS, in Python's words.
import { float32, float64, getDefaultDtype, type DType } from '../dtype.js';
import { isTensor, type Tensor } from '../tensor.js';
import { describe } from '../options.js';

/** The value of a number-or-1-element-tensor option (lr). */
export function numberOf(value: unknown): number {
  return isTensor(value) ? Number((value as Tensor).item()) : (value as number);
}

/**
 * Checks that a number option is a number (or a 1-element tensor) and, where `range` (the
 * constructor's options, as Python's __init__ checks them), `lo <= value` (`lo < value` when strict), with Python's message `message`.
 */
export function checkAtLeast(cls: string, message: string, value: unknown, lo: number, strict = false, range = true): void {
  if (isTensor(value) && value.numel() !== 1) throw new Error(`${cls}: Tensor lr must be 1-element`);
  const v = numberOf(value);
  if (typeof v !== 'number' || (range && Number.isNaN(v))) throw new TypeError(`${cls}: ${message.replace(/:.*$/, '')} must be a number, got ${describe(value)}`);
  if (range && (strict ? !(lo < v) : !(lo <= v))) throw new RangeError(`${cls}: ${message.replace('{}', String(v))}`);
}

/** Python's _get_scalar_dtype: float64 when the default dtype is float64, else float32 (fused: always float32). */
export function scalarDtype(fused = false): DType {
  return !fused && getDefaultDtype() === float64 ? float64 : float32;
}
