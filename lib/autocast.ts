// Automatic mixed precision state (torch.autocast and the torch.*autocast* functions). The state is
// libtorch's (at::autocast): per thread, as in Python, so each worker thread has its own.
import { withMode } from './autograd.js';
import { bfloat16, DType, dtypeFromCode, float16, toDType, type DTypeLike } from './dtype.js';
import { native } from './native.js';
import { isOptionsObject, readOptions } from './options.js';

function deviceTypeOf(deviceType: unknown, fn: string): string {
  if (typeof deviceType !== 'string') throw new TypeError(`${fn}: deviceType must be a string such as 'cpu' or 'cuda', got ${deviceType === null ? 'null' : typeof deviceType}`);
  return deviceType;
}
function booleanOf(v: unknown, fn: string, what: string): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${fn}: ${what} must be a boolean, got ${v === null ? 'null' : typeof v}`);
  return v;
}
// Errors from the native layer name the caller, as the rest of the API does.
function named<T>(fn: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof Error) e.message = `${fn}: ${e.message}`;
    throw e;
  }
}

/** torch.is_autocast_enabled(deviceType = 'cuda'): whether autocast is on for that device type on this thread. */
export function isAutocastEnabled(deviceType = 'cuda'): boolean {
  const type = deviceTypeOf(deviceType, 'isAutocastEnabled');
  return named('isAutocastEnabled', () => native.autocastEnabled(type));
}
/** torch.set_autocast_enabled(deviceType, enabled), or the legacy setAutocastEnabled(enabled) for 'cuda'. */
export function setAutocastEnabled(enabled: boolean): void;
export function setAutocastEnabled(deviceType: string, enabled: boolean): void;
export function setAutocastEnabled(...args: [boolean] | [string, boolean]): void {
  const [deviceType, enabled] = args.length === 1 ? ['cuda', args[0]] : args;
  const on = booleanOf(enabled, 'setAutocastEnabled', 'enabled');
  const type = deviceTypeOf(deviceType, 'setAutocastEnabled');
  named('setAutocastEnabled', () => native.autocastEnabled(type, on));
}
/** torch.get_autocast_dtype(deviceType): the lower-precision dtype autocast casts to (CPU: bfloat16, CUDA: float16 by default). */
export function getAutocastDtype(deviceType: string): DType {
  const type = deviceTypeOf(deviceType, 'getAutocastDtype');
  return dtypeFromCode(named('getAutocastDtype', () => native.autocastDtype(type)));
}
/** torch.set_autocast_dtype(deviceType, dtype). */
export function setAutocastDtype(deviceType: string, dtype: DTypeLike): void {
  const code = toDType(dtype, 'setAutocastDtype').code;
  const type = deviceTypeOf(deviceType, 'setAutocastDtype');
  named('setAutocastDtype', () => native.autocastDtype(type, code));
}
/** torch.is_autocast_cache_enabled(): whether casts of leaf tensors are cached inside autocast regions. */
export function isAutocastCacheEnabled(): boolean {
  return native.contextFlag('autocastCacheEnabled');
}
export function setAutocastCacheEnabled(enabled: boolean): void {
  native.contextFlag('autocastCacheEnabled', booleanOf(enabled, 'setAutocastCacheEnabled', 'enabled'));
}
/** torch.clear_autocast_cache(): drops the cached casts. */
export function clearAutocastCache(): void {
  native.clearAutocastCache();
}
/** torch.autocast_increment_nesting(): returns the new nesting depth. */
export function autocastIncrementNesting(): number {
  return native.autocastNesting(1);
}
/** torch.autocast_decrement_nesting(): returns the new nesting depth. */
export function autocastDecrementNesting(): number {
  return native.autocastNesting(-1);
}

// Python's deprecated per-device forms (torch.is_autocast_cpu_enabled(), ...): same DeprecationWarning, once each.
const deprecationShown = new Set<string>();
function deprecated(fn: string, instead: string): void {
  if (deprecationShown.has(fn)) return;
  deprecationShown.add(fn);
  process.emitWarning(`torch.${fn}() is deprecated. Please use torch.${instead} instead.`, 'DeprecationWarning');
}
const DEPRECATED_DEVICES = [['Cpu', 'cpu'], ['Gpu', 'cuda'], ['Ipu', 'ipu'], ['Xla', 'xla']] as const;
type DeprecatedForms = Record<`isAutocast${'Cpu' | 'Ipu' | 'Xla'}Enabled`, () => boolean> &
  Record<`setAutocast${'Cpu' | 'Ipu' | 'Xla'}Enabled`, (enabled: boolean) => void> &
  Record<`getAutocast${'Cpu' | 'Gpu' | 'Ipu' | 'Xla'}Dtype`, () => DType> &
  Record<`setAutocast${'Cpu' | 'Gpu' | 'Ipu' | 'Xla'}Dtype`, (dtype: DTypeLike) => void>;
const forms: Record<string, unknown> = {};
for (const [suffix, device] of DEPRECATED_DEVICES) {
  const py = suffix.toLowerCase();
  if (suffix !== 'Gpu') {   // Python has no is/set_autocast_gpu_enabled
    forms[`isAutocast${suffix}Enabled`] = (): boolean => (deprecated(`is_autocast_${py}_enabled`, `is_autocast_enabled('${device}')`), isAutocastEnabled(device));
    forms[`setAutocast${suffix}Enabled`] = (enabled: boolean): void => (deprecated(`set_autocast_${py}_enabled`, `set_autocast_enabled('${device}', enabled)`), setAutocastEnabled(device, enabled));
  }
  forms[`getAutocast${suffix}Dtype`] = (): DType => (deprecated(`get_autocast_${py}_dtype`, `get_autocast_dtype('${device}')`), getAutocastDtype(device));
  forms[`setAutocast${suffix}Dtype`] = (dtype: DTypeLike): void => (deprecated(`set_autocast_${py}_dtype`, `set_autocast_dtype('${device}', dtype)`), setAutocastDtype(device, dtype));
}
export const {
  isAutocastCpuEnabled, setAutocastCpuEnabled, getAutocastCpuDtype, setAutocastCpuDtype, getAutocastGpuDtype, setAutocastGpuDtype,
  isAutocastIpuEnabled, setAutocastIpuEnabled, getAutocastIpuDtype, setAutocastIpuDtype,
  isAutocastXlaEnabled, setAutocastXlaEnabled, getAutocastXlaDtype, setAutocastXlaDtype,
} = forms as DeprecatedForms;

export interface AutocastOptions {
  /** The lower-precision dtype; default getAutocastDtype(deviceType). CPU supports bfloat16 and float16. */
  dtype?: DTypeLike | null;
  /** false runs fn with autocast off (a subregion of an autocast region); default true. */
  enabled?: boolean;
  /** Whether casts are cached inside the region; default isAutocastCacheEnabled(). */
  cacheEnabled?: boolean | null;
}

/**
 * torch.autocast(deviceType, options, fn): runs fn (synchronous) with mixed precision on `deviceType`,
 * as Python's `with torch.autocast(device_type, dtype=..., enabled=..., cache_enabled=...)`; the state
 * before it is back when fn returns or throws. dtype, enabled and cacheEnabled may also come positionally,
 * in Python's order: autocast('cpu', torch.bfloat16, fn), autocast('cpu', torch.float16, false, fn).
 */
export function autocast<T>(deviceType: string, fn: () => T): T;
export function autocast<T>(deviceType: string, options: AutocastOptions, fn: () => T): T;
export function autocast<T>(deviceType: string, dtype: DTypeLike | null, fn: () => T): T;
export function autocast<T>(deviceType: string, dtype: DTypeLike | null, enabled: boolean, fn: () => T): T;
export function autocast<T>(deviceType: string, dtype: DTypeLike | null, enabled: boolean, cacheEnabled: boolean | null, fn: () => T): T;
export function autocast<T>(deviceType: string, ...rest: unknown[]): T {
  const device = deviceTypeOf(deviceType, 'autocast');
  const fn = rest.pop();
  if (typeof fn !== 'function') throw new TypeError(`autocast: expected the function to run last, got ${fn === null ? 'null' : typeof fn}`);
  if (rest.length > 3) throw new TypeError(`autocast: takes at most 3 settings before the function (dtype, enabled, cacheEnabled), got ${rest.length}`);
  const options: AutocastOptions =
    rest.length === 1 && isOptionsObject(rest[0])
      ? (readOptions('autocast', rest[0], ['dtype', 'enabled', 'cacheEnabled']) as AutocastOptions)
      : { dtype: rest[0] as DTypeLike | null | undefined, enabled: rest[1] as boolean | undefined, cacheEnabled: rest[2] as boolean | null | undefined };
  const { dtype = null, enabled = true, cacheEnabled = null } = options;
  const fastDtype = dtype === null ? getAutocastDtype(device) : toDType(dtype, 'autocast');
  const cache = cacheEnabled === null ? isAutocastCacheEnabled() : booleanOf(cacheEnabled, 'autocast', 'cacheEnabled');
  let on = booleanOf(enabled, 'autocast', 'enabled');
  if (on && device === 'cuda' && !native.cudaIsAvailable()) {
    process.emitWarning('CUDA is not available or torch_xla is imported. Disabling autocast.', 'UserWarning');
    on = false;
  }
  if (on && device !== 'cuda' && fastDtype !== bfloat16 && fastDtype !== float16) {
    const name = device.toUpperCase();
    process.emitWarning(`In ${name} autocast, but the target dtype is not supported. Disabling autocast.\n${name} Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.`, 'UserWarning');
    on = false;
  }
  let previous: { cache: boolean; enabled: boolean; dtype: DType } | null = null;
  return withMode(
    'autocast',
    () => {
      previous = { cache: isAutocastCacheEnabled(), enabled: isAutocastEnabled(device), dtype: getAutocastDtype(device) };
      setAutocastEnabled(device, on);
      setAutocastDtype(device, fastDtype);
      autocastIncrementNesting();
      setAutocastCacheEnabled(cache);
    },
    () => {
      if (autocastDecrementNesting() === 0) clearAutocastCache();  // leaving the outermost region drops the cached casts
      setAutocastEnabled(device, previous!.enabled);
      setAutocastDtype(device, previous!.dtype);
      setAutocastCacheEnabled(previous!.cache);
    },
    fn as () => T,
  );
}
