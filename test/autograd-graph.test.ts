// torch.autograd.graph against Python torch 2.13 (test/fixtures/autograd-graph.json from
// scripts/make-autograd-graph-fixtures.py): graph nodes (names, nextFunctions, identity, metadata,
// hooks), saved-tensors hooks, nn.Module's deprecated registerBackwardHook; then bad input, worker
// threads and the GC.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';   // the instance scripts/pyvalues.mjs decodes into
import { compare, decode } from '../scripts/pyvalues.mjs';
import { isSameRelease } from './release.js';
import { runWithGc, startRoundWorkers } from './run-child.js';
import { warningsOf } from './warnings-of.js';

type T = torch.Tensor;
type Node = torch.GradFn;
interface Fixture {
  torch: string;
  x: unknown; w: unknown; c: unknown;
  graph: [string, [number | null, number][]][];
  node_hooks: { post_inputs: unknown[]; post_outputs: unknown[]; pre_outputs: unknown[]; x_grad: unknown; w_grad: unknown; acc: [string, boolean, unknown[]] };
  saved_hooks: { packed: [number[], boolean, string | null][]; x_grad: unknown; w_grad: unknown; cpu_x_grad: unknown };
  module_hooks: {
    linear_state: Record<string, unknown>;
    linear: { seen: [string, unknown[], unknown[]][]; warnings: [string, string][]; x_grad: unknown; grads: Record<string, unknown> };
    two_ops: { seen: [unknown[], unknown[]][]; warnings: [string, string][]; x_grad: unknown };
    mixed_error: string;
  };
  backward: {
    multi_root: { a: unknown; b: unknown; a_grad: unknown; b_grad: unknown };
    inputs: { mid_grad: unknown; a_grad: unknown; b_grad_is_none: boolean };
    empty_inputs: string;
    multi_grad_hook: { all: boolean[][]; any: unknown[]; bad_mode: string };
    grad_options: {
      named: Record<'p' | 'q', unknown>; batched: unknown; empty: string; materialize_disallowed: string;
      edges: {
        interior: [string, number]; leaf: [string, number]; unbind_1: [string, number]; grads: unknown[]; no_grad_error: string; unused_error: string; materialize_error: string;
        as_output: {
          grad: unknown; double: unknown; scalar_edge: unknown; leaf_edge: unknown; backward_mixed: unknown; edge_input_grad_is_none: boolean;
          implicit_error: string; shape_error: string; tensor_shape_error: string; dtype_error: string; batched_error: string; tensor_batched_error: string;
        };
      };
    };
  };
  versions: { factories: Record<string, number>; after_add: number; after_increment: number; error: string };
  mutation: {
    interior: { b: unknown; a_grad: unknown }; leaf: { w: unknown; w_grad: unknown }; view: { b: unknown; first: unknown; twice: unknown };
    foreach: unknown; out: { b: unknown; a_grad: unknown }; after_backward: unknown; nested_error: string; outside_error: string; without_error: string;
  };
}
const fixture = JSON.parse(readFileSync(new URL('fixtures/autograd-graph.json', import.meta.url), 'utf8')) as Fixture;
// Python names the node in this message ('output 0 of Sin' in 2.13, 'SinBackward0' in 2.11): another release is held to the part before it.
const ofThisRelease = (message: string): string => (isSameRelease(fixture.torch, torch.buildInfo().torchVersion) ? message : message.split(', which is ')[0]!);
const x = (decode(fixture.x) as T).requiresGrad_();
const w = (decode(fixture.w) as T).requiresGrad_();
const c = decode(fixture.c) as T;
const { graph } = torch.autograd;
const exact = (actual: T | null, expected: unknown): string | null => compare(actual, expected, { exact: true });
const resetGrads = (...ts: T[]): void => ts.forEach((t) => (t.grad = null));

// Python's graph_case: a matmul, a view written in place (CopySlices), exp and reductions.
function graphCase(): T {
  const y = x.mm(w).add(c);
  const z = y.clone();
  z.index(':', '1:3').mul_(2);
  return z.exp().sum(1).mul(x.sum(1)).mean();
}

// Python's graph_of: every node breadth first, with each edge as the index of its node.
function graphOf(root: Node): [string, [number | null, number][]][] {
  const order = [root];
  const index = new Map<Node, number>([[root, 0]]);
  const out: [string, [number | null, number][]][] = [];
  for (const node of order) {
    const edges: [number | null, number][] = node.nextFunctions.map(([next, nr]) => {
      if (next !== null && !index.has(next)) {
        index.set(next, order.length);
        order.push(next);
      }
      return [next === null ? null : index.get(next)!, nr];
    });
    out.push([node.name(), edges]);
  }
  return out;
}


