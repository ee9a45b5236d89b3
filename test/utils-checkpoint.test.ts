// torch.utils.checkpoint against Python torch 2.13 (test/fixtures/utils-checkpoint.json from
// scripts/make-utils-checkpoint-fixtures.py): a float64 MLP and a model with dropout run plainly, under
// checkpoint (reentrant or not, RNG state preserved or not, backward twice with retainGraph) and under
// checkpointSequential; outputs, gradients and the RNG stream after backward are Python's, bit for bit.
// Then several inputs and outputs, nested checkpoints, autograd.grad, Python's warnings and errors, and
// the memory a checkpointed forward keeps.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';   // the instance scripts/pyvalues.mjs decodes into
import { compare, decode } from '../scripts/pyvalues.mjs';
import { runWithGc, startRoundWorkers } from './run-child.js';
import { warningsOf } from './warnings-of.js';

type T = torch.Tensor;
type Enc = Record<string, unknown>;
interface Run {
  spec: ['mlp' | 'dropout', 'plain' | 'checkpoint' | 'sequential', boolean | null, boolean, boolean];
  output: unknown;
  grads: Enc;
  next_rand: unknown;
}
interface PyError {
  type: string;
  message: string;
}
const fixture = JSON.parse(readFileSync(new URL('fixtures/utils-checkpoint.json', import.meta.url), 'utf8')) as {
  x: unknown;
  seed: number;
  state_dicts: Record<string, Enc>;
  runs: Record<string, Run>;
  multi: { a: unknown; b: unknown; s: number; runs: Record<string, { o1: unknown; o2: unknown; grad: unknown }> };
  nested: Record<'a' | 'plain' | 'nested' | 'grad-plain' | 'grad-checkpointed' | 'counted_grad', unknown> &
    Record<'calls_after_forward' | 'calls_after_backward', { outer: number; inner: number }> & { outer_hook_packs: number };
  pack_counts: Record<'plain' | 'reentrant' | 'non-reentrant', number>;
  warnings: Record<string, { category: string; message: string }[]>;
  errors: Record<string, PyError>;
  determinism_none_grad: unknown;
  selective: {
    a: number[][]; w: number[][]; seen: [string, number[][], number[] | null][]; grads: unknown[]; out: unknown; list_grad: unknown;
    mutated_error: string; mutated_allowed_a_grad: unknown; twice_error: string; packet_error: string; bad_policy_error: string;
  };
  debug: Record<'fewer' | 'metadata' | 'enabled_globally', PyError & { cause: string }> & Record<'disabled_globally' | 'with_context_fn', PyError>;
  device_states: { states: [number[], unknown[]]; default_type: string; after_set: string; set_result: null };
  groups: Record<'ungrouped' | 'grouped', { calls: number; grad: unknown }> & Record<'overlap_error' | 'nested_error' | 'reentrant_grad_error' | 'reentrant_inputs_error', PyError>;
};
const { nn } = torch;
const { checkpoint, checkpointSequential, CheckpointError, CheckpointFunction } = torch.utils.checkpoint;

function expectSame(actual: unknown, expected: unknown, what: string): void {
  expect(compare(actual, expected, { exact: true }), what).toBeNull();
}

function build(name: 'mlp' | 'dropout'): torch.nn.Sequential {
  const model =
    name === 'mlp'
      ? new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 8), new nn.Sigmoid(), new nn.Linear(8, 3))
      : new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(8, 8), new nn.Tanh(), new nn.Dropout(0.3), new nn.Linear(8, 3));
  model.to(torch.float64);
  model.loadStateDict(Object.fromEntries(Object.entries(fixture.state_dicts[name]!).map(([k, v]) => [k, decode(v) as T])));
  return model;
}


// The error fn throws.
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe("models under checkpoint: Python's outputs, gradients and RNG stream", () => {
  for (const [name, r] of Object.entries(fixture.runs)) {
    it(name, () => {
      const [modelName, how, useReentrant, preserveRngState, twice] = r.spec;
      const model = build(modelName);
      const x = (decode(fixture.x) as T).requiresGrad_();
      torch.manualSeed(fixture.seed);
      const options = { useReentrant: useReentrant!, preserveRngState };
      const out =
        how === 'plain'
          ? (model.call(x) as T)
          : how === 'checkpoint'
            ? checkpoint((t: T) => model.call(t) as T, x, options)
            : checkpointSequential(model, 2, x, options);
      if (how === 'checkpoint') expect(out.gradFn?.name()).toBe(useReentrant ? 'CheckpointFunctionBackward' : 'AddmmBackward0');
      const loss = out.pow(2).sum();
      loss.backward(null, { retainGraph: twice });
      if (twice) loss.backward();
      expectSame(out.detach(), r.output, 'output');
      expectSame(x.grad, r.grads.x, 'grad of x');
      for (const [k, p] of model.namedParameters()) expectSame(p.grad, r.grads[k], `grad of ${k}`);
      expectSame(torch.rand(4, { dtype: torch.float64 }), r.next_rand, 'the RNG stream after backward');
    });
  }

  it('checkpointSequential takes an array of modules and functions, and an nn.ModuleList', () => {
    const r = fixture.runs['dropout-sequential-non-reentrant']!;
    for (const wrap of [(m: torch.nn.Sequential) => m.children().map((c, i) => (i === 1 ? (t: T) => t.relu() : c)), (m: torch.nn.Sequential) => new nn.ModuleList(m.children())]) {
      const model = build('dropout');
      const x = (decode(fixture.x) as T).requiresGrad_();
      torch.manualSeed(fixture.seed);
      checkpointSequential(wrap(model), 2, x, { useReentrant: false }).pow(2).sum().backward();
      expectSame(x.grad, r.grads.x, 'grad of x');
      for (const [k, p] of model.namedParameters()) expectSame(p.grad, r.grads[k], `grad of ${k}`);
    }
  });
});

