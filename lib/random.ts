// torch.random: seeding and the CPU generator's state (the torch-level functions again), and Python's
// fork_rng context manager as forkRng(fn), which puts the generators' states back once fn is done.
import { currentAccelerator } from './accelerator.js';
import { toDevice, type DeviceLike } from './device.js';
import { getRngState, setRngState } from './generator.js';
import { native, type Handle } from './native.js';
import { describe, isOptionsObject, readOptions, whileRunning } from './options.js';
import { untracked } from './scope.js';
import { warn } from './warnings.js';

export { Generator, defaultGenerator, getRngState, setRngState, seed } from './generator.js';
export { initialSeed, manualSeed, threadSafeGenerator } from './runtime.js';

/** forkRng's options: Python's fork_rng(devices=None, enabled=True, device_type=None). */
export interface ForkRngOptions {
  /** The device indices whose generators are forked too (default: every device of deviceType, with a warning when there are several). */
  devices?: Iterable<number> | null;
  /** false: fn runs with no fork. */
  enabled?: boolean;
  /** The accelerator type whose generators are forked: the current accelerator's, else 'cuda'; 'meta' forks nothing. */
  deviceType?: string | null;
}

let forkRngWarned = false;

const deviceGenerator = (type: string, index: number): Handle => native.defaultGenerator(`${type}:${index}`);
/** @internal The RNG states of the default generators of devices `ids` of a type (utils.checkpoint's too). */
export const deviceRngStates = (type: string, ids: readonly number[]): Handle[] => ids.map((d) => native.generatorGetState(deviceGenerator(type, d)) as Handle);
/** @internal Sets the default generators of devices `ids` of a type to `states`, in order. */
export const setDeviceRngStates = (type: string, ids: readonly number[], states: readonly Handle[]): void =>
  ids.forEach((d, i) => native.generatorSetState(deviceGenerator(type, d), states[i]!));

/**
 * Python's torch.random.fork_rng as a function: runs fn, then puts back the CPU generator's state and
 * the given devices' (when fn returns, throws, or, for an async fn, when its promise settles). Returns
 * what fn returns.
 */
export function forkRng<T>(fn: () => T): T;
export function forkRng<T>(options: ForkRngOptions, fn: () => T): T;
export function forkRng<T>(options: ForkRngOptions | (() => T), fn?: () => T): T {
  if (typeof options === 'function') [options, fn] = [{}, options];
  if (!isOptionsObject(options)) throw new TypeError(`forkRng: expected an options object ({ devices, enabled, deviceType }) or the function to run, got ${describe(options)}`);
  if (typeof fn !== 'function') throw new TypeError(`forkRng: expected the function to run last, got ${describe(fn)}`);
  const o = readOptions('forkRng', options, ['devices', 'enabled', 'deviceType']) as ForkRngOptions;
  const run = fn;
  if (o.deviceType === 'meta' || o.enabled === false) return run();
  const type = o.deviceType == null ? (currentAccelerator()?.type ?? 'cuda') : toDevice(o.deviceType as DeviceLike, 'forkRng').type;
  const count = (): number => (type === 'cuda' ? native.cudaDeviceCount() : 0);
  let devices: number[];
  if (o.devices == null) {
    const n = count();
    if (n > 1 && !forkRngWarned) {
      forkRngWarned = true;
      warn(manyDevicesWarning(type.toUpperCase(), n));
    }
    devices = Array.from({ length: n }, (_, i) => i);
  } else {
    devices = [...o.devices];
  }
  const saved = untracked(() => ({ cpu: getRngState(), devices: deviceRngStates(type, devices) }));
  return whileRunning(run, () => {
    setRngState(saved.cpu);
    setDeviceRngStates(type, devices, saved.devices);
    saved.cpu.dispose();
  });
}

// Python's fork_rng warning when it forks every one of several devices it was not told about.
function manyDevicesWarning(type: string, n: number): string {
  return `${type} reports that you have ${n} available devices, and you have used fork_rng without explicitly specifying which devices are being used. `
    + `For safety, we initialize *every* ${type} device by default, which can be quite slow if you have a lot of ${type}s. If you know that you are only`
    + ` making use of a few ${type} devices, set the environment variable ${type}_VISIBLE_DEVICES or the 'devices' keyword argument of fork_rng `
    + 'with the set of devices you are actually using. For example, if you are using CPU only, set device.upper()_VISIBLE_DEVICES= or devices=[]; if you are using device 0 only, '
    + `set ${type}_VISIBLE_DEVICES=0 or devices=[0].  To initialize all devices and suppress this warning, set the 'devices' keyword argument to `
    + `\`range(torch.${type.toLowerCase()}.device_count())\`.`;
}
