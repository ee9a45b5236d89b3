// torch.utils.checkpoint (PyTorch 2.13): activation checkpointing. The checkpointed function's
// intermediates are not kept for backward; backward runs the function again from its saved inputs,
// with the RNG and autocast state of the forward. Two variants, as in Python: the reentrant one (a
// custom autograd Function whose backward recomputes and runs a nested backward) and the
// non-reentrant one (saved-tensors hooks that drop each saved tensor and recompute it on unpack).
//
// Selective checkpointing (create_selective_checkpoint_contexts) keeps chosen ops' outputs from the
// forward: native/src/checkpoint_sac.cc sees the ops below autograd, as Python's dispatch modes do.
// debug: true logs the ops of the forward and the recomputation (checkpoint_debug.ts) for the error report.
// RNG: the default CPU generator and, for CUDA tensor arguments, the default generator of each of their
// devices (getDeviceStates/setDeviceStates).
import { backward as autogradBackward, enableGrad, isGradEnabled, withMode } from '../autograd.js';
import { savedTensorsHooks } from '../autograd_graph.js';
import { autocast, getAutocastDtype, isAutocastCacheEnabled, isAutocastEnabled } from '../autocast.js';
import { zerosLike } from '../creation.js';
import type { DType } from '../dtype.js';
import { TorchError } from '../errors.js';
import { Function, type FunctionCtx } from '../function.js';
import { getRngState, setRngState } from '../generator.js';
import { deviceRngStates, forkRng, setDeviceRngStates } from '../random.js';
import { native, type Handle } from '../native.js';
import { Module } from '../nn/module.js';
import { overloadOf, type OpFunction } from '../ops.js';
import { ModuleList, Sequential } from '../nn/modules/container.js';
import { describe, isOptionsObject, isPromiseLike, readOptions } from '../options.js';
import { cuda } from '../runtime.js';
import { tidy, untracked } from '../scope.js';
import { handleOfTensor, isTensor, Tensor } from '../tensor.js';
import { warn } from '../warnings.js';
import { checkpointDebugLogs, type CheckpointDebugLogs } from './checkpoint_debug.js';
import { pySize } from '../dtype.js';

/** torch.utils.checkpoint.CheckpointError (a RuntimeError in Python): recomputation did not match the forward. */
export class CheckpointError extends TorchError {
  static override readonly errorName: string = 'CheckpointError';
}

/** A region wrapper standing in for one of Python's context managers: runs fn inside the region and returns its result. */
export type CheckpointContext = <T>(fn: () => T) => T;
/** contextFn: returns the wrappers the forward and the recomputation run under, in that order. */
export type CheckpointContextFn = () => readonly [CheckpointContext, CheckpointContext];

export interface CheckpointOptions {
  /** Which variant runs; pass it explicitly (without it PyTorch 2.13 warns and uses true). false is recommended. */
  useReentrant?: boolean;
  /** Stash the RNG state in forward and restore it for the recomputation (default true). */
  preserveRngState?: boolean;
  /** 'default' compares shape, dtype and device of each recomputed saved tensor with the forward's; 'none' skips (non-reentrant only). */
  determinismCheck?: 'default' | 'none';
  /** On a recomputation that does not match the forward, the error reports every op both ran and its JS stack (non-reentrant only). */
  debug?: boolean;
  /** The forward and recomputation run inside the two wrappers it returns (non-reentrant only). */
  contextFn?: CheckpointContextFn;
  /** Stop recomputing once every saved tensor needed is recomputed (default true; non-reentrant only). */
  earlyStop?: boolean;
}

const OPTION_KEYS = ['useReentrant', 'preserveRngState', 'determinismCheck', 'debug', 'contextFn', 'earlyStop'] as const;
const DETERMINISM_CHECKS = ['default', 'none'];

/** torch.utils.checkpoint.CheckpointPolicy: what a selective checkpoint policy returns for one op. */
export const CheckpointPolicy = Object.freeze({ MUST_SAVE: 0, PREFER_SAVE: 1, MUST_RECOMPUTE: 2, PREFER_RECOMPUTE: 3, MUST_CPU_OFFLOAD: 4, PREFER_CPU_OFFLOAD: 5 } as const);
export type CheckpointPolicy = (typeof CheckpointPolicy)[keyof typeof CheckpointPolicy];

/** torch.utils.checkpoint.SelectiveCheckpointContext: what a policy learns about the op besides its arguments. */
export class SelectiveCheckpointContext {
  constructor(readonly isRecompute: boolean, readonly opOutput: unknown = null) {}
}