describe('graph nodes', () => {
  it("names and nextFunctions are Python's, node for node", () => {
    expect(graphOf(graphCase().gradFn!)).toEqual(fixture.graph);
  });

  it('one object per node while it lives, with metadata the node keeps, and the leaf of AccumulateGrad', () => {
    const out = x.mul(w.index(0, ':3')).sum();
    expect(out.gradFn).toBe(out.gradFn);
    expect(out.gradFn).toBeInstanceOf(graph.Node);
    expect(String(out.gradFn)).toBe('<SumBackward0 object>');
    out.gradFn!.metadata.step = 7;
    expect(out.gradFn!.metadata).toEqual({ step: 7 });
    const acc = out.gradFn!.nextFunctions[0]![0]!.nextFunctions[0]![0]!;
    expect([acc.name(), String(acc), acc.nextFunctions]).toEqual(['torch::autograd::AccumulateGrad', '<AccumulateGrad object>', []]);
    expect(acc.variable!.equal(x)).toBe(true);
    expect(out.gradFn!.variable).toBeUndefined();
    expect(x.gradFn).toBeNull();
    // Two views of one leaf reach the same AccumulateGrad node.
    expect(x.viewAs(x).gradFn!.nextFunctions[0]![0]).toBe(x.mul(1).gradFn!.nextFunctions[0]![0]);
  });

  it("hooks see Python's gradients, replace them, and run in Python's order; a removed hook does not run", () => {
    const out = graphCase();
    const mul = out.gradFn!.nextFunctions[0]![0]!;
    const seen: Record<string, (T | null)[]> = {};
    mul.registerHook((gradInputs, gradOutputs) => {
      seen.postInputs = gradInputs.map((g) => g!.clone());
      seen.postOutputs = gradOutputs.map((g) => g!.clone());
      return [gradInputs[0]!.mul(3), null];
    });
    mul.registerPrehook((gradOutputs) => {
      seen.preOutputs = gradOutputs.map((g) => g!.clone());
      return [gradOutputs[0]!.add(1)];
    });
    mul.registerHook((gi) => [gi[0]!.mul(1000), gi[1]!]).remove();
    const acc = out.gradFn!.nextFunctions[0]![0]!.nextFunctions[1]![0]!.nextFunctions[0]![0]!;
    const order: unknown[] = [];
    acc.registerPrehook(() => void order.push('acc pre'));
    acc.registerHook((gi, go) => void order.push(['acc post', gi.length, go.length]));
    out.backward();
    const expected = fixture.node_hooks;
    seen.postInputs!.forEach((g, i) => expect(exact(g, expected.post_inputs[i])).toBeNull());
    seen.postOutputs!.forEach((g, i) => expect(exact(g, expected.post_outputs[i])).toBeNull());
    seen.preOutputs!.forEach((g, i) => expect(exact(g, expected.pre_outputs[i])).toBeNull());
    expect(exact(x.grad, expected.x_grad)).toBeNull();
    expect(exact(w.grad, expected.w_grad)).toBeNull();
    expect([acc.name(), acc.variable!.equal(x), order]).toEqual(expected.acc);
    resetGrads(x, w);
  });

  it('a hook that returns the wrong thing, or throws, fails backward with a clear error', () => {
    const cases: [(g: (T | null)[]) => unknown, string | RegExp][] = [
      [(g) => [g[0], g[0], g[0]], "hook 'bad' has returned an incorrect number of values (got 3, but expected 1)"],
      [() => 5, 'expected an array, but hook returned number'],
      [() => ['not a tensor'], "hook 'bad' returned string at position 0, expected a Tensor or null"],
      [() => { const t = torch.ones(3); t.dispose(); return [t]; }, "hook 'bad' returned a disposed Tensor at position 0"],
      [() => { throw new RangeError('from the hook'); }, 'from the hook'],
    ];
    for (const [body, message] of cases) {
      const out = x.exp().sum();
      const bad = (g: (T | null)[]): unknown => body(g);
      out.gradFn!.registerPrehook(bad as never);
      expect(() => out.backward(), String(message)).toThrow(message);
    }
    expect(() => x.exp().gradFn!.registerHook(5 as never)).toThrow('Node.registerHook: hook must be a function, got number');
    expect(x.grad).toBeNull();
  });
});

