// differentiable: true (torch.optim 2.13): the step runs with autograd recording, through Python's
// single-tensor update and its `if differentiable:` branches, so gradients flow through optimizer
// steps to the initial parameters and to hyperparameters given as tensors. Replays
// test/fixtures/optim/differentiable.json (scripts/make-optim-diff-fixtures.py) bit-exact, runs
// gradcheck through one step as Python's TestDifferentiableOptimizer does, and checks what Python refuses.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';
import { optim, type Tensor } from '../lib/index.js';
import { errorOf } from './golden-replay.js';
import { decode, lossOf, makeTensor, valuesOf, type TensorEnc } from './optim-harness.js';

type OptimizerClass = new (params: unknown, options?: Record<string, unknown>) => optim.Optimizer;
const classOf = (name: string): OptimizerClass => (optim as unknown as Record<string, OptimizerClass>)[name]!;

interface DiffCase {
  name: string;
  cls: string;
  options: Record<string, unknown>;
  /** Hyperparameters given as float64 tensors that require grad (betas: a pair). */
  tensorOptions: Record<string, number | number[]>;
  steps: number;
  losses: (number | string)[];
  finalLoss: number | string;
  params: TensorEnc[];
  leafGrads: TensorEnc[];
  /** d finalLoss / d hyperparameter, in tensorOptions order (pairs flattened); null where Python's update reads it as a number. */
  hyperGrads: (number | string | null)[];
}
interface DiffFixture { problem: { params: TensorEnc[]; x: TensorEnc; y: TensorEnc }; cases: DiffCase[] }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/optim/differentiable.json', import.meta.url), 'utf8')) as DiffFixture;

const hyperLeaf = (v: number): Tensor => torch.tensor(v, { dtype: 'float64', requiresGrad: true });

// The fixture script's loop: p = w.clone(); each step p.grad = d loss / d p (create_graph) and step().
function runCase(c: DiffCase, steps = c.steps) {
  const leaves = fixture.problem.params.map((e) => makeTensor(e).requiresGrad_());
  const x = makeTensor(fixture.problem.x), y = makeTensor(fixture.problem.y);
  const hypers: Tensor[] = [];
  const tensorOptions: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(c.tensorOptions)) {
    const made = Array.isArray(v) ? v.map(hyperLeaf) : hyperLeaf(v);
    hypers.push(...(Array.isArray(made) ? made : [made]));
    tensorOptions[key] = made;
  }
  const params = leaves.map((w) => w.clone());
  const opt = new (classOf(c.cls))(params, { ...c.options, ...tensorOptions, differentiable: true });
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = lossOf('mlp', params.map((p) => p.clone()), x, y);
    const grads = torch.autograd.grad(loss, params, { createGraph: true });
    params.forEach((p, j) => (p.grad = grads[j]!));
    opt.step();
    losses.push(Number(loss.item()));
  }
  const final = lossOf('mlp', params.map((p) => p.clone()), x, y);
  return { leaves, hypers, params, final, losses };
}

