// torch.autograd.graph.Node: the graph's nodes (a tensor's gradFn and the nodes behind it) with their
// hooks and metadata. Apart from autograd_graph.ts so that tensor.ts can import it without a cycle
// through the op modules.
import { inspect } from 'node:util';

import { native, type Handle } from './native.js';
import { describe } from './options.js';
import { RemovableHandle } from './hooks.js';
import { checkHookResult, handleOfTensor, isTensor, Tensor, toHandle } from './tensor.js';
import { WeakValues } from './weak_values.js';

type Grads = (Tensor | null)[];
/** hook(gradInputs, gradOutputs) after the node ran; may return replacements for gradInputs. */
export type NodeHook = (gradInputs: Grads, gradOutputs: Grads) => Grads | void | null | undefined;
/** hook(gradOutputs) before the node runs; may return replacements for gradOutputs. */
export type NodePreHook = (gradOutputs: Grads) => Grads | void | null | undefined;

const wrap = (h: Handle | null): Tensor | null => (h === null ? null : new Tensor(h));

// The replacement gradients a node hook returned, as handles, each checked against the one it replaces
// as Python's check_result / check_single_result do (given: what the hook got, kept apart from the array it may edit).
function returnedGrads(fn: (...args: never[]) => unknown, result: unknown, given: Grads): (Handle | null)[] | null {
  if (result === undefined || result === null) return null;
  const name = fn.name || '<anonymous>';
  if (!Array.isArray(result)) throw new TypeError(`expected an array, but hook returned ${describe(result)}`);
  if (result.length !== given.length)
    throw new Error(`hook '${name}' has returned an incorrect number of values (got ${result.length}, but expected ${given.length})`);
  return result.map((g, i) => {
    if (g === null || g === undefined) return null;
    const original = given[i]!;
    if (original === null) throw new Error("can't replace a None gradient with a non-None value");
    if (!isTensor(g)) throw new TypeError(`hook '${name}' returned ${describe(g)} at position ${i}, expected a Tensor or null`);
    if (g.isDisposed) throw new Error(`hook '${name}' returned a disposed Tensor at position ${i}`);
    checkHookResult(original, g, name);
    return handleOfTensor(g);
  });
}

// One JS object per live graph node, as Python's `x.grad_fn is x.grad_fn`: a node's key (its address)
// cannot be reused while a Node object holds it.
const liveNodes = new WeakValues<Node>();
let makeNode: (h: Handle, name: string, key: number) => Node;
/** The native handle of a Node. */
export let nodeHandleOf: (node: Node) => Handle;

/** The Node object of a native node handle (null for none). */
export function nodeOf(h: Handle | null): Node | null {
  if (h === null) return null;
  const [name, key] = native.nodeInfo(h);
  const live = liveNodes.get(String(key));
  if (live) return live;
  return liveNodes.set(String(key), makeNode(h, name, key));
}

/**
 * torch.autograd.graph.Node: one node of the autograd graph, as `x.gradFn` and `nextFunctions` give
 * them. It keeps the graph behind it alive. Its hooks run only for graphs executed on their own JS
 * thread (CPU tensors); like tensor hooks, they are kept by the node from native code.
 */
