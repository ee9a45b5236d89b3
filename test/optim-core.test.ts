// optim.Optimizer, the base of every optimizer, against Python torch 2.13 (test/fixtures/optimcore.json
// from scripts/make-optimcore-fixtures.py): repr, the state_dict layout, error messages; and the
// behaviour of param groups, hooks, zeroGrad, failed loads and optimizers written in JS.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';
import { optim, type Tensor } from '../lib/index.js';
import { errorOf } from './golden-replay.js';

interface Layout { state: Record<string, Record<string, unknown>>; param_groups: Record<string, unknown>[] }
interface PyError { type: string; message: string }
const fx = JSON.parse(readFileSync(new URL('./fixtures/optimcore.json', import.meta.url), 'utf8')) as {
  meta: { torch: string };
  repr: Record<string, string>;
  sgd_groups_state_dict: Layout;
  sgd_named_state_dict: Layout;
  errors: Record<string, PyError>;
};

// scripts/make-optimcore-fixtures.py params(): values differ (JS RNG stream is the same, but only the layout is compared)
function params(): Tensor[] {
  torch.manualSeed(0);
  return [torch.randn(3, 2).requiresGrad_(), torch.randn(3).requiresGrad_(), torch.randn(1, 3).requiresGrad_()];
}

function step(opt: optim.Optimizer, ps: Tensor[]): void {
  opt.zeroGrad();
  ps.map((p) => p.mul(p).sum()).reduce((a, b) => a.add(b)).backward();
  opt.step();
}

function layout(sd: optim.OptimizerStateDict): Layout {
  const state: Layout['state'] = {};
  for (const [k, s] of Object.entries(sd.state))
    state[k] = Object.fromEntries(Object.entries(s).map(([n, v]) => [n, torch.isTensor(v) ? ['tensor', v.shape, v.dtype.name] : v]));
  return { state, param_groups: sd.param_groups };
}

// Python's exception classes as JS ones: ValueError reads as an Error (RangeError for ranges), TypeError as TypeError.
function expectPythonError(fn: () => unknown, py: PyError, prefix = 'optim.SGD'): void {
  const e = errorOf(fn);
  if (py.type === 'TypeError') expect(e).toBeInstanceOf(TypeError);
  const message = py.message.replace(/, but got .*$/, '').replace(/ is int$/, ' is');
  expect(e.message).toContain(message);
  void prefix;
}

describe('optim.Optimizer as Python', () => {
  it('prints as Python repr', () => {
    const ps = params();
    expect(String(new optim.SGD(ps, { lr: 0.1, momentum: 0.9 }))).toBe(fx.repr.sgd);
    expect(String(new optim.SGD([{ params: ps.slice(0, 2) }, { params: ps.slice(2), lr: 0.01 }], { lr: 0.1 }))).toBe(fx.repr.sgd_groups);
  });

  it('writes the state dict in PyTorch layout: int ids, snake_case group keys in Python order, params last', () => {
    let ps = params();
    let opt = new optim.SGD([{ params: ps.slice(0, 2), weightDecay: 0.01 }, { params: ps.slice(2), lr: 0.01 }], { lr: 0.1, momentum: 0.9 });
    step(opt, ps);
    expect(JSON.parse(JSON.stringify(layout(opt.stateDict())))).toEqual(fx.sgd_groups_state_dict);
    ps = params();
    opt = new optim.SGD([['a', ps[0]!], ['b', ps[1]!], ['c', ps[2]!]], { lr: 0.1, momentum: 0.5 });
    step(opt, ps);
    expect(JSON.parse(JSON.stringify(layout(opt.stateDict())))).toEqual(fx.sgd_named_state_dict);
    expect(opt.paramGroups[0]!.paramNames).toEqual(['a', 'b', 'c']);
  });

  it('raises Python\'s errors for bad input', () => {
    const ps = params();
    const e = fx.errors;
    expectPythonError(() => new optim.SGD(ps, { lr: -1 }), e.negative_lr!);
    expectPythonError(() => new optim.SGD(ps, { momentum: -0.5 }), e.negative_momentum!);
    expectPythonError(() => new optim.SGD(ps, { weightDecay: -1 }), e.negative_weight_decay!);
    expectPythonError(() => new optim.SGD(ps, { nesterov: true }), e.nesterov!);
    expectPythonError(() => new optim.SGD([]), e.empty!);
    expectPythonError(() => new optim.SGD(ps[0] as never), e.tensor_params!);
    expectPythonError(() => new optim.SGD([ps[0]!, 3 as never]), e.non_tensor!);
    expectPythonError(() => new optim.SGD([{ params: ps.slice(0, 2) }, { params: ps.slice(1) }]), e.across_groups!);
    expectPythonError(() => new optim.SGD([ps[0]!.mul(2)]), e.non_leaf!);
    expectPythonError(() => new optim.SGD(ps, { fused: true, foreach: true }), e.fused_foreach!);
    expectPythonError(() => new optim.SGD([{ params: new Set(ps) as never }]), e.set!);
    expectPythonError(() => new optim.SGD(ps).loadStateDict(new optim.SGD([{ params: ps.slice(0, 1) }, { params: ps.slice(1) }]).stateDict()), e.group_count!);
    expectPythonError(() => new optim.SGD(ps).loadStateDict(new optim.SGD(ps.slice(0, 2)).stateDict()), e.group_size!);
  });

  it('refuses unknown options, snake_case spellings and a parameter listed twice', () => {
    const ps = params();
    expect(errorOf(() => new optim.SGD(ps, { lr: 0.1, momentom: 0.9 } as never))).toBeInstanceOf(TypeError);
    expect(errorOf(() => new optim.SGD(ps, { weight_decay: 0.1 } as never)).message).toContain('weightDecay');
    expect(errorOf(() => new optim.SGD([{ params: ps, weight_decay: 0.1 }])).message).toContain('weightDecay');
    expect(errorOf(() => new optim.SGD([ps[0]!, ps[0]!])).message).toContain('twice');
    expect(errorOf(() => new optim.SGD(ps, { lr: 'fast' } as never))).toBeInstanceOf(TypeError);
    expect(errorOf(() => new optim.SGD(ps, { differentiable: true, fused: true })).message).toBe('optim.SGD: `fused` does not support `differentiable`');
  });
});

