// The Adam family beyond the trajectories of optim-trajectories.test.ts: lr as a Tensor (tensor
// arithmetic in the step sizes, as PyTorch 2.13), bad input with Python's messages, capturable on CPU,
// sparse gradients, AdamW's fixed decoupled weight decay and the state-dict upgrade of __setstate__.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';
import { optim, type Tensor } from '../lib/index.js';
import { errorOf, makeTensor, type TensorEnc } from './golden-replay.js';

type OptimizerClass = new (params: unknown, options?: Record<string, unknown>) => optim.Optimizer;
const classOf = (name: string): OptimizerClass => (optim as unknown as Record<string, OptimizerClass>)[name]!;
const FAMILY = ['Adam', 'AdamW', 'Adamax', 'NAdam', 'RAdam'];

const leaf = (): Tensor => torch.tensor([1, -2, 3], { dtype: 'float64' }).requiresGrad_();
function withGrad(): Tensor {
  const p = leaf();
  p.grad = torch.tensor([0.5, 0.25, -1], { dtype: 'float64' });
  return p;
}

interface TensorLrCase { name: string; cls: string; options: Record<string, unknown>; lrTensor: number; steps: number; losses: (number | string)[]; snapshots: Record<string, TensorEnc[]> }
interface TensorLrFixture { problem: { params: TensorEnc[]; x: TensorEnc; y: TensorEnc }; cases: TensorLrCase[] }
const tensorLr = JSON.parse(readFileSync(new URL('./fixtures/optim/adam-tensor-lr.json', import.meta.url), 'utf8')) as TensorLrFixture;

describe('lr as a float32 Tensor: step sizes in tensor arithmetic, as Python', () => {
  for (const c of tensorLr.cases) {
    it(`${c.name}: ${c.steps} steps as Python`, () => {
      const params = tensorLr.problem.params.map((e) => makeTensor(e).requiresGrad_());
      const x = makeTensor(tensorLr.problem.x), y = makeTensor(tensorLr.problem.y);
      const opt = new (classOf(c.cls))(params, { ...c.options, lr: torch.tensor(c.lrTensor) });
      const losses: number[] = [];
      for (let i = 0; i < c.steps; i++) {
        opt.zeroGrad();
        const h = torch.tanh(x.matmul(params[0]!.t()).add(params[1]!));
        const loss = h.matmul(params[2]!.t()).add(params[3]!).sub(y).pow(2).mean();
        loss.backward();
        opt.step();
        if (i < 10 || (i + 1) % 10 === 0) losses.push(Number(loss.item()));
      }
      expect(losses).toEqual(c.losses);
      params.forEach((p, i) => expect(Array.from(p.detach().toTypedArray() as Float64Array), `param ${i}`).toEqual(Array.from(makeTensor(c.snapshots[String(c.steps)]![i]!).toTypedArray() as Float64Array)));
    });
  }
});