/** A selective checkpoint policy: (ctx, op overload such as torch.ops.aten.mm.default, ...the op's arguments) => a policy or a boolean (true: save). */
export type SelectiveCheckpointPolicyFn = (ctx: SelectiveCheckpointContext, op: OpFunction, ...args: unknown[]) => CheckpointPolicy | boolean;

// An overload of torch.ops (String(op) 'aten.mm.default'), as Python's OpOverload; a packet ('aten.mm') is not one.
const isOverload = (op: unknown): op is OpFunction => typeof op === 'function' && /^\w+\.\w+\.\w+$/.test(String(op));

// Native values as the policy sees them: handles become Tensors (left to the GC: a policy may keep them).
const asJs = (v: unknown): unknown => (Array.isArray(v) ? v.map(asJs) : v !== null && typeof v === 'object' ? new Tensor(v as Handle) : v);

/**
 * torch.utils.checkpoint.create_selective_checkpoint_contexts(policyFnOrList, { allowCacheEntryMutation }): the
 * contextFn pair for checkpoint({ useReentrant: false, contextFn: () => createSelectiveCheckpointContexts(...) })
 * that keeps the outputs of chosen ops from the forward instead of recomputing them. policyFnOrList: a policy,
 * called for every op below autograd in the forward, or a list of op overloads to save (torch.ops.aten.mm.default).
 * A kept tensor changed in place before backward is an error unless allowCacheEntryMutation.
 */
export function createSelectiveCheckpointContexts(
  policyFnOrList: SelectiveCheckpointPolicyFn | readonly OpFunction[],
  options: { allowCacheEntryMutation?: boolean } = {},
): readonly [CheckpointContext, CheckpointContext] {
  const allowMutation = booleanOption('createSelectiveCheckpointContexts', 'allowCacheEntryMutation',
    readOptions('createSelectiveCheckpointContexts', options, ['allowCacheEntryMutation']).allowCacheEntryMutation, false);
  let policyFn: SelectiveCheckpointPolicyFn;
  if (Array.isArray(policyFnOrList)) {
    for (const op of policyFnOrList as unknown[]) {
      if (isOverload(op)) continue;
      const packet = typeof op === 'function' && /^\w+\.\w+$/.test(String(op));
      throw new TypeError(packet
        ? `Expected op in \`op_list\` to be an OpOverload but got: ${String(op)} of type <class 'torch._ops.OpOverloadPacket'>. ` +
          'Please update the OpOverloadPacket to a specific OpOverload.For example, if you have `torch.ops.aten.mm`, change it to `torch.ops.aten.mm.default`.'
        : `Expected op in \`op_list\` to be an OpOverload (such as torch.ops.aten.mm.default) but got: ${describe(op)}`);
    }
    const saved = new Set<OpFunction>(policyFnOrList as readonly OpFunction[]);
    policyFn = (_ctx, op) => (saved.has(op) ? CheckpointPolicy.MUST_SAVE : CheckpointPolicy.PREFER_RECOMPUTE);
  } else if (typeof policyFnOrList === 'function') {
    policyFn = policyFnOrList;
  } else {
    throw new TypeError('policy_fn_or_list must be either a function or a list of ops.');
  }
  const keep = (output: unknown, name: string, args: unknown[]): boolean =>
    untracked(() => {
      const policy = policyFn(new SelectiveCheckpointContext(false, asJs(output)), overloadOf(name), ...(asJs(args) as unknown[]));
      if (typeof policy === 'boolean') return policy;
      if (!Object.values(CheckpointPolicy).includes(policy))
        throw new TypeError(`createSelectiveCheckpointContexts: the policy must return a CheckpointPolicy or a boolean, got ${describe(policy)} for ${name}`);
      return policy === CheckpointPolicy.MUST_SAVE || policy === CheckpointPolicy.PREFER_SAVE;
    });
  const storage = native.sacNewStorage();
  const region = (policy: typeof keep | null): CheckpointContext => (fn) =>
    withMode('createSelectiveCheckpointContexts', () => native.sacEnter(storage, policy, allowMutation), () => native.sacLeave(), fn);
  return [region(keep), region(null)];
}

/** Python's noop_context_fn: both regions run their function as is. */
export const noopContextFn: CheckpointContextFn = () => [(fn) => fn(), (fn) => fn()];

// Python's module-level overrides (set_checkpoint_early_stop, set_checkpoint_debug_enabled); null: none.
const overrides: { earlyStop: boolean | null; debug: boolean | null } = { earlyStop: null, debug: null };