describe('tensor hooks (Tensor.registerHook)', () => {
  it("a returned Tensor of another type or size fails backward with Python's message naming the hook function", () => {
    const x = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
    const run = (hook: (g: torch.Tensor) => torch.Tensor, leaf = false) => () => {
      if (leaf) {
        const z = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
        z.registerHook(hook);
        z.mul(2).sum().backward();
      } else {
        const y = x.mul(2);
        y.registerHook(hook);
        y.sum().backward();
      }
    };
    function myhook(): torch.Tensor {
      return torch.ones([3]);
    }
    // Python: hook 'myhook' / hook '<lambda>' (JS: the function's name, '<anonymous>' without one)
    expect(run(myhook)).toThrow(new Error("hook 'myhook' has changed the size of value"));
    expect(run(myhook, true)).toThrow(new Error("hook 'myhook' has changed the size of value"));
    expect(run(() => torch.ones([3]))).toThrow(new Error("hook '<anonymous>' has changed the size of value"));
    const type = (got: string) => `hook '<anonymous>' has changed the type of value (was torch.FloatTensor got ${got})`;
    expect(run((g) => g.double())).toThrow(new Error(type('torch.DoubleTensor')));
    expect(run(() => torch.ones([3], { dtype: torch.float64 }))).toThrow(new Error(type('torch.DoubleTensor')));   // the type is checked first
    expect(run((g) => g.to(torch.bfloat16))).toThrow(new Error(type('CPUBFloat16Type')));
    expect(run((g) => g.to(torch.bool))).toThrow(new Error(type('CPUBoolType')));
    expect(run((g) => g.to(torch.uint8))).toThrow(new Error(type('torch.ByteTensor')));
    expect(run((g) => g.to('meta'))).toThrow(new Error(type('MetaFloatType')));
    expect(run((g) => g.toSparse())).toThrow(new Error(type('torch.sparse.FloatTensor')));
    expect(run((g) => g.to(torch.bfloat16).toSparse())).toThrow(new Error(type('SparseCPUBFloat16Type')));
    expect(run((g) => g.mul(10))).not.toThrow();
  });

  it("a hook removed by another hook of the same tensor still runs in that backward and is gone from the next, as Python", () => {
    const x = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
    const twice = (hooks: (calls: string[], hs: torch.RemovableHandle[]) => ((g: torch.Tensor) => torch.Tensor | void)[]) => {
      const calls: string[] = [];
      const hs: torch.RemovableHandle[] = [];
      const y = x.mul(2);
      for (const h of hooks(calls, hs)) hs.push(y.registerHook(h));
      y.sum().backward({ retainGraph: true });
      y.sum().backward();
      return calls;
    };
    // Python torch 2.13 gives these lists
    expect(twice((c, hs) => [() => { c.push('a'); hs[1]!.remove(); }, () => { c.push('b'); }])).toEqual(['a', 'b', 'a']);
    expect(twice((c, hs) => [() => { c.push('a'); hs[0]!.remove(); }, () => { c.push('b'); }])).toEqual(['a', 'b', 'b']);
    expect(twice((c, hs) => [() => { c.push('a'); }, () => { c.push('b'); hs[0]!.remove(); }, (g) => { c.push('c'); return g.mul(2); }])).toEqual(['a', 'b', 'c', 'b', 'c']);
    // a hook of another tensor, not reached yet, is removed at once
    const calls: string[] = [];
    const y = x.mul(2);
    const z = y.mul(3);
    const hs: torch.RemovableHandle[] = [];
    hs.push(z.registerHook(() => { calls.push('z'); hs[1]!.remove(); }));
    hs.push(y.registerHook(() => { calls.push('y'); }));
    z.sum().backward();
    expect(calls).toEqual(['z']);
  });
});

describe('saved-tensors hooks', () => {
  it("pack sees Python's saved tensors; gradients through a float32 round trip are Python's", () => {
    const packed: unknown[] = [];
    const out = graph.savedTensorsHooks(
      (t) => {
        packed.push([t.shape, t.requiresGrad, t.gradFn?.name() ?? null]);
        return t.float();
      },
      (p) => p.double(),
      () => x.mm(w).tanh().pow(2).sum(),
    );
    expect(packed).toEqual(fixture.saved_hooks.packed);
    out.backward();
    expect(exact(x.grad, fixture.saved_hooks.x_grad)).toBeNull();
    expect(exact(w.grad, fixture.saved_hooks.w_grad)).toBeNull();
    resetGrads(x, w);
    graph.saveOnCpu(() => x.mm(w).tanh().pow(2).sum()).backward();
    expect(exact(x.grad, fixture.saved_hooks.cpu_x_grad)).toBeNull();
    resetGrads(x, w);
  });

  it('the innermost hooks win; packed values outlive torch.tidy; unpack runs for each read', () => {
    const log: string[] = [];
    const hooks = (name: string) => [(t: T) => (log.push(`${name} pack`), t.mul(1)), (p: T) => (log.push(`${name} unpack`), p)] as const;
    const out = torch.tidy(() => graph.savedTensorsHooks(...hooks('outer'), () => graph.savedTensorsHooks(...hooks('inner'), () => x.exp().sum())));
    expect(log).toEqual(['inner pack']);
    out.backward({ retainGraph: true });
    out.backward();
    expect(log).toEqual(['inner pack', 'inner unpack', 'inner unpack']);
    expect(x.grad!.allclose(x.exp().mul(2))).toBe(true);
    resetGrads(x);
  });

  it("bad hooks and disabled hooks raise PyTorch's errors; nothing stays pushed", () => {
    const out = graph.savedTensorsHooks((t) => t, () => 3 as never, () => x.exp().sum());
    expect(() => out.backward()).toThrow(new TypeError('Output of saved tensor unpack_hook expected to be a Tensor but got result of type number'));
    expect(() => graph.savedTensorsHooks((t) => t.add_(1), (p) => p, () => x.exp())).toThrow('A saved tensor pack hook is modifying its input in place.');
    expect(() => graph.savedTensorsHooks(() => { throw new Error('pack failed'); }, (p) => p, () => x.exp())).toThrow('pack failed');
    expect(() => graph.disableSavedTensorsHooks('hooks are off here', () => graph.saveOnCpu(() => 1))).toThrow('hooks are off here');
    expect(() => graph.saveOnCpu(() => graph.disableSavedTensorsHooks('not inside hooks', () => 1))).toThrow('not inside hooks');
    expect(() => graph.savedTensorsHooks(5 as never, (p: T) => p, () => 1)).toThrow(TypeError);
    expect(() => graph.saveOnCpu({ pinMemry: true } as never, () => 1)).toThrow("unexpected option 'pinMemry'");
    expect(() => graph.savedTensorsHooks((t) => t, (p) => p, (async () => 1) as never)).toThrow('savedTensorsHooks');
    // After all that, nothing is pushed or disabled: a plain forward saves without hooks.
    let packs = 0;
    graph.disableSavedTensorsHooks('off', () => 1);
    graph.savedTensorsHooks((t) => (packs++, t), (p) => p, () => 1);
    x.exp().sum().backward();
    expect(packs).toBe(0);
    resetGrads(x);
  });
});

