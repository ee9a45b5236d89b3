// torch.amp.custom_fwd / custom_bwd: run a custom autograd Function's forward and backward with the
// autocast state the forward was called in (or, with castInputs, forward in castInputs without autocast).
import { autocast, getAutocastDtype, isAutocastEnabled } from '../autocast.js';
import { float64, toDType, type DType, type DTypeLike } from '../dtype.js';
import type { FunctionCtx } from '../function.js';
import { describe, isOptionsObject, readOptions } from '../options.js';
import { isTensor } from '../tensor.js';

export interface CustomFwdOptions {
  /** The device type whose autocast state counts: 'cuda', 'cpu', ... */
  deviceType: string;
  /** Inside an autocast region: cast floating-point tensors of deviceType (not float64) to this dtype, and run forward with autocast off. */
  castInputs?: DTypeLike | null;
}
export interface CustomBwdOptions {
  deviceType: string;
}

// What the wrapped forward saw, for its backward (Python keeps them as ctx._dtype / ctx._fwd_used_autocast).
const forwardAutocast = new WeakMap<FunctionCtx, { dtype: DType; usedAutocast: boolean }>();

type CtxFn<R> = (ctx: FunctionCtx, ...args: any[]) => R; // eslint-disable-line @typescript-eslint/no-explicit-any

function deviceTypeOf(options: unknown, fn: string, keys: string[]): Record<string, unknown> {
  if (!isOptionsObject(options)) throw new TypeError(`${fn}: expected options { deviceType${keys.length > 1 ? ', castInputs' : ''} }, got ${describe(options)}`);
  const read = readOptions(fn, options, keys);
  if (typeof read.deviceType !== 'string') throw new TypeError(`${fn}: Expected \`deviceType\` of type \`string\`, got: ${describe(read.deviceType)}`);
  return read;
}

// Python's _cast: floating-point tensors of the device type (float64 excepted) to dtype, through arrays and plain objects.
function castValue(value: unknown, deviceType: string, dtype: DType): unknown {
  if (isTensor(value)) return value.isFloatingPoint() && value.device.type === deviceType && value.dtype !== float64 ? value.to(dtype) : value;
  if (Array.isArray(value)) return value.map((v) => castValue(v, deviceType, dtype));
  if (isOptionsObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, castValue(v, deviceType, dtype)]));
  return value;
}

/**
 * torch.amp.custom_fwd: wraps a custom Function's `forward(ctx, ...args)` so that its backward (wrapped
 * with customBwd) runs under the same autocast state. `customFwd(fwd, options)`, or `customFwd(options)(fwd)`.
 */
export function customFwd<R>(fwd: CtxFn<R>, options: CustomFwdOptions): CtxFn<R>;
export function customFwd(options: CustomFwdOptions): <R>(fwd: CtxFn<R>) => CtxFn<R>;
export function customFwd<R>(fwdOrOptions: CtxFn<R> | CustomFwdOptions, maybeOptions?: CustomFwdOptions): CtxFn<R> | (<S>(fwd: CtxFn<S>) => CtxFn<S>) {
  if (typeof fwdOrOptions !== 'function') {
    const options = fwdOrOptions;
    deviceTypeOf(options, 'customFwd', ['deviceType', 'castInputs']);
    return <S>(fwd: CtxFn<S>) => customFwd(fwd, options);
  }
  const fwd = fwdOrOptions;
  const read = deviceTypeOf(maybeOptions, 'customFwd', ['deviceType', 'castInputs']);
  const deviceType = read.deviceType as string;
  const castInputs = read.castInputs === undefined || read.castInputs === null ? null : toDType(read.castInputs as DTypeLike, 'customFwd');
  return function decorated(this: unknown, ctx: FunctionCtx, ...args: unknown[]): R {
    const dtype = getAutocastDtype(deviceType);
    const enabled = isAutocastEnabled(deviceType);
    if (castInputs === null) {
      forwardAutocast.set(ctx, { dtype, usedAutocast: enabled });
      return fwd.call(this, ctx, ...args);
    }
    forwardAutocast.set(ctx, { dtype, usedAutocast: false });
    if (!enabled) return fwd.call(this, ctx, ...args);
    return autocast(deviceType, { enabled: false }, () => fwd.call(this, ctx, ...(castValue(args, deviceType, castInputs) as unknown[])));
  };
}

/**
 * torch.amp.custom_bwd: wraps a custom Function's `backward(ctx, ...grads)` to run with the autocast
 * state its customFwd-wrapped forward recorded. `customBwd(bwd, { deviceType })`, or `customBwd({ deviceType })(bwd)`.
 */
export function customBwd<R>(bwd: CtxFn<R>, options: CustomBwdOptions): CtxFn<R>;
export function customBwd(options: CustomBwdOptions): <R>(bwd: CtxFn<R>) => CtxFn<R>;
export function customBwd<R>(bwdOrOptions: CtxFn<R> | CustomBwdOptions, maybeOptions?: CustomBwdOptions): CtxFn<R> | (<S>(bwd: CtxFn<S>) => CtxFn<S>) {
  if (typeof bwdOrOptions !== 'function') {
    const options = bwdOrOptions;
    deviceTypeOf(options, 'customBwd', ['deviceType']);
    return <S>(bwd: CtxFn<S>) => customBwd(bwd, options);
  }
  const bwd = bwdOrOptions;
  const deviceType = deviceTypeOf(maybeOptions, 'customBwd', ['deviceType']).deviceType as string;
  return function decorated(this: unknown, ctx: FunctionCtx, ...grads: unknown[]): R {
    const state = forwardAutocast.get(ctx);
    if (state === undefined) throw new Error('customBwd: this backward\'s forward was not wrapped with customFwd, so there is no autocast state to restore');
    return autocast(deviceType, { enabled: state.usedAutocast, dtype: state.dtype }, () => bwd.call(this, ctx, ...grads));
  };
}