// Runs fn with overrides[key] = value, as Python's context manager sets and restores its global.
function withOverride<T>(where: string, key: keyof typeof overrides, value: boolean | null, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`${where}: fn must be a function, got ${describe(fn)}`);
  const previous = overrides[key];
  overrides[key] = value;
  try {
    return syncResult(where, fn());
  } finally {
    overrides[key] = previous;
  }
}

/**
 * torch.utils.checkpoint.set_checkpoint_early_stop: checkpoints whose forward runs inside fn use
 * `enable` instead of their earlyStop option (non-reentrant only).
 */
export function setCheckpointEarlyStop<T>(enable: boolean, fn: () => T): T {
  if (typeof enable !== 'boolean') throw new TypeError(`setCheckpointEarlyStop: enable must be a boolean, got ${describe(enable)}`);
  return withOverride('setCheckpointEarlyStop', 'earlyStop', enable, fn);
}

/**
 * torch.utils.checkpoint.set_checkpoint_debug_enabled: checkpoints made inside fn use `enabled` instead
 * of their debug option; null leaves it to the option.
 */
export function setCheckpointDebugEnabled<T>(enabled: boolean | null, fn: () => T): T {
  if (enabled !== null && typeof enabled !== 'boolean') throw new TypeError(`setCheckpointDebugEnabled: enabled must be a boolean or null, got ${describe(enabled)}`);
  return withOverride('setCheckpointDebugEnabled', 'debug', enabled, fn);
}

// Python's _debug_tip_msg, after the errors a debug report explains.
const DEBUG_TIP = `

Tip: To see a more detailed error message, either pass \`debug=True\` to
\`torch.utils.checkpoint.checkpoint(...)\` or wrap the code block
with \`with torch.utils.checkpoint.set_checkpoint_debug_enabled(True):\` to
enable checkpoint‑debug mode globally.

If this error occurs under torch.compile with automatic_dynamic_shapes enabled,
it may be because the recomputation selected a different compiled graph than the
forward pass (e.g., a dynamic graph instead of the original static graph).
To fix this, either:
  - Use torch._dynamo.mark_dynamic() to explicitly mark varying dimensions as
    dynamic upfront, avoiding the static-to-dynamic transition.
  - Call torch._C._dynamo.eval_frame._set_lru_cache(False) to disable LRU cache
    reordering, which can change which graph is checked first between forward
    and recompute.
See https://github.com/pytorch/pytorch/issues/166926 for more details and
workaround examples.
`;

let currentGroup: GraphExecGroup | null = null;

/**
 * torch.utils.checkpoint.GraphExecGroup: the checkpointed regions that backward calls inside one group
 * reach recompute at most once between them (non-reentrant only). The calls must not need the same saved
 * activation, even with retainGraph: a second unpack is Python's CheckpointError. Groups do not nest.
 * `group.run(fn)` is Python's `with GraphExecGroup():`; `using _ = group.enter()` the same until disposed.
 */
export class GraphExecGroup {
  run<T>(fn: () => T): T {
    return withMode('GraphExecGroup', () => this.#open(), () => (currentGroup = null), fn);
  }

  enter(): Disposable {
    this.#open();
    let open = true;
    return {
      [Symbol.dispose]: () => {
        if (open && currentGroup === this) currentGroup = null;
        open = false;
      },
    };
  }

  #open(): void {
    if (currentGroup !== null) throw new Error(`GraphExecGroup contexts cannot be nested. Already inside group ${String(currentGroup)}`);
    currentGroup = this;
  }

  toString(): string {
    return '<torch.utils.checkpoint.GraphExecGroup object>';
  }
}

let defaultDeviceType: string | null = null;

/**
 * torch.utils.checkpoint.DefaultDeviceType: the device type whose RNG states a checkpoint saves when no
 * tensor argument is on an accelerator ('cuda' where one is available, else 'cpu', until set).
 */
export class DefaultDeviceType {
  static setDeviceType(device = 'cuda'): void {
    if (typeof device !== 'string') throw new TypeError(`DefaultDeviceType.setDeviceType: device must be a string, got ${describe(device)}`);
    defaultDeviceType = device;
  }

  static getDeviceType(): string {
    return (defaultDeviceType ||= cuda.isAvailable() ? 'cuda' : 'cpu');
  }
}