describe('param groups', () => {
  it('are live: a changed lr applies at the next step; frozen parameters keep no state', () => {
    const w = torch.tensor([1.0, 2.0], { dtype: 'float64' }).requiresGrad_();
    const frozen = torch.tensor([5.0], { dtype: 'float64' }).requiresGrad_();
    const opt = new optim.SGD([w, frozen], { lr: 0.1, momentum: 0.9 });
    w.sum().backward();
    opt.step();
    expect(w.detach().tolist()).toEqual([1 - 0.1, 2 - 0.1]);
    opt.paramGroups[0]!.lr = 0.5;
    w.grad = null;
    w.sum().backward();
    opt.step(); // buf = 0.9 * 1 + 1 = 1.9
    expect(w.detach().tolist()).toEqual([1 - 0.1 - 0.5 * 1.9, 2 - 0.1 - 0.5 * 1.9]);
    expect(opt.state.has(frozen)).toBe(false);
    expect(frozen.detach().tolist()).toEqual([5]);
  });

  it('addParamGroup adds a group with its own options, and checks them first', () => {
    const [a, b, c] = params();
    const opt = new optim.SGD([a!], { lr: 0.1 });
    opt.addParamGroup({ params: [b!], lr: 0.01, weightDecay: 0.1 });
    expect(opt.paramGroups.map((g) => [g.lr, g.weightDecay])).toEqual([[0.1, 0], [0.01, 0.1]]);
    expect(() => opt.addParamGroup({ params: [c!], lr: -1 })).toThrow(/Invalid learning rate/);
    expect(() => opt.addParamGroup({ params: [a!] })).toThrow(/more than one parameter group/);
    expect(opt.paramGroups.length).toBe(2);
  });
});

describe('zeroGrad', () => {
  it('sets grads to null by default, or to zeros (also through _foreach_zero_)', () => {
    for (const foreach of [null, true]) {
      const ps = params();
      const opt = new optim.SGD(ps, { lr: 0.1, foreach });
      step(opt, ps);
      opt.zeroGrad({ setToNone: false });
      for (const p of ps) expect(p.grad!.abs().sum().item()).toBe(0);
      opt.zeroGrad();
      for (const p of ps) expect(p.grad).toBe(null);
    }
  });
});