describe('bad options: Python 2.13 messages, prefixed with the class', () => {
  for (const name of FAMILY) {
    const Cls = classOf(name);
    it(`${name}: negative lr, eps, weightDecay; betas outside [0, 1)`, () => {
      expect(errorOf(() => new Cls([leaf()], { lr: -1 }))).toMatchObject({ name: 'RangeError', message: `optim.${name}: Invalid learning rate: -1` });
      expect(errorOf(() => new Cls([leaf()], { eps: -1e-8 })).message).toBe(`optim.${name}: Invalid epsilon value: -1e-8`);
      expect(errorOf(() => new Cls([leaf()], { weightDecay: -0.1 })).message).toBe(`optim.${name}: Invalid weight_decay value: -0.1`);
      expect(errorOf(() => new Cls([leaf()], { betas: [1, 0.9] })).message).toBe(`optim.${name}: Invalid beta parameter at index 0: 1`);
      expect(errorOf(() => new Cls([leaf()], { betas: [0.9, -0.5] })).message).toBe(`optim.${name}: Invalid beta parameter at index 1: -0.5`);
      expect(errorOf(() => new Cls([leaf()], { betas: [0.9] })).name).toBe('TypeError');
      expect(errorOf(() => new Cls([leaf()], { lr: torch.tensor([0.1, 0.2]) })).message).toBe(`optim.${name}: Tensor lr must be 1-element`);
      if (name !== 'Adam' && name !== 'AdamW') expect(errorOf(() => new Cls([leaf()], { betas: [torch.tensor(0.9), torch.tensor(0.99)] })).name).toBe('TypeError');
    });
    it(`${name}: unknown option keys, snake_case keys and bad flags are TypeErrors`, () => {
      expect(errorOf(() => new Cls([leaf()], { momentum: 0.9 })).name).toBe('TypeError');
      expect(errorOf(() => new Cls([leaf()], { weight_decay: 0.1 })).name).toBe('TypeError');
      expect(errorOf(() => new Cls([leaf()], { maximize: 1 })).message).toMatch(`optim.${name}: maximize must be a boolean`);
      expect(errorOf(() => new Cls([{ params: [leaf()], weight_decay: 0.1 }])).message).toMatch(/did you mean 'weightDecay'/);
    });
    it(`${name}: a non-boolean differentiable is a TypeError; a bad parameter group changes nothing`, () => {
      expect(errorOf(() => new Cls([leaf()], { differentiable: 'yes' as never })).name).toBe('TypeError');
      const opt = new Cls([leaf()]);
      // Python checks only the constructor's keyword arguments: a group's lr -2 is taken, a group's bad type is refused here
      expect(errorOf(() => opt.addParamGroup({ params: [leaf()], lr: 'x' })).message).toBe(`optim.${name}: learning rate must be a number, got string`);
      expect(opt.paramGroups).toHaveLength(1);
      opt.addParamGroup({ params: [leaf()], lr: -2 });
      expect(opt.paramGroups[1]!.lr).toBe(-2);
    });
  }
  it('NAdam: negative momentumDecay', () => {
    expect(errorOf(() => new optim.NAdam([leaf()], { momentumDecay: -1 })).message).toBe('optim.NAdam: Invalid momentum_decay value: -1');
  });
  it('options a class does not have: AdamW decoupledWeightDecay, fused on Adamax/NAdam/RAdam, amsgrad on Adamax', () => {
    expect(errorOf(() => new optim.AdamW([leaf()], { decoupledWeightDecay: true } as never)).name).toBe('TypeError');
    for (const name of ['Adamax', 'NAdam', 'RAdam']) expect(errorOf(() => new (classOf(name))([leaf()], { fused: true })).name).toBe('TypeError');
    expect(errorOf(() => new optim.Adamax([leaf()], { amsgrad: true } as never)).name).toBe('TypeError');
  });
  it('Adam/AdamW: fused with foreach, and a Tensor lr with foreach but not capturable', () => {
    expect(errorOf(() => new optim.Adam([leaf()], { fused: true, foreach: true })).message).toBe('optim.Adam: `fused` and `foreach` cannot be `True` together.');
    expect(errorOf(() => new optim.AdamW([leaf()], { lr: torch.tensor(0.01), foreach: true })).message).toBe('optim.AdamW: lr as a Tensor is not supported for capturable=False and foreach=True');
  });
});

