// Grad-mode switches: torch.noGrad / enableGrad / inferenceMode / setGradEnabled.
import { native } from './native.js';

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

// Runs fn with a mode entered; leaves it when fn returns, or when its promise settles.
// Grad mode is global to the JS thread (as it is per thread in Python): avoid overlapping async uses.
function withMode<T>(name: string, enter: () => void, leave: () => void, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`${name}: expected a function, got ${fn === null ? 'null' : typeof fn}`);
  enter();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    leave();
    throw e;
  }
  if (!isPromiseLike(result)) {
    leave();
    return result;
  }
  return Promise.resolve(result).finally(leave) as T;
}

function gradMode<T>(name: string, enabled: boolean, fn: () => T): T {
  let previous = true;
  return withMode(
    name,
    () => {
      previous = native.isGradEnabled();
      native.setGradEnabled(enabled);
    },
    () => native.setGradEnabled(previous),
    fn,
  );
}

/** torch.no_grad: runs fn without recording operations for autograd. */
export function noGrad<T>(fn: () => T): T {
  return gradMode('noGrad', false, fn);
}
/** torch.enable_grad: runs fn with autograd recording, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  return gradMode('enableGrad', true, fn);
}
/** torch.inference_mode: like noGrad, and tensors made inside can never join autograd. */
export function inferenceMode<T>(fn: () => T): T;
export function inferenceMode<T>(mode: boolean, fn: () => T): T;
export function inferenceMode<T>(modeOrFn: boolean | (() => T), fn?: () => T): T {
  const mode = typeof modeOrFn === 'boolean' ? modeOrFn : true;
  const body = typeof modeOrFn === 'function' ? modeOrFn : fn!;
  return withMode('inferenceMode', () => native.enterInferenceMode(mode), () => native.exitInferenceMode(), body);
}
export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}
export function setGradEnabled(mode: boolean): void {
  if (typeof mode !== 'boolean') throw new TypeError('setGradEnabled: mode must be a boolean');
  native.setGradEnabled(mode);
}