describe('functions of several inputs and outputs, nesting, autograd.grad', () => {
  const m = fixture.multi;
  const multi = (a: T, b: T, s: number): T[] => [a.sin().mul(b).mul(s).tanh(), a.mul(a).exp()];
  for (const mode of ['plain', 'reentrant', 'non-reentrant'] as const) {
    for (const use of ['both', 'first'] as const) {
      it(`${mode}, loss of ${use === 'both' ? 'both outputs' : 'the first output only'}`, () => {
        const a = (decode(m.a) as T).requiresGrad_();
        const b = decode(m.b) as T;
        const [o1, o2] = mode === 'plain' ? multi(a, b, m.s) : checkpoint(multi, a, b, m.s, { useReentrant: mode === 'reentrant' });
        (use === 'both' ? o1!.sum().add(o2!.mean()) : o1!.sum()).backward();
        const expected = m.runs[`${mode}-${use}`]!;
        expectSame(o1!.detach(), expected.o1, 'o1');
        expectSame(o2!.detach(), expected.o2, 'o2');
        expectSame(a.grad, expected.grad, 'grad');
      });
    }
  }

  it('nested non-reentrant checkpoints and autograd.grad give the plain gradients', () => {
    const inner = (t: T): T => t.exp().sin();
    const outer = (t: T, ck: boolean): T => (ck ? checkpoint(inner, t.cos(), { useReentrant: false }) : inner(t.cos())).mul(t).tanh();
    const a = (decode(fixture.nested.a) as T).requiresGrad_();
    checkpoint(outer, a, true, { useReentrant: false }).sum().backward();
    expectSame(a.grad, fixture.nested.nested, 'nested');
    expectSame(a.grad, fixture.nested.plain, 'nested = plain');
    const a2 = (decode(fixture.nested.a) as T).requiresGrad_();
    const [g] = torch.autograd.grad(checkpoint(outer, a2, false, { useReentrant: false }).pow(2).sum(), [a2]);
    expectSame(g, fixture.nested['grad-checkpointed'], 'autograd.grad');
  });

  it("a nested checkpoint's inputs are saved through the outer one's hooks and recomputed by it, as Python's (counted)", () => {
    const calls = { outer: 0, inner: 0 };
    const inner = (t: T): T => (calls.inner++, t.exp().sin());
    const outer = (t: T): T => (calls.outer++, checkpoint(inner, t.cos(), { useReentrant: false }).tanh());
    const a = (decode(fixture.nested.a) as T).requiresGrad_();
    let packs = 0;
    const y = torch.autograd.graph.savedTensorsHooks((t) => (packs++, t), (t) => t, () => checkpoint(outer, a, { useReentrant: false }).sum());
    expect(calls).toEqual(fixture.nested.calls_after_forward);
    expect(packs).toBe(fixture.nested.outer_hook_packs);
    y.backward();
    expect(calls).toEqual(fixture.nested.calls_after_backward);
    expectSame(a.grad, fixture.nested.counted_grad, 'grad');
  });

  it('non-tensor arguments and an argument without grad pass through; a Tensor is never read as options', () => {
    const a = torch.ones(2, { dtype: torch.float64 }).requiresGrad_();
    const seen: unknown[] = [];
    const y = checkpoint((t: T, opts: { k: number }, n: null, u: T) => (seen.push(opts, n), t.mul(opts.k).mul(t).add(u)), a, { k: 3 }, null, torch.ones(2), { useReentrant: false });
    y.sum().backward();
    expect(seen.slice(0, 2)).toEqual([{ k: 3 }, null]);
    expect(seen).toHaveLength(4); // run again in backward
    expect(a.grad!.tolist()).toEqual([6, 6]); // d(k t²)/dt
    const w = warningsOf(() => checkpoint((t: T) => t.sin(), a));   // a tensor last: no options, the default with its warning
    expect(w.map(([, message]) => message)).toEqual([fixture.warnings['checkpoint-use-reentrant']![0]!.message]);
  });

  it('the reentrant variant returns non-Tensor outputs as they are, untracked (PyTorch 2.13: the same values and grads)', () => {
    const a = torch.tensor([1, 2, 3], { dtype: torch.float32, requiresGrad: true });
    const [e, none] = checkpoint((t: T) => [t.exp(), null], a, { useReentrant: true });
    (e as T).sum().backward();
    expect(none).toBeNull();
    expect((a.grad!.tolist() as number[]).map((v) => Number(v.toFixed(4)))).toEqual([2.7183, 7.3891, 20.0855]);
    expect(checkpoint((t: T) => [t.exp(), 5], a, { useReentrant: true })[1]).toBe(5);
    const dict = checkpoint((t: T) => ({ o: t.exp() }), a, { useReentrant: true });
    expect(dict.o.requiresGrad).toBe(false); // one output that is not a Tensor: Python tracks nothing inside it
    const nested = checkpoint((t: T) => [[t.exp()]], a, { useReentrant: true });
    expect(nested[0]![0]!.requiresGrad).toBe(false);
    expect(checkpoint((t: T) => t.sin().sum().item(), a, { useReentrant: true })).toBeCloseTo(1.8919, 4);
  });

  it('without grad mode the function just runs; CheckpointFunction is the reentrant node', () => {
    const a = torch.ones(2).requiresGrad_();
    for (const useReentrant of [true, false]) {
      const y = torch.noGrad(() => checkpoint((t: T) => t.mul(2), a, { useReentrant }));
      expect([y.requiresGrad, y.gradFn]).toEqual([false, null]);
    }
    const y = CheckpointFunction.apply((t: T) => t.mul(2), true, a) as T;
    expect(y.gradFn?.name()).toBe('CheckpointFunctionBackward');
  });

  it('contextFn wraps the forward and the recomputation; setCheckpointEarlyStop(false) recomputes everything', () => {
    const regions: string[] = [];
    const contextFn = (): readonly [torch.utils.checkpoint.CheckpointContext, torch.utils.checkpoint.CheckpointContext] => [
      (f) => (regions.push('forward'), f()),
      (f) => (regions.push('recompute'), f()),
    ];
    let calls = 0;
    const fn = (t: T): T => {
      calls++;
      const h = t.exp();
      return h.add(h.detach().mul(0).add(t.sum().detach())); // after the last saved tensor: early stop skips it
    };
    const a = torch.ones(3, { dtype: torch.float64 }).requiresGrad_();
    checkpoint(fn, a, { useReentrant: false, contextFn }).sum().backward();
    expect(regions).toEqual(['forward', 'recompute']);
    expect(calls).toBe(2);
    const a2 = torch.ones(3, { dtype: torch.float64 }).requiresGrad_();
    torch.utils.checkpoint.setCheckpointEarlyStop(false, () => checkpoint(fn, a2, { useReentrant: false })).sum().backward();
    expect(a2.grad!.tolist()).toEqual(a.grad!.tolist());
  });
});

