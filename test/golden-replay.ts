// Replays golden cases: Python snippets run by real PyTorch 2.13 and translated to JS by the
// fixture generators (scripts/make-fixtures.py and the scripts that reuse its encoder). One
// comparison for every golden suite: bit-exact (dtype, shape, every value; -0 and NaN included)
// unless a case carries a tolerance (BLAS/LAPACK/FFT paths, whose kernels depend on the CPU model).
import { expect } from 'vitest';
import * as torch from '../lib/index.js';
import { isSameRelease } from './release.js';
import { isClose, KERNEL_ROUNDING, sameKernels } from './cpu-model.js';

export type Datum = number | boolean | string; // 'nan' | 'inf' | '-inf' for floats; digits for int64 beyond 2^53
// complex: re, im interleaved; sparse: stored dense; requiresGrad: recorded by fixtures that check it
export interface TensorEnc { dtype: string; shape: number[]; data: Datum[]; requiresGrad?: boolean }
export type Enc =
  | TensorEnc
  | { seq: Enc[] }
  | { named: Record<string, Enc> }
  | { dict: Record<string, Enc> }
  | { num: number | string }
  | { bool: boolean }
  | { str: string }
  | { torchDtype: string }
  | { torchLayout: string }
  | { none: true };
export interface Tol { rtol: number; atol: number }
/** A `tol` that compares dtypes and shapes only (results another CPU's kernels change beyond rounding). */
export const STRUCTURE_ONLY: Tol = Object.freeze({ rtol: 0, atol: Infinity });
export interface ErrorEnc { error: string; errorType?: string }
export interface GoldenCase { py: string; js: string; uses: string[]; expected: Enc | ErrorEnc; tol?: Tol }
export interface GoldenFixture { meta: { torch: string; cpuCapability?: string; threads: number }; tensors: Record<string, TensorEnc>; cases: GoldenCase[] }

const SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };
// Values compare as strings: String() of a double is exact (and float32 widens to double exactly).
const show = (v: number | bigint | boolean): string => (Object.is(v, -0) ? '-0' : String(v));
const showDatum = (v: Datum): string => (typeof v === 'string' ? (v in SPECIAL ? show(SPECIAL[v]!) : v) : show(v));
const isComplex = (name: string): boolean => name.startsWith('complex');

function valuesOf(tensor: torch.Tensor): string[] {
  const t = tensor.layout === torch.strided ? tensor.detach() : tensor.detach().toDense();
  const plain = isComplex(t.dtype.name) ? torch.viewAsReal(t.resolveConj()) : t;
  const isBool = plain.dtype === torch.bool;
  return Array.from(plain.contiguous().toTypedArray() as ArrayLike<number | bigint>, (v) => (isBool ? String(v !== 0) : show(v)));
}

/**
 * Asserts that `actual` is what PyTorch returned (`exp`), within `tol` for floating results. Without a
 * `tol` floats compare bit for bit, except on a machine whose oneDNN kernels are not the fixtures'
 * (test/cpu-model.ts): there within KERNEL_ROUNDING.
 */
