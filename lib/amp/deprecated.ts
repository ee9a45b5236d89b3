// torch.cuda.amp and torch.cpu.amp: the per-device spellings PyTorch deprecated in 2.4 and still ships.
// Each call warns (FutureWarning, once per call site, Python's message) and forwards to torch.amp.
import { autocast, type AutocastOptions } from '../autocast.js';
import { bfloat16, float16, type DType } from '../dtype.js';
import type { FunctionCtx } from '../function.js';
import { describe, isOptionsObject, readOptions } from '../options.js';
import { cuda } from '../runtime.js';
import { warn } from '../warnings.js';
import { customBwd, customFwd, type CustomFwdOptions } from './custom_function.js';
import { GradScaler, type GradScalerOptions } from './grad_scaler.js';

type CtxFn<R> = (ctx: FunctionCtx, ...args: any[]) => R; // eslint-disable-line @typescript-eslint/no-explicit-any
type ScalerArg = number | boolean | Omit<GradScalerOptions, 'device'> | undefined;

const deprecated = (old: string, instead: string): void =>
  warn(`\`torch.${old}(args...)\` is deprecated. Please use \`torch.${instead}\` instead.`, 'FutureWarning');

// The old autocast's defaults are fixed (Python: dtype=float16 on CUDA, bfloat16 on CPU; cacheEnabled=true), not the current settings.
function deviceAutocast(deviceType: 'cuda' | 'cpu', defaultDtype: DType) {
  function deviceAutocastFn<T>(fn: () => T): T;
  function deviceAutocastFn<T>(options: AutocastOptions, fn: () => T): T;
  function deviceAutocastFn<T>(optionsOrFn: AutocastOptions | (() => T), maybeFn?: () => T): T {
    deprecated(`${deviceType}.amp.autocast`, `amp.autocast('${deviceType}', args...)`);
    const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn;
    if (typeof fn !== 'function') throw new TypeError(`${deviceType}.amp.autocast: expected a function to run, got ${describe(fn)}`);
    const options: AutocastOptions = typeof optionsOrFn === 'function' ? {} : readOptions(`${deviceType}.amp.autocast`, optionsOrFn, ['dtype', 'enabled', 'cacheEnabled']) as AutocastOptions;
    const { dtype = defaultDtype, enabled = true, cacheEnabled = true } = options;
    return autocast(deviceType, { dtype, enabled, cacheEnabled }, fn);
  }
  return deviceAutocastFn;
}

// Python's subclasses take (initScale, growthFactor, backoffFactor, growthInterval, enabled) for a fixed device.
function fixedDeviceArgs(deviceType: 'cuda' | 'cpu', args: ScalerArg[]): [string, ...ScalerArg[]] {
  deprecated(`${deviceType}.amp.GradScaler`, `amp.GradScaler('${deviceType}', args...)`);
  const last = args[args.length - 1];
  if (isOptionsObject(last) && 'device' in last) throw new TypeError(`${deviceType}.amp.GradScaler got an unexpected option 'device' (it is always '${deviceType}')`);
  return [deviceType, ...args];
}
/** torch.cuda.amp.GradScaler (deprecated): torch.amp.GradScaler('cuda', ...). */
export class CudaGradScaler extends GradScaler {
  constructor(...args: ScalerArg[]) {
    super(...fixedDeviceArgs('cuda', args));
  }
}
/** torch.cpu.amp.GradScaler (deprecated): torch.amp.GradScaler('cpu', ...). */
export class CpuGradScaler extends GradScaler {
  constructor(...args: ScalerArg[]) {
    super(...fixedDeviceArgs('cpu', args));
  }
}

type CudaCustomFwdOptions = Omit<CustomFwdOptions, 'deviceType'>;
function cudaCustomFwd<R>(fwd: CtxFn<R>, options?: CudaCustomFwdOptions): CtxFn<R>;
function cudaCustomFwd(options?: CudaCustomFwdOptions): <R>(fwd: CtxFn<R>) => CtxFn<R>;
function cudaCustomFwd<R>(fwdOrOptions?: CtxFn<R> | CudaCustomFwdOptions, maybeOptions?: CudaCustomFwdOptions): CtxFn<R> | (<S>(fwd: CtxFn<S>) => CtxFn<S>) {
  deprecated('cuda.amp.custom_fwd', "amp.custom_fwd(args..., device_type='cuda')");
  const fwd = typeof fwdOrOptions === 'function' ? fwdOrOptions : null;
  const given = (fwd === null ? fwdOrOptions : maybeOptions) ?? {};
  const { castInputs = null } = readOptions('cuda.amp.customFwd', given, ['castInputs']);
  const options = { deviceType: 'cuda', castInputs } as CustomFwdOptions;
  return fwd === null ? customFwd(options) : customFwd(fwd, options);
}
function cudaCustomBwd<R>(bwd: CtxFn<R>): CtxFn<R> {
  deprecated('cuda.amp.custom_bwd', "amp.custom_bwd(args..., device_type='cuda')");
  if (typeof bwd !== 'function') throw new TypeError(`cuda.amp.customBwd: expected the backward function, got ${describe(bwd)}`);
  return customBwd(bwd, { deviceType: 'cuda' });
}

/** torch.cuda.amp (deprecated since PyTorch 2.4): autocast, GradScaler, customFwd, customBwd fixed to 'cuda'. */
export const cudaAmp = Object.freeze({
  /** torch.cuda.amp.amp_definitely_not_available(): no CUDA (torchnode has no XLA), so AMP on the GPU cannot run. Not deprecated in Python. */
  ampDefinitelyNotAvailable: (): boolean => !cuda.isAvailable(),
  autocast: deviceAutocast('cuda', float16),
  GradScaler: CudaGradScaler,
  customFwd: cudaCustomFwd,
  customBwd: cudaCustomBwd,
});
/** torch.cpu.amp (deprecated since PyTorch 2.4): autocast and GradScaler fixed to 'cpu'. */
export const cpuAmp = Object.freeze({
  autocast: deviceAutocast('cpu', bfloat16),
  GradScaler: CpuGradScaler,
});