describe("Python's warnings and errors", () => {
  it('warns when useReentrant is not passed, and for the reentrant variant when no input requires grad', () => {
    const x = torch.randn(3, { dtype: torch.float64 }).requiresGrad_();
    const model = build('mlp');
    const xm = (decode(fixture.x) as T).requiresGrad_();
    const pairs = (name: string): [string, string][] => fixture.warnings[name]!.map((w) => [w.category, w.message]);
    expect(warningsOf(() => checkpoint(torch.sin, x))).toEqual(pairs('checkpoint-use-reentrant'));
    expect(warningsOf(() => checkpointSequential(model, 2, xm))).toEqual(pairs('sequential-use-reentrant'));
    expect(warningsOf(() => checkpoint(torch.sin, x.detach(), { useReentrant: true }))).toEqual(pairs('no-input-requires-grad-reentrant'));
    expect(warningsOf(() => checkpoint(torch.sin, x.detach(), { useReentrant: false }))).toEqual(pairs('no-input-requires-grad-non-reentrant'));
  });

  // A function that runs `forward` the first time and `recompute` after (a global-state dependency).
  const changing = (forward: (a: T) => T, recompute: (a: T) => T) => {
    let calls = 0;
    return (a: T): T => (++calls === 1 ? forward(a) : recompute(a));
  };
  const backwardThrough = (fn: (a: T) => T, options: torch.utils.checkpoint.CheckpointOptions = {}): T => {
    const a = torch.arange(1, 5, { dtype: torch.float64 }).requiresGrad_();
    checkpoint(fn, a, { useReentrant: false, ...options }).sum().backward();
    return a.grad!;
  };
  const x = torch.randn(3, { dtype: torch.float64 }).requiresGrad_();
  const modified = (leaf: boolean): void => {
    const a = torch.arange(1, 4, { dtype: torch.float64 }).requiresGrad_();
    const b = leaf ? a : a.mul(2);
    const y = checkpoint(torch.exp, b, { useReentrant: false }).sum();
    torch.noGrad(() => b.mul_(2));
    y.backward();
  };
  const cases: Record<string, () => unknown> = {
    'input-modified-in-place': () => modified(false),
    'leaf-input-modified-in-place': () => modified(true),
    'metadata-shape': () => backwardThrough(changing((a) => a.index(':2').exp(), (a) => a.index(':3').exp())),
    'metadata-dtype': () => backwardThrough(changing((a) => a.exp(), (a) => a.float().exp())),
    'fewer-tensors': () => backwardThrough(changing((a) => a.exp().exp(), (a) => a.exp())),
    'more-tensors-no-early-stop': () => backwardThrough(changing((a) => a.exp(), (a) => a.exp().exp()), { earlyStop: false }),
    'determinism-check-value': () => checkpoint(torch.exp, x, { useReentrant: false, determinismCheck: 'shape' as 'none' }),
    'reentrant-context-fn': () => checkpoint(torch.exp, x, { useReentrant: true, contextFn: torch.utils.checkpoint.noopContextFn.bind(null) }),
    'reentrant-debug': () => checkpoint(torch.exp, x, { useReentrant: true, debug: true }),
    'reentrant-no-output-requires-grad': () => checkpoint((a: T) => a.detach().mul(2), x, { useReentrant: true }).sum().backward(),
    'backward-twice': () => {
      const y = checkpoint(torch.exp, x, { useReentrant: false }).sum();
      y.backward();
      y.backward();
    },
  };
  for (const [name, expected] of Object.entries(fixture.errors)) {
    it(`${name}: ${expected.type}`, () => {
      const e = thrown(cases[name]!);
      // torchnode names the function that raised a libtorch error ('backward: ...', the checkpoint's unpack of its
      // saved inputs 'checkpoint: ...'); the rest is Python's message
      const prefix = name === 'backward-twice' ? 'backward: ' : name.endsWith('input-modified-in-place') ? 'checkpoint: ' : '';
      expect(e.message).toBe(prefix + expected.message);
      if (expected.type === 'CheckpointError') {
        expect(e).toBeInstanceOf(CheckpointError);
        expect(e.name).toBe('CheckpointError');
      }
    });
  }

  it("determinismCheck: 'none' lets a recomputation of another dtype through, with Python's gradient", () => {
    const g = backwardThrough(changing((a) => a.exp(), (a) => a.float().exp()), { determinismCheck: 'none' });
    expectSame(g, fixture.determinism_none_grad, 'grad');
  });

  it('backward twice with retainGraph recomputes each time; a reentrant second backward without it is refused', () => {
    let calls = 0;
    const a = torch.ones(2, { dtype: torch.float64 }).requiresGrad_();
    const y = checkpoint((t: T) => (calls++, t.exp().sum()), a, { useReentrant: false });
    y.backward(null, { retainGraph: true });
    y.backward(null, { retainGraph: true });
    y.backward();
    expect(calls).toBe(4);
    expect(a.grad!.tolist()).toEqual([3 * Math.E, 3 * Math.E]);
    const z = checkpoint((t: T) => t.exp().sum(), a, { useReentrant: true });
    z.backward();
    expect(() => z.backward()).toThrow('Trying to backward through the graph a second time');
  });

  it('bad arguments are TypeErrors and RangeErrors naming the problem', () => {
    const a = torch.ones(2).requiresGrad_();
    const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU());
    expect(() => checkpoint(42 as never, a)).toThrow(new TypeError('checkpoint: function must be a function, got number'));
    expect(() => checkpoint(torch.sin, a, { useReentrant: false, preserve_rng_state: false } as never)).toThrow(TypeError);
    expect(() => checkpoint(torch.sin, a, { useReentrant: false, preserve_rng_state: false } as never)).toThrow(/preserveRngState/);
    expect(() => checkpoint(torch.sin, a, { useReentrant: 1 as never })).toThrow('checkpoint: useReentrant must be a boolean, got number');
    expect(() => checkpoint(torch.sin, a, { useReentrant: false, preserveRngState: 'yes' as never })).toThrow('preserveRngState must be a boolean');
    expect(() => checkpoint(torch.sin, a, { useReentrant: false, contextFn: () => [] as never })).toThrow('contextFn must return an array of two functions');
    expect(() => checkpoint(torch.sin, a, { useReentrant: false, debug: 1 as never })).toThrow('checkpoint: debug must be a boolean, got number');
    expect(() => torch.utils.checkpoint.setCheckpointDebugEnabled('on' as never, () => 0)).toThrow(TypeError);
    expect(() => checkpoint(async (t: T) => t.sin(), a, { useReentrant: false })).toThrow('the function must be synchronous');
    expect(() => checkpointSequential(seq, 3, a, { useReentrant: false })).toThrow(new RangeError('checkpointSequential: segments must be a whole number from 1 to the number of functions (2), got 3'));
    expect(() => checkpointSequential(seq, 0, a, { useReentrant: false })).toThrow(RangeError);
    expect(() => checkpointSequential(new nn.Linear(2, 2), 1, a, { useReentrant: false })).toThrow('functions must be an nn.Sequential, an nn.ModuleList or an array');
    expect(() => checkpointSequential([seq, 3 as never], 1, a, { useReentrant: false })).toThrow('checkpointSequential: functions[1] must be a Module or a function, got number');
    expect(() => checkpointSequential(seq, 1, a, { useReentrant: false, segments: 2 } as never)).toThrow(TypeError);
    expect(() => torch.utils.checkpoint.detachVariable(a as never)).toThrow('Only tuple of tensors is supported. Got Unsupported input type: Tensor');
    // an error inside the function leaves no hooks behind
    expect(() => checkpoint(() => { throw new Error('inside'); }, a, { useReentrant: false })).toThrow('inside');
    let packs = 0;
    torch.autograd.graph.savedTensorsHooks((t) => (packs++, t), (t) => t, () => a.sin());
    expect(packs).toBe(1);
  });
});

