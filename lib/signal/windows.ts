// torch.signal.windows: torch/signal/windows/windows.py (2.13) ported op for op (the same ATen
// operators in the same order, the same double arithmetic on the parameters), so every window is
// bit-identical to Python's; the argument checks raise Python's messages.
import { aten } from '../call.js';
import { float32, float64, getDefaultDtype, layoutCode, strided, toDType, type DType, type DTypeLike, type LayoutLike } from '../dtype.js';
import { tensor } from '../creation.js';
import { toDevice, type DeviceLike } from '../device.js';
import { describe, numberArg, readOptions } from '../options.js';
import { boolArg } from '../functional/args.js';
import { type Tensor } from '../tensor.js';

/** The options every window takes (Python's keyword-only factory arguments). */
export interface WindowOptions {
  sym?: boolean;
  dtype?: DTypeLike | null;
  layout?: LayoutLike;
  device?: DeviceLike | null;
  requiresGrad?: boolean;
}
export interface ExponentialOptions extends WindowOptions { center?: number | null; tau?: number }
export interface GaussianOptions extends WindowOptions { std?: number }
export interface KaiserOptions extends WindowOptions { beta?: number }
export interface GeneralCosineOptions extends WindowOptions { a: number[] }
export interface GeneralHammingOptions extends WindowOptions { alpha?: number }

const COMMON = ['sym', 'dtype', 'layout', 'device', 'requiresGrad'] as const;

// The factory options after Python's checks: dtype resolved, layout strided.
interface Factory { sym: boolean; dtype: DType; device: DeviceLike | null; requiresGrad: boolean }

/**
 * Reads `fn`'s options (`extra`: the window's own parameters) and runs Python's
 * _window_function_checks(function_name, M, dtype, layout); `checkedAs` is the name Python checks under.
 */
function windowArgs<K extends string>(fn: string, M: unknown, options: unknown, extra: readonly K[], checkedAs = fn): Factory & Partial<Record<K, unknown>> {
  const o = readOptions(fn, options ?? {}, [...COMMON, ...extra]);
  if (typeof M !== 'number' || !Number.isInteger(M)) throw new TypeError(`${fn}: M must be an integer, got ${typeof M === 'number' ? M : describe(M)}`);
  const dtype = o.dtype === undefined || o.dtype === null ? getDefaultDtype() : toDType(o.dtype, fn);
  const layout = o.layout === undefined ? strided.code : layoutCode(o.layout, fn);
  // Python's messages name the function that checks (hann(-1): general_cosine); ours name the one called too.
  const named = checkedAs === fn ? fn : `${fn}: ${checkedAs}`;
  if (M < 0) throw new RangeError(`${named} requires non-negative window length, got M=${M}`);
  if (layout !== strided.code) throw new TypeError(`${named} is implemented for strided tensors only, got: torch.${String(o.layout).replace(/^torch\./, '')}`);
  if (dtype !== float32 && dtype !== float64) throw new TypeError(`${named} expects float32 or float64 dtypes, got: ${String(dtype)}`);
  const device = o.device === undefined || o.device === null ? null : toDevice(o.device, fn);
  return { ...o, sym: boolArg(fn, 'sym', o.sym, true), dtype, device, requiresGrad: boolArg(fn, 'requiresGrad', o.requiresGrad, false) };
}

const factoryOptions = (f: Factory): Record<string, unknown> => ({ dtype: f.dtype, layout: strided, ...(f.device === null ? {} : { device: f.device }) });

// torch.empty((0,)) / torch.ones((1,)) / torch.linspace(...) with the window's factory options.
function made(t: Tensor, f: Factory): Tensor {
  return f.requiresGrad ? t.requiresGrad_(true) : t;
}
const emptyWindow = (f: Factory): Tensor => made(aten('empty', [[0], factoryOptions(f)]) as Tensor, f);
const onesWindow = (f: Factory): Tensor => made(aten('ones', [[1], factoryOptions(f)]) as Tensor, f);
const linspace = (start: number | Tensor, end: number | Tensor, steps: number, f: Factory): Tensor => made(aten('linspace', [start, end, steps, factoryOptions(f)]) as Tensor, f);
const isMeta = (t: Tensor): boolean => t.device.type === 'meta';
// libtorch has no Meta kernel for abs (nor where; Python's come from its own meta registrations): there, |k| as sqrt(k²).
const abs = (k: Tensor): Tensor => (isMeta(k) ? k.pow(2).sqrt() : k.abs());

