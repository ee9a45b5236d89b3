// torch.autograd.Function: differentiable operations written in JS. A subclass defines static
// forward(ctx, ...args) and backward(ctx, ...gradOutputs); Subclass.apply(...args) runs forward
// without grad and attaches a graph node whose backward the autograd engine calls back into JS.
// As in PyTorch, the node keeps saved tensors natively (an output saved without its graph link) and
// nothing in the callback refers to the outputs, so outputs and graph are collected like any tensor,
// unless forward keeps an output on a ctx field: a cycle through the native node that V8 cannot see
// (warned). The tensors on ctx fields live as long as the node: no tidy scope disposes them.
import { isGradEnabled, noGrad } from './autograd.js';
import { currentDualLevel, withFwdGradEnabled } from './autograd_forward_ad.js';
import { zerosLike } from './creation.js';
import { native, type Handle } from './native.js';
import { isOptionsObject } from './options.js';
import { keep } from './scope.js';
import { describe, isTensor, Tensor, toHandle } from './tensor.js';
import { warn } from './warnings.js';

/** PyTorch's error for saved tensors freed by an earlier backward (ERR_BACKWARD_TWICE). */
const ERR_BACKWARD_TWICE =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). ' +
  'Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True ' +
  'if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

/** What forward declared through ctx, handed to the graph node when forward returns. */
interface ForwardRecord {
  saved: (Tensor | null)[];
  dirty: Tensor[];
  nonDifferentiable: Tensor[];
}

let takeForwardRecord: (ctx: FunctionCtx) => ForwardRecord;
let setBackwardSaved: (ctx: FunctionCtx, saved: (Tensor | null)[] | 'freed' | undefined) => void;
let setInJvp: (ctx: FunctionCtx, inJvp: boolean) => void;
let materializesGrads: (ctx: FunctionCtx) => boolean;

function tensorsArg(name: string, tensors: unknown[]): Tensor[] {
  return tensors.map((t, i) => {
    if (!isTensor(t)) throw new TypeError(`${name}: argument ${i} must be a Tensor, got ${describe(t)}`);
    return t;
  });
}

/** The `ctx` of forward/backward: saved tensors, which inputs need a gradient, and your own fields. */
export class FunctionCtx {
  /** Per forward argument: whether it is a tensor that requires grad. */
  needsInputGrad: boolean[] = [];
  #record: ForwardRecord | null = { saved: [], dirty: [], nonDifferentiable: [] };
  #backwardSaved: (Tensor | null)[] | 'freed' | undefined = undefined;
  #forwardSaved: (Tensor | null)[] | null = null;
  #inJvp = false;
  #materializeGrads = true;
  [field: string]: unknown;

  static {
    takeForwardRecord = (ctx: FunctionCtx): ForwardRecord => {
      const record = ctx.#record!;
      ctx.#record = null; // the node owns them now; the ctx must not keep outputs alive
      return record;
    };
    setBackwardSaved = (ctx, saved): void => {
      ctx.#backwardSaved = saved;
    };
    materializesGrads = (ctx): boolean => ctx.#materializeGrads;
    setInJvp = (ctx, inJvp): void => {
      ctx.#inJvp = inJvp;
      if (!inJvp) ctx.#forwardSaved = null; // read once, by jvp, as in Python
    };
  }