describe('selective checkpointing (createSelectiveCheckpointContexts)', () => {
  const sel = fixture.selective;
  const { createSelectiveCheckpointContexts, CheckpointPolicy, SelectiveCheckpointContext } = torch.utils.checkpoint;
  const f64 = { dtype: torch.float64 };
  const leaves = (): [T, T] => [torch.tensor(sel.a, f64).requiresGrad_(), torch.tensor(sel.w, f64).requiresGrad_()];
  const sacFn = (a: T, w: T): T => {
    const h = torch.matmul(a, w).relu();
    return h.sin().mul(h).sum(1).softmax(0).mul(nn.functional.linear(a, w.t()).tanh().mean());
  };
  const fn3 = (a: T, w: T): [T, T] => {
    const m = torch.mm(a, w);
    return [m, m.exp()];
  };

  it("the policy sees Python's ops below autograd; kept ops are not recomputed and the gradients are the plain run's", () => {
    const [a, w] = leaves();
    const seen: [string, number[][], number[] | null][] = [];
    const kept = [torch.ops.aten.mm.default, torch.ops.aten.relu.default];
    const policy = (ctx: InstanceType<typeof SelectiveCheckpointContext>, op: (...args: unknown[]) => unknown, ...args: unknown[]) => {
      const out = ctx.opOutput;
      seen.push([String(op), args.filter(torch.isTensor).map((t) => t.shape), torch.isTensor(out) ? out.shape : null]);
      expect(ctx.isRecompute).toBe(false);
      return kept.includes(op) ? CheckpointPolicy.MUST_SAVE : CheckpointPolicy.PREFER_RECOMPUTE;
    };
    const out = checkpoint(sacFn, a, w, { useReentrant: false, contextFn: () => createSelectiveCheckpointContexts(policy) });
    expect(seen).toEqual(sel.seen);
    expectSame(out, sel.out, 'out');
    out.sum().backward();
    expect(seen.length).toBe(sel.seen.length);          // the policy runs in the forward only
    expectSame(a.grad, sel.grads[0], 'a.grad');
    expectSame(w.grad, sel.grads[1], 'w.grad');
  });

  it('a kept output changed in place: an error, or with allowCacheEntryMutation the changed value; backward twice; bad lists', () => {
    const [a, w] = leaves();
    const mutated = (allow: boolean): T | null => {
      a.grad = null;
      const [m, e] = checkpoint(fn3, a, w, { useReentrant: false, contextFn: () => createSelectiveCheckpointContexts([torch.ops.aten.mm.default], { allowCacheEntryMutation: allow }) });
      torch.noGrad(() => m.mul_(2));
      e.sum().backward();
      return a.grad;
    };
    const parts = (x: T): T => {
      const [p0, p1] = x.unbind(0);
      return p0!.exp().mul(p1!.sin()).sum();
    };
    a.grad = null;
    checkpoint(parts, a, { useReentrant: false, contextFn: () => createSelectiveCheckpointContexts([torch.ops.aten.unbind.int]) }).backward();
    expectSame(a.grad, sel.list_grad, 'a.grad with a kept list output (unbind)');
    expect(() => mutated(false)).toThrow(sel.mutated_error);
    expectSame(mutated(true), sel.mutated_allowed_a_grad, 'a.grad with the kept mm output doubled');
    const twice = checkpoint(sacFn, a, w, { useReentrant: false, contextFn: () => createSelectiveCheckpointContexts([torch.ops.aten.mm.default, torch.ops.aten.relu.default]) });
    twice.sum().backward({ retainGraph: true });
    expect(() => twice.sum().backward()).toThrow(sel.twice_error);
    expect(() => createSelectiveCheckpointContexts([torch.ops.aten.mm] as never)).toThrow(sel.packet_error);
    expect(() => createSelectiveCheckpointContexts(3 as never)).toThrow(sel.bad_policy_error);
    expect(() => createSelectiveCheckpointContexts([], { allowCacheEntryMutation: 1 as never })).toThrow(TypeError);
    expect(() => checkpoint(sacFn, ...leaves(), { useReentrant: false, contextFn: () => createSelectiveCheckpointContexts(() => 'save' as never) }))
      .toThrow('the policy must return a CheckpointPolicy or a boolean, got string for aten.mm.default');
  });
});