describe("nn.Module's deprecated registerBackwardHook", () => {
  const freshX = (): T => (decode(fixture.x) as T).requiresGrad_();

  it("sees the gradients of the output's node only, as Python's, and may replace them; with Python's FutureWarning", async () => {
    const expected = fixture.module_hooks.linear;
    const lin = new torch.nn.Linear(3, 4).to(torch.float64);
    lin.loadStateDict(Object.fromEntries(Object.entries(fixture.module_hooks.linear_state).map(([k, v]) => [k, decode(v) as T])));
    const seen: [string, (T | null)[], (T | null)[]][] = [];
    lin.registerBackwardHook((m, gradInput, gradOutput) => {
      seen.push([m.constructor.name, gradInput.map((g) => g && g.clone()), gradOutput.map((g) => g && g.clone())]);
      return gradInput.map((g) => g && g.mul(2));
    });
    const xs = freshX();
    let y: T | undefined;
    expect(warningsOf(() => (y = lin.call(xs)))).toEqual(expected.warnings);
    y!.mul(y!).sum().backward();
    expect(seen.length).toBe(expected.seen.length);
    const [name, gradInput, gradOutput] = seen[0]!;
    expect(name).toBe(expected.seen[0]![0]);
    gradInput.forEach((g, i) => expect(exact(g, expected.seen[0]![1][i])).toBeNull());
    gradOutput.forEach((g, i) => expect(exact(g, expected.seen[0]![2][i])).toBeNull());
    expect(exact(xs.grad, expected.x_grad)).toBeNull();
    for (const [k, p] of lin.namedParameters()) expect(exact(p.grad, expected.grads[k])).toBeNull();
  });

  it('on a module with two ops it sees the last one; full and regular hooks do not mix', async () => {
    class TwoOps extends torch.nn.Module {
      override forward(a: T): T {
        return a.mul(2).add(1);
      }
    }
    const expected = fixture.module_hooks.two_ops;
    const two = new TwoOps();
    const seen: [(T | null)[], (T | null)[]][] = [];
    two.registerBackwardHook((_m, gi, go) => void seen.push([gi.map((g) => g && g.clone()), go.map((g) => g && g.clone())]));
    const xs = freshX();
    let y: T | undefined;
    expect(warningsOf(() => (y = two.call(xs)))).toEqual(expected.warnings);
    y!.sum().backward();
    expect(seen.length).toBe(1);
    seen[0]![0].forEach((g, i) => expect(exact(g, expected.seen[0]![0][i])).toBeNull());
    seen[0]![1].forEach((g, i) => expect(exact(g, expected.seen[0]![1][i])).toBeNull());
    expect(exact(xs.grad, expected.x_grad)).toBeNull();

    const mixed = new torch.nn.Linear(2, 2);
    mixed.registerFullBackwardHook(() => undefined);
    expect(() => mixed.registerBackwardHook(() => undefined)).toThrow(fixture.module_hooks.mixed_error);
    const other = new torch.nn.Linear(2, 2);
    other.registerBackwardHook(() => undefined).remove();
    expect(() => other.registerFullBackwardHook(() => undefined)).toThrow(fixture.module_hooks.mixed_error); // for good, as in PyTorch
  });

  it('registerModuleBackwardHook runs for every module until removed', () => {
    const calls: string[] = [];
    const handle = torch.nn.registerModuleBackwardHook((m) => void calls.push(m.constructor.name));
    try {
      const seq = new torch.nn.Sequential(new torch.nn.Linear(3, 2), new torch.nn.Tanh()).to(torch.float64);
      seq.call(freshX()).sum().backward();
      expect(calls).toEqual(['Tanh', 'Sequential', 'Linear']);
      expect(() => torch.nn.registerModuleFullBackwardHook(() => undefined)).toThrow('as a global Module hook');
    } finally {
      handle.remove();
    }
    calls.length = 0;
    new torch.nn.Linear(3, 2).to(torch.float64).call(freshX()).sum().backward();
    expect(calls).toEqual([]);
  });

  it('global hooks reach modules made after them (a module checks them on its first call)', () => {
    const calls: string[] = [];
    const handle = torch.nn.registerModuleForwardHook((m) => void calls.push(m.constructor.name));
    try {
      new torch.nn.Tanh().call(torch.ones(2));
    } finally {
      handle.remove();
    }
    expect(calls).toEqual(['Tanh']);
  });
});