describe('differentiable steps: updates and gradients through them as Python 2.13 (bit-exact)', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: ${c.steps} step${c.steps > 1 ? 's' : ''}`, () => {
      const { leaves, hypers, params, final, losses } = runCase(c);
      expect(losses).toEqual(c.losses.map(decode));
      expect(Number(final.item())).toBe(decode(c.finalLoss));
      params.forEach((p, i) => expect(valuesOf(p), `param ${i}`).toEqual(valuesOf(makeTensor(c.params[i]!))));
      const grads = torch.autograd.grad(final, [...leaves, ...hypers], { allowUnused: true });
      leaves.forEach((_, i) => expect(valuesOf(grads[i]!), `d loss / d w${i}`).toEqual(valuesOf(makeTensor(c.leafGrads[i]!))));
      const hyperGrads = grads.slice(leaves.length).map((g) => (g === null ? null : Number(g.item())));
      expect(hyperGrads).toEqual(c.hyperGrads.map((g) => (g === null ? null : decode(g))));
    });
  }

  it('a second step that changes a state tensor saved for backward fails the later backward, as in Python', () => {
    // Adamax's exp_inf is saved by amax's backward and scaled in place by the next step (Python raises the same).
    const c = fixture.cases.find((k) => k.cls === 'Adamax')!;
    const { leaves, final } = runCase(c, 2);
    expect(errorOf(() => torch.autograd.grad(final, leaves)).message).toMatch(/modified by an inplace operation/);
  });

  it('state tensors take part in the graph: exp_avg of a differentiable Adam step has a grad_fn', () => {
    const c = fixture.cases.find((k) => k.cls === 'Adam')!;
    const w = makeTensor(fixture.problem.params[1]!).requiresGrad_();
    const p = w.clone();
    const opt = new optim.Adam([p], { ...c.options, differentiable: true });
    p.grad = p.mul(2);
    opt.step();
    expect(p.gradFn?.name()).toBe('AddcdivBackward0');
    expect((opt.state.get(p)!.exp_avg as Tensor).gradFn).not.toBeNull();
    expect((opt.state.get(p)!.step as Tensor).requiresGrad).toBe(false);
  });
});

// Python's test/optim/test_optim.py TestDifferentiableOptimizer: gradcheck of p and the grad-requiring
// state after one step, w.r.t. p, its grad and the state (each a fresh clone per evaluation).
// 'rand': torch.rand(10) in the check; 'rand/100': 1e-2 * torch.rand(10) (RMSprop's grad_avg, so that square_avg - grad_avg² > 0);
// a number: a 0-dim float64 tensor outside the check. `throws`: Python raises this too (the step changes a tensor backward needs).
interface GradcheckCase { cls: string; options: Record<string, unknown>; state: Record<string, 'rand' | 'rand/100' | number>; throws?: RegExp }
const GRADCHECK: GradcheckCase[] = [
  { cls: 'SGD', options: { lr: 0.9, momentum: 0.9, weightDecay: 0.1 }, state: { momentum_buffer: 'rand' } },
  { cls: 'SGD', options: { lr: 0.9, momentum: 0.9, nesterov: true, maximize: true }, state: { momentum_buffer: 'rand' } },
  { cls: 'Adam', options: { lr: 0.9, amsgrad: true }, state: { step: 10, exp_avg: 'rand', exp_avg_sq: 'rand', max_exp_avg_sq: 'rand' } },
  { cls: 'Adam', options: { lr: 0.9, weightDecay: 0.1 }, state: { step: 10, exp_avg: 'rand', exp_avg_sq: 'rand' } },
  { cls: 'AdamW', options: { lr: 0.9, amsgrad: true }, state: { step: 10, exp_avg: 'rand', exp_avg_sq: 'rand', max_exp_avg_sq: 'rand' } },
  { cls: 'Adamax', options: { lr: 0.9, weightDecay: 0.1 }, state: { step: 10, exp_avg: 'rand', exp_inf: 'rand' } },
  { cls: 'Adagrad', options: { lr: 0.9, weightDecay: 0.1 }, state: { step: 10, sum: 'rand' } },
  { cls: 'Adadelta', options: { lr: 0.9, weightDecay: 0.1 }, state: { step: 10, square_avg: 'rand', acc_delta: 'rand' } },
  { cls: 'ASGD', options: { lr: 0.9, weightDecay: 0.1, t0: 1 }, state: { step: 10, eta: 0.9, mu: 1, ax: 'rand' } },
  // mu != 1: ax.add_(param.sub(ax).mul_(mu)) saves mu, then mu.copy_() changes it: Python's backward fails the same way
  { cls: 'ASGD', options: { lr: 0.9, weightDecay: 0.1, t0: 1 }, state: { step: 10, eta: 0.9, mu: 0.5, ax: 'rand' }, throws: /modified by an inplace operation/ },
  { cls: 'NAdam', options: { lr: 0.9, weightDecay: 0.1 }, state: { step: 10, exp_avg: 'rand', exp_avg_sq: 'rand', mu_product: 1 } },
  { cls: 'NAdam', options: { lr: 0.9, weightDecay: 0.1, decoupledWeightDecay: true }, state: { step: 10, exp_avg: 'rand', exp_avg_sq: 'rand', mu_product: 1 } },
  { cls: 'RAdam', options: { lr: 0.9, weightDecay: 0.1 }, state: { step: 10, exp_avg: 'rand', exp_avg_sq: 'rand' } },
  { cls: 'RAdam', options: { lr: 0.9, weightDecay: 0.1, decoupledWeightDecay: true }, state: { step: 10, exp_avg: 'rand', exp_avg_sq: 'rand' } },
  { cls: 'RMSprop', options: { lr: 0.9, maximize: true, momentum: 0.9, centered: true, weightDecay: 0.1 }, state: { step: 10, square_avg: 'rand', momentum_buffer: 'rand', grad_avg: 'rand/100' } },
  { cls: 'Rprop', options: { lr: 0.9 }, state: { step: 10, prev: 'rand', step_size: 'rand' } },
];

describe('gradcheck through one differentiable step (Python\'s TestDifferentiableOptimizer)', () => {
  for (const g of GRADCHECK) {
    it(`${g.cls} ${JSON.stringify(g.options)} ${JSON.stringify(g.state)}`, () => {
      const gen = new torch.Generator().manualSeed(2026);
      const rand = (): Tensor => torch.rand([10], { generator: gen, dtype: 'float64' }).requiresGrad_();
      const p = rand(), grad = rand();
      // Scalars (step, eta, mu, mu_product) are 0-dim float64 tensors outside the check, as in Python's tests.
      const fixed: Record<string, Tensor> = {};
      const varying: [string, Tensor][] = [];
      for (const [key, v] of Object.entries(g.state)) {
        if (v === 'rand') varying.push([key, rand()]);
        else if (v === 'rand/100') varying.push([key, torch.rand([10], { generator: gen, dtype: 'float64' }).mul(1e-2).requiresGrad_()]);
        else fixed[key] = torch.tensor(v, { dtype: 'float64' });
      }
      const fn = (p0: Tensor, grad0: Tensor, ...stateValues: Tensor[]): Tensor[] => {
        const q = p0.clone();
        q.grad = grad0;
        const opt = new (classOf(g.cls))([q], { ...g.options, differentiable: true });
        const state = opt.state.get(q) ?? {};
        for (const [key, t] of Object.entries(fixed)) state[key] = t.clone();
        varying.forEach(([key], i) => (state[key] = stateValues[i]!.clone()));
        opt.state.set(q, state);
        opt.step();
        return [q, ...varying.map(([key]) => state[key] as Tensor)];
      };
      const check = (): boolean => torch.autograd.gradcheck(fn, [p, grad, ...varying.map(([, t]) => t)]);
      if (g.throws) expect(errorOf(check).message).toMatch(g.throws);
      else expect(check()).toBe(true);
    });
  }
});

describe('what Python refuses with differentiable', () => {
  const leaf = (): Tensor => torch.tensor([1, -2, 3], { dtype: 'float64' }).requiresGrad_();
  for (const name of ['SGD', 'Adam', 'AdamW', 'Adagrad']) {
    it(`${name}: fused with differentiable, Python's message`, () => {
      expect(errorOf(() => new (classOf(name))([leaf()], { fused: true, differentiable: true })).message).toBe(`optim.${name}: \`fused\` does not support \`differentiable\``);
    });
  }
  for (const name of ['Adam', 'AdamW', 'Adamax', 'Adagrad', 'Adadelta', 'ASGD', 'NAdam', 'RAdam', 'RMSprop', 'Rprop']) {
    it(`${name}: foreach with differentiable raises at step, as Python's _multi_tensor_ path`, () => {
      const p = leaf().clone();
      const opt = new (classOf(name))([p], { foreach: true, differentiable: true });
      p.grad = torch.onesLike(p);
      expect(errorOf(() => opt.step()).message).toBe("optimizer.step: _foreach ops don't support autograd");
    });
  }
  for (const name of ['LBFGS', 'SparseAdam', 'Adafactor', 'Muon']) {
    it(`${name} takes no differentiable option`, () => {
      expect(errorOf(() => new (classOf(name))([leaf()], { differentiable: true })).name).toBe('TypeError');
    });
  }
  // Python's single-tensor update passes lr to a Number argument there; its argument parser refuses a Tensor that requires grad
  const numberLr: [string, Record<string, unknown>, string][] = [
    ['Adamax', {}, "addcdiv_(): argument 'value' must be Number, not Tensor"],
    ['Adagrad', {}, "addcdiv_(): argument 'value' must be Number, not Tensor"],
    ['Adadelta', {}, "add_(): argument 'alpha' must be Number, not Tensor"],
    ['RMSprop', {}, "addcdiv_(): argument 'value' must be Number, not Tensor"],
    ['RMSprop', { momentum: 0.9 }, "add_(): argument 'alpha' must be Number, not Tensor"],
    ['Rprop', {}, "full_like(): argument 'fill_value' (position 2) must be Number, not Tensor"],
  ];
  for (const [name, options, message] of numberLr) {
    it(`${name} ${JSON.stringify(options)}: an lr Tensor that requires grad is Python's TypeError, and the state stays as it was`, () => {
      const p = leaf().clone();
      const opt = new (classOf(name))([p], { ...options, lr: hyperLeaf(0.01), differentiable: true });
      p.grad = torch.onesLike(p);
      const before = valuesOf(p);
      const stateKeys = Object.keys(opt.state.get(p) ?? {});
      expect(errorOf(() => opt.step())).toMatchObject({ name: 'TypeError', message: `optimizer.step: ${message}` });
      expect(valuesOf(p)).toEqual(before);
      expect(Object.keys(opt.state.get(p) ?? {})).toEqual(stateKeys);
    });
  }
  it('a non-leaf parameter needs differentiable: true', () => {
    expect(errorOf(() => new optim.SGD([leaf().clone()], { lr: 0.1 })).message).toBe("SGD: can't optimize a non-leaf Tensor");
  });
  it('Adam: a step state that requires grad is refused in differentiable mode', () => {
    const p = leaf().clone();
    const opt = new optim.Adam([p], { differentiable: true });
    p.grad = torch.onesLike(p);
    opt.state.set(p, { step: torch.tensor(1, { dtype: 'float32', requiresGrad: true }), exp_avg: torch.zerosLike(p), exp_avg_sq: torch.zerosLike(p) });
    expect(errorOf(() => opt.step()).message).toBe('optimizer.step: `requires_grad` is not supported for `step` in differentiable mode');
  });
  it('differentiable must be a boolean', () => {
    expect(errorOf(() => new optim.Adam([leaf()], { differentiable: 1 as unknown as boolean })).name).toBe('TypeError');
  });
});