describe('Adam/AdamW: betas as Tensors (trajectories in optim-tensor-betas.json)', () => {
  for (const name of ['Adam', 'AdamW']) {
    const Cls = classOf(name);
    it(`${name}: Python's checks: both or neither, not with foreach unless capturable, 1-element, in range`, () => {
      expect(errorOf(() => new Cls([leaf()], { betas: [torch.tensor(0.9), 0.999] })).message).toBe(`optim.${name}: betas must be either both floats or both Tensors`);
      expect(errorOf(() => new Cls([leaf()], { betas: [torch.tensor(0.9), torch.tensor(0.999)], foreach: true })).message).toBe(`optim.${name}: betas[0] as a Tensor is not supported for capturable=False and foreach=True`);
      expect(errorOf(() => new Cls([leaf()], { betas: [torch.tensor(0.9), torch.tensor([0.9, 0.8])] })).message).toBe(`optim.${name}: Tensor betas[1] must be 1-element`);
      expect(errorOf(() => new Cls([leaf()], { betas: [torch.tensor(1.0), torch.tensor(0.999)] })).message).toBe(`optim.${name}: Invalid beta parameter at index 0: 1`);
    });
    it(`${name}: a 1-element beta becomes its 0-dim view (Python's _to_scalar); foreach with capturable fails at step on CPU as in Python`, () => {
      const beta1 = torch.tensor([0.9]);
      const opt = new Cls([withGrad()], { betas: [beta1, torch.tensor(0.99)] });
      const [b1] = opt.defaults.betas as Tensor[];
      expect(b1!.dim()).toBe(0);
      beta1.fill_(0.5); // a view: the user's tensor still drives the optimizer, as in Python
      expect(b1!.item()).toBe(0.5);
      const p = withGrad();
      const capturable = new Cls([p], { betas: [torch.tensor(0.9), torch.tensor(0.99)], foreach: true, capturable: true });
      expect(errorOf(() => capturable.step()).message).toMatch("If capturable=True, params and state_steps must be on supported devices: ['cuda', 'xpu', 'hpu', 'privateuseone'].");
      // a group switched to foreach after construction: the kernel refuses with Python's message
      const single = new Cls([withGrad()], { betas: [torch.tensor(0.9), torch.tensor(0.99)] });
      single.paramGroups[0]!.foreach = true;
      expect(errorOf(() => single.step()).message).toMatch('beta1 as a Tensor is not supported for capturable=False and foreach=True');
    });
  }
});

describe('complex parameters (trajectories in optim-complex.json)', () => {
  it('fused Adam, AdamW and Adagrad, SparseAdam and Adafactor refuse complex parameters', () => {
    const complexParam = (): Tensor => {
      const p = torch.viewAsComplex(torch.ones([3, 2], { dtype: 'float64' })).clone().requiresGrad_();
      p.grad = torch.viewAsComplex(torch.full([3, 2], 0.5, { dtype: 'float64' }));
      return p;
    };
    // Python 2.13's _device_dtype_check_for_fused, word for word
    const pythonMessage = "`fused=True` requires all the params to be floating point Tensors of supported devices: ['mps', 'cuda', 'xpu', 'hpu', 'cpu', 'mtia', 'privateuseone'] but torch.complex128 and cpu";
    for (const name of ['Adam', 'AdamW', 'Adagrad']) expect(errorOf(() => new (classOf(name))([complexParam()], { fused: true }).step()).message).toBe(`optimizer.step: ${pythonMessage}`);
    // Python checks only the first parameter with a grad; then _fused_adagrad's own check refuses a later complex one
    const real = torch.ones([2], { dtype: 'float64' }).requiresGrad_();
    real.grad = torch.onesLike(real);
    expect(errorOf(() => new optim.Adagrad([real, complexParam()], { fused: true }).step()).message).toBe('optimizer.step: `fused` does not support sparse grad or complex param');
    expect(errorOf(() => new optim.Adafactor([complexParam()]).step()).message).toMatch('Adafactor does not support complex parameters');
    expect(errorOf(() => new optim.SparseAdam([complexParam()])).message).toMatch('SparseAdam does not support complex parameters');
  });
});