describe('backward from several roots, backward({ inputs }), registerMultiGradHook', () => {
  const fx = fixture.backward;

  it("autograd.backward runs the roots as one backward, as Python: its gradients, bit for bit", () => {
    const a = (decode(fx.multi_root.a) as T).requiresGrad_();
    const b = (decode(fx.multi_root.b) as T).requiresGrad_();
    let backwards = 0;  // one backward: a multi-grad hook on both leaves runs once
    const handle = graph.registerMultiGradHook([a, b], () => void backwards++);
    torch.autograd.backward([a.mul(b).sin().sum(), a.exp().mul(b).sum(), a.mul(a).mul(b).mean()], [null, torch.tensor(2), null]);
    handle.remove();
    expect(backwards).toBe(1);
    expect(exact(a.grad, fx.multi_root.a_grad)).toBeNull();
    expect(exact(b.grad, fx.multi_root.b_grad)).toBeNull();
    expect(() => torch.autograd.backward([a.sum(), a.sum()], [null])).toThrow('got 2 tensors and 1 gradients');
  });

  it("inputs: only those tensors' .grad is written (a non-leaf's too); an empty list is Python's error", () => {
    const a = (decode(fx.multi_root.a) as T).requiresGrad_();
    const b = (decode(fx.multi_root.b) as T).requiresGrad_();
    const mid = a.mul(2);
    const y = mid.mul(b).sum();
    y.backward({ inputs: [mid, a], retainGraph: true });
    expect(exact(mid.grad, fx.inputs.mid_grad)).toBeNull();
    expect(exact(a.grad, fx.inputs.a_grad)).toBeNull();
    expect(b.grad === null).toBe(fx.inputs.b_grad_is_none);
    expect(() => y.backward({ inputs: [] })).toThrow(fx.empty_inputs);
    expect(() => y.backward({ inputs: [5 as never] })).toThrow(TypeError);
    a.grad = null;
    torch.autograd.backward(y, null, { inputs: b });
    expect([a.grad, b.grad === null]).toEqual([null, false]);
  });

  it("autograd.grad's 2.x options: named inputs, materializeGrads, isGradsBatched; Python's errors", () => {
    const g = fx.grad_options;
    const p = torch.tensor([0.5, -1.5, 2.0], { dtype: torch.float64, requiresGrad: true });
    const q = torch.tensor([1.0, 2.0, 3.0], { dtype: torch.float64, requiresGrad: true });
    const y = p.sin().mul(2).sum();
    const named = torch.autograd.grad(y, { p, q }, { materializeGrads: true, retainGraph: true });
    expect(Object.keys(named)).toEqual(Object.keys(g.named));
    for (const k of ['p', 'q'] as const) expect(exact(named[k], g.named[k])).toBeNull();
    const m = torch.tensor([[0.3, -0.2, 0.9], [1.1, 0.4, -0.7]], { dtype: torch.float64, requiresGrad: true });
    const go = torch.arange(24, { dtype: torch.float64 }).reshape(4, 2, 3).div(10);
    const [batched] = torch.autograd.grad(m.exp().mul(m), m, { gradOutputs: go, isGradsBatched: true });
    expect(exact(batched!, g.batched)).toBeNull();
    expect(() => torch.autograd.grad(y, [])).toThrow(g.empty);
    expect(() => torch.autograd.grad(y, p, { materializeGrads: true, allowUnused: false })).toThrow(g.materialize_disallowed);
    expect(() => torch.autograd.grad(m.exp().mul(m), m, { gradOutputs: go.index(':3'), isGradsBatched: true, allowUnused: true, retainGraph: true })).not.toThrow();
    // an empty batch: Python's IndexError (vmap indexes row 0)
    expect(() => torch.autograd.grad(m.exp().mul(m), m, { gradOutputs: go.index(':0'), isGradsBatched: true, retainGraph: true })).toThrow(new RangeError('index 0 is out of bounds for dimension 0 with size 0'));
  });

  it("GradientEdges stand in for tensors in autograd.grad: Python's edges and gradients", () => {
    const ge = fx.grad_options.edges;
    const { getGradientEdge, GradientEdge } = graph;
    const p = torch.tensor([0.5, -1.5, 2.0], { dtype: torch.float64, requiresGrad: true });
    const q = torch.tensor([1.0, 2.0, 3.0], { dtype: torch.float64, requiresGrad: true });
    const e = p.exp();
    const z = e.sin().sum();
    const parts = p.unbind();
    const pair = (edge: InstanceType<typeof GradientEdge>): [string, number] => [edge.node.name(), edge.outputNr];
    expect([pair(getGradientEdge(e)), pair(getGradientEdge(p)), pair(getGradientEdge(parts[1]!))]).toEqual([ge.interior, ge.leaf, ge.unbind_1]);
    const grads = torch.autograd.grad(z, [getGradientEdge(e), p, getGradientEdge(p)], { retainGraph: true });
    grads.forEach((g, i) => expect(exact(g, ge.grads[i])).toBeNull());
    expect(getGradientEdge(e).node).toBe(e.gradFn);
    expect(() => getGradientEdge(torch.ones(2))).toThrow(ge.no_grad_error);
    expect(() => torch.autograd.grad(z, getGradientEdge(q), { retainGraph: true })).toThrow(ge.unused_error);
    expect(() => torch.autograd.grad(z, getGradientEdge(q), { materializeGrads: true, retainGraph: true })).toThrow(ge.materialize_error);
    expect(() => new GradientEdge({} as never, 0)).toThrow('GradientEdge first object must be an autograd.graph.Node');
  });

  it("GradientEdges as outputs of autograd.grad and backward, and as backward's inputs: Python's gradients and errors", () => {
    const o = fx.grad_options.edges.as_output;
    const { getGradientEdge, GradientEdge } = graph;
    const r = torch.tensor([0.5, -1.5, 2.0], { dtype: torch.float64, requiresGrad: true });
    const h = r.pow(3);
    const he = getGradientEdge(h);
    const s = r.mul(2).sum();
    const gr = torch.tensor([1.0, -2.0, 0.5], { dtype: torch.float64 });
    expect(exact(torch.autograd.grad(he, r, { gradOutputs: gr, retainGraph: true })[0]!, o.grad)).toBeNull();
    const [first] = torch.autograd.grad(he, r, { gradOutputs: gr, createGraph: true });
    expect(exact(torch.autograd.grad(first!.sum(), r)[0]!, o.double)).toBeNull();
    expect(exact(torch.autograd.grad(getGradientEdge(s), r, { retainGraph: true })[0]!, o.scalar_edge)).toBeNull();
    expect(exact(torch.autograd.grad(getGradientEdge(r), r, { gradOutputs: gr })[0]!, o.leaf_edge)).toBeNull();
    const f64 = { dtype: torch.float64 };
    expect(() => torch.autograd.grad(he, r, { retainGraph: true })).toThrow(o.implicit_error);
    expect(() => torch.autograd.grad(he, r, { gradOutputs: torch.ones([2], f64), retainGraph: true })).toThrow(o.shape_error);
    expect(() => torch.autograd.grad(h, r, { gradOutputs: torch.ones([2], f64), retainGraph: true })).toThrow(o.tensor_shape_error);
    expect(() => torch.autograd.grad(he, r, { gradOutputs: torch.ones([3], { dtype: torch.complex128 }), retainGraph: true })).toThrow(o.dtype_error);
    expect(() => torch.autograd.grad(he, r, { gradOutputs: torch.ones([2, 2], f64), isGradsBatched: true, retainGraph: true })).toThrow(o.batched_error);
    expect(() => torch.autograd.grad(h, r, { gradOutputs: torch.ones([2, 2], f64), isGradsBatched: true, retainGraph: true })).toThrow(o.tensor_batched_error);
    expect(() => torch.autograd.grad(new GradientEdge(he.node, 1), r, { gradOutputs: gr, retainGraph: true })).toThrow(RangeError);
    // as an input, such an edge made libtorch's engine abort the process (Python 2.13 segfaults): a RangeError instead
    const hs = h.sum();
    expect(() => torch.autograd.grad(hs, new GradientEdge(he.node, 5), { retainGraph: true })).toThrow(
      new RangeError('autograd.grad: inputs: GradientEdge outputNr 5 is out of range for PowBackward0, which takes 1 gradient(s)'));
    expect(() => hs.backward({ inputs: [new GradientEdge(he.node, 1)], retainGraph: true })).toThrow(/inputs: GradientEdge outputNr 1 is out of range/);
    expect(() => torch.autograd.grad([he, 3 as never], r)).toThrow('autograd.grad: outputs[1] must be a Tensor');
    r.grad = null;
    torch.autograd.backward([he, s], [gr, null]);
    expect(exact(r.grad, o.backward_mixed)).toBeNull();
    r.grad = null;
    const h2 = r.mul(3);
    h2.mul(h2).sum().backward({ inputs: [getGradientEdge(h2)] });
    expect(r.grad === null).toBe(o.edge_input_grad_is_none);
    const h3 = r.mul(3);
    torch.autograd.backward(h3.sum(), null, { inputs: getGradientEdge(h3) });
    expect(r.grad).toBeNull();
  });

  it("registerMultiGradHook: 'all' waits for every tensor this backward reaches, 'any' takes the first", () => {
    const a = (decode(fx.multi_root.a) as T).requiresGrad_();
    const b = (decode(fx.multi_root.b) as T).requiresGrad_();
    const seen: boolean[][] = [];
    const [c, d] = [a.mul(b), a.mul(b)];
    const handle = graph.registerMultiGradHook([a, b, c, d], (grads) => void seen.push(grads.map((g) => g !== null)));
    c.sum().backward({ retainGraph: true });
    c.sum().backward({ inputs: [a], retainGraph: true });
    handle.remove();
    c.sum().backward({ retainGraph: true });
    expect(seen).toEqual(fx.multi_grad_hook.all);
    const anySeen: T[] = [];
    graph.registerMultiGradHook([a, b], (g) => void anySeen.push(g), { mode: 'any' });
    a.mul(b).mul(3).sum().backward();
    expect(anySeen.length).toBe(fx.multi_grad_hook.any.length);
    expect(exact(anySeen[0]!, fx.multi_grad_hook.any[0])).toBeNull();
    expect(() => graph.registerMultiGradHook([a], () => undefined, { mode: 'some' as never })).toThrow(fx.multi_grad_hook.bad_mode);
  });
});

