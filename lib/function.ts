// torch.autograd.Function: differentiable operations written in JS. A subclass defines static
// forward(ctx, ...args) and backward(ctx, ...gradOutputs); Subclass.apply(...args) runs forward
// without grad and attaches a graph node whose backward the autograd engine calls back into JS.
import { isGradEnabled, noGrad } from './autograd.js';
import { zerosLike } from './creation.js';
import { native, type Handle } from './native.js';
import { keep } from './scope.js';
import { describe, isTensor, Tensor, toHandle } from './tensor.js';

/** The `ctx` of forward/backward: saved tensors, which inputs need a gradient, and your own fields. */
export class FunctionCtx {
  /** Per forward argument: whether it is a tensor that requires grad. */
  needsInputGrad: boolean[] = [];
  #saved: (Tensor | null)[] = [];
  [field: string]: unknown;

  /** Keeps tensors for backward (they outlive any torch.tidy scope of the caller). */
  saveForBackward(...tensors: (Tensor | null)[]): void {
    this.#saved = tensors.map((t, i) => {
      if (t === null) return null;
      if (!isTensor(t)) throw new TypeError(`saveForBackward: argument ${i} must be a Tensor or null, got ${describe(t)}`);
      return keep(t.detach());
    });
  }
  get savedTensors(): (Tensor | null)[] {
    return this.#saved;
  }
}

type Outputs = Tensor | Tensor[];

export class Function {
  static forward(_ctx: FunctionCtx, ..._args: unknown[]): Outputs {
    throw new Error(`${this.name}.forward is not implemented: define static forward(ctx, ...args)`);
  }
  static backward(_ctx: FunctionCtx, ..._gradOutputs: Tensor[]): Tensor | null | (Tensor | null)[] {
    throw new Error(`${this.name}.backward is not implemented: define static backward(ctx, ...gradOutputs)`);
  }

  /** Runs forward and records it for autograd; returns what forward returned. */
  static apply(...args: unknown[]): Outputs {
    const name = this.name || 'Function';
    const ctx = new FunctionCtx();
    ctx.needsInputGrad = args.map((a) => isTensor(a) && a.requiresGrad);
    const result = noGrad(() => this.forward(ctx, ...args));
    const outputs = Array.isArray(result) ? result : [result];
    outputs.forEach((o, i) => {
      if (!isTensor(o)) throw new TypeError(`${name}.forward must return a Tensor or an array of Tensors; output ${i} is ${describe(o)}`);
    });
    if (!isGradEnabled() || !ctx.needsInputGrad.some(Boolean)) return result;
    // An input returned as it is becomes a view of itself, so that it can carry this node (as in Python).
    const fixed = outputs.map((o) => (args.includes(o) ? noGrad(() => o.viewAs(o)) : o));
    const tensorArgs = args.map((a, i) => (isTensor(a) ? i : -1)).filter((i) => i >= 0);
    const backward = (grads: (Handle | null)[]): (Handle | null)[] => {
      // Gradients of outputs that did not take part arrive as zeros (ctx.set_materialize_grads(True)).
      const gradOutputs = grads.map((h, i) => (h === null ? zerosLike(fixed[i]!) : new Tensor(h)));
      const r = this.backward(ctx, ...gradOutputs);
      const list = Array.isArray(r) ? r : [r];
      if (list.length !== args.length)
        throw new TypeError(`${name}.backward returned an incorrect number of gradients (expected ${args.length}, got ${list.length})`);
      return tensorArgs.map((i) => {
        const g = list[i];
        return g === null || g === undefined ? null : toHandle(g, `${name}.backward: gradient ${i}`);
      });
    };
    native.attachFunction(`${name}Backward`, tensorArgs.map((i) => toHandle(args[i], 'input')), fixed.map((o) => toHandle(o, 'output')), backward);
    return Array.isArray(result) ? fixed : fixed[0]!;
  }
}