/** torch.utils.checkpoint.get_device_states(...args): the ids of the CUDA devices of the tensor arguments and each one's RNG state. */
export function getDeviceStates(...args: unknown[]): [number[], Tensor[]] {
  const ids = cudaIdsOf(args);
  return [ids, cudaStates(ids).map((h) => new Tensor(h))];
}

/** torch.utils.checkpoint.set_device_states(devices, states, { deviceType }): sets each device's RNG state (deviceType: DefaultDeviceType's). */
export function setDeviceStates(devices: readonly number[], states: readonly Tensor[], options: { deviceType?: string | null } = {}): void {
  const deviceType = readOptions('setDeviceStates', options, ['deviceType']).deviceType ?? DefaultDeviceType.getDeviceType();
  if (deviceType === 'meta') return;
  const n = Math.min(devices.length, states.length);   // Python zips them
  if (n > 0 && deviceType !== 'cuda') throw new Error(`setDeviceStates: torchnode keeps per-device RNG states for CUDA devices only, got device type '${String(deviceType)}'`);
  const handles = states.slice(0, n).map((t, i) => {
    if (!isTensor(t)) throw new TypeError(`setDeviceStates: states[${i}] must be a Tensor, got ${describe(t)}`);
    return handleOfTensor(t);
  });
  setCudaStates(devices.slice(0, n), handles);
}

// ---------- helpers shared by both variants ----------

function syncResult<T>(where: string, result: T): T {
  if (isPromiseLike(result)) {
    Promise.resolve(result).catch(() => {}); // abandoned: its rejection must not end the process as unhandled
    throw new TypeError(`${where}: the function must be synchronous (it returned a Promise); recomputation in backward cannot await`);
  }
  return result;
}

function booleanOption(fn: string, name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`${fn}: ${name} must be a boolean, got ${describe(v)}`);
  return v;
}

/** torch.utils.checkpoint.check_backward_validity: warns when no tensor input requires grad. */
export function checkBackwardValidity(inputs: readonly unknown[]): void {
  if (!inputs.some((a) => isTensor(a) && a.requiresGrad)) warn('None of the inputs have requires_grad=True. Gradients will be None', 'UserWarning');
}

/** torch.utils.checkpoint.detach_variable: each tensor detached, keeping its requiresGrad; other values as they are. */
export function detachVariable(inputs: readonly unknown[]): unknown[] {
  if (!Array.isArray(inputs)) throw new Error(`Only tuple of tensors is supported. Got Unsupported input type: ${describe(inputs)}`);
  return inputs.map((a) => {
    if (!isTensor(a)) return a;
    const d = a.detach();
    if (a.requiresGrad) d.requiresGrad_(true);
    return d;
  });
}

// The default generators of CUDA devices by id: the device ids of tensor arguments (each tensor's, as
// Python's get_device_states lists them), their states, and setting them.
const cudaIdsOf = (args: readonly unknown[]): number[] =>
  args.filter((a): a is Tensor => isTensor(a) && a.device.type === 'cuda').map((t) => t.device.index ?? 0);
const cudaStates = (ids: readonly number[]): Handle[] => deviceRngStates('cuda', ids);
const setCudaStates = (ids: readonly number[], states: readonly Handle[]): void => setDeviceRngStates('cuda', ids, states);

// The RNG state a checkpoint stashes in forward: the default CPU generator's and, for the CUDA devices of
// its tensor arguments, theirs (Python's get_device_states; other accelerators are not handled here).
interface RngStash {
  cpu: Tensor;
  cudaIds: number[];
  cudaStates: Handle[];
}

function stashRng(args: readonly unknown[]): RngStash {
  return untracked(() => {
    const cudaIds = [...new Set(cudaIdsOf(args))];
    return { cpu: getRngState(), cudaIds, cudaStates: cudaStates(cudaIds) };
  });
}

// Python's fork_rng + set_rng_state: runs fn from the stashed state and puts the surrounding state back after.
function withRng<T>(stash: RngStash | null, fn: () => T): T {
  if (stash === null) return fn();
  return forkRng({ devices: stash.cudaIds, deviceType: 'cuda' }, () => {
    setRngState(stash.cpu);
    setCudaStates(stash.cudaIds, stash.cudaStates);
    return fn();
  });
}

// The autocast state of the forward (CPU, and CUDA where it is available), re-entered for the recomputation.
interface AutocastState {
  device: string;
  enabled: boolean;
  dtype: DType;
  cacheEnabled: boolean;
}

function autocastStates(): AutocastState[] {
  const devices = cuda.isAvailable() ? ['cuda', 'cpu'] : ['cpu'];
  return devices.map((device) => ({ device, enabled: isAutocastEnabled(device), dtype: getAutocastDtype(device), cacheEnabled: isAutocastCacheEnabled() }));
}