describe('version counters', () => {
  it("factories start at 0, in-place ops and incrementVersion bump them, and backward's error is Python's", () => {
    const fv = fixture.versions;
    const made: Record<string, T> = {
      ones: torch.ones(3), zeros: torch.zeros(3), full: torch.full([2], 3), arange: torch.arange(3), linspace: torch.linspace(0, 1, 3),
      eye: torch.eye(2), rand: torch.rand(2), randn: torch.randn(2), randint: torch.randint(5, [3]), randperm: torch.randperm(4),
      zeros_like: torch.zerosLike(x), full_like: torch.fullLike(x, 2), tril_indices: torch.trilIndices(3, 3), tensor: torch.tensor([1, 2]),
    };
    expect(Object.fromEntries(Object.entries(made).map(([k, t]) => [k, t._version]))).toEqual(fv.factories);
    const a = torch.ones(3);
    const y = torch.ones(3, { requiresGrad: true }).mul(a);
    a.add_(1);
    expect(a._version).toBe(fv.after_add);
    graph.incrementVersion([a, torch.zeros(1)]);
    expect(a._version).toBe(fv.after_increment);
    expect(() => y.sum().backward()).toThrow(fv.error);
    expect(() => graph.incrementVersion([a, 3 as never])).toThrow('incrementVersion: expected a Tensor or an array of Tensors, got number at 1');
    expect(torch.ones(2, { requiresGrad: true }).requiresGrad).toBe(true); // factories still honour requiresGrad
    expect(x.to(torch.float32).gradFn!.name()).toBe('ToCopyBackward0'); // and conversions still record
  });
});