describe('step() on what Python refuses there', () => {
  for (const name of FAMILY) {
    it(`${name}: capturable=true on CPU raises Python's AssertionError and keeps no state`, () => {
      const p = withGrad();
      const before = Array.from(p.toTypedArray() as Float64Array);
      const what = name === 'NAdam' ? 'params, mu_products and state_steps' : 'params and state_steps';
      expect(errorOf(() => new (classOf(name))([p], { capturable: true }).step()).message).toMatch(`If capturable=True, ${what} must be on supported devices: ['cuda', 'xpu', 'hpu', 'privateuseone', 'xla'].`);
      const foreachWhat = name === 'NAdam' ? 'params, mu_products, and state_steps' : 'params and state_steps';
      const opt = new (classOf(name))([p], { capturable: true, foreach: true });
      expect(errorOf(() => opt.step()).message).toMatch(`If capturable=True, ${foreachWhat} must be on supported devices: ['cuda', 'xpu', 'hpu', 'privateuseone'].`);
      expect(opt.state.size).toBe(0);
      expect(Array.from(p.toTypedArray() as Float64Array)).toEqual(before);
    });
    it(`${name}: a sparse gradient is refused with Python's message`, () => {
      const p = torch.zeros([4, 2], { dtype: 'float64' }).requiresGrad_();
      p.grad = torch.ones([4, 2], { dtype: 'float64' }).toSparse();
      const message = name === 'Adam' || name === 'AdamW' ? 'Adam does not support sparse gradients, please consider SparseAdam instead' : `${name} does not support sparse gradients`;
      expect(errorOf(() => new (classOf(name))([p]).step()).message).toMatch(message);
    });
  }
  it('Adam fused with capturable: capturable has no effect (as in Python); fused keeps a float32 step', () => {
    const p = withGrad();
    const opt = new optim.Adam([p], { fused: true, capturable: true, amsgrad: true });
    opt.step();
    const s = opt.state.get(p)!;
    expect(Object.keys(s)).toEqual(['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']);
    expect((s.step as Tensor).dtype.name).toBe('float32');
    expect((s.exp_avg as Tensor).dtype.name).toBe('float64');
  });
  it('NAdam keeps mu_product as a 0-dim tensor of the scalar dtype', () => {
    const p = withGrad();
    const opt = new optim.NAdam([p]);
    opt.step();
    const s = opt.state.get(p)!;
    expect(Object.keys(s)).toEqual(['step', 'mu_product', 'exp_avg', 'exp_avg_sq']);
    expect((s.mu_product as Tensor).dim()).toBe(0);
    expect((s.mu_product as Tensor).dtype.name).toBe('float32');
  });
});

describe('state dicts', () => {
  it('AdamW: param_groups say decoupled_weight_decay true, also after loading an Adam state dict', () => {
    const p = withGrad();
    const adamw = new optim.AdamW([p]);
    expect(adamw.defaults.decoupledWeightDecay).toBe(true);
    expect(adamw.defaults.weightDecay).toBe(1e-2);
    const adam = new optim.Adam([p]);
    adam.step();
    adamw.loadStateDict(adam.stateDict());
    expect(adamw.paramGroups[0]!.decoupledWeightDecay).toBe(true);
    expect(adam.stateDict().param_groups[0]!.decoupled_weight_decay).toBe(false);
  });
  it('a group saved by an older PyTorch (no amsgrad/maximize/... keys, step a number) loads as Python upgrades it', () => {
    const p = withGrad();
    const opt = new optim.Adam([p]);
    opt.loadStateDict({
      state: { 0: { step: 3, exp_avg: torch.zerosLike(p), exp_avg_sq: torch.zerosLike(p) } },
      param_groups: [{ lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, params: [0] }],
    });
    const g = opt.paramGroups[0]!;
    expect([g.amsgrad, g.maximize, g.foreach, g.capturable, g.differentiable, g.decoupledWeightDecay, g.fused]).toEqual([false, false, null, false, false, false, null]);
    const step = opt.state.get(p)!.step as Tensor;
    expect([step.dtype.name, Number(step.item())]).toEqual(['float32', 3]);
    opt.step();
    expect(Number((opt.state.get(p)!.step as Tensor).item())).toBe(4);
  });
  it('repr lists the options in Python spelling', () => {
    expect(String(new optim.RAdam([leaf()]))).toMatch(/decoupled_weight_decay: False\n/);
  });
});