function withAutocast<T>(states: readonly AutocastState[], fn: () => T): T {
  return states.reduceRight<() => T>(
    (inner, s) => () => (s.enabled || isAutocastEnabled(s.device) ? autocast(s.device, { enabled: s.enabled, dtype: s.dtype, cacheEnabled: s.cacheEnabled }, inner) : inner()),
    fn,
  )();
}

// ---------- the reentrant variant ----------

/**
 * torch.utils.checkpoint.CheckpointFunction: apply(runFunction, preserveRngState, ...args) runs
 * runFunction without grad and keeps only its tensor arguments; backward runs it again with grad on
 * detached copies of them and backpropagates through that.
 */
export class CheckpointFunction extends Function {
  static override forward(ctx: FunctionCtx, runFunction: (...args: unknown[]) => unknown, preserveRngState: boolean, ...args: unknown[]): unknown {
    checkBackwardValidity(args);
    ctx.runFunction = runFunction;
    ctx.rng = preserveRngState ? stashRng(args) : null;
    ctx.autocast = autocastStates();
    const tensorIndices: number[] = [];
    const tensors: Tensor[] = [];
    ctx.inputs = args.map((a, i) => {
      if (!isTensor(a)) return a;
      tensorIndices.push(i);
      tensors.push(a);
      return null;
    });
    ctx.tensorIndices = tensorIndices;
    ctx.saveForBackward(...tensors);
    return syncResult('checkpoint', runFunction(...args));
  }

  static override backward(ctx: FunctionCtx, ...gradOutputs: (Tensor | null)[]): (Tensor | null)[] {
    if (!native.isCheckpointValid())
      throw new Error(
        'When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad() or passing an `inputs` parameter to .backward(). ' +
          'To resolve this error, you can either set use_reentrant=False, or call .backward() without passing the `inputs` argument.',
      );
    const saved = ctx.savedTensors;
    const inputs = [...(ctx.inputs as unknown[])];
    (ctx.tensorIndices as number[]).forEach((idx, i) => (inputs[idx] = saved[i]));
    try {
      return CheckpointFunction.#recompute(ctx, inputs, gradOutputs);
    } finally {
      for (const t of saved) t?.dispose(); // this backward's own wrappers of the saved inputs
    }
  }

  static #recompute(ctx: FunctionCtx, inputs: unknown[], gradOutputs: (Tensor | null)[]): (Tensor | null)[] {
    return tidy(() => {
      const detached = detachVariable(inputs);
      const result = withRng(ctx.rng as RngStash | null, () =>
        withAutocast(ctx.autocast as AutocastState[], () => enableGrad(() => syncResult('checkpoint', (ctx.runFunction as (...a: unknown[]) => unknown)(...detached)))));
      const outputs = (Array.isArray(result) ? result : [result]) as unknown[];
      const withGrad: Tensor[] = [];
      const grads: Tensor[] = [];
      outputs.forEach((o, i) => {
        if (isTensor(o) && o.requiresGrad) {
          withGrad.push(o);
          grads.push(gradOutputs[i] ?? zerosLike(o)); // Python materializes missing output gradients as zeros
        }
      });
      if (withGrad.length === 0) throw new Error('none of output has requires_grad=True, this checkpoint() is not necessary');
      autogradBackward(withGrad, grads);
      return [null, null, ...detached.map((d) => (isTensor(d) ? d.grad : null))];
    });
  }
}

// ---------- the non-reentrant variant ----------

interface TensorMeta {
  shape: number[];
  dtype: string;
  device: string;
}

const metaOf = (t: Tensor): TensorMeta => ({
  shape: t.shape,
  dtype: String(t.dtype),
  device: t.device.index === null ? `device(type='${t.device.type}')` : `device(type='${t.device.type}', index=${t.device.index})`,
});
// As Python prints the metadata dict of _default_meta_extractor.
const metaRepr = (m: TensorMeta): string => `{'shape': ${pySize(m.shape)}, 'dtype': ${m.dtype}, 'device': ${m.device}}`;
const sameMeta = (a: TensorMeta, b: TensorMeta): boolean =>
  a.dtype === b.dtype && a.device === b.device && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

// The wrappers of recomputed tensors handed to backward: the graph took its own reference when unpack
// returned, so the next unpack or checkpoint call disposes them instead of leaving their memory to the GC.
let handedOut: Tensor[] = [];
function releaseHandedOut(): void {
  const done = handedOut;
  handedOut = [];
  for (const t of done) t.dispose();
}