describe('allowMutationOnSavedTensors', () => {
  const m = fixture.mutation;
  const base = (): T => torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], { dtype: torch.float64 });

  it("saved tensors written in place are copied first: Python's gradients, bit for bit", () => {
    const { allowMutationOnSavedTensors } = graph;
    let outside: T | undefined;
    allowMutationOnSavedTensors(() => {
      let a = base().requiresGrad_();
      let b = a.clone();
      let loss = b.pow(2).sum();
      b.sin_();
      loss.backward();
      expect([exact(b, m.interior.b), exact(a.grad, m.interior.a_grad)]).toEqual([null, null]);
      const w = base().requiresGrad_();
      loss = w.mul(w).mul(w).sum();
      torch.noGrad(() => w.mul_(10));
      loss.backward();
      expect([exact(w, m.leaf.w), exact(w.grad, m.leaf.w_grad)]).toEqual([null, null]);
      a = base().requiresGrad_();
      b = a.mul(2);
      loss = b.mul(b).sum().add(b.exp().sum());
      b.view(-1).add_(1);                               // a view at offset 0: the same data pointer and version
      loss.backward({ retainGraph: true });
      const first = a.grad!.clone();
      loss.backward();
      expect([exact(b, m.view.b), exact(first, m.view.first), exact(a.grad, m.view.twice)]).toEqual([null, null, null]);
      a = base().requiresGrad_();
      const [p, q] = [a.mul(1), a.mul(3)];
      loss = p.mul(q).sum();
      torch.ops.aten._foreach_mul_([p, q], 2.0);        // a list argument written in place
      loss.backward();
      expect(exact(a.grad, m.foreach)).toBeNull();
      a = base().requiresGrad_();
      b = a.cos();
      loss = b.mul(a).sum();
      torch.noGrad(() => torch.mul(base(), 4, { out: b }));
      loss.backward();
      expect([exact(b, m.out.b), exact(a.grad, m.out.a_grad)]).toEqual([null, null]);
      a = base().requiresGrad_();
      b = a.clone();
      b.pow(2).sum().backward();
      b.sin_();                                          // after backward freed the graph: nothing to copy
      expect(exact(b, m.after_backward)).toBeNull();
      b = base().requiresGrad_().clone();
      outside = b.pow(2).sum();
      b.mul_(2);
      expect(() => allowMutationOnSavedTensors(() => 0)).toThrow(m.nested_error);
    });
    expect(() => outside!.backward()).toThrow(m.outside_error);
    const b = base().requiresGrad_().clone();
    const loss = b.pow(2).sum();
    b.sin_();
    expect(() => loss.backward()).toThrow(ofThisRelease(m.without_error));
  });

  it('is per thread, leaves no hooks or interception behind, and refuses bad input', async () => {
    const { allowMutationOnSavedTensors, savedTensorsHooks, disableSavedTensorsHooks } = graph;
    expect(() => allowMutationOnSavedTensors(() => { throw new Error('inside'); })).toThrow('inside');
    expect(allowMutationOnSavedTensors(() => 7)).toBe(7);             // the failed call above left nothing open
    const b = base().requiresGrad_().clone();
    const loss = b.pow(2).sum();
    b.sin_();
    expect(() => loss.backward()).toThrow(ofThisRelease(m.without_error));        // no interception after the call
    // Hooks pushed inside win, as Python's innermost saved_tensors_hooks.
    const packed: number[][] = [];
    allowMutationOnSavedTensors(() => savedTensorsHooks((t) => { packed.push(t.shape); return t; }, (t) => t, () => base().requiresGrad_().pow(2).sum().backward()));
    expect(packed).toEqual([[2, 3]]);
    expect(() => disableSavedTensorsHooks('no hooks here', () => allowMutationOnSavedTensors(() => 0))).toThrow('no hooks here');
    expect(() => allowMutationOnSavedTensors(null as never)).toThrow(TypeError);
    await expect(async () => allowMutationOnSavedTensors((async () => 0) as never)).rejects.toThrow(/async/);
    // Workers inside allowMutationOnSavedTensors while this thread, outside it, still gets the error.
    const round = `(t) => t.autograd.graph.allowMutationOnSavedTensors(() => {
      const a = t.tensor([0.5, 2.0], { dtype: t.float64, requiresGrad: true });
      const b = a.clone();
      const loss = b.pow(2).sum();
      b.sin_();
      loss.backward();
      return JSON.stringify(a.grad.tolist());
    })`;
    const workers = startRoundWorkers(round, '[1,4]', { times: 200, count: 2 });
    let rounds = 0;
    while (workers.running() > 0 || rounds < 50) {
      const c = base().requiresGrad_().clone();
      const l = c.pow(2).sum();
      c.sin_();
      expect(() => l.backward()).toThrow(ofThisRelease(m.without_error));
      if (++rounds % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(await workers.results).toEqual(['ok', 'ok']);
  });
});

