// Grad-mode switches (torch.noGrad / enableGrad / inferenceMode / setGradEnabled) and torch.autograd:
// grad, backward, anomaly detection, gradcheck.
import { edgeOrHandle, GradientEdge } from './autograd_node.js';
import { aten } from './call.js';
import { native, type Handle } from './native.js';
import { bindArgs } from './functional/args.js';
import { describe, isOptionsObject, isPromiseLike, readOptions } from './options.js';
import { backwardInputs, isTensor, Tensor, toHandle, type BackwardOptions } from './tensor.js';
import { warn } from './warnings.js';

function isAsyncFunction(fn: unknown): boolean {
  const kind = (fn as { constructor?: { name?: string } }).constructor?.name;
  return kind === 'AsyncFunction' || kind === 'AsyncGeneratorFunction';
}

const asyncRefused = (name: string): TypeError =>
  new TypeError(
    `${name}: fn must be synchronous. The mode is a native switch that can't follow one async continuation: ` +
      `while an async fn awaits it would apply to all other code that runs meanwhile; call ${name} around the synchronous tensor code inside your async function instead`,
  );

/** Throws the refusal withMode gives an async function (for scopes that call fn some other way). */
export function checkSynchronous(name: string, fn: unknown): void {
  if (isAsyncFunction(fn)) throw asyncRefused(name);
}

// Runs fn with a mode entered and leaves it when fn returns (also used by torch.autocast). The mode is a thread-wide native
// switch (per thread as in Python), which can't follow one async continuation: async fns are refused.
export function withMode<T>(name: string, enter: () => void, leave: () => void, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`${name}: expected a function, got ${fn === null ? 'null' : typeof fn}`);
  checkSynchronous(name, fn);
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

// A thread-local native switch set to `mode` while fn runs, and back to what it was after.
function scopedSwitch<T>(name: string, get: () => boolean, set: (on: boolean) => void, mode: boolean, fn: () => T): T {
  let previous = true;
  return withMode(
    name,
    () => {
      previous = get();
      set(mode);
    },
    () => set(previous),
    fn,
  );
}