/** Thrown by the recomputation's pack hook once every saved tensor is back (Python's _StopRecomputationError). */
class StopRecomputation extends Error {}

// One checkpointed call: what its forward saved (a count and each tensor's metadata, never the tensor)
// and, per backward call (Python's graph task id) or GraphExecGroup, the recomputed tensors by index.
class Frame {
  readonly metadata: (TensorMeta | null)[] = [];
  count = 0;
  forwardCompleted = false;
  ignoreSavedMismatch = false;
  // Python's is_recomputed/recomputed per gid: index -> tensor, null once unpacked.
  private readonly byGraph = new Map<number | GraphExecGroup, Map<number, Tensor | null>>();
  constructor(
    readonly getInputs: () => unknown[],
    readonly recomputeFn: (inputs: unknown[]) => void,
    readonly earlyStop: boolean,
    readonly checkMetadata: boolean,
    readonly debugLogs: CheckpointDebugLogs | null = null,
  ) {}

  pack(t: Tensor): number {
    this.metadata.push(this.checkMetadata ? metaOf(t) : null);
    t.dispose(); // only this wrapper's reference: the tensor itself lives on while its creator holds it
    return this.count++;
  }

  unpack(index: number): Tensor {
    if (this.debugLogs === null) return this.unpackOnce(index);
    try {
      return this.unpackOnce(index);
    } catch (e) {
      // Python's unpack_error_cb: the report of both logs, caused by the error it explains
      if (e instanceof CheckpointError) throw new CheckpointError(this.debugLogs.report(), { cause: e });
      throw e;
    }
  }

  // The first unpack of a backward call (or of a GraphExecGroup) recomputes; each later one takes its
  // tensor from that recomputation, once. Outside backward every unpack recomputes (Python's fresh uuid).
  private unpackOnce(index: number): Tensor {
    releaseHandedOut();
    const group = currentGroup;
    const gid = group ?? native.currentGraphTaskId();
    let recomputed = gid === -1 ? undefined : this.byGraph.get(gid);
    if (recomputed === undefined) {
      recomputed = this.recompute();
      if (gid !== -1) this.byGraph.set(gid, recomputed);
    }
    const t = recomputed.get(index);
    if (t === null)
      throw new CheckpointError(
        'torch.utils.checkpoint: Unpack is being triggered for a tensor that was already unpacked once. ' +
          (group ? 'Performing two backward calls that overlap (i.e. require the same saved activation in order to compute gradients) is not allowed while under the torch.utils.checkpoint.GraphExecGroup context. ' : '') +
          'If you are calling ctx.saved_tensors in backward, make sure to do so only once. Otherwise please open an issue with details on your use case.',
      );
    if (t === undefined)
      throw new Error('Something went unexpectedly wrong in activation checkpoint. Please report this bug by filing an issue to PyTorch.');
    recomputed.set(index, null);
    handedOut.push(t);
    return t;
  }

  recompute(): Map<number, Tensor | null> {
    const recomputed = new Map<number, Tensor | null>();
    let counter = 0;
    const pack = (t: Tensor): Tensor => {
      const x = t.requiresGrad ? t.detach() : t;
      if (x !== t) t.dispose();
      const index = counter++;
      if (index >= this.count) {
        if (!this.forwardCompleted) {
          // backward inside the checkpointed forward, without early stop: the counts cannot match
          this.ignoreSavedMismatch = true;
          return x;
        }
        throw new CheckpointError('torch.utils.checkpoint: trying to save more tensors during recomputation than during the original forward pass.' + DEBUG_TIP);
      }
      recomputed.set(index, x);
      if (this.earlyStop && counter === this.count) throw new StopRecomputation();
      return x;
    };
    const inputs = this.getInputs();
    try {
      savedTensorsHooks(pack, (x) => x, () => enableGrad(() => this.recomputeFn(inputs)));
    } catch (e) {
      if (!(e instanceof StopRecomputation)) throw e;
    } finally {
      for (const t of inputs) if (isTensor(t)) t.dispose();   // this recomputation's own wrappers (pack got others)
    }
    this.check(recomputed, counter);
    return recomputed;
  }