describe('threads and the GC', { timeout: 300_000 }, () => {
  it('each worker thread has its own saved-tensors hooks and node hooks', async () => {
    const round = `(t) => {
      const x = t.tensor([0.5, 1, 2], { dtype: t.float64, requiresGrad: true });
      let packs = 0, posts = 0;
      const out = t.autograd.graph.savedTensorsHooks((s) => (packs++, s.float()), (p) => p.double(), () => x.mul(x).sum());
      out.gradFn.registerHook(() => { posts++; });
      const plain = x.exp().sum();  // outside the hooks: not packed
      out.backward(); plain.backward();
      return JSON.stringify([packs, posts, x.grad.tolist()]);
    }`;
    const expected = JSON.stringify([2, 1, [1 + Math.exp(0.5), 2 + Math.exp(1), 4 + Math.exp(2)]]);
    const workers = startRoundWorkers(round, expected, { times: 300, count: 3 });
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const mainRound = new Function('t', `return (${round})(t);`) as (t: typeof torch) => string;
    let rounds = 0;
    while (workers.running() > 0 || rounds < 300) {
      expect(mainRound(torch)).toBe(expected);
      if (++rounds % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(await workers.results).toEqual(['ok', 'ok', 'ok']);
  });

  it('nodes with hooks and metadata, and graphs made under saved-tensors hooks, are collected without dispose', () => {
    const r = runWithGc(`
      const x = torch.ones(16, { requiresGrad: true });
      const { graph } = torch.autograd;
      const before = await settle();
      for (let i = 0; i < 3000; i++) {
        const y = x.mul(2).exp().sum();
        y.gradFn.metadata.i = i;
        y.gradFn.registerHook(() => {});
        y.gradFn.nextFunctions[0][0].registerPrehook(() => {});
        // A packed copy: packing the saved tensor itself would make a cycle that only backward breaks, as in PyTorch.
        const z = graph.savedTensorsHooks((t) => [t.double()], ([p]) => p.float(), () => x.exp().mul(x).sum());
        if (i % 2) z.backward();  // released by backward, or left to the GC with its packed values
      }
      return { leaked: (await settle()) - before };`);
    expect(r.leaked).toBeLessThan(50);
  });
});
