// Grad-mode switches (torch.noGrad / enableGrad / inferenceMode / setGradEnabled) and torch.autograd:
// grad, backward, anomaly detection, gradcheck.
import { tensor as tensorOf, zerosLike } from './creation.js';
import { native, type Handle } from './native.js';
import { readOptions } from './options.js';
import { tidy } from './scope.js';
import { Tensor, toHandle } from './tensor.js';

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

function isAsyncFunction(fn: unknown): boolean {
  const kind = (fn as { constructor?: { name?: string } }).constructor?.name;
  return kind === 'AsyncFunction' || kind === 'AsyncGeneratorFunction';
}

const asyncRefused = (name: string): TypeError =>
  new TypeError(
    `${name}: fn must be synchronous. The mode is a native switch that can't follow one async continuation: ` +
      `while an async fn awaits it would apply to all other code that runs meanwhile; call ${name} around the synchronous tensor code inside your async function instead`,
  );

// Runs fn with a mode entered and leaves it when fn returns (also used by torch.autocast). The mode is a thread-wide native
// switch (per thread as in Python), which can't follow one async continuation: async fns are refused.
export function withMode<T>(name: string, enter: () => void, leave: () => void, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`${name}: expected a function, got ${fn === null ? 'null' : typeof fn}`);
  if (isAsyncFunction(fn)) throw asyncRefused(name);
  enter();
  let result: T;
  try {
    result = fn();
  } finally {
    leave();
  }
  if (isPromiseLike(result)) {
    Promise.resolve(result).catch(() => {}); // abandoned: its rejection must not end the process as unhandled
    throw asyncRefused(name);
  }
  return result;
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

// ---- torch.autograd ----------------------------------------------------------------------

export interface GradOptions {
  gradOutputs?: Tensor | (Tensor | null)[] | null;
  retainGraph?: boolean | null;
  createGraph?: boolean;
  allowUnused?: boolean;
}

const list = (t: Tensor | readonly (Tensor | null)[], what: string): (Handle | null)[] =>
  (Array.isArray(t) ? t : [t]).map((x, i) => (x === null ? null : toHandle(x, `autograd.grad: ${what}[${i}]`)));

/** torch.autograd.grad(outputs, inputs, { gradOutputs, retainGraph, createGraph, allowUnused }). */
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  options = readOptions('autograd.grad', options, ['gradOutputs', 'retainGraph', 'createGraph', 'allowUnused']) as GradOptions;
  const go = options.gradOutputs === undefined || options.gradOutputs === null ? null : list(options.gradOutputs, 'gradOutputs');
  const result = native.autogradGrad(list(outputs, 'outputs'), list(inputs, 'inputs'), go, options.retainGraph ?? null,
    options.createGraph ?? false, options.allowUnused ?? false);
  return result.map((h) => (h === null ? null : new Tensor(h)));
}

/** torch.autograd.backward(tensors, gradTensors?, { retainGraph, createGraph }). */
export function backward(tensors: Tensor | Tensor[], gradTensors: Tensor | (Tensor | null)[] | null = null, options: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
  const { retainGraph, createGraph } = readOptions('autograd.backward', options, ['retainGraph', 'createGraph']) as { retainGraph?: boolean; createGraph?: boolean };
  const ts = Array.isArray(tensors) ? tensors : [tensors];
  const gs = gradTensors === null ? ts.map(() => null) : Array.isArray(gradTensors) ? gradTensors : [gradTensors];
  if (gs.length !== ts.length) throw new RangeError(`autograd.backward: got ${ts.length} tensors and ${gs.length} gradients`);
  // One engine run per root keeps the graph for the next unless it is the last.
  ts.forEach((t, i) => t.backward(gs[i] ?? null, { retainGraph: i < ts.length - 1 ? true : (retainGraph ?? null), createGraph: createGraph ?? false }));
}

/** torch.autograd.set_detect_anomaly / detect_anomaly: a backward error names the JS stack of the forward call that made the failing node. */
export function setDetectAnomaly(mode: boolean): void {
  if (typeof mode !== 'boolean') throw new TypeError('autograd.setDetectAnomaly: mode must be a boolean');
  native.setAnomalyEnabled(mode);
}
export function isAnomalyEnabled(): boolean {
  return native.isAnomalyEnabled();
}
export function detectAnomaly<T>(fn: () => T): T {
  let previous = false;
  return withMode('autograd.detectAnomaly', () => {
    previous = native.isAnomalyEnabled();
    native.setAnomalyEnabled(true);
  }, () => native.setAnomalyEnabled(previous), fn);
}

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  raiseException?: boolean;
}

/**
 * torch.autograd.gradcheck: compares the gradients autograd computes for fn at `inputs` with
 * central finite differences (use float64 inputs). True when all agree; throws (or returns false
 * with raiseException: false) naming the first mismatch.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor | Tensor[], inputs: Tensor | Tensor[], options: GradcheckOptions = {}): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = readOptions('autograd.gradcheck', options, ['eps', 'atol', 'rtol', 'raiseException']) as GradcheckOptions;
  const xs = Array.isArray(inputs) ? inputs : [inputs];
  const diff = xs.filter((x) => x.requiresGrad);
  if (diff.length === 0) throw new Error('gradcheck: no input requires grad');
  // Only outputs that require grad are checked, as Python's gradcheck (native_layer_norm's mean and rstd are not differentiable).
  let differentiable: boolean[] | undefined;
  const flatOut = (): Tensor[] => {
    const r = fn(...xs);
    const all = Array.isArray(r) ? r : [r];
    differentiable ??= all.map((o) => o.requiresGrad);
    return all.filter((_, i) => differentiable![i]);
  };
  const values = (ts: Tensor[]): number[] => ts.flatMap((t) => Array.from(t.detach().toTypedArray() as Float64Array, Number));
  return tidy(() => {
    // Analytical Jacobian, one row per output element.
    const outs = flatOut();
    const analytical: number[][] = [];
    for (const o of outs) {
      for (let j = 0; j < o.numel(); j++) {
        // reshape: a non-contiguous output (a transpose, a permute) has no flat view
        const onehot = zerosLike(o).reshape(-1).indexFill_(0, tensorOf([j]), 1).view(o.shape);
        const gs = grad([o], diff, { gradOutputs: [onehot], retainGraph: true, allowUnused: true });
        analytical.push(gs.flatMap((g, k) => (g === null ? new Array<number>(diff[k]!.numel()).fill(0) : values([g]))));
      }
    }
    // Numerical Jacobian by central differences, one column per input element.
    const numerical: number[][] = analytical.map((row) => row.map(() => 0));
    let col = 0;
    noGrad(() => {
      for (const x of diff) {
        const flat = x.detach().view(-1);
        for (let k = 0; k < flat.numel(); k++, col++) {
          const at = flat.narrow(0, k, 1);
          at.add_(eps);
          const plus = values(flatOut());
          at.sub_(2 * eps);
          const minus = values(flatOut());
          at.add_(eps);
          plus.forEach((p, row) => (numerical[row]![col] = (p - minus[row]!) / (2 * eps)));
        }
      }
    });
    for (let r = 0; r < analytical.length; r++)
      for (let c = 0; c < analytical[r]!.length; c++) {
        const a = analytical[r]![c]!;
        const n = numerical[r]![c]!;
        if (!(Math.abs(a - n) <= atol + rtol * Math.abs(n))) {
          if (!raiseException) return false;
          throw new Error(`gradcheck: Jacobian mismatch for output element ${r} with respect to input element ${c}: numerical ${n}, analytical ${a}`);
        }
      }
    return true;
  });
}