  check(recomputed: Map<number, Tensor | null>, counter: number): void {
    if (this.ignoreSavedMismatch) return;
    if (counter !== this.count)
      throw new CheckpointError(
        'torch.utils.checkpoint: A different number of tensors was saved during the original forward and recomputation.\n' +
          `Number of tensors saved during forward: ${this.count}\nNumber of tensors saved during recomputation: ${counter}.` + DEBUG_TIP,
      );
    let mismatched = '';
    this.metadata.forEach((saved, i) => {
      if (saved === null) return;
      const now = metaOf(recomputed.get(i)!);
      if (!sameMeta(saved, now)) mismatched += `tensor at position ${i}:\nsaved metadata: ${metaRepr(saved)}\nrecomputed metadata: ${metaRepr(now)}\n`;
    });
    if (mismatched)
      throw new CheckpointError(`torch.utils.checkpoint: Recomputed values for the following tensors have different metadata than during the forward pass.\n${mismatched}.` + DEBUG_TIP);
  }
}

function contextPair(contextFn: CheckpointContextFn): readonly [CheckpointContext, CheckpointContext] {
  const pair = contextFn();
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'function' || typeof pair[1] !== 'function')
    throw new TypeError(`checkpoint: contextFn must return an array of two functions (the forward's and the recomputation's region), got ${describe(pair)}`);
  return pair as readonly [CheckpointContext, CheckpointContext];
}

function checkpointWithoutReentrant<R>(
  fn: (...args: unknown[]) => R,
  args: unknown[],
  preserveRngState: boolean,
  contextFn: CheckpointContextFn,
  determinismCheck: string,
  debug: boolean,
  earlyStop: boolean,
): R {
  let debugLogs: CheckpointDebugLogs | null = null;
  if (overrides.debug ?? debug) {
    if (contextFn !== noopContextFn) throw new Error('debug=True is incompatible with non-default context_fn');
    debugLogs = checkpointDebugLogs();
  }
  if (!DETERMINISM_CHECKS.includes(determinismCheck))
    throw new Error(`determinism_check should be one of ['default', 'none'], but got ${determinismCheck}`);
  const [forwardContext, recomputeContext] = debugLogs ? debugLogs.contexts : contextPair(contextFn);
  const autocastState = autocastStates();
  const rng = preserveRngState ? stashRng(args) : null;
  if (!isGradEnabled()) return syncResult('checkpoint', fn(...args));

  // Python's save_inputs: the tensor arguments saved as a custom Function saves its inputs (through any outer
  // saved-tensors hooks); each recomputation unpacks them, which is libtorch's error for one changed in place since.
  const saved = native.saveInputs(args.map((a) => (isTensor(a) ? handleOfTensor(a) : null)));
  const getInputs = (): unknown[] => {
    const unpacked = untracked(() => native.unpackInputs(saved).map((h) => (h === null ? null : new Tensor(h))));
    return args.map((a, i) => (isTensor(a) ? unpacked[i] : a));
  };
  const recomputeFn = (inputs: unknown[]): void => {
    withRng(rng, () => withAutocast(autocastState, () => recomputeContext(() => tidy(() => void syncResult('checkpoint', fn(...inputs))))));
  };
  const frame = new Frame(getInputs, recomputeFn, overrides.earlyStop ?? earlyStop, determinismCheck === 'default', debugLogs);
  const result = savedTensorsHooks(
    (t) => frame.pack(t),
    (index: number) => frame.unpack(index),
    () => forwardContext(() => syncResult('checkpoint', fn(...args))),
  );
  frame.forwardCompleted = true;
  return result;
}

const USE_REENTRANT_WARNING =
  'torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in PyTorch 2.9, calling checkpoint ' +
  'without use_reentrant will raise an exception. use_reentrant=False is recommended, but if you need to preserve the current default ' +
  'behavior, you can pass use_reentrant=True. Refer to docs for more details on the differences between the two variants.';

/**
 * torch.utils.checkpoint.checkpoint(function, ...args, { useReentrant, preserveRngState, determinismCheck,
 * contextFn, earlyStop }): runs function(...args) without keeping its intermediate activations for
 * backward; backward recomputes them. A trailing plain object is the options, so a function that takes a
 * plain object last needs an options object after it. With useReentrant: true (the default when it is not
 * passed, with PyTorch's warning), an array result is the tuple of outputs, and anything in it but a
 * Tensor (null, a number, an object) comes back as it is, untracked, as in Python.
 */