describe('GraphExecGroup and backward calls', () => {
  const groups = fixture.groups;
  const { GraphExecGroup } = torch.utils.checkpoint;
  const twoOutputs = () => {
    const x = torch.arange(1, 4, { dtype: torch.float64 }).requiresGrad_();
    const calls = { n: 0 };
    const [o1, o2] = checkpoint((a: T) => (calls.n++, [a.sin(), a.cos().exp()]), x, { useReentrant: false });
    return { x, calls, o1: o1!, o2: o2! };
  };

  it("each backward call recomputes once, a group's calls once between them, as Python's (counted)", () => {
    for (const [name, grouped] of [['ungrouped', false], ['grouped', true]] as const) {
      const { x, calls, o1, o2 } = twoOutputs();
      const run = (): void => {
        o1.sum().backward();
        o2.sum().backward();
      };
      if (grouped) new GraphExecGroup().run(run);
      else run();
      expect(calls.n, name).toBe(groups[name].calls);
      expectSame(x.grad, groups[name].grad, `${name} x.grad`);
    }
    const { calls, o1, o2 } = twoOutputs();
    {
      using _group = new GraphExecGroup().enter();
      o1.sum().backward();
      o2.sum().backward();
    }
    expect(calls.n).toBe(groups.grouped.calls);
  });

  it("Python's errors: overlapping calls in a group, nested groups, the reentrant variant under autograd.grad or inputs", () => {
    const x = torch.arange(1, 4, { dtype: torch.float64 }).requiresGrad_();
    const y = checkpoint((a: T) => a.sin().sum(), x, { useReentrant: false });
    expect(thrown(() => new GraphExecGroup().run(() => {
      y.backward(null, { retainGraph: true });
      y.backward();
    })).message).toBe(groups.overlap_error.message);
    expect(thrown(() => new GraphExecGroup().run(() => new GraphExecGroup().run(() => 0))).message).toBe(groups.nested_error.message);
    expect(new GraphExecGroup().run(() => 7)).toBe(7);   // nothing stayed open
    const r = (): T => checkpoint(torch.exp, x, { useReentrant: true }).sum();
    expect(thrown(() => torch.autograd.grad(r(), [x])).message).toContain(groups.reentrant_grad_error.message);
    expect(thrown(() => r().backward({ inputs: [x] })).message).toContain(groups.reentrant_inputs_error.message);
    x.grad = null;
    r().backward();   // a plain backward still runs it
    expect(x.grad!.tolist()).toEqual(x.exp().tolist());
  });
});