function gradMode<T>(name: string, enabled: boolean, fn: () => T): T {
  return scopedSwitch(name, () => native.isGradEnabled(), (on) => native.setGradEnabled(on), enabled, fn);
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

// A thread-local native switch (Python's _DecoratorContextManager that sets in __init__): set now and kept,
// or, with fn, set for fn's duration and restored after.
function setSwitch<T>(name: string, get: () => boolean, set: (on: boolean) => void, mode: unknown, fn?: () => T): T | void {
  if (typeof mode !== 'boolean') throw new TypeError(`${name}: mode must be a boolean, got ${describe(mode)}`);
  return fn === undefined ? set(mode) : scopedSwitch(name, get, set, mode, fn);
}

/** torch.set_grad_enabled: turns autograd recording on or off; with fn, only while fn runs. */
export function setGradEnabled(mode: boolean): void;
export function setGradEnabled<T>(mode: boolean, fn: () => T): T;
export function setGradEnabled<T>(mode: boolean, fn?: () => T): T | void {
  return setSwitch('setGradEnabled', () => native.isGradEnabled(), (on) => native.setGradEnabled(on), mode, fn);
}

/**
 * torch.autograd.set_multithreading_enabled: whether backward runs on the engine's per-device threads
 * (the default) or on the calling thread; per thread. With fn, only while fn runs.
 */
export function setMultithreadingEnabled(mode: boolean): void;
export function setMultithreadingEnabled<T>(mode: boolean, fn: () => T): T;
export function setMultithreadingEnabled<T>(mode: boolean, fn?: () => T): T | void {
  return setSwitch('autograd.setMultithreadingEnabled', () => native.isMultithreadingEnabled(), (on) => native.setMultithreadingEnabled(on), mode, fn);
}

/**
 * torch.autograd.enforce_grad_layout_policy: whether accumulated gradients take their parameter's strides
 * (the default) or keep the layout the backward made; per thread. With fn, only while fn runs.
 */
export function enforceGradLayoutPolicy(enable?: boolean): void;
export function enforceGradLayoutPolicy<T>(fn: () => T): T;
export function enforceGradLayoutPolicy<T>(enable: boolean, fn: () => T): T;
export function enforceGradLayoutPolicy<T>(enableOrFn: boolean | (() => T) = true, fn?: () => T): T | void {
  const [enable, body] = typeof enableOrFn === 'function' ? [true, enableOrFn] : [enableOrFn, fn];
  return setSwitch('autograd.enforceGradLayoutPolicy', () => native.isGradLayoutEnforcementEnabled(), (on) => native.setGradLayoutEnforcementEnabled(on), enable, body);
}

// ---- torch.autograd ----------------------------------------------------------------------

export interface GradOptions {
  gradOutputs?: Tensor | (Tensor | null)[] | null;
  retainGraph?: boolean | null;
  createGraph?: boolean;
  /** Unused inputs get null instead of an error (default: materializeGrads). */
  allowUnused?: boolean | null;
  /** The gradOutputs carry a batch of vectors in their first dimension: one vector-Jacobian product per row, stacked. */
  isGradsBatched?: boolean;
  /** Unused inputs get zeros instead of null. */
  materializeGrads?: boolean;
  /** Deprecated and ignored, as in Python. */
  onlyInputs?: boolean;
}

const list = (t: Tensor | readonly (Tensor | null)[], what: string): (Handle | null)[] =>
  (Array.isArray(t) ? t : [t]).map((x, i) => (x === null ? null : toHandle(x, `autograd.grad: ${what}[${i}]`)));
const wrapAll = (hs: (Handle | null)[]): (Tensor | null)[] => hs.map((h) => (h === null ? null : new Tensor(h)));

// grad's parameters in Python's order; all may come by keyword, the first two by position too.
const GRAD_ARGS = ['outputs', 'inputs', 'gradOutputs', 'retainGraph', 'createGraph', 'allowUnused', 'isGradsBatched', 'materializeGrads', 'onlyInputs'] as const;

// A plain object given as grad's inputs is a record of named tensors, unless it names one of grad's parameters
// or holds something other than a tensor: then it is Python's keyword arguments.
function isNamedInputs(v: unknown): boolean {
  return isOptionsObject(v) && !Object.keys(v).some((k) => (GRAD_ARGS as readonly string[]).includes(k)) && Object.values(v).every((t) => isTensor(t) || t instanceof GradientEdge);
}

/**
 * torch.autograd.grad(outputs, inputs, { gradOutputs, retainGraph, createGraph, allowUnused, isGradsBatched,
 * materializeGrads }): the gradients of the outputs with respect to the inputs; with inputs as an object
 * of named tensors, an object of their gradients. As in Python, every argument may go in the options by
 * name: grad(y, { inputs: [x] }), grad({ outputs: y, inputs: [x] }) (so a named tensor can't be called by one of these names).
 */
export function grad(outputs: GradInput | GradInput[], inputs: GradInput | GradInput[], options?: GradOptions): (Tensor | null)[];
export function grad<K extends string>(outputs: GradInput | GradInput[], inputs: Record<K, Tensor>, options?: GradOptions): Record<K, Tensor | null>;
export function grad(outputs: GradInput | GradInput[], options: GradOptions & { inputs: GradInput | GradInput[] }): (Tensor | null)[];
export function grad<K extends string>(outputs: GradInput | GradInput[], options: GradOptions & { inputs: Record<K, Tensor> }): Record<K, Tensor | null>;
export function grad(options: GradOptions & { outputs: GradInput | GradInput[]; inputs: GradInput | GradInput[] }): (Tensor | null)[];
export function grad<K extends string>(options: GradOptions & { outputs: GradInput | GradInput[]; inputs: Record<K, Tensor> }): Record<K, Tensor | null>;
export function grad(outputsArg: unknown, inputsArg?: unknown, options?: GradOptions): (Tensor | null)[] | Record<string, Tensor | null> {
  // a named-inputs record is a positional argument: the `{}` keeps bindArgs from reading it as the options
  const given = bindArgs('autograd.grad', [outputsArg, inputsArg, isNamedInputs(inputsArg) ? (options ?? {}) : options], GRAD_ARGS, { count: 2, leading: 0 });
  const { outputs, inputs, ...o } = given as GradOptions & { outputs?: GradInput | GradInput[]; inputs?: GradInput | GradInput[] | Record<string, Tensor> };
  if (outputs === undefined) throw new TypeError("autograd.grad: missing 1 required positional argument: 'outputs'");
  if (inputs === undefined) throw new TypeError("autograd.grad: missing 1 required positional argument: 'inputs'");
  if (o.onlyInputs === false)
    warn('only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate gradient for other parts of the graph, please use torch.autograd.backward.', 'FutureWarning');
  if (o.materializeGrads && o.allowUnused === false)
    throw new RangeError('Expected allow_unused to be True or not passed when materialize_grads=True, but got: allow_unused=False.');
  const named = inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs) && !isTensor(inputs) && !(inputs instanceof GradientEdge) ? Object.keys(inputs) : null;
  const inputList: GradInput[] = named ? Object.values(inputs as Record<string, Tensor>) : Array.isArray(inputs) ? inputs : [inputs as GradInput];
  if (inputList.length === 0) throw new Error('`inputs` argument to `grad()` cannot be empty.');
  const createGraph = o.createGraph ?? false;
  const allowUnused = o.allowUnused ?? o.materializeGrads ?? false;
  const inputHandles = inputList.map((t: unknown, i) => edgeOrHandle(t, `autograd.grad: inputs[${i}]`));
  const outputHandles = (Array.isArray(outputs) ? outputs : [outputs]).map((t: unknown, i) => edgeOrHandle(t, `autograd.grad: outputs[${i}]`));
  const batched = o.isGradsBatched === true;
  const run = (gradOutputs: Tensor | (Tensor | null)[] | null | undefined, retainGraph: boolean | null): (Tensor | null)[] =>
    wrapAll(native.autogradGrad(outputHandles, inputHandles, gradOutputs === undefined || gradOutputs === null ? null : list(gradOutputs, 'gradOutputs'),
      retainGraph, createGraph, allowUnused, batched));
  let result = o.isGradsBatched ? batchedGrad(o.gradOutputs, o.retainGraph ?? null, createGraph, run) : run(o.gradOutputs, o.retainGraph ?? null);
  if (o.materializeGrads) {
    if (result.some((g, i) => g === null && inputList[i] instanceof GradientEdge)) throw new Error('materialize_grads cannot be used when the given input is a GradientEdge');
    result = result.map((g, i) => g ?? (aten('zeros_like', [inputList[i]!]) as Tensor).requiresGrad_(createGraph));
  }
  return named ? Object.fromEntries(named.map((k, i) => [k, result[i]!])) : result;
}

