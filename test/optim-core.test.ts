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
  loading: Loading;
  positional: Record<string, { args: unknown[]; names: string[]; state_dict: Layout; too_many: PyError; twice: PyError }>;
};

// scripts/make-optimcore-fixtures.py: loading older or unusual state dicts, groups Python accepts, repr, hooks
interface Loading {
  numeric_step: Record<string, { param: number[]; state: Record<string, [number, string]> }>;
  old_groups: Record<string, { deleted: string[]; param: number[]; group_keys: string[] }>;
  empty_groups: { repr: string; state_dict: Layout; loaded_param: number[]; add_empty_groups: number; add_empty_repr: string };
  lbfgs_cast: { param: number[]; list_dtypes: Record<string, string> };
  tensor_lr_copy: { lr: number; beta0: number; same_lr: boolean; same_beta: boolean };
  groups_accepted: { nesterov_groups: number; negative_lr_param: number[]; adam_lr: number; rprop_etas: number[]; adadelta_rho: number };
  orphan_state: Layout;
  custom_key: { keys: string[]; repr: string };
  bad_pre_hook: PyError;
  repr_tensor_lr: string;
  repr_tensor_lr_1d: string;
}

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

describe("every optimizer's constructor takes PyTorch's positional arguments after params (`SGD(model.parameters(), 0.1)`)", () => {
  const ctor = (name: string) => (optim as unknown as Record<string, new (params: Tensor[], ...args: unknown[]) => optim.Optimizer>)[name]!;
  const camel = (n: string): string => n.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  for (const [name, c] of Object.entries(fx.positional)) {
    it(`${name}(params, ${c.names.join(', ')})`, () => {
      const ps = [torch.randn(3, 2).requiresGrad_()];
      expect(JSON.parse(JSON.stringify(layout(new (ctor(name))(ps, ...c.args).stateDict())))).toEqual(c.state_dict);
      // the same values as options, and a prefix of positionals followed by options for the rest
      const asOptions = Object.fromEntries(c.names.map((n, i) => [camel(n), c.args[i]]));
      expect(JSON.parse(JSON.stringify(layout(new (ctor(name))(ps, asOptions).stateDict())))).toEqual(c.state_dict);
      const rest = Object.fromEntries(c.names.slice(1).map((n, i) => [camel(n), c.args[i + 1]]));
      expect(JSON.parse(JSON.stringify(layout(new (ctor(name))(ps, c.args[0], rest).stateDict())))).toEqual(c.state_dict);
      // Python's TypeErrors: one positional too many, lr given both ways
      expect(() => new (ctor(name))(ps, ...c.args, 1)).toThrow(TypeError);
      expect(() => new (ctor(name))(ps, c.args[0], { lr: c.args[0] })).toThrow(/got multiple values for argument 'lr'/);
      expect(c.twice.message).toContain("got multiple values for argument 'lr'");
    });
  }
  it('typed: positionals in order, then options', () => {
    const ps = [torch.randn(2, 2).requiresGrad_()];
    const sgd = new optim.SGD(ps, 0.1, 0.9, 0, 0, true, { maximize: true });
    expect([sgd.paramGroups[0]!.lr, sgd.paramGroups[0]!.nesterov, sgd.paramGroups[0]!.maximize]).toEqual([0.1, true, true]);
    expect(new optim.Adam(ps, 0.01, [0.8, 0.9]).paramGroups[0]!.betas).toEqual([0.8, 0.9]);
    expect(new optim.SGD(ps, undefined).paramGroups[0]!.lr).toBe(1e-3);
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
    expect(() => opt.addParamGroup({ params: [c!], lr: 'x' })).toThrow(/learning rate must be a number/);
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
    expect(calls).toEqual(['global pre', 'pre true 1', 'post']); // Python's args are (self,)
    pre.remove();
    post.remove();
    globalPre.remove();
    step(opt, ps);
    expect(calls.length).toBe(3);
  });

  it('a pre-hook may replace the step arguments (the closure)', () => {
    const ps = params();
    const opt = new optim.SGD(ps, { lr: 0.1 });
    const h = opt.registerStepPreHook((o) => [[o, () => 42], {}]);
    expect(opt.step()).toBe(42);
    h.remove();
    opt.registerStepPreHook(() => [[() => 42], {}]);
    expect(() => opt.step()).toThrow("a step pre-hook's new args must start with the optimizer");
  });

  // x = Parameter([1., 2.]), x.grad = ones(2); o = SGD([x], lr=0.1, momentum=0.9)
  // pre-hook logging (len(args), args[0] is opt, sorted(kwargs)); o.step(); o.step(closure=f) -> [(1, True, []), (1, True, ['closure'])]
  // a pre-hook returning (args, {'closure': lambda: torch.tensor(3.)}) -> o.step() is tensor(3.)
  it("step hooks get Python's args (the optimizer first) and a closure among the new kwargs is step's", () => {
    const ps = params();
    const opt = new optim.SGD(ps, { lr: 0.1, momentum: 0.9 });
    const seen: unknown[] = [];
    const h = opt.registerStepPreHook((o, args, kwargs) => void seen.push([args.length, args[0] === o, Object.keys(kwargs)]));
    opt.step();
    opt.step(() => 1);
    expect(seen).toEqual([[1, true, []], [2, true, []]]);
    h.remove();
    opt.registerStepPreHook((_o, args) => [args, { closure: () => torch.tensor(3) }]);
    expect((opt.step() as torch.Tensor).item()).toBe(3);
  });

  // for key in centered, momentum; foreach False/True: x.grad = ones(2); o = RMSprop([x], lr=0.1, foreach=...); o.step()
  //   o.param_groups[0][key] = True / 0.9; o.step() -> KeyError 'grad_avg' / 'momentum_buffer', and the state is as after
  //   the first step: step 1.0, square_avg [0.009999999776482582, 0.009999999776482582]
  // x complex64: SGD([x], lr=0.1, fused=True).step() -> RuntimeError `fused=True` requires all the params to be
  //   floating point Tensors of supported devices: [...] but torch.complex64 and cpu
  it('RMSprop refuses momentum or centered turned on after the first step before changing anything; fused SGD checks dtypes', () => {
    for (const key of ['centered', 'momentum'] as const) {
      for (const foreach of [false, true]) {
        const x = new torch.nn.Parameter(torch.tensor([1, 2], { dtype: torch.float32 }));
        x.grad = torch.ones(2);
        const o = new optim.RMSprop([x], { lr: 0.1, foreach });
        o.step();
        o.paramGroups[0]![key] = key === 'centered' ? true : 0.9;
        expect(() => o.step()).toThrow(`KeyError: '${key === 'centered' ? 'grad_avg' : 'momentum_buffer'}'`);
        const st = o.state.get(x)!;
        expect([(st.step as torch.Tensor).item(), (st.square_avg as torch.Tensor).tolist()]).toEqual([1, [0.009999999776482582, 0.009999999776482582]]);
      }
    }
    const c = new torch.nn.Parameter(torch.tensor([1, 2], { dtype: torch.complex64 }));
    c.grad = torch.ones(2, { dtype: torch.complex64 });
    expect(() => new optim.SGD([c], { lr: 0.1, fused: true }).step()).toThrow(
      "`fused=True` requires all the params to be floating point Tensors of supported devices: ['mps', 'cuda', 'xpu', 'hpu', 'cpu', 'mtia', 'privateuseone'] but torch.complex64 and cpu");
  });

  // x = Parameter([1., 2.], float64), x.grad = [1., -1.]; o = Adam([{'params': [x], 'betas': (torch.tensor(0.8), 0.9)}], lr=0.1)
  // o.step(); o.step(); x -> [0.7999999858405202, 2.2000000141594795]; with foreach=True -> ValueError
  //   'beta1 as a Tensor is not supported for capturable=False and foreach=True'
  it("Adam takes a group's betas mixing a Tensor and a number (Python checks the mix on the constructor's only)", () => {
    for (const foreach of [false, true]) {
      const x = new torch.nn.Parameter(torch.tensor([1, 2], { dtype: torch.float64 }));
      x.grad = torch.tensor([1, -1], { dtype: torch.float64 });
      const o = new optim.Adam([{ params: [x], betas: [torch.tensor(0.8), 0.9] }], { lr: 0.1, foreach });
      const twoSteps = (): void => {
        o.step();
        o.step();
      };
      if (foreach) expect(twoSteps).toThrow('beta1 as a Tensor is not supported for capturable=False and foreach=True');
      else {
        twoSteps();
        expect(x.tolist()).toEqual([0.7999999858405202, 2.2000000141594795]);
      }
    }
  });

  // SGD(momentum=0.9)'s state dict after a step, loaded into Adam, AdamW, Adamax, NAdam, RAdam, Adagrad, ASGD, Rprop,
  // RMSprop, Adadelta, Adafactor -> KeyError 'step' (their __setstate__); SparseAdam loads it (['momentum_buffer'])
  it("loading another optimizer's state (SGD's into Adam) is Python's KeyError 'step', changing nothing", () => {
    const x = new torch.nn.Parameter(torch.tensor([1, 2], { dtype: torch.float32 }));
    x.grad = torch.ones(2);
    const sgd = new optim.SGD([x], { lr: 0.1, momentum: 0.9 });
    sgd.step();
    for (const make of [(): optim.Optimizer => new optim.Adam([x], { lr: 0.1 }), (): optim.Optimizer => new optim.ASGD([x], { lr: 0.1 }), (): optim.Optimizer => new optim.Adafactor([x], { lr: 0.1 })]) {
      const o = make();
      expect(() => o.loadStateDict(sgd.stateDict())).toThrow("'step' (");
      expect(o.state.size).toBe(0);
    }
    const sparse = new optim.SparseAdam([x], { lr: 0.1 });
    sparse.loadStateDict(sgd.stateDict());
    expect(Object.keys(sparse.state.get(x)!)).toEqual(['momentum_buffer']);
  });

  // y = Parameter([1., 2.]), y.grad = ones(2); a = Adam([y], lr=0.1); a.step(); sd = a.state_dict(); a.step()
  // sd['state'][0]['step'], sd['state'][0] is a.state[y] -> tensor(2.) True
  // o2 = Adam([y], lr=0.1); o2.load_state_dict(a.state_dict()); del o2; gc.collect(); a.step()
  //   -> a.state[y]['step'] tensor(3.), y [0.7000000476837158, 1.6999999284744263]
  it('stateDict holds the live state; disposing an optimizer that loaded it leaves the first one working', () => {
    const y = new torch.nn.Parameter(torch.tensor([1, 2], { dtype: torch.float32 }));
    y.grad = torch.ones(2);
    const a = new optim.Adam([y], { lr: 0.1 });
    a.step();
    const sd = a.stateDict();
    a.step();
    expect([(sd.state[0]!.step as torch.Tensor).item(), sd.state[0] === a.state.get(y)]).toEqual([2, true]);
    const o2 = new optim.Adam([y], { lr: 0.1 });
    o2.loadStateDict(a.stateDict());
    o2.dispose();
    a.step();
    expect([(a.state.get(y)!.step as torch.Tensor).item(), y.tolist()]).toEqual([3, [0.7000000476837158, 1.6999999284744263]]);
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

describe('loading older and unusual state dicts, as Python torch 2.13', () => {
  const L = fx.loading;
  const P = (v: number[], dtype: 'float32' | 'float64' = 'float32'): Tensor => torch.tensor(v, { dtype }).requiresGrad_();
  const T = (v: number[]): Tensor => torch.tensor(v, { dtype: 'float32' });
  const ctor = (name: string): new (ps: never, o?: never) => optim.Optimizer => (optim as unknown as Record<string, new (ps: never, o?: never) => optim.Optimizer>)[name]!;
  const snake = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
  const NUMERIC_OPTS: Record<string, Record<string, unknown>> = { Adagrad: { lr: 0.1, lr_decay: 0.5 }, Adadelta: {}, RMSprop: { lr: 0.01 }, Rprop: {}, ASGD: { lr: 0.1, t0: 0 }, NAdam: {} };

  for (const [name, want] of Object.entries(L.numeric_step)) {
    it(`${name}: a numeric step${name === 'ASGD' ? ', eta and mu' : name === 'NAdam' ? ' and mu_product' : ''} in a loaded state dict becomes a tensor (Python's __setstate__), the state kept`, () => {
      const p = P([1, 2]);
      const o = new (ctor(name))([p] as never, snake(NUMERIC_OPTS[name]!) as never);
      p.grad = T([0.5, -1]);
      o.step();
      const sd = o.stateDict();
      const s = sd.state[0]!;
      for (const k of Object.keys(s)) if (['step', 'eta', 'mu', 'mu_product'].includes(k)) s[k] = Number((s[k] as Tensor).item()) + 2;
      o.loadStateDict(sd);
      p.grad = T([0.3, -0.2]);
      o.step();
      expect(p.detach().tolist()).toEqual(want.param);
      const st = o.state.get(p)!;
      for (const [k, [v, dtype]] of Object.entries(want.state)) {
        expect(torch.isTensor(st[k])).toBe(true);
        expect([Number((st[k] as Tensor).item()), (st[k] as Tensor).dtype.name]).toEqual([v, dtype]);
      }
    });
  }

  for (const [name, want] of Object.entries(L.old_groups)) {
    it(`${name}: a state dict without ${want.deleted.join(', ')} loads with Python's defaults for them and steps`, () => {
      const p = P([1, 2]);
      const o = new (ctor(name))([p] as never, { lr: 0.1 } as never);
      const sd = o.stateDict();
      for (const k of want.deleted) delete sd.param_groups[0]![k];
      o.loadStateDict(sd);
      p.grad = T([0.5, -1]);
      o.step();
      expect(p.detach().tolist()).toEqual(want.param);
      expect(Object.keys(o.stateDict().param_groups[0]!)).toEqual(want.group_keys);
    });
  }

  it('takes empty parameter groups in the constructor and addParamGroup, through step and a state dict round trip', () => {
    const p = P([1, 2]);
    const o = new optim.SGD([{ params: [] }, { params: [p] }], { lr: 0.1, momentum: 0.9 });
    expect(String(o)).toBe(L.empty_groups.repr);
    p.grad = T([0.5, -1]);
    o.step();
    const sd = o.stateDict();
    expect(JSON.parse(JSON.stringify(layout(sd)))).toEqual(L.empty_groups.state_dict);
    const q = P([1, 2]);
    const o2 = new optim.SGD([{ params: [] }, { params: [q] }], { lr: 0.1, momentum: 0.9 });
    o2.loadStateDict(sd);
    q.grad = T([0.5, -1]);
    o2.step();
    expect(q.detach().tolist()).toEqual(L.empty_groups.loaded_param);
    const o3 = new optim.SGD([p], { lr: 0.1 });
    o3.addParamGroup({ params: [] });
    expect(o3.paramGroups.length).toBe(L.empty_groups.add_empty_groups);
    expect(String(o3)).toBe(L.empty_groups.add_empty_repr);
    expect(errorOf(() => new optim.SGD([])).message).toContain(fx.errors.empty!.message);
  });

  it('casts tensors inside list state to the parameter dtype (LBFGS float64 state into a float32 LBFGS)', () => {
    const run = (dtype: 'float32' | 'float64') => {
      const a = P([1, -2, 0.5], dtype);
      const o = new optim.LBFGS([a], { lr: 0.5, maxIter: 3, historySize: 3 });
      const closure = () => {
        o.zeroGrad();
        const loss = a.sub(1).pow(4).sum().add(a.pow(2).sum());
        loss.backward();
        return loss;
      };
      return { a, o, closure };
    };
    const r64 = run('float64');
    r64.o.step(r64.closure);
    const r32 = run('float32');
    torch.noGrad(() => r32.a.copy_(r64.a));
    r32.o.loadStateDict(r64.o.stateDict());
    const st = r32.o.state.get(r32.a)!;
    for (const [k, dtype] of Object.entries(L.lbfgs_cast.list_dtypes)) for (const t of (st[k] as (Tensor | null)[]).filter((e) => e !== null)) expect(t.dtype.name).toBe(dtype);
    r32.o.step(r32.closure);
    expect(r32.a.detach().tolist()).toEqual(L.lbfgs_cast.param);
  });

  it('copies a Tensor lr and Tensor betas on load (Python deepcopies param_groups)', () => {
    const make = (p: Tensor) => new optim.Adam([p], { lr: torch.tensor(0.1), betas: [torch.tensor(0.9), torch.tensor(0.999)] });
    const o1 = make(P([1, 2]));
    const o2 = make(P([1, 2]));
    o2.loadStateDict(o1.stateDict());
    (o1.paramGroups[0]!.lr as Tensor).fill_(0.5);
    (o1.paramGroups[0]!.betas as Tensor[])[0]!.fill_(0.5);
    const g2 = o2.paramGroups[0]!;
    expect(Number((g2.lr as Tensor).item())).toBe(L.tensor_lr_copy.lr);
    expect(Number((g2.betas as Tensor[])[0]!.item())).toBe(L.tensor_lr_copy.beta0);
    expect(o1.paramGroups[0]!.lr === g2.lr).toBe(L.tensor_lr_copy.same_lr);
    const lrGrad = torch.tensor(0.1).requiresGrad_();
    const o3 = new optim.SGD([P([1])], { lr: lrGrad });
    const o4 = new optim.SGD([P([1])], { lr: 0.2 });
    o4.loadStateDict(o3.stateDict());
    expect((o4.paramGroups[0]!.lr as Tensor).requiresGrad).toBe(true);
    expect(o4.paramGroups[0]!.lr).not.toBe(lrGrad);
  });

  it("checks only the constructor's options: groups with values Python's __init__ would refuse are taken", () => {
    const g = L.groups_accepted;
    const p = P([1, 2]);
    const q = P([3]);
    const o = new optim.SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true });
    o.addParamGroup({ params: [q], momentum: 0 });
    expect(o.paramGroups.length).toBe(g.nesterov_groups);
    const o2 = new optim.SGD([{ params: [p], lr: -1 }], { lr: 0.1 });
    p.grad = T([1, 1]);
    o2.step();
    expect(p.detach().tolist()).toEqual(g.negative_lr_param);
    const o3 = new optim.Adam([p], { lr: 0.1 });
    o3.addParamGroup({ params: [q], lr: -2, betas: [2, 0.5], eps: -1 });
    expect(o3.paramGroups[1]!.lr).toBe(g.adam_lr);
    expect(new optim.Rprop([{ params: [q], etas: [2, 0.5] }], { lr: 0.1 }).paramGroups[0]!.etas).toEqual(g.rprop_etas);
    expect(new optim.Adadelta([{ params: [q], rho: 2 }]).paramGroups[0]!.rho).toBe(g.adadelta_rho);
    // the constructor's own options are still checked, and a group's bad type is still a clear error
    expectPythonError(() => new optim.SGD([p], { lr: 0.1, nesterov: true }), fx.errors.nesterov!);
    expect(errorOf(() => new optim.SGD([{ params: [p], momentum: 'a' }], { lr: 0.1 })).message).toBe('optim.SGD: momentum value must be a number, got string');
  });

  it('keeps state under ids of no parameter and writes it again in stateDict()', () => {
    const p = P([1, 2]);
    const o = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = T([0.5, -1]);
    o.step();
    const sd = o.stateDict();
    (sd.state as Record<number, unknown>)[7] = { momentum_buffer: T([3]), note: 'x' };
    o.loadStateDict(sd);
    expect(JSON.parse(JSON.stringify(layout(o.stateDict())))).toEqual(L.orphan_state);
  });

  it('keeps custom snake_case group keys through a state dict round trip', () => {
    const o = new optim.SGD([{ params: [P([1, 2])], my_key: 1 }], { lr: 0.1 });
    o.loadStateDict(o.stateDict());
    expect(Object.keys(o.paramGroups[0]!).filter((k) => k === 'my_key' || k === 'myKey')).toEqual(['my_key']);
    expect(Object.keys(o.stateDict().param_groups[0]!)).toEqual(L.custom_key.keys);
    expect(String(o)).toBe(L.custom_key.repr);
    const o2 = new optim.SGD([{ params: [P([1, 2])], myKey: 1 }], { lr: 0.1 });
    o2.loadStateDict(o2.stateDict());
    expect(o2.paramGroups[0]!.myKey).toBe(1);
  });

  it("prints a 0-dim Tensor option by its item, as Python's f-string; inside a tuple and with dimensions as the tensor", () => {
    const ps = params();
    expect(String(new optim.Adam(ps, { lr: torch.tensor(0.01), betas: [torch.tensor(0.9), torch.tensor(0.999)] }))).toBe(L.repr_tensor_lr);
    expect(String(new optim.SGD(ps, { lr: torch.tensor([0.01]) }))).toBe(L.repr_tensor_lr_1d);
  });

  it("a step pre-hook returning something else than nothing or [args, kwargs] is Python's RuntimeError", () => {
    const o = new optim.SGD([P([1, 2])], { lr: 0.1 });
    o.registerStepPreHook(() => 5 as never);
    const e = errorOf(() => o.step());
    expect(e.constructor).toBe(Error);
    expect(e.message).toBe(`<function <lambda>> ${L.bad_pre_hook.message}`);
  });
});