describe('DefaultDeviceType, getDeviceStates, setDeviceStates', () => {
  // test/cuda.test.ts checks the GPU's states and default device type.
  it.skipIf(torch.cuda.isAvailable())("Python's answers on a machine without an accelerator; bad input is refused", () => {
    const { DefaultDeviceType, getDeviceStates, setDeviceStates } = torch.utils.checkpoint;
    const d = fixture.device_states;
    expect(getDeviceStates(torch.ones(2), 3)).toEqual(d.states);
    expect(DefaultDeviceType.getDeviceType()).toBe(d.default_type);
    DefaultDeviceType.setDeviceType();
    expect(DefaultDeviceType.getDeviceType()).toBe(d.after_set);
    expect(setDeviceStates([], [])).toBeUndefined();
    expect(setDeviceStates([0], [torch.ones(1)], { deviceType: 'meta' })).toBeUndefined();
    expect(() => setDeviceStates([0], [torch.ones(1)], { deviceType: 'cpu' })).toThrow("CUDA devices only, got device type 'cpu'");
    expect(() => DefaultDeviceType.setDeviceType(3 as never)).toThrow(TypeError);
    DefaultDeviceType.setDeviceType('cpu');
  });
});

describe('checkpoint({ debug: true }) and setCheckpointDebugEnabled', () => {
  const dbg = fixture.debug;
  const { setCheckpointDebugEnabled } = torch.utils.checkpoint;
  const f64 = { dtype: torch.float64 };
  const a = torch.tensor(fixture.selective.a, f64).requiresGrad_();
  const w = torch.tensor(fixture.selective.w, f64).requiresGrad_();
  const debugIndex = torch.tensor([0, 2]);
  // The ops of scripts/make-utils-checkpoint-fixtures.py's debug_body, call for call.
  const debugBody = (t: T, extra: boolean): T => {
    const h = torch.mm(t, w).relu();
    const s = h.sum(1, { keepdim: true });
    const c = torch.cat([h, t], 1);
    const p = c.pow(2.5).clamp({ min: 1e-5 });
    let y = p.to(torch.float32).double().add(s, { alpha: 2 }).mul(0.5).reshape(-1);
    const [v] = y.max(0) as unknown as [T, T];
    const parts = torch.unbind(y.view(2, 5), 0);
    y = y.add(parts[1]!.repeat(2)).add(v!);
    const g = nn.functional.gelu(c, { approximate: 'tanh' });
    const k = torch.where(g.gt(0.5), g, 0.25).index(':', debugIndex).mul(3.5e-6).add(-2.5e-7);
    const z = torch.zeros(2, { dtype: torch.float64, device: 'cpu' });
    y = y.add(k.sum()).add(z.sum()).add(c.cumsum(1).std(1, { unbiased: false }).sum());
    if (extra) y = y.exp();
    return y.sum();
  };
  const changing = (forward: (t: T) => T, recompute: (t: T) => T) => {
    let calls = 0;
    return (t: T): T => (++calls === 1 ? forward(t) : recompute(t));
  };
  const fewer = (options: torch.utils.checkpoint.CheckpointOptions) =>
    thrown(() => checkpoint(changing((t) => debugBody(t, true), (t) => debugBody(t, false)), a, { useReentrant: false, ...options }).backward());
  const metadata = (options: torch.utils.checkpoint.CheckpointOptions) =>
    thrown(() => checkpoint(changing((t) => t.exp(), (t) => t.float().exp()), a, { useReentrant: false, ...options }).sum().backward());
  // Section 3 on (the op logs and the guidance) is Python's text; the stack traces above it are JS's.
  const fromLogs = (message: string): string => message.slice(message.indexOf('Operations executed during the original forward:'));
  const traceHeads = (message: string): string[] => message.split('\n').filter((l) => / \(\d+ of \d+ in (original|recompute)\)$/.test(l));

  it("the report has Python's op logs and sections; each op's trace starts at the line that called it; the cause is the plain error", () => {
    const e = fewer({ debug: true });
    const expected = dbg.fewer;
    expect(e).toBeInstanceOf(CheckpointError);
    expect(fromLogs(e.message)).toBe(fromLogs(expected.message));
    expect(traceHeads(e.message)).toEqual(traceHeads(expected.message));
    expect(e.message.slice(0, e.message.indexOf('$'))).toBe(expected.message.slice(0, expected.message.indexOf('$')));   // the header
    expect((e.cause as Error).message).toBe(expected.cause);
    expect(e.cause).toBeInstanceOf(CheckpointError);
    // the first frame after each op line is this file, where debugBody called the op
    const lines = e.message.split('\n');
    const firstFrames = lines.flatMap((l, i) => (/ \(\d+ of \d+ in (original|recompute)\)$/.test(l) ? [lines[i + 2]!] : []));
    expect(firstFrames.length).toBe(traceHeads(expected.message).length);
    for (const f of firstFrames) expect(f).toMatch(/utils-checkpoint\.test\.ts:\d+:/);
  });

  it('a metadata mismatch is reported the same way; setCheckpointDebugEnabled overrides the option both ways; not with a contextFn', () => {
    const e = metadata({ debug: true });
    expect(fromLogs(e.message)).toBe(fromLogs(dbg.metadata.message));
    expect((e.cause as Error).message).toBe(dbg.metadata.cause);
    const on = setCheckpointDebugEnabled(true, () => metadata({}));
    expect(fromLogs(on.message)).toBe(fromLogs(dbg.enabled_globally.message));
    expect(setCheckpointDebugEnabled(false, () => metadata({ debug: true })).message).toBe(dbg.disabled_globally.message);
    expect(setCheckpointDebugEnabled(null, () => metadata({})).message).toBe(dbg.disabled_globally.message);
    expect(() => checkpoint(torch.exp, a, { useReentrant: false, debug: true, contextFn: () => torch.utils.checkpoint.noopContextFn() }))
      .toThrow(dbg.with_context_fn.message);
    expect(Error.stackTraceLimit).toBe(10);    // restored after each logged region
  });

  it('a matching recomputation gives the plain gradients, and nothing stays logged or intercepted after it', () => {
    const run = (debug: boolean): T[] => {
      a.grad = null;
      w.grad = null;
      checkpoint((t: T) => debugBody(t, true), a, { useReentrant: false, debug }).backward();
      return [a.grad!, w.grad!];
    };
    const [pa, pw] = run(false);
    const [da, dw] = run(true);
    expect(da!.tolist()).toEqual(pa!.tolist());   // NaN where pow(2.5) met a negative number, on both sides
    expect(dw!.tolist()).toEqual(pw!.tolist());
    expect(pw!.isnan().any().item()).toBe(true);
    // outside any region the mode key is off: a plain error message, no report
    expect(metadata({}).message).toBe(dbg.disabled_globally.message);
  });
});

