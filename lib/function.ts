// torch.autograd.Function: differentiable operations written in JS. A subclass defines static
// forward(ctx, ...args) and backward(ctx, ...gradOutputs); Subclass.apply(...args) runs forward
// without grad and attaches a graph node whose backward the autograd engine calls back into JS.
// As in PyTorch, the node keeps saved tensors natively (an output saved without its graph link) and
// nothing in the callback refers to the outputs, so outputs and graph are collected like any tensor.
import { isGradEnabled, noGrad } from './autograd.js';
import { currentDualLevel, withFwdGradEnabled } from './autograd_forward_ad.js';
import { zerosLike } from './creation.js';
import { native, type Handle } from './native.js';
import { describe, isTensor, Tensor, toHandle } from './tensor.js';

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

  #forwardRecord(what: string): ForwardRecord {
    if (this.#record === null) throw new Error(`${what} can only be called in forward`);
    return this.#record;
  }

  /** Saves tensors for backward (inputs, outputs or intermediates); read them with savedTensors. */
  saveForBackward(...tensors: (Tensor | null)[]): void {
    const record = this.#forwardRecord('saveForBackward');
    record.saved = tensors.map((t, i) => {
      if (t === null) return null;
      if (!isTensor(t)) throw new TypeError(`saveForBackward: argument ${i} must be a Tensor or null, got ${describe(t)}`);
      return t;
    });
  }
  /**
   * ctx.set_materialize_grads: with false, backward gets null (not zeros) for the gradient of an output
   * that took no part in the loss. Call it in forward (or setupContext).
   */
  setMaterializeGrads(value: boolean): void {
    this.#forwardRecord('setMaterializeGrads');
    if (typeof value !== 'boolean') throw new TypeError(`setMaterializeGrads: expected a boolean, got ${describe(value)}`);
    this.#materializeGrads = value;
  }
  /** ctx.save_for_forward: tensors for jvp, read there through savedTensors. */
  saveForForward(...tensors: (Tensor | null)[]): void {
    this.#forwardRecord('saveForForward');
    this.#forwardSaved = tensors.map((t, i) => {
      if (t !== null && !isTensor(t)) throw new TypeError(`saveForForward: argument ${i} must be a Tensor or null, got ${describe(t)}`);
      return t;
    });
  }
  /** ctx.mark_dirty: these inputs were modified in place by forward (and must be returned). */
  markDirty(...tensors: Tensor[]): void {
    this.#forwardRecord('markDirty').dirty = tensorsArg('markDirty', tensors);
  }
  /** ctx.mark_non_differentiable: these outputs get no gradient. */
  markNonDifferentiable(...tensors: Tensor[]): void {
    this.#forwardRecord('markNonDifferentiable').nonDifferentiable = tensorsArg('markNonDifferentiable', tensors);
  }
  /** In backward: the saved tensors (an output comes back linked to this Function's node). */
  get savedTensors(): (Tensor | null)[] {
    if (this.#inJvp && this.#forwardSaved !== null) return this.#forwardSaved;
    if (this.#backwardSaved === 'freed') throw new Error(ERR_BACKWARD_TWICE);
    if (this.#backwardSaved !== undefined) return this.#backwardSaved;
    if (this.#record !== null) return this.#record.saved;
    throw new Error('savedTensors can only be read in forward (after saveForBackward) and in backward');
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
    setBackwardSaved(ctx, saved === null ? 'freed' : saved.map((h) => (h === null ? null : new Tensor(h))));
    let r: unknown;
    try {
      r = fn.backward(ctx, ...(gradOutputs as Tensor[]));
    } finally {
      setBackwardSaved(ctx, undefined); // unpacked outputs link to this node: don't keep them
    }
    const list: unknown[] = Array.isArray(r) ? r : [r];
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
    // forward AD runs in the same native wrapping; without an open level no input has a tangent
    if ((!executable && currentDualLevel() < 0) || tensorOutputs.length === 0) {
      setInJvp(ctx, false); // drops saveForForward's tensors: no jvp will read them
      return result as ReturnType<C['forward']>;
    }
    const tensorArgs = args.map((a, i) => (isTensor(a) ? i : -1)).filter((i) => i >= 0);
    const nodeName = (this as { nodeName?: string }).nodeName ?? `${name}Backward`; // a library's own node may name itself
    const handles = (ts: (Tensor | null)[], what: string): (Handle | null)[] => ts.map((t) => (t === null ? null : toHandle(t, what)));
    const replaced = native.attachFunction(
      nodeName,
      tensorArgs.map((i) => toHandle(args[i], 'input')),
      handles(tensorOutputs.map((i) => outputs[i] as Tensor), 'output') as Handle[],
      handles(record.dirty, 'markDirty') as Handle[],
      handles(record.nonDifferentiable, 'markNonDifferentiable') as Handle[],
      handles(record.saved, 'saveForBackward'),
      nodeBackward(this, ctx, nodeName, args.length, tensorArgs, outputs.length, tensorOutputs),
      this.jvp === Function.jvp ? null : nodeJvp(this, ctx, args, tensorArgs, outputs.length, tensorOutputs),
      executable,
      materializesGrads(ctx),
    );
    setInJvp(ctx, false);
    // An input returned as-is comes back as a new view of it carrying this node (as in PyTorch).
    const wrapped = [...outputs];
    tensorOutputs.forEach((pos, k) => {
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