export function checkpoint<R>(fn: (...args: never[]) => R, ...args: unknown[]): R {
  if (typeof fn !== 'function') throw new TypeError(`checkpoint: function must be a function, got ${describe(fn)}`);
  releaseHandedOut();
  const o = args.length > 0 && isOptionsObject(args[args.length - 1]) ? readOptions('checkpoint', args.pop(), OPTION_KEYS) : {};
  const preserve = booleanOption('checkpoint', 'preserveRngState', o.preserveRngState, true);
  const debug = booleanOption('checkpoint', 'debug', o.debug, false);
  const earlyStop = booleanOption('checkpoint', 'earlyStop', o.earlyStop, true);
  const determinismCheck = o.determinismCheck ?? 'default';
  if (typeof determinismCheck !== 'string') throw new TypeError(`checkpoint: determinismCheck must be a string, got ${describe(determinismCheck)}`);
  const contextFn = o.contextFn ?? noopContextFn;
  if (typeof contextFn !== 'function') throw new TypeError(`checkpoint: contextFn must be a function, got ${describe(contextFn)}`);
  let useReentrant = o.useReentrant;
  if (useReentrant === undefined) {
    warn(USE_REENTRANT_WARNING, 'UserWarning');
    useReentrant = true;
  }
  if (typeof useReentrant !== 'boolean') throw new TypeError(`checkpoint: useReentrant must be a boolean, got ${describe(useReentrant)}`);
  const run = fn as (...a: unknown[]) => R;
  if (useReentrant) {
    if (contextFn !== noopContextFn || debug) throw new Error('Passing `context_fn` or `debug` is only supported when use_reentrant=False.');
    return CheckpointFunction.apply(run, preserve, ...args) as R;
  }
  return checkpointWithoutReentrant(run, args, preserve, contextFn as CheckpointContextFn, determinismCheck, debug, earlyStop);
}

const SEQUENTIAL_WARNING =
  'torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed explicitly. In version 2.9 we will ' +
  'raise an exception if use_reentrant is not passed. use_reentrant=False is recommended, but if you need to preserve the current ' +
  'default behavior, you can pass use_reentrant=True. Refer to docs for more details on the differences between the two variants.';

type SequentialStep = Module | ((input: Tensor) => Tensor);

/**
 * torch.utils.checkpoint.checkpoint_sequential(functions, segments, input, { useReentrant, preserveRngState }):
 * functions (an nn.Sequential, nn.ModuleList or array of modules and functions) split into `segments`
 * chunks; every chunk but the last runs under checkpoint.
 */
export function checkpointSequential(
  functions: Module | readonly SequentialStep[],
  segments: number,
  input: Tensor,
  options: { useReentrant?: boolean; preserveRngState?: boolean } = {},
): Tensor {
  const o = readOptions('checkpointSequential', options, ['useReentrant', 'preserveRngState']);
  const preserve = booleanOption('checkpointSequential', 'preserveRngState', o.preserveRngState, true);
  let useReentrant = o.useReentrant;
  if (useReentrant === undefined) {
    warn(SEQUENTIAL_WARNING, 'UserWarning');
    useReentrant = true;
  }
  if (typeof useReentrant !== 'boolean') throw new TypeError(`checkpointSequential: useReentrant must be a boolean, got ${describe(useReentrant)}`);
  let steps: readonly unknown[];
  if (functions instanceof Sequential || functions instanceof ModuleList) {
    steps = functions.children();
  } else if (Array.isArray(functions)) {
    steps = functions;
  } else {
    throw new TypeError(`checkpointSequential: functions must be an nn.Sequential, an nn.ModuleList or an array of modules and functions, got ${describe(functions)}`);
  }
  steps.forEach((f, i) => {
    if (!(f instanceof Module) && typeof f !== 'function') throw new TypeError(`checkpointSequential: functions[${i}] must be a Module or a function, got ${describe(f)}`);
  });
  if (!Number.isInteger(segments) || segments < 1 || segments > steps.length)
    throw new RangeError(`checkpointSequential: segments must be a whole number from 1 to the number of functions (${steps.length}), got ${String(segments)}`);
  const runRange = (start: number, end: number) => (x: Tensor): Tensor => {
    for (let j = start; j <= end; j++) {
      const f = steps[j] as SequentialStep;
      x = f instanceof Module ? (f.call(x) as Tensor) : f(x);
    }
    return x;
  };
  const segmentSize = Math.floor(steps.length / segments);
  let end = -1;
  for (let start = 0; start < segmentSize * (segments - 1); start += segmentSize) {
    end = start + segmentSize - 1;
    input = checkpoint(runRange(start, end), input, { useReentrant, preserveRngState: preserve });
  }
  return runRange(end + 1, steps.length - 1)(input);
}
