// torch.autograd.forward_ad: dual tensors for forward-mode AD. Levels come from libtorch
// (ForwardADLevel), which keeps them process-wide and allows one open level at a time; the ATen ops
// _make_dual/_unpack_dual do the work, so every op's forward formula applies through the dispatcher.
import { withMode } from './autograd.js';
import { dualLevelState } from './autograd_dual_level.js';
import { aten } from './call.js';
import { native } from './native.js';
import { readOptions } from './options.js';
import { describe, isTensor, type Tensor } from './tensor.js';

/** Python's UnpackedDualTensor: an array [primal, tangent] that also has the two names. */
export type UnpackedDualTensor = [primal: Tensor, tangent: Tensor | null] & { readonly primal: Tensor; readonly tangent: Tensor | null };

function unpacked(primal: Tensor, tangent: Tensor | null): UnpackedDualTensor {
  return Object.assign([primal, tangent] as [Tensor, Tensor | null], { primal, tangent });
}

function levelOption(fn: string, options: unknown): number {
  const { level } = readOptions(fn, options, ['level']) as { level?: number | null };
  if (level === undefined || level === null) return dualLevelState.current;
  if (!Number.isInteger(level)) throw new TypeError(`${fn}: level must be an integer, got ${describe(level)}`);
  return level;
}

/**
 * forward_ad.enter_dual_level: opens a new forward grad level and makes it the default of the other
 * functions. libtorch allows one open level in the whole process (all worker threads together).
 */
export function enterDualLevel(): number {
  return enterLevel(false);
}

// forCall: the level is held for one synchronous call only, so a thread that finds it held waits its turn (native/src/grad_mode.cc).
function enterLevel(forCall: boolean): number {
  const level = native.enterDualLevel(forCall);
  if (level !== dualLevelState.current + 1) {
    native.exitDualLevel(level);
    throw new Error('Entering a new forward AD level but the current level is not valid. Make sure you did not modify it directly.');
  }
  return (dualLevelState.current = level);
}

/** forward_ad.exit_dual_level: closes the latest level (only that one), deleting every tangent of it. */
export function exitDualLevel(options: { level?: number | null } = {}): void {
  const level = levelOption('exitDualLevel', options);
  if (level !== dualLevelState.current) throw new Error('Trying to exit a forward AD level that was not the last one that was created. This is not supported.');
  native.exitDualLevel(level);
  dualLevelState.current = level - 1;
}

/** What `dualLevel()` without a callback returns: the open level, closed by `using` (or dispose()). */
export interface DualLevel {
  readonly level: number;
  [Symbol.dispose](): void;
}

/**
 * forward_ad.dual_level, Python's `with dual_level():`. With a callback: enters a level, runs fn and exits
 * (also when fn throws), returning fn's value. Without one: enters a level and returns it as a disposable,
 * for `using _ = forwardAd.dualLevel();`.
 */
export function dualLevel<T>(fn: () => T): T;
export function dualLevel(): DualLevel;
export function dualLevel<T>(fn?: () => T): T | DualLevel {
  if (fn !== undefined) return withMode('forwardAd.dualLevel', () => enterLevel(true), () => exitDualLevel(), fn);
  const level = enterDualLevel();
  let open = true;
  return {
    level,
    [Symbol.dispose]() {
      if (!open) return;
      open = false;
      exitDualLevel({ level });
    },
  };
}

function checkFloatOrComplex(fn: string, what: string, t: unknown): asserts t is Tensor {
  if (!isTensor(t)) throw new TypeError(`${fn}: ${what} must be a Tensor, got ${describe(t)}`);
  if (!(t.isFloatingPoint() || t.isComplex())) throw new TypeError(`${fn}: Expected ${what} to be floating point or complex, but got: ${t.dtype}`);
}

/**
 * forward_ad.make_dual: a new tensor aliasing `tensor` with `tangent` as its forward gradient at the level
 * (default: the current one). The tangent must have the primal's shape; it is stored as-is if its layout
 * matches, else copied. Backward differentiable.
 */
export function makeDual(tensor: Tensor, tangent: Tensor, options: { level?: number | null } = {}): Tensor {
  const fn = 'forwardAd.makeDual';
  const level = levelOption(fn, options);
  if (level < 0) throw new Error('Trying to create a dual Tensor for forward AD but no level exists, make sure to enter_dual_level() first.');
  checkFloatOrComplex(fn, 'primal', tensor);
  checkFloatOrComplex(fn, 'tangent', tangent);
  return aten('_make_dual', [tensor, tangent, level]) as Tensor;
}

/**
 * forward_ad.unpack_dual: `{ primal, tangent }` of a dual tensor at the level (default: the current one):
 * primal is a view of tensor's primal, tangent its forward gradient as-is (null if none, or no level).
 */
export function unpackDual(tensor: Tensor, options: { level?: number | null } = {}): UnpackedDualTensor {
  const fn = 'forwardAd.unpackDual';
  const level = levelOption(fn, options);
  if (!isTensor(tensor)) throw new TypeError(`${fn}: tensor must be a Tensor, got ${describe(tensor)}`);
  if (level < 0) return unpacked(tensor, null);
  const [primal, tangent] = aten('_unpack_dual', [tensor, level]) as [Tensor, Tensor | null];
  return unpacked(primal, tangent ?? null);
}

/** The level functions default to (Python's forward_ad._current_level): -1 when none is open on this thread. */
export function currentDualLevel(): number {
  return dualLevelState.current;
}

/** Runs fn with forward grad recording on or off (Python's forward_ad._set_fwd_grad_enabled), restoring the previous mode. */
export function withFwdGradEnabled<T>(enabled: boolean, fn: () => T): T {
  let previous = true;
  return withMode('forwardAd.setFwdGradEnabled', () => {
    previous = native.isFwdGradEnabled();
    native.setFwdGradEnabled(enabled);
  }, () => native.setFwdGradEnabled(previous), fn);
}

export const forwardAd = { dualLevel, enterDualLevel, exitDualLevel, makeDual, unpackDual, isFwdGradEnabled: (): boolean => native.isFwdGradEnabled() };