/** What autograd.grad and backward take as an output or an input: a tensor, or a GradientEdge of the graph. */
export type GradInput = Tensor | GradientEdge;

// is_grads_batched: one vector-Jacobian product per row of the gradOutputs' first dimension (Python vmaps
// the engine call over it; this runs it row by row), each input's gradients stacked along a new dim 0.
function batchedGrad(gradOutputs: GradOptions['gradOutputs'], retainGraph: boolean | null, createGraph: boolean,
  run: (gradOutputs: (Tensor | null)[], retainGraph: boolean | null) => (Tensor | null)[]): (Tensor | null)[] {
  const gos = gradOutputs === undefined || gradOutputs === null ? [] : Array.isArray(gradOutputs) ? gradOutputs : [gradOutputs];
  const batched = gos.filter((g): g is Tensor => g !== null);
  if (batched.length === 0) throw new Error('autograd.grad: isGradsBatched needs gradOutputs with the batch in their first dimension');
  const rows = batched[0]!.shape[0] ?? 0;
  for (const g of batched)
    if (g.dim() === 0 || g.shape[0] !== rows) throw new RangeError(`autograd.grad: isGradsBatched: every gradOutput needs the same batch size in dim 0 (${rows}), got shape [${g.shape}]`);
  // Python's vmap over an empty batch dimension fails indexing row 0: IndexError (a RangeError here)
  if (rows === 0) throw new RangeError('index 0 is out of bounds for dimension 0 with size 0');
  const perRow: (Tensor | null)[][] = [];
  for (let b = 0; b < rows; b++) perRow.push(run(gos.map((g) => (g === null ? null : g.select(0, b))), b < rows - 1 ? true : (retainGraph ?? createGraph)));
  const inputs = perRow[0]?.length ?? 0;
  return Array.from({ length: inputs }, (_, i) => {
    const column = perRow.map((r) => r[i]!);
    return column.every((g) => g !== null) ? (aten('stack', [column, 0]) as Tensor) : null;
  });
}
/** What autograd.backward's options may hold: Python's keyword arguments. */
export interface AutogradBackwardOptions extends BackwardOptions {
  gradTensors?: Tensor | (Tensor | null)[] | null;
}
type GradTensors = AutogradBackwardOptions['gradTensors'];

/**
 * torch.autograd.backward(tensors, gradTensors?, { retainGraph, createGraph, inputs }): one engine run
 * from all the roots, as in Python (their gradients meet in the graph before they reach a leaf). As in
 * Python, every argument may go in the options by name: backward(y, { gradTensors, retainGraph }), backward({ tensors: y }).
 */