export class Node {
  readonly #h: Handle;
  readonly #name: string;
  private constructor(h: Handle, name: string) {
    this.#h = h;
    this.#name = name;
  }
  static {
    makeNode = (h, name) => new Node(h, name);
    nodeHandleOf = (node) => node.#h;
  }
  /** The node's name: 'MulBackward0', 'torch::autograd::AccumulateGrad', a Function's 'MyFnBackward'. */
  name(): string {
    return this.#name;
  }
  /** [node, inputNr] per input of the forward op: where each gradient this node computes goes (null: nowhere). */
  get nextFunctions(): [Node | null, number][] {
    return native.nodeNextFunctions(this.#h).map(([h, nr]) => [nodeOf(h), nr]);
  }
  /** An object kept by the node for as long as it lives, for any data of the user's. */
  get metadata(): Record<string, unknown> {
    return native.nodeMetadata(this.#h);
  }
  /** The leaf tensor an AccumulateGrad node accumulates into (undefined for other nodes). */
  get variable(): Tensor | undefined {
    const h = native.nodeVariable(this.#h);
    return h === undefined ? undefined : (wrap(h) ?? undefined);
  }
  /** hook(gradInputs, gradOutputs) runs after the node computed its gradients; returning an array replaces gradInputs. */
  registerHook(hook: NodeHook): RemovableHandle {
    if (typeof hook !== 'function') throw new TypeError(`Node.registerHook: hook must be a function, got ${describe(hook)}`);
    return this.#addHook(false, (gradInputs: (Handle | null)[], gradOutputs: (Handle | null)[]) => {
      const given = gradInputs.map(wrap);
      return returnedGrads(hook, hook([...given], gradOutputs.map(wrap)), given);
    });
  }
  /** hook(gradOutputs) runs before the node; returning an array replaces gradOutputs. */
  registerPrehook(hook: NodePreHook): RemovableHandle {
    if (typeof hook !== 'function') throw new TypeError(`Node.registerPrehook: hook must be a function, got ${describe(hook)}`);
    return this.#addHook(true, (gradOutputs: (Handle | null)[]) => {
      const given = gradOutputs.map(wrap);
      return returnedGrads(hook, hook([...given]), given);
    });
  }
  #addHook(pre: boolean, fn: (...grads: (Handle | null)[][]) => (Handle | null)[] | null): RemovableHandle {
    const h = this.#h;
    const id = native.nodeRegisterHook(h, fn, pre);
    return new RemovableHandle(() => native.nodeRemoveHook(h, id, pre));
  }
  toString(): string {
    return `<${this.#name.slice(this.#name.lastIndexOf('::') + 1 || 0).replace(/^:/, '')} object>`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * torch.autograd.graph.GradientEdge: where one gradient enters the graph, a node and which of its
 * inputs; autograd.grad and backward take one in place of a tensor, as an output or an input
 * (getGradientEdge(t) is t's).
 */
export class GradientEdge {
  constructor(readonly node: Node, readonly outputNr: number) {
    if (!(node instanceof Node)) throw new TypeError(`GradientEdge first object must be an autograd.graph.Node but got ${describe(node)}`);
    if (!Number.isInteger(outputNr) || outputNr < 0) throw new RangeError(`GradientEdge: outputNr must be a non-negative integer, got ${String(outputNr)}`);
  }
}

/** @internal What the engine's entry points take for a tensor or a GradientEdge: its handle, or [node handle, outputNr]. */
export function edgeOrHandle(v: unknown, what: string): Handle | [Handle, number] {
  return v instanceof GradientEdge ? [nodeHandleOf(v.node), v.outputNr] : toHandle(v, what);
}

// A leaf's AccumulateGrad node, through a view made with grad on (as Python's enable_grad; not through
// autograd.ts, whose imports would close a cycle with tensor.ts).
function accumulatorOf(t: Tensor): Node | null {
  const wasEnabled = native.isGradEnabled();
  native.setGradEnabled(true);
  try {
    return t.viewAs(t).gradFn!.nextFunctions[0]![0];
  } finally {
    native.setGradEnabled(wasEnabled);
  }
}

/** The graph node a tensor's gradient goes to: its gradFn, or a leaf's AccumulateGrad (Python's _get_grad_fn_or_grad_acc). */
export function gradFnOrAccumulator(t: Tensor): Node {
  const node = t.requiresGrad && t.gradFn === null ? accumulatorOf(t) : t.gradFn;
  if (node === null) throw new Error('Expected gradient function to be set');
  return node;
}

/** torch.autograd.graph.get_gradient_edge(t): the edge autograd.grad(loss, t) computes the gradient of. */
export function getGradientEdge(t: Tensor): GradientEdge {
  if (!isTensor(t)) throw new TypeError(`getGradientEdge: expected a Tensor, got ${describe(t)}`);
  if (!t.requiresGrad) throw new Error('It is not possible to get the gradient edge for a Tensor that does not require gradients');
  return new GradientEdge(gradFnOrAccumulator(t), t.outputNr);
}
