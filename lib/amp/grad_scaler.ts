// torch.amp.GradScaler (torch/amp/grad_scaler.py of PyTorch 2.13): loss scaling for mixed precision.
// The scale and the growth tracker live on the device as tensors, so a step never waits for the
// device except where Python's does (step() reads found_inf to decide whether to skip).
import { noGrad } from '../autograd.js';
import { aten } from '../call.js';
import { full } from '../creation.js';
import type { Device } from '../device.js';
import { float16, float32, int32 } from '../dtype.js';
import { describe, isOptionsObject, readOptions } from '../options.js';
import { cuda } from '../runtime.js';
import { keep, tidy } from '../scope.js';
import { isTensor, type Tensor } from '../tensor.js';
import { groupTensorsByDeviceAndDtype } from '../utils/_foreach_utils.js';
import { warn } from '../warnings.js';
import type { Optimizer } from '../optim/optimizer.js';

/** Where an optimizer is in the iteration (Python's OptState). */
export enum OptState {
  READY = 0,
  UNSCALED = 1,
  STEPPED = 2,
}

export interface GradScalerOptions {
  /** Device type of the scaled tensors, 'cuda' (the default) or 'cpu'. */
  device?: string;
  /** Initial scale factor; default 2 ** 16. */
  initScale?: number;
  /** Factor the scale grows by after `growthInterval` steps without inf/NaN; default 2 (must be > 1). */
  growthFactor?: number;
  /** Factor the scale shrinks by after a step with inf/NaN gradients; default 0.5 (must be < 1). */
  backoffFactor?: number;
  /** Consecutive unskipped steps before the scale grows; default 2000. */
  growthInterval?: number;
  /** false: scale() returns its input, step() only calls optimizer.step(), the rest does nothing; default true. */
  enabled?: boolean;
}

/** gradScaler.stateDict(): Python's keys, so a state saved by either side loads in the other. */
export interface GradScalerStateDict {
  scale: number;
  growth_factor: number;
  backoff_factor: number;
  growth_interval: number;
  _growth_tracker: number;
}

/** What scale() accepts and gives back: a tensor, or arrays of them, nested. */
export type Scalable = Tensor | readonly Scalable[];

interface OptimizerState {
  stage: OptState;
  foundInfPerDevice: Map<string, Tensor>;
}

// Python's _MultiDeviceReplicator: one tensor on each device asked for, moved on first request (a
// no-op .to() returns the tensor itself; the copies are the callers' torch.tidy's to free).
class PerDevice {
  readonly onDevices = new Map<string, Tensor>();
  constructor(private readonly master: Tensor) {}
  get(device: Device): Tensor {
    const key = device.toString();
    let t = this.onDevices.get(key);
    if (t === undefined) this.onDevices.set(key, (t = this.master.to(device, { nonBlocking: true })));
    return t;
  }
}

const POSITIONAL = ['device', 'initScale', 'growthFactor', 'backoffFactor', 'growthInterval', 'enabled'] as const;
const FIX = 'This may indicate your script did not use scaler.scale(loss or outputs) earlier in the iteration.';

function numberOption(value: unknown, name: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`GradScaler: ${name} must be a number, got ${describe(value)}`);
  return value;
}
// growth_interval is a Python int: _amp_update_scale_ takes no fraction.
function intervalOption(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(`GradScaler: growthInterval must be a whole number, got ${describe(value)}`);
  return value;
}

/**
 * torch.amp.GradScaler(device = 'cuda', { initScale, growthFactor, backoffFactor, growthInterval, enabled })
 * (the options may also come positionally, in Python's order). A 'cuda' scaler without CUDA warns and is
 * disabled, as Python's.
 */
export class GradScaler {
  readonly #device: string;
  readonly #enabled: boolean;
  #initScale: number;
  #growthFactor: number;
  #backoffFactor: number;
  #growthInterval: number;
  #initGrowthTracker = 0;
  #scale: Tensor | null = null;
  #growthTracker: Tensor | null = null;
  #perOptimizer = new Map<Optimizer, OptimizerState>();