/** torch.signal.windows.exponential(M, { center, tau = 1.0, sym, dtype, layout, device, requiresGrad }). */
export function exponential(M: number, options?: ExponentialOptions): Tensor {
  const f = windowArgs('exponential', M, options, ['center', 'tau']);
  const tau = numberArg('exponential', 'tau', f.tau, 1.0);
  if (tau <= 0) throw new RangeError(`exponential: Tau must be positive, got: ${tau} instead.`);
  let center = f.center === undefined || f.center === null ? null : numberArg('exponential', 'center', f.center, 0);
  if (f.sym && center !== null) throw new RangeError('exponential: Center must be None for symmetric windows');
  if (M === 0) return emptyWindow(f);
  if (center === null) center = (!f.sym && M > 1 ? M : M - 1) / 2.0;
  const constant = 1 / tau;
  const k = linspace(-center * constant, (-center + (M - 1)) * constant, M, f);
  return abs(k).neg().exp();
}

/** torch.signal.windows.cosine(M, { sym, dtype, layout, device, requiresGrad }). */
export function cosine(M: number, options?: WindowOptions): Tensor {
  const f = windowArgs('cosine', M, options, []);
  if (M === 0) return emptyWindow(f);
  const start = 0.5;
  const constant = Math.PI / (!f.sym && M > 1 ? M + 1 : M);
  return linspace(start * constant, (start + (M - 1)) * constant, M, f).sin();
}

/** torch.signal.windows.gaussian(M, { std = 1.0, sym, dtype, layout, device, requiresGrad }). */
export function gaussian(M: number, options?: GaussianOptions): Tensor {
  const f = windowArgs('gaussian', M, options, ['std']);
  const std = numberArg('gaussian', 'std', f.std, 1.0);
  if (std <= 0) throw new RangeError(`gaussian: Standard deviation must be positive, got: ${std} instead.`);
  if (M === 0) return emptyWindow(f);
  const start = -(!f.sym && M > 1 ? M : M - 1) / 2.0;
  const constant = 1 / (std * Math.sqrt(2));
  const k = linspace(start * constant, (start + (M - 1)) * constant, M, f);
  return k.pow(2).neg().exp();
}

/** torch.signal.windows.kaiser(M, { beta = 12.0, sym, dtype, layout, device, requiresGrad }). */
export function kaiser(M: number, options?: KaiserOptions): Tensor {
  const f = windowArgs('kaiser', M, options, ['beta']);
  const betaValue = numberArg('kaiser', 'beta', f.beta, 12.0);
  if (betaValue < 0) throw new RangeError(`kaiser: beta must be non-negative, got: ${betaValue} instead.`);
  if (M === 0) return emptyWindow(f);
  if (M === 1) return onesWindow(f);
  const beta = aten('scalar_tensor', [betaValue, factoryOptions(f)]) as Tensor; // torch.tensor(beta, dtype=dtype, device=device)
  const start = beta.neg();
  const constant = beta.mul(2.0).div(!f.sym ? M : M - 1);
  const end = aten('minimum', [beta, start.add(constant.mul(M - 1))]) as Tensor;
  // linspace reads tensor bounds with item(), which meta tensors cannot give; their values don't matter there.
  const k = isMeta(beta) ? linspace(0, 0, M, f) : linspace(start, end, M, f);
  return beta.mul(beta).sub(k.pow(2)).sqrt().i0().div(beta.i0());
}

/** torch.signal.windows.hamming(M, { sym, dtype, layout, device, requiresGrad }): general_hamming with alpha 0.54. */
export function hamming(M: number, options?: WindowOptions): Tensor {
  return generalHammingWindow('hamming', M, options, 0.54);
}