describe('selective checkpointing in worker threads and without dispose', { timeout: 300_000 }, () => {
  // One round: the ops a selective checkpoint's policy sees, and its gradients against the plain run's.
  const round = `(t) => {
    const { checkpoint, createSelectiveCheckpointContexts, CheckpointPolicy } = t.utils.checkpoint;
    const f64 = { dtype: t.float64 };
    const a = t.tensor([[0.5, -1], [2, 0.25]], f64).requiresGrad_(), w = t.tensor([[1.5, -0.5], [0.75, 2]], f64).requiresGrad_();
    const fn = (a, w) => t.mm(a, w).relu().sin().mul(a).sum();
    const seen = [];
    const policy = (ctx, op) => (seen.push(String(op)), op === t.ops.aten.mm.default ? CheckpointPolicy.MUST_SAVE : CheckpointPolicy.PREFER_RECOMPUTE);
    const [ga, gw] = t.autograd.grad(checkpoint(fn, a, w, { useReentrant: false, contextFn: () => createSelectiveCheckpointContexts(policy) }), [a, w]);
    const [pa, pw] = t.autograd.grad(fn(a, w), [a, w]);
    return JSON.stringify([seen, t.equal(ga, pa) && t.equal(gw, pw)]);
  }`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const mainRound = new Function('t', `return (${round})(t);`) as (t: typeof torch) => string;

  it("each thread's policy sees its own ops only, while other threads run theirs", async () => {
    const expected = mainRound(torch);
    expect(JSON.parse(expected)).toEqual([['aten.mm.default', 'aten.relu.default', 'aten.sin.default', 'aten.mul.Tensor', 'aten.sum.default'], true]);
    const workers = startRoundWorkers(round, expected, { times: 200, count: 2 });
    let rounds = 0;
    while (workers.running() > 0 || rounds < 100) {
      expect(mainRound(torch)).toBe(expected);
      torch.tanh(torch.ones([3])).exp();   // ops outside any checkpoint: no policy may see them
      if (++rounds % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(await workers.results).toEqual(['ok', 'ok']);
  });

  it('selective checkpoints, allowMutationOnSavedTensors and GradientEdge roots are collected without dispose', () => {
    const r = runWithGc(`
      const { checkpoint, createSelectiveCheckpointContexts } = torch.utils.checkpoint;
      const { allowMutationOnSavedTensors, getGradientEdge } = torch.autograd.graph;
      const w = torch.randn([8, 8]).requiresGrad_();
      const before = await settle();
      for (let i = 0; i < 2000; i++) {
        const x = torch.randn([4, 8]);
        const y = checkpoint((v) => torch.mm(v, w).relu().sum(), x, { useReentrant: false, contextFn: () => createSelectiveCheckpointContexts([torch.ops.aten.mm.default]) });
        if (i % 2) y.backward();   // or left to the GC with its kept mm output
        allowMutationOnSavedTensors(() => {
          const b = w.clone();
          const loss = b.pow(2).sum();
          b.sin_();                // the saved b is copied before this write
          if (i % 3) loss.backward();
        });
        const h = torch.mm(x, w);
        torch.autograd.grad(getGradientEdge(h), w, { gradOutputs: torch.onesLike(h) });
      }
      return { leaked: (await settle()) - before };`);
    expect(r.leaked).toBeLessThan(50);
  });
});

describe('GraphExecGroup and debug reports in worker threads and without dispose', { timeout: 300_000 }, () => {
  // One round: a grouped pair of backward calls (the recomputation count) and a debug report of a
  // recomputation that runs fewer ops, from its op logs on (the stack traces above them name each thread's code).
  const round = `(t) => {
    const { checkpoint, GraphExecGroup } = t.utils.checkpoint;
    const a = t.tensor([[0.5, -1], [2, 0.25]], { dtype: t.float64 }).requiresGrad_();
    let calls = 0;
    const [o1, o2] = checkpoint((x) => (calls++, [x.sin(), x.cos().exp()]), a, { useReentrant: false });
    new GraphExecGroup().run(() => { o1.sum().backward(); o2.sum().backward(); });
    let n = 0;
    let report = 'no error';
    try {
      checkpoint((x) => (++n === 1 ? x.exp().sin() : x.exp()), a, { useReentrant: false, debug: true }).sum().backward();
    } catch (e) {
      report = e.message.slice(e.message.indexOf('Operations executed during the original forward:'));
    }
    return JSON.stringify([calls, a.grad.tolist(), report]);
  }`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const mainRound = new Function('t', `return (${round})(t);`) as (t: typeof torch) => string;

  it("each thread's group and op logs are its own, while other threads run theirs", async () => {
    const expected = mainRound(torch);
    const [calls, , report] = JSON.parse(expected) as [number, number[][], string];
    expect(calls).toBe(fixture.groups.grouped.calls);
    expect(report).toContain('aten.sin.default');   // the original forward's extra op is in the log
    const workers = startRoundWorkers(round, expected, { times: 100, count: 2 });
    let rounds = 0;
    while (workers.running() > 0 || rounds < 50) {
      expect(mainRound(torch)).toBe(expected);
      torch.tanh(torch.ones([3])).exp();   // ops outside any checkpoint: no log may see them
      if (++rounds % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(await workers.results).toEqual(['ok', 'ok']);
  });

  it('grouped backward calls and failed debug recomputations are collected without dispose', () => {
    const r = runWithGc(`
      const round = ${round};
      round(torch);
      const before = await settle();
      for (let i = 0; i < 500; i++) round(torch);
      return { leaked: (await settle()) - before };`);
    expect(r.leaked).toBeLessThan(50);
  });
});

describe('memory', () => {
  it('what an outer savedTensorsHooks sees: the plain function saves 3 tensors, a checkpoint only its input (both variants)', () => {
    const x = torch.randn(3, { dtype: torch.float64 }).requiresGrad_();
    const fn = (a: T): T => a.sin().cos().exp();
    const counted = (call: () => unknown): number => {
      let n = 0;
      torch.autograd.graph.savedTensorsHooks((t) => (n++, t), (t) => t, call);
      return n;
    };
    expect(counted(() => fn(x))).toBe(fixture.pack_counts.plain);
    expect(counted(() => checkpoint(fn, x, { useReentrant: true }))).toBe(fixture.pack_counts.reentrant);
    // the non-reentrant checkpoint saves its inputs through the outer hooks, as Python's save_inputs
    expect(counted(() => checkpoint(fn, x, { useReentrant: false }))).toBe(fixture.pack_counts['non-reentrant']);
  });

  it("a checkpointed forward keeps only its input's and output's storage alive", () => {
    const x = torch.randn(256, 256, { dtype: torch.float64 }).requiresGrad_(); // 512 KiB
    const fn = (a: T): T => a.sin().cos().exp().tanh().sigmoid();
    const kept = (call: () => T): [number, T] => {
      const before = torch.nativeStats().reportedBytes;
      const y = torch.tidy(call);
      return [torch.nativeStats().reportedBytes - before, y];
    };
    const [plain, y0] = kept(() => fn(x));
    const [reentrant, y1] = kept(() => checkpoint(fn, x, { useReentrant: true }));
    const [nonReentrant, y2] = kept(() => checkpoint(fn, x, { useReentrant: false }));
    const mib = 256 * 256 * 8;
    expect(plain).toBeGreaterThanOrEqual(4 * mib); // the results of sin, exp, tanh and sigmoid are saved
    const rngState = 5056; // the CPU generator's state, stashed for the recomputation
    expect(reentrant).toBeLessThanOrEqual(mib + rngState);
    expect(nonReentrant).toBeLessThanOrEqual(mib + rngState);
    // backward frees what it recomputed at once (not at the next GC): what stays is at most x.grad
    const before = torch.nativeStats().reportedBytes;
    torch.tidy(() => y2.sum().backward());
    expect(torch.nativeStats().reportedBytes - before).toBeLessThanOrEqual(mib);
    for (const y of [y0, y1]) y.sum().backward();
    expect(x.grad!.shape).toEqual([256, 256]);
  });

  it('repeated checkpointed training steps without dispose stay bounded', () => {
    const model = build('dropout');
    const x = (decode(fixture.x) as T).requiresGrad_(); // the reentrant variant needs an input that requires grad
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
    const step = (): void => {
      opt.zeroGrad();
      checkpointSequential(model, 3, x, { useReentrant: false }).pow(2).sum().backward();
      checkpoint((t: T) => model.call(t) as T, x, { useReentrant: true }).pow(2).sum().backward();
      opt.step();
    };
    for (let i = 0; i < 50; i++) step();
    const before = torch.nativeStats().tensors;
    for (let i = 0; i < 3000; i++) step();
    // dropped wrappers wait for the GC (about 8,000 at most here); a leak of 10 tensors a step would be 30,000
    expect(torch.nativeStats().tensors - before).toBeLessThan(25_000);
  });
});