  constructor(...args: (string | number | boolean | GradScalerOptions | undefined)[]) {
    const last = args[args.length - 1];
    const given: Record<string, unknown> = isOptionsObject(last) ? { ...readOptions('GradScaler', last as Record<string, unknown>, [...POSITIONAL]) } : {};
    const positional = isOptionsObject(last) ? args.slice(0, -1) : args;
    if (positional.length > POSITIONAL.length) throw new TypeError(`GradScaler takes at most ${POSITIONAL.length} positional arguments, got ${positional.length}`);
    positional.forEach((v, i) => {
      const name = POSITIONAL[i]!;
      if (v === undefined) return;
      if (name in given) throw new TypeError(`GradScaler got multiple values for argument '${name}'`);
      given[name] = v;
    });
    const { device = 'cuda', initScale = 2 ** 16, growthFactor = 2.0, backoffFactor = 0.5, growthInterval = 2000, enabled = true } = given;
    if (typeof device !== 'string') throw new TypeError(`GradScaler: device must be a device type string ('cuda', 'cpu'), got ${describe(device)}`);
    if (typeof enabled !== 'boolean') throw new TypeError(`GradScaler: enabled must be a boolean, got ${describe(enabled)}`);
    this.#device = device;
    this.#initScale = numberOption(initScale, 'initScale');
    this.#growthFactor = numberOption(growthFactor, 'growthFactor');
    this.#backoffFactor = numberOption(backoffFactor, 'backoffFactor');
    this.#growthInterval = intervalOption(growthInterval);
    let on = enabled;
    if (device === 'cuda' && on && !cuda.isAvailable()) {
      warn('torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.');
      on = false;
    }
    if (on) {
      if (!(this.#growthFactor > 1.0)) throw new RangeError('GradScaler: The growth factor must be > 1.0.');
      if (!(this.#backoffFactor < 1.0)) throw new RangeError('GradScaler: The backoff factor must be < 1.0.');
    }
    this.#enabled = on;
  }

  #checkScaleGrowthTracker(funcname: string): [Tensor, Tensor] {
    if (this.#scale === null) throw new Error(`Attempted ${funcname} but _scale is None.  ${FIX}`);
    if (this.#growthTracker === null) throw new Error(`Attempted ${funcname} but _growth_tracker is None.  ${FIX}`);
    return [this.#scale, this.#growthTracker];
  }

  #lazyInit(device: Device): Tensor {
    this.#scale = keep(full([], this.#initScale, { dtype: float32, device }));
    this.#growthTracker = keep(full([], this.#initGrowthTracker, { dtype: int32, device }));
    return this.#scale;
  }

  #stateOf(optimizer: Optimizer): OptimizerState {
    let s = this.#perOptimizer.get(optimizer);
    if (s === undefined) this.#perOptimizer.set(optimizer, (s = { stage: OptState.READY, foundInfPerDevice: new Map() }));
    return s;
  }

  /** Multiplies a tensor (or nested arrays of tensors) by the scale factor; the input itself when disabled. */
  scale<T extends Scalable>(outputs: T): T {
    if (!this.#enabled) return outputs;
    let scales: PerDevice | null = null;
    const apply = (v: unknown): unknown => {
      if (isTensor(v)) {
        scales ??= new PerDevice(this.#scale ?? this.#lazyInit(v.device));
        return v.mul(scales.get(v.device));
      }
      if (Array.isArray(v)) return v.map(apply);
      throw new TypeError(`GradScaler.scale: outputs must be a Tensor or an iterable of Tensors, got ${describe(v)}`);
    };
    return tidy(() => apply(outputs)) as T;  // frees the scale's copies on other devices
  }

  // Multiplies the grads of every parameter of `optimizer` by 1/scale (`unscale`), or by 1 only to look
  // for inf/NaN (Python's _check_inf_per_device, which also lets float16 grads through), in one
  // multi-tensor call per device and dtype; returns the found-inf flag of each device, kept.
  #unscaleGrads(optimizer: Optimizer, scale: Tensor, unscale: boolean): Map<string, Tensor> {
    return tidy(() => noGrad(() => {
      const invScale = new PerDevice(unscale ? scale.double().reciprocal().float() : full([], 1.0, { dtype: float32, device: scale.device }));
      const foundInf = new PerDevice(full([], 0.0, { dtype: float32, device: scale.device }));
      const grads: Tensor[] = [];
      for (const group of optimizer.paramGroups) {
        for (const param of group.params) {
          if (!isTensor(param)) throw new TypeError(`expected param to be torch.Tensor, got ${describe(param)}`);
          let grad = param.grad;
          if (grad === null) continue;
          if (unscale && grad.dtype === float16) throw new TypeError('Attempting to unscale FP16 gradients.');
          if (grad.isSparse) {
            if (grad.dtype === float16) param.grad = grad = grad.coalesce();
            grad = aten('_values', [grad]) as Tensor;
          }
          grads.push(grad);
        }
      }
      for (const { device, lists: [group] } of groupTensorsByDeviceAndDtype(grads))
        aten('_amp_foreach_non_finite_check_and_unscale_', [group, foundInf.get(device), invScale.get(device)]);
      for (const flag of foundInf.onDevices.values()) keep(flag);
      return foundInf.onDevices;
    }));
  }

  /**
   * Divides the optimizer's gradients by the scale, in place, recording whether any is inf/NaN; once per
   * optimizer per step, before step() (for clipping or inspecting the unscaled gradients).
   */
  unscale_(optimizer: Optimizer): void {
    if (!this.#enabled) return;
    const [scale] = this.#checkScaleGrowthTracker('unscale_');
    const state = this.#stateOf(optimizer);
    if (state.stage === OptState.UNSCALED) throw new Error('unscale_() has already been called on this optimizer since the last update().');
    if (state.stage === OptState.STEPPED) throw new Error('unscale_() is being called after step().');
    state.foundInfPerDevice = this.#unscaleGrads(optimizer, scale, true);
    state.stage = OptState.UNSCALED;
  }

  /**
   * Unscales the gradients (unless unscale_ already did) and calls optimizer.step(...args) unless a
   * gradient is inf/NaN; returns what step returned (undefined when skipped). Optimizers that unscale
   * inside their fused step (SGD, Adam, AdamW, Adagrad with `fused: true`) get the scale and found-inf
   * flag as `optimizer.gradScale` / `optimizer.foundInf` for that call, as in Python.
   */
  step(optimizer: Optimizer, ...args: unknown[]): unknown {
    const callStep = optimizer.step as (...a: unknown[]) => unknown;
    if (!this.#enabled) return callStep.apply(optimizer, args);
    const [scale] = this.#checkScaleGrowthTracker('step');
    const state = this.#stateOf(optimizer);
    if (state.stage === OptState.STEPPED) throw new Error('step() has already been called since the last update().');
    if (optimizer._stepSupportsAmpScaling) {
      if (state.stage === OptState.READY) state.foundInfPerDevice = this.#unscaleGrads(optimizer, scale, false);
      // Python's sum(found_inf moved to the scale's device): 0 + each
      const foundInf = tidy(() => noGrad(() =>
        [...state.foundInfPerDevice.values()].reduce((sum, flag) => sum.add(flag.to(scale.device, { nonBlocking: true })), full([], 0.0, { dtype: float32, device: scale.device }))));
      const userScale = optimizer.gradScale;
      const gradScale = state.stage === OptState.UNSCALED ? userScale : noGrad(() => scale.mul(userScale ?? 1));
      optimizer.gradScale = gradScale;
      optimizer.foundInf = foundInf;
      try {
        const result = callStep.apply(optimizer, args);
        state.stage = OptState.STEPPED;
        return result;
      } finally {
        // Python deletes both attributes after the step
        optimizer.gradScale = null;
        optimizer.foundInf = null;
        if (gradScale !== userScale) gradScale?.dispose();
        foundInf.dispose();
      }
    }
    if (state.stage === OptState.READY) this.unscale_(optimizer);
    if (state.foundInfPerDevice.size === 0) throw new Error('No inf checks were recorded for this optimizer.');
    let infs = 0;
    for (const t of state.foundInfPerDevice.values()) infs += Number(t.item());
    const result = infs === 0 ? callStep.apply(optimizer, args) : undefined;
    state.stage = OptState.STEPPED;
    return result;
  }

  /**
   * Updates the scale at the end of the iteration: times backoffFactor if any optimizer's step was
   * skipped, times growthFactor after growthInterval unskipped steps in a row. `newScale` (a number or a
   * one-element tensor on this scaler's device type) sets it instead.
   */
  update(newScale: number | Tensor | null = null): void {
    if (!this.#enabled) return;
    const [scale, growthTracker] = this.#checkScaleGrowthTracker('update');
    if (newScale !== null && newScale !== undefined) {
      const reason = 'new_scale should be a float or a 1-element torch.cuda.FloatTensor or torch.FloatTensor with requires_grad=False.';
      if (typeof newScale === 'number') scale.fill_(newScale);
      else if (!isTensor(newScale)) throw new TypeError(`GradScaler.update: ${reason} Got ${describe(newScale)}`);
      else {
        if (newScale.device.type !== this.#device || newScale.numel() !== 1 || newScale.requiresGrad) throw new Error(reason);
        noGrad(() => scale.copy_(newScale));
      }
    } else {
      const foundInfs: Tensor[] = [];
      for (const s of this.#perOptimizer.values()) for (const t of s.foundInfPerDevice.values()) foundInfs.push(t);
      if (foundInfs.length === 0) throw new Error('No inf checks were recorded prior to update.');
      tidy(() => noGrad(() => {
        const combined = foundInfs.map((flag) => flag.to(scale.device, { nonBlocking: true })).reduce((sum, flag) => sum.add(flag));
        aten('_amp_update_scale_', [scale, growthTracker, combined, this.#growthFactor, this.#backoffFactor, this.#growthInterval]);
      }));
    }
    this.#refresh();
  }

  // Python's defaultdict(_refresh_per_optimizer_state): a new iteration; this one's found-inf flags are freed.
  #refresh(): void {
    for (const s of this.#perOptimizer.values()) for (const t of s.foundInfPerDevice.values()) t.dispose();
    this.#perOptimizer = new Map();
  }

  /** The current scale as a number (reads it from the device); initScale before the first scale(); 1 when disabled. */
  getScale(): number {
    if (!this.#enabled) return 1.0;
    return this.#scale === null ? this.#initScale : Number(this.#scale.item());
  }
  getGrowthFactor(): number {
    return this.#growthFactor;
  }
  setGrowthFactor(newFactor: number): void {
    this.#growthFactor = numberOption(newFactor, 'growthFactor');
  }
  getBackoffFactor(): number {
    return this.#backoffFactor;
  }
  setBackoffFactor(newFactor: number): void {
    this.#backoffFactor = numberOption(newFactor, 'backoffFactor');
  }
  getGrowthInterval(): number {
    return this.#growthInterval;
  }
  setGrowthInterval(newInterval: number): void {
    this.#growthInterval = intervalOption(newInterval);
  }
  /** Unskipped steps in a row since the scale last changed (Python's _get_growth_tracker). */
  getGrowthTracker(): number {
    if (!this.#enabled) return 0;
    return this.#growthTracker === null ? this.#initGrowthTracker : Number(this.#growthTracker.item());
  }
  isEnabled(): boolean {
    return this.#enabled;
  }
  /** The optimizer's stage in this iteration (READY before unscale_/step). */
  stageOf(optimizer: Optimizer): OptState {
    return this.#perOptimizer.get(optimizer)?.stage ?? OptState.READY;
  }

  /** The scaler's state, with Python's keys (empty when disabled); take it after update(). */
  stateDict(): GradScalerStateDict | Record<string, never> {
    if (!this.#enabled) return {};
    return {
      scale: this.getScale(),
      growth_factor: this.#growthFactor,
      backoff_factor: this.#backoffFactor,
      growth_interval: this.#growthInterval,
      _growth_tracker: this.getGrowthTracker(),
    };
  }

  /** Restores a stateDict() (from torchnode or, through torch.load, from Python); nothing happens when disabled. */
  loadStateDict(stateDict: GradScalerStateDict | Record<string, unknown>): void {
    if (!this.#enabled) return;
    if (!isOptionsObject(stateDict)) throw new TypeError(`GradScaler.loadStateDict: expected a state dict object, got ${describe(stateDict)}`);
    if (Object.keys(stateDict).length === 0) throw new Error('The source state dict is empty, possibly because it was saved from a disabled instance of GradScaler.');
    const sd = stateDict as Record<string, unknown>;
    const read = (key: keyof GradScalerStateDict): number => {
      const v = sd[key];
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      throw new TypeError(`GradScaler.loadStateDict: '${key}' must be a number, got ${describe(v)}`);
    };
    const [scale, growthFactor, backoffFactor, growthInterval, tracker] = [read('scale'), read('growth_factor'), read('backoff_factor'), intervalOption(read('growth_interval')), read('_growth_tracker')];
    this.#initScale = scale;
    this.#scale?.fill_(scale);
    this.#growthFactor = growthFactor;
    this.#backoffFactor = backoffFactor;
    this.#growthInterval = growthInterval;
    this.#initGrowthTracker = tracker;
    this.#growthTracker?.fill_(tracker);
  }

  /** Frees the scale and growth-tracker tensors now (the GC does otherwise); a later scale() makes new ones from the current values. */
  dispose(): void {
    if (this.#scale !== null) this.#initScale = this.getScale();
    if (this.#growthTracker !== null) this.#initGrowthTracker = this.getGrowthTracker();
    this.#scale?.dispose();
    this.#growthTracker?.dispose();
    this.#scale = this.#growthTracker = null;
    this.#refresh();
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
}