/** torch.signal.windows.hann(M, { sym, dtype, layout, device, requiresGrad }): general_hamming with alpha 0.5. */
export function hann(M: number, options?: WindowOptions): Tensor {
  return generalHammingWindow('hann', M, options, 0.5);
}

/** torch.signal.windows.blackman(M, { sym, dtype, layout, device, requiresGrad }). */
export function blackman(M: number, options?: WindowOptions): Tensor {
  windowArgs('blackman', M, options, []); // Python checks under blackman's name before general_cosine's
  return generalCosineWindow('blackman', M, options, [0.42, 0.5, 0.08]);
}

/** torch.signal.windows.bartlett(M, { sym, dtype, layout, device, requiresGrad }). */
export function bartlett(M: number, options?: WindowOptions): Tensor {
  const f = windowArgs('bartlett', M, options, []);
  if (M === 0) return emptyWindow(f);
  if (M === 1) return onesWindow(f);
  const start = -1;
  const constant = 2 / (!f.sym ? M : M - 1);
  return aten('rsub', [abs(linspace(start, start + (M - 1) * constant, M, f)), 1]) as Tensor; // 1 - torch.abs(k)
}

/** torch.signal.windows.general_cosine(M, { a, sym, dtype, layout, device, requiresGrad }): Σ (-1)^i a_i cos(i k). */
export function generalCosine(M: number, options: GeneralCosineOptions): Tensor {
  return generalCosineWindow('generalCosine', M, options, undefined);
}

/** torch.signal.windows.general_hamming(M, { alpha = 0.54, sym, dtype, layout, device, requiresGrad }). */
export function generalHamming(M: number, options?: GeneralHammingOptions): Tensor {
  return generalHammingWindow('generalHamming', M, options, undefined);
}

/** torch.signal.windows.nuttall(M, { sym, dtype, layout, device, requiresGrad }). */
export function nuttall(M: number, options?: WindowOptions): Tensor {
  return generalCosineWindow('nuttall', M, options, [0.3635819, 0.4891775, 0.1365995, 0.0106411]);
}

// general_hamming: `alpha` fixed by hamming/hann, or read from the options.
function generalHammingWindow(fn: string, M: number, options: unknown, alpha: number | undefined): Tensor {
  let rest = options;
  if (alpha === undefined) {
    const { alpha: given, ...others } = readOptions(fn, options ?? {}, [...COMMON, 'alpha']);
    alpha = numberArg(fn, 'alpha', given, 0.54);
    rest = others;
  }
  return generalCosineWindow(fn, M, rest, [alpha, 1.0 - alpha]);
}

// general_cosine, checked under its own name as Python does (hann(-1) says "general_cosine requires ...").
function generalCosineWindow(fn: string, M: number, options: unknown, coefficients: unknown[] | undefined): Tensor {
  const f = windowArgs(fn, M, options, coefficients === undefined ? ['a'] : [], 'general_cosine');
  const a = coefficients ?? f.a;
  if (a === undefined) throw new TypeError(`${fn}: missing 1 required keyword-only argument: 'a'`);
  if (M === 0) return emptyWindow(f);
  if (M === 1) return onesWindow(f);
  if (!Array.isArray(a)) throw new TypeError(`${fn}: Coefficients must be a list/tuple`);
  if (a.length === 0) throw new RangeError(`${fn}: Coefficients cannot be empty`);
  a.forEach((w, i) => {
    if (typeof w !== 'number') throw new TypeError(`${fn}: coefficient ${i} must be a number, got ${describe(w)}`);
  });
  const constant = (2 * Math.PI) / (!f.sym ? M : M - 1);
  const k = linspace(0, (M - 1) * constant, M, f);
  const ai = tensor((a as number[]).map((w, i) => (i % 2 === 0 ? w : -w)), { dtype: f.dtype, ...(f.device === null ? {} : { device: f.device }), requiresGrad: f.requiresGrad });
  const i = made(aten('arange', [ai.shape[0]!, factoryOptions(f)]) as Tensor, f);
  return ai.unsqueeze(-1).mul(i.unsqueeze(-1).mul(k).cos()).sum(0);
}