export function check(actual: unknown, exp: Enc, tol: Tol | undefined, path: string): void {
  if ('data' in exp) {
    const within = tol ?? (sameKernels ? undefined : KERNEL_ROUNDING);
    expect(torch.isTensor(actual), `${path}: expected a Tensor, got ${String(actual)}`).toBe(true);
    const t = actual as torch.Tensor;
    expect(t.dtype.name, `${path}: dtype`).toBe(exp.dtype);
    expect(t.shape, `${path}: shape`).toEqual(exp.shape);
    if (exp.requiresGrad !== undefined) expect(t.requiresGrad, `${path}: requiresGrad`).toBe(exp.requiresGrad);
    if (tol === STRUCTURE_ONLY) return;
    const got = valuesOf(t);
    const want = exp.data.map(showDatum);
    if (!within || !(t.dtype.isFloatingPoint || isComplex(t.dtype.name))) {
      expect(got, `${path}: values (bit-exact)`).toEqual(want);
      return;
    }
    expect(got.length, `${path}: count`).toBe(want.length);
    const off = got.flatMap((g, i) => {
      const [a, e] = [Number(g), Number(want[i])];
      const close = Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)) || isClose(a, e, within);
      return close ? [] : [`[${i}] ${g} vs ${want[i]}`];
    });
    expect(off.join('; '), `${path}: values beyond rtol ${within.rtol}, atol ${within.atol}`).toBe('');
  } else if ('seq' in exp) {
    expect(Array.isArray(actual), `${path}: expected an array, got ${String(actual)}`).toBe(true);
    const a = actual as unknown[];
    expect(a.length, `${path}: length`).toBe(exp.seq.length);
    exp.seq.forEach((e, i) => check(a[i], e, tol, `${path}[${i}]`));
  } else if ('named' in exp) {
    // A named tuple: an array whose items are also its (camelCase) fields.
    expect(Array.isArray(actual), `${path}: expected an array with named fields`).toBe(true);
    const a = actual as unknown[] & Record<string, unknown>;
    Object.entries(exp.named).forEach(([k, e], i) => {
      check(a[k], e, tol, `${path}.${k}`);
      expect(a[i], `${path}[${i}] is .${k}`).toBe(a[k]);
    });
    expect(a.length, `${path}: length`).toBe(Object.keys(exp.named).length);
  } else if ('dict' in exp) {
    expect(Object.keys(actual as object), `${path}: keys`).toEqual(Object.keys(exp.dict));
    for (const [k, e] of Object.entries(exp.dict)) check((actual as Record<string, unknown>)[k], e, tol, `${path}.${k}`);
  } else if ('num' in exp) {
    expect(typeof actual, `${path}: type`).toBe('number');
    expect(show(actual as number), path).toBe(showDatum(exp.num));
  } else if ('bool' in exp) {
    expect(actual, path).toBe(exp.bool);
  } else if ('str' in exp) {
    expect(actual, path).toBe(exp.str);
  } else if ('torchDtype' in exp) {
    expect(actual, path).toBe((torch as unknown as Record<string, unknown>)[exp.torchDtype]);
  } else if ('torchLayout' in exp) {
    expect(String(actual), path).toBe(`torch.${exp.torchLayout}`); // a Layout prints as Python's repr
  } else if ('none' in exp) {
    expect(actual, path).toBeNull();
  } else {
    throw new Error(`${path}: unknown expectation ${JSON.stringify(exp)}`);
  }
}

function nest(flat: unknown[], shape: number[], d = 0, at = { i: 0 }): unknown {
  if (d === shape.length) return flat[at.i++];
  return Array.from({ length: shape[d]! }, () => nest(flat, shape, d + 1, at));
}

/** A fresh tensor from its stored values (exact: each value is representable in the dtype). */
export function makeTensor(e: TensorEnc): torch.Tensor {
  const flat = e.data.map((v) => (typeof v !== 'string' ? v : v in SPECIAL ? SPECIAL[v]! : BigInt(v)));
  if (!isComplex(e.dtype)) return torch.tensor(nest(flat, e.shape) as torch.NestedArray<number>, { dtype: e.dtype });
  const parts = torch.tensor(nest(flat, [...e.shape, 2]) as torch.NestedArray<number>, { dtype: e.dtype === 'complex64' ? 'float32' : 'float64' });
  return torch.viewAsComplex(parts);
}

/** The test title of a case: its JS call without the setup and `return`. */
export const caseName = (c: GoldenCase): string => c.js.replace(/^let [^;]*; /, '').replace(/return /, '');

/** Whether this libtorch is the release the fixture was made with (bit-exact cases need it). */
export const sameRelease = (fx: GoldenFixture): boolean => isSameRelease(fx.meta.torch, torch.buildInfo().torchVersion);

/**
 * Runs a case's JS snippet on fresh input tensors (seed 0, as the generator did) and checks its
 * result, or that it throws where PyTorch raised; `checkError` adds checks on the thrown error.
 */
export function replay(fx: GoldenFixture, c: GoldenCase, checkError?: (thrown: unknown, exp: ErrorEnc) => void): void {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the snippets come from our own generator
  const fn = new Function('torch', ...c.uses, c.js) as (...args: unknown[]) => unknown;
  const call = (): unknown => {
    torch.manualSeed(0);
    return fn(torch, ...c.uses.map((n) => makeTensor(fx.tensors[n]!)));
  };
  const exp = c.expected;
  if ('error' in exp) {
    let thrown: unknown;
    torch.tidy(() => {
      try {
        call();
      } catch (e) {
        thrown = e;
      }
    });
    expect(thrown, `should throw, as PyTorch does: ${exp.error || '(any error)'}`).toBeInstanceOf(Error);
    expect((thrown as Error).message).toContain(exp.error);
    checkError?.(thrown, exp);
  } else {
    torch.tidy(() => check(call(), exp, c.tol, 'result'));
  }
}

/** Python's `try: ... except Exception as e` for outputs that are errors: the thrown Error. */
export function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, nothing was thrown');
}