export function backward(tensors: GradInput | GradInput[], gradTensors?: GradTensors, options?: BackwardOptions): void;
export function backward(tensors: GradInput | GradInput[], options: AutogradBackwardOptions): void;
export function backward(options: AutogradBackwardOptions & { tensors: GradInput | GradInput[] }): void;
export function backward(tensorsArg: unknown, gradTensorsArg?: unknown, options?: BackwardOptions): void {
  const given = bindArgs('autograd.backward', [tensorsArg, gradTensorsArg, options], ['tensors', 'gradTensors', 'retainGraph', 'createGraph', 'inputs'], { count: 2, leading: 0 });
  const { tensors, gradTensors = null, retainGraph, createGraph, inputs } = given as AutogradBackwardOptions & { tensors?: GradInput | GradInput[] };
  if (tensors === undefined) throw new TypeError("autograd.backward: missing 1 required positional argument: 'tensors'");
  const ts = Array.isArray(tensors) ? tensors : [tensors];
  const gs = gradTensors === null ? null : Array.isArray(gradTensors) ? gradTensors : [gradTensors];
  if (gs !== null && gs.length !== ts.length) throw new RangeError(`got ${ts.length} tensors and ${gs.length} gradients`);
  native.backward(ts.map((t, i) => edgeOrHandle(t, `autograd.backward: tensors[${i}]`)), gs && gs.map((g, i) => (g === null ? null : toHandle(g, `autograd.backward: gradTensors[${i}]`))),
    retainGraph ?? null, createGraph ?? false, backwardInputs(inputs, 'autograd.backward'));
}

// Anomaly mode and its NaN check set while fn runs, both restored after (Python's set_detect_anomaly / detect_anomaly exit).
function anomalyMode<T>(name: string, mode: boolean, checkNan: boolean, fn: () => T): T {
  let previous = false;
  let previousCheckNan = true;
  return withMode(name, () => {
    previous = native.isAnomalyEnabled();
    previousCheckNan = native.isAnomalyCheckNanEnabled();
    native.setAnomalyEnabled(mode, checkNan);
  }, () => native.setAnomalyEnabled(previous, previousCheckNan), fn);
}

/**
 * torch.autograd.set_detect_anomaly(mode, check_nan=True) / detect_anomaly: a backward error names the JS stack of the
 * forward call that made the failing node; with checkNan (the default) a backward function returning NaN raises.
 * With fn (Python's context-manager form), only while fn runs.
 */
export function setDetectAnomaly(mode: boolean, checkNan?: boolean): void;
export function setDetectAnomaly<T>(mode: boolean, fn: () => T): T;
export function setDetectAnomaly<T>(mode: boolean, checkNan: boolean, fn: () => T): T;
export function setDetectAnomaly<T>(mode: boolean, checkNanOrFn: boolean | (() => T) = true, maybeFn?: () => T): T | void {
  const [checkNan, fn] = typeof checkNanOrFn === 'function' ? [true, checkNanOrFn] : [checkNanOrFn, maybeFn];
  if (typeof mode !== 'boolean') throw new TypeError('autograd.setDetectAnomaly: mode must be a boolean');
  if (typeof checkNan !== 'boolean') throw new TypeError('autograd.setDetectAnomaly: checkNan must be a boolean');
  if (fn === undefined) return native.setAnomalyEnabled(mode, checkNan);
  return anomalyMode('autograd.setDetectAnomaly', mode, checkNan, fn);
}
/** torch.is_anomaly_enabled */
export function isAnomalyEnabled(): boolean {
  return native.isAnomalyEnabled();
}
/** torch.is_anomaly_check_nan_enabled: whether anomaly mode checks backward outputs for NaN. */
export function isAnomalyCheckNanEnabled(): boolean {
  return native.isAnomalyCheckNanEnabled();
}
export interface DetectAnomalyOptions {
  checkNan?: boolean;
}
/** torch.autograd.detect_anomaly(check_nan=True): detectAnomaly(fn) or detectAnomaly({ checkNan }, fn); both switches are restored after. */
export function detectAnomaly<T>(fn: () => T): T;
export function detectAnomaly<T>(options: DetectAnomalyOptions, fn: () => T): T;
export function detectAnomaly<T>(first: DetectAnomalyOptions | (() => T), second?: () => T): T {
  const given = typeof first === 'function' ? {} : first;
  const fn = typeof first === 'function' ? first : second;
  const { checkNan = true } = readOptions('autograd.detectAnomaly', given ?? {}, ['checkNan']) as DetectAnomalyOptions;
  if (typeof checkNan !== 'boolean') throw new TypeError('autograd.detectAnomaly: checkNan must be a boolean');
  warn('Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for debugging.');  // Python's, on entry
  return anomalyMode('autograd.detectAnomaly', true, checkNan, fn as () => T);
}

export { gradcheck, GradcheckError, gradgradcheck, type GradcheckOptions, type GradgradcheckOptions } from './autograd_gradcheck.js';