  // What forward declares goes to the graph node; outside forward (in backward, or after apply) these
  // calls change nothing, as in Python, where they only set attributes read when forward returns.
  #forwardRecord(): ForwardRecord {
    return this.#record ?? { saved: [], dirty: [], nonDifferentiable: [] };
  }

  /** Saves tensors for backward (inputs, outputs or intermediates); read them with savedTensors. */
  saveForBackward(...tensors: (Tensor | null)[]): void {
    const record = this.#forwardRecord();
    record.saved = tensors.map((t, i) => {
      if (t === null) return null;
      if (!isTensor(t)) throw new TypeError(`saveForBackward: argument ${i} must be a Tensor or null, got ${describe(t)}`);
      return t;
    });
  }
  /**
   * ctx.set_materialize_grads: with false, backward gets null (not zeros) for the gradient of an output
   * that took no part in the loss. Call it in forward (or setupContext): later, it changes nothing.
   */
  setMaterializeGrads(value: boolean): void {
    if (typeof value !== 'boolean') throw new TypeError(`setMaterializeGrads: expected a boolean, got ${describe(value)}`);
    if (this.#record !== null) this.#materializeGrads = value;
  }
  /** ctx.save_for_forward: tensors for jvp, read there through savedTensors. */
  saveForForward(...tensors: (Tensor | null)[]): void {
    const saved = tensors.map((t, i) => {
      if (t !== null && !isTensor(t)) throw new TypeError(`saveForForward: argument ${i} must be a Tensor or null, got ${describe(t)}`);
      return t;
    });
    if (this.#record !== null) this.#forwardSaved = saved;
  }
  /** ctx.mark_dirty: these inputs were modified in place by forward (and must be returned). */
  markDirty(...tensors: Tensor[]): void {
    this.#forwardRecord().dirty = tensorsArg('markDirty', tensors);
  }
  /** ctx.mark_non_differentiable: these outputs get no gradient. */
  markNonDifferentiable(...tensors: Tensor[]): void {
    this.#forwardRecord().nonDifferentiable = tensorsArg('markNonDifferentiable', tensors);
  }
  /**
   * In forward and backward: the saved tensors (an output comes back linked to this Function's node).
   * Unlike Python's, not readable between backward calls: the ctx does not hold them (that would keep
   * outputs and graph alive), and only the node knows whether a backward freed them.
   */
  get savedTensors(): (Tensor | null)[] {
    if (this.#inJvp && this.#forwardSaved !== null) return this.#forwardSaved;
    if (this.#backwardSaved === 'freed') throw new Error(ERR_BACKWARD_TWICE);
    if (this.#backwardSaved !== undefined) return this.#backwardSaved;
    if (this.#record !== null) return this.#record.saved;
    throw new Error(
      'savedTensors can only be read in forward (after saveForBackward) and in backward: the ctx does not hold the saved tensors outside them',
    );
  }
}

type FunctionClass = typeof Function;

// The JS backward of one node. A function of its own, so that its closure holds the ctx and the
// class only: never the outputs (that would keep them and the graph alive forever).
// grads come for the Tensor outputs (at tensorOutputs of outputCount); backward gets one per output, null for the others.
function nodeBackward(fn: FunctionClass, ctx: FunctionCtx, nodeName: string, argCount: number, tensorArgs: number[], outputCount: number, tensorOutputs: number[]) {
  return (grads: (Handle | null)[], saved: (Handle | null)[] | null): (Handle | null)[] => {
    const gradOutputs: (Tensor | null)[] = new Array<Tensor | null>(outputCount).fill(null);
    tensorOutputs.forEach((pos, k) => (gradOutputs[pos] = grads[k] === null || grads[k] === undefined ? null : new Tensor(grads[k]!)));
    const unpacked = saved === null ? 'freed' : saved.map((h) => (h === null ? null : new Tensor(h)));
    setBackwardSaved(ctx, unpacked);
    let r: unknown;
    try {
      r = fn.backward(ctx, ...(gradOutputs as Tensor[]));
    } finally {
      // unpacked outputs link to this node: don't keep them (the ctx would keep the graph alive). Once
      // freed, they stay freed: reading them later gets PyTorch's error.
      setBackwardSaved(ctx, unpacked === 'freed' ? 'freed' : undefined);
    }
    let list: unknown[] = Array.isArray(r) ? r : [r];
    // as PyNode::apply: more gradients than inputs is fine while the extra ones are all None
    if (list.length > argCount && list.slice(argCount).every((g) => g === null || g === undefined)) list = list.slice(0, argCount);
    if (list.length !== argCount)
      throw new TypeError(`function ${nodeName} returned an incorrect number of gradients (expected ${argCount}, got ${list.length})`);
    list.forEach((g, i) => {
      if (g !== null && g !== undefined && !tensorArgs.includes(i))
        throw new TypeError(`function ${nodeName} returned a gradient different than None at position ${i + 1}, but the corresponding forward input was not a Variable`);
    });
    return tensorArgs.map((i) => {
      const g = list[i];
      if (g === null || g === undefined) return null;
      const h = toHandle(g, `function ${nodeName}: gradient ${i}`);
      if (native.isDisposed(h)) throw new Error(`function ${nodeName} returned a disposed Tensor as gradient ${i}`);
      return h;
    });
  };
}

// The JS jvp of one apply, called synchronously by libtorch while it wraps the outputs: per tensor input
// its tangent (null: none), returns one tangent or null per output. Inputs without one get zeros, as in
// Python (materialized grads); non-tensor arguments get null.
function nodeJvp(fn: FunctionClass, ctx: FunctionCtx, args: unknown[], tensorArgs: number[], outputCount: number, tensorOutputs: number[]) {
  return (tangents: (Handle | null)[]): (Handle | null)[] => {
    const jvpArgs: (Tensor | null)[] = args.map(() => null);
    tensorArgs.forEach((argIndex, k) => {
      const h = tangents[k];
      jvpArgs[argIndex] = h === null || h === undefined ? zerosLike(args[argIndex] as Tensor) : new Tensor(h);
    });
    setInJvp(ctx, true);
    let r: unknown;
    try {
      r = fn.jvp(ctx, ...jvpArgs);
    } finally {
      setInJvp(ctx, false);
    }
    const all: unknown[] = Array.isArray(r) ? r : [r];
    // one tangent per output (the non-Tensor ones' ignored), or one per Tensor output
    const list = all.length === outputCount && outputCount !== tensorOutputs.length ? tensorOutputs.map((pos) => all[pos]) : all;
    return list.map((t, i) => (t === null || t === undefined ? null : toHandle(t, `${fn.name}.jvp: tangent ${i}`)));
  };
}

// The tensors on the ctx's own fields: values, and the items of arrays and plain objects one level down.
function ctxTensors(ctx: FunctionCtx): Tensor[] {
  const found: Tensor[] = [];
  for (const [key, value] of Object.entries(ctx)) {
    if (key === 'needsInputGrad') continue;
    if (isTensor(value)) found.push(value);
    else if (Array.isArray(value)) found.push(...value.filter(isTensor));
    else if (isOptionsObject(value)) found.push(...Object.values(value).filter(isTensor));
  }
  return found;
}

const warnedOutputOnCtx = new WeakSet<object>();

// After forward (and setupContext) of a Function with a node: the tensors on ctx fields live as long as
// the node (backward reads them), so no tidy scope disposes them; the GC frees them with the node. An
// output kept there is a cycle through the native node (output -> node -> backward -> ctx -> output)
// that the GC cannot see: warned once per class.
function keepCtxTensors(fn: FunctionClass, ctx: FunctionCtx, outputs: unknown[]): void {
  const tensors = ctxTensors(ctx);
  for (const t of tensors) keep(t);
  if (!warnedOutputOnCtx.has(fn) && tensors.some((t) => outputs.includes(t))) {
    warnedOutputOnCtx.add(fn);
    warn(
      `${fn.name || 'Function'}: an output of forward kept on a ctx field is never freed (nor is its graph): the native graph node ` +
        'holds the backward that holds the ctx. Save it with ctx.saveForBackward(output) and read it from ctx.savedTensors in backward instead.',
    );
  }
}

export class Function {
  /** forward(ctx, ...args), or forward(...args) when the class defines setupContext. */
  // Returns a Tensor, or an array (Python's tuple) of outputs: its non-Tensor items pass through untracked.
  static forward(..._args: any[]): unknown { // eslint-disable-line @typescript-eslint/no-explicit-any
    throw new Error(`${this.name}.forward is not implemented: define static forward(ctx, ...args)`);
  }
  /**
   * PyTorch 2's style: define setupContext(ctx, inputs, output) and a forward(...args) without ctx;
   * apply runs forward, then setupContext with the arguments and what forward returned.
   */
  static setupContext(_ctx: FunctionCtx, _inputs: unknown[], _output: unknown): void {
    throw new Error('setupContext is not implemented');
  }
  static backward(_ctx: FunctionCtx, ..._gradOutputs: Tensor[]): Tensor | null | (Tensor | null)[] {
    throw new Error(`${this.name}.backward is not implemented: define static backward(ctx, ...gradOutputs)`);
  }
  /** Forward-mode AD: the outputs' tangents from the inputs' tangents (one per forward argument, null for non-tensors). */
  static jvp(_ctx: FunctionCtx, ..._tangents: (Tensor | null)[]): Tensor | null | (Tensor | null)[] {
    throw new Error('You must implement the jvp function for custom autograd.Function to use it with forward mode AD.');
  }

  /** Runs forward and records it for autograd; returns what forward returned (typed as the class's forward declares). */
  static apply<C extends typeof Function>(this: C, ...args: unknown[]): ReturnType<C['forward']> {
    const name = this.name || 'Function';
    const ctx = new FunctionCtx();
    ctx.needsInputGrad = args.map((a) => isTensor(a) && a.requiresGrad);
    // forward records neither graph nor tangents (Python's apply disables both): its outputs get them below
    const result = noGrad(() => withFwdGradEnabled(false, () => {
      if (this.setupContext === Function.setupContext) return this.forward(ctx, ...args);
      const output = this.forward(...args);
      this.setupContext(ctx, args, output);
      return output;
    }));
    // as Python's _wrap_outputs: an array is the tuple of outputs; anything else is one output; non-Tensors pass through
    const outputs: unknown[] = Array.isArray(result) ? result : [result];
    const tensorOutputs = outputs.flatMap((o, i) => (isTensor(o) ? [i] : []));
    const record = takeForwardRecord(ctx);
    const executable = isGradEnabled() && ctx.needsInputGrad.some(Boolean);
    const tensorArgs = args.map((a, i) => (isTensor(a) ? i : -1)).filter((i) => i >= 0);
    // The outputs the native wrapping sees. Forward AD runs in the same wrapping; without an open level
    // no input has a tangent, and without a node only the inputs returned (or marked dirty) change, as
    // in Python's _wrap_outputs: one that requires grad comes back as a detached alias, another as a
    // view of itself, and the dirty ones get their version bumped.
    const backwardOnly = !executable && currentDualLevel() < 0;
    let wrapOutputs = tensorOutputs;
    if (backwardOnly) {
      const inputsAndDirty = new Set<unknown>([...tensorArgs.map((i) => args[i]), ...record.dirty]);
      wrapOutputs = tensorOutputs.filter((pos) => inputsAndDirty.has(outputs[pos]));
    }
    if (tensorOutputs.length === 0 || (wrapOutputs.length === 0 && record.dirty.length === 0)) {
      setInJvp(ctx, false); // drops saveForForward's tensors: no jvp will read them
      return result as ReturnType<C['forward']>;
    }
    const nodeName = (this as { nodeName?: string }).nodeName ?? `${name}Backward`; // a library's own node may name itself
    const handles = (ts: (Tensor | null)[], what: string): (Handle | null)[] => ts.map((t) => (t === null ? null : toHandle(t, what)));
    const outputTensors = wrapOutputs.map((i) => outputs[i] as Tensor);
    const replaced = native.attachFunction(
      nodeName,
      tensorArgs.map((i) => toHandle(args[i], 'input')),
      handles(outputTensors, 'output') as Handle[],
      handles(record.dirty, 'markDirty') as Handle[],
      // without a node nothing is differentiable (Python's checks for modified inputs don't apply)
      handles(backwardOnly ? outputTensors : record.nonDifferentiable, 'markNonDifferentiable') as Handle[],
      handles(executable ? record.saved : [], 'saveForBackward'),
      nodeBackward(this, ctx, nodeName, args.length, tensorArgs, outputs.length, tensorOutputs),
      this.jvp === Function.jvp || backwardOnly ? null : nodeJvp(this, ctx, args, tensorArgs, outputs.length, tensorOutputs),
      executable,
      materializesGrads(ctx),
    );
    setInJvp(ctx, false);
    // the outputs that link to the node: not an input returned (that one came back replaced), nor a non-differentiable one
    const linked = wrapOutputs.flatMap((pos, k) => (replaced[k] === null && !record.nonDifferentiable.includes(outputs[pos] as Tensor) ? [outputs[pos]] : []));
    if (executable) keepCtxTensors(this, ctx, linked);
    // An input returned as-is comes back as a new view of it (carrying this node), or detached without one (as in PyTorch).
    const wrapped = [...outputs];
    wrapOutputs.forEach((pos, k) => {
      if (replaced[k] !== null) wrapped[pos] = new Tensor(replaced[k]!);
    });
    return (Array.isArray(result) ? wrapped : wrapped[0]) as ReturnType<C['forward']>;
  }
}

const ONCE_DIFFERENTIABLE = 'trying to differentiate twice a function that was marked with @once_differentiable';

// Python's DelayedError node: passes its inputs through, and fails when a gradient reaches it.
class DelayedError extends Function {
  static readonly nodeName = 'torch::autograd::Error';
  static override forward(_ctx: FunctionCtx, ...tensors: Tensor[]): Tensor[] {
    return tensors;
  }
  static override backward(): never {
    throw new Error(ONCE_DIFFERENTIABLE);
  }
}

/**
 * torch.autograd.function.once_differentiable: wraps a backward so that it runs without building a
 * graph; with createGraph, its results then fail a second differentiation with PyTorch's error.
 */
export function onceDifferentiable<C extends FunctionCtx, G extends unknown[], R>(backward: (ctx: C, ...grads: G) => R): (ctx: C, ...grads: G) => R {
  if (typeof backward !== 'function') throw new TypeError(`onceDifferentiable: expected a function, got ${describe(backward)}`);
  return function (this: unknown, ctx: C, ...grads: G): R {
    const outputs = noGrad(() => backward.call(this, ctx, ...grads));
    if (!isGradEnabled() || !grads.some((g) => isTensor(g) && g.requiresGrad)) return outputs;
    const list = (Array.isArray(outputs) ? outputs : [outputs]) as (Tensor | null)[];
    const fakes = list.map((t) => (isTensor(t) ? t.detach().requiresGrad_(true) : t));
    const tensors = fakes.filter((t): t is Tensor => isTensor(t));
    const wrapped = tensors.length ? (DelayedError.apply(...tensors) as Tensor | Tensor[]) : [];
    const through = Array.isArray(wrapped) ? [...wrapped] : [wrapped];
    const result = fakes.map((t) => (isTensor(t) ? through.shift()! : t));
    return (Array.isArray(outputs) ? result : result[0]) as R;
  };
}