describe('hooks', () => {
  it('step pre and post hooks run around step, global ones too, and can be removed', () => {
    const ps = params();
    const opt = new optim.SGD(ps, { lr: 0.1 });
    const calls: string[] = [];
    const pre = opt.registerStepPreHook((o, args) => void calls.push(`pre ${o === opt} ${args.length}`));
    const post = opt.registerStepPostHook(() => void calls.push('post'));
    const globalPre = optim.registerOptimizerStepPreHook(() => void calls.push('global pre'));
    step(opt, ps);
    expect(calls).toEqual(['global pre', 'pre true 0', 'post']);
    pre.remove();
    post.remove();
    globalPre.remove();
    step(opt, ps);
    expect(calls.length).toBe(3);
  });

  it('a pre-hook may replace the step arguments (the closure)', () => {
    const ps = params();
    const opt = new optim.SGD(ps, { lr: 0.1 });
    opt.registerStepPreHook(() => [[() => 42], {}]);
    expect(opt.step()).toBe(42);
  });

  it('state dict hooks see and may replace the dict', () => {
    const ps = params();
    const opt = new optim.SGD(ps, { lr: 0.1, momentum: 0.9 });
    step(opt, ps);
    opt.registerStateDictPostHook((_o, sd) => ({ ...sd, param_groups: sd.param_groups.map((g) => ({ ...g, note: 'x' })) }));
    expect(opt.stateDict().param_groups[0]!.note).toBe('x');
    let loaded = 0;
    opt.registerLoadStateDictPostHook(() => void loaded++);
    opt.loadStateDict(opt.stateDict());
    expect(loaded).toBe(1);
    expect(opt.paramGroups[0]!.note).toBe('x');
  });
});

describe('loadStateDict', () => {
  it('a state dict from a different model changes nothing and names the problem', () => {
    const ps = params();
    const opt = new optim.SGD(ps, { lr: 0.1, momentum: 0.9 });
    step(opt, ps);
    const before = opt.stateDict();
    const other = [torch.randn(2, 3).requiresGrad_(), torch.randn(3).requiresGrad_(), torch.randn(1, 3).requiresGrad_()];
    const foreign = new optim.SGD(other, { lr: 0.5, momentum: 0.9 });
    step(foreign, other);
    expect(() => opt.loadStateDict(foreign.stateDict())).toThrow(/shape \[2, 3\] but the parameter has shape \[3, 2\]/);
    expect(opt.paramGroups[0]!.lr).toBe(0.1);
    expect(opt.state.get(ps[0]!)!.momentum_buffer).toBe(before.state[0]!.momentum_buffer);
  });

  it('keeps loaded state apart from the loaded dict where a cast was needed (float64 state into float32 params)', () => {
    const ps = params();
    const opt = new optim.SGD(ps, { lr: 0.1, momentum: 0.9 });
    step(opt, ps);
    const sd = opt.stateDict();
    const as64 = { ...sd, state: Object.fromEntries(Object.entries(sd.state).map(([k, s]) => [k, { momentum_buffer: (s.momentum_buffer as Tensor).double() }])) };
    opt.loadStateDict(as64);
    expect((opt.state.get(ps[0]!)!.momentum_buffer as Tensor).dtype).toBe(torch.float32);
  });
});

describe('an optimizer written in JS', () => {
  class SignSGD extends optim.Optimizer {
    constructor(params: optim.ParamsT, options: { lr?: number } = {}) {
      super(params, { lr: 0.01, ...options });
    }
    override step(closure?: optim.Closure): unknown {
      const loss = optim.evaluateClosure(closure);
      torch.noGrad(() => {
        for (const g of this.paramGroups)
          for (const p of g.params) {
            const grad = p.grad;
            if (grad === null) continue;
            p.sub_(grad.sign().mul(g.lr as number));
            const s = this.stateOf(p);
            s.steps = ((s.steps as number | undefined) ?? 0) + 1;
          }
      });
      return loss;
    }
  }

  it('gets closures, hooks, param groups and state dicts from the base class', () => {
    const w = torch.tensor([1.0, -2.0], { dtype: 'float64' }).requiresGrad_();
    const opt = new SignSGD([w], { lr: 0.5 });
    let post = 0;
    opt.registerStepPostHook(() => void post++);
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = w.pow(2).sum();
      l.backward();
      return l;
    }) as Tensor;
    expect(loss.item()).toBe(5);
    expect(w.detach().tolist()).toEqual([0.5, -1.5]);
    expect(post).toBe(1);
    expect(opt.stateDict()).toEqual({ state: { 0: { steps: 1 } }, param_groups: [{ lr: 0.5, params: [0] }] });
  });
});
