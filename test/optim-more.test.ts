// Adagrad, Adadelta, RMSprop, Rprop, ASGD, SparseAdam, Adafactor, LBFGS: bad input gets Python's
// error (named after the optimizer), and state layouts match Python's saved state dicts
// (test/fixtures/optim/<case>.pt from scripts/make-optim-more-fixtures.py). Trajectories are in
// optim-trajectories.test.ts.
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';
import { optim, type Tensor } from '../lib/index.js';

type OptimizerClass = new (params: unknown, options?: Record<string, unknown>) => optim.Optimizer;
const classes = optim as unknown as Record<string, OptimizerClass>;
const fixture = (name: string): optim.OptimizerStateDict => torch.load(new URL(`./fixtures/optim/${name}.pt`, import.meta.url).pathname) as optim.OptimizerStateDict;

function mlp(): Tensor[] {
  return [torch.randn([8, 4], { dtype: torch.float64 }), torch.randn([8], { dtype: torch.float64 }), torch.randn([1, 8], { dtype: torch.float64 }), torch.randn([1], { dtype: torch.float64 })].map((p) => p.requiresGrad_());
}
function backward(params: Tensor[]): Tensor {
  const x = torch.randn([16, 4], { dtype: torch.float64 });
  const loss = torch.tanh(x.matmul(params[0]!.t()).add(params[1]!)).matmul(params[2]!.t()).add(params[3]!).pow(2).mean();
  loss.backward();
  return loss;
}

describe('bad options', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['Adagrad', { lr: -1 }, /optim\.Adagrad: Invalid learning rate: -1/],
    ['Adagrad', { lrDecay: -0.1 }, /Invalid lr_decay value: -0.1/],
    ['Adagrad', { initialAccumulatorValue: -1 }, /Invalid initial_accumulator_value value: -1/],
    ['Adagrad', { eps: -1e-10 }, /Invalid epsilon value/],
    ['Adagrad', { fused: true, foreach: true }, /`fused` and `foreach` cannot be `True` together/],
    ['Adadelta', { rho: 1.5 }, /optim\.Adadelta: Invalid rho value: 1.5/],
    ['Adadelta', { eps: -1 }, /Invalid epsilon value: -1/],
    ['Adadelta', { weightDecay: -1 }, /Invalid weight_decay value: -1/],
    ['RMSprop', { alpha: -0.1 }, /optim\.RMSprop: Invalid alpha value: -0.1/],
    ['RMSprop', { momentum: -0.5 }, /Invalid momentum value: -0.5/],
    ['RMSprop', { eps: -1 }, /Invalid epsilon value: -1/],
    ['Rprop', { etas: [1.5, 1.2] }, /optim\.Rprop: Invalid eta values: 1.5, 1.2/],
    ['Rprop', { lr: -0.1 }, /Invalid learning rate: -0.1/],
    ['ASGD', { weightDecay: -1 }, /optim\.ASGD: Invalid weight_decay value: -1/],
    ['SparseAdam', { lr: 0 }, /optim\.SparseAdam: Invalid learning rate: 0/],
    ['SparseAdam', { eps: 0 }, /Invalid epsilon value: 0/],
    ['SparseAdam', { betas: [0.9, 1] }, /Invalid beta parameter at index 1: 1/],
    ['Adafactor', { beta2Decay: 0.5 }, /optim\.Adafactor: beta2_decay should be <= 0 but is: 0.5/],
    ['Adafactor', { eps: [-1, 1e-3] }, /epsilon1 should be >= 0 but is: -1/],
    ['Adafactor', { d: 0.5 }, /Clipping threshold d should be >= 1 but is: 0.5/],
    ['Adafactor', { lr: -1 }, /Learning rate should be >= 0 but is: -1/],
    ['LBFGS', { lr: -1 }, /optim\.LBFGS: Invalid learning rate: -1/],
    ['LBFGS', { lineSearchFn: 'wolfe' }, /only 'strong_wolfe' is supported/],
    ['LBFGS', { maxIter: 2.5 }, /maxIter must be an integer/],
  ];
  for (const [cls, options, message] of cases) {
    it(`${cls}(${JSON.stringify(options)}) throws`, () => {
      expect(() => new classes[cls]!(mlp(), options)).toThrow(message);
    });
  }

  it('unknown option names are TypeErrors naming the optimizer', () => {
    for (const cls of ['Adagrad', 'Adadelta', 'RMSprop', 'Rprop', 'ASGD', 'SparseAdam', 'Adafactor', 'LBFGS', 'Muon']) {
      expect(() => new classes[cls]!(mlp(), { learningRate: 0.1 }), cls).toThrow(TypeError);
      expect(() => new classes[cls]!(mlp(), { learningRate: 0.1 }), cls).toThrow(new RegExp(`optim\\.${cls}`));
    }
    expect(() => new optim.RMSprop(mlp(), { weight_decay: 0.1 } as never)).toThrow(TypeError);
  });

  it('options without a CPU implementation: capturable needs an accelerator, as in Python', () => {
    for (const cls of ['Adadelta', 'RMSprop', 'Rprop', 'ASGD']) {
      const params = mlp();
      const opt = new classes[cls]!(params, { capturable: true });
      backward(params);
      expect(() => opt.step(), cls).toThrow(/If capturable=True, .*must be on supported devices: \['cuda'/);
    }
  });
});

describe('Muon', () => {
  const matrices = (): Tensor[] => [torch.randn([8, 4], { dtype: torch.float64 }).requiresGrad_(), torch.randn([1, 8], { dtype: torch.float64 }).requiresGrad_()];
  it("refuses bad options and non-matrix parameters with Python's messages", () => {
    expect(() => new optim.Muon(matrices(), { lr: -1 })).toThrow('optim.Muon: Learning rate should be >= 0 but is: -1');
    expect(() => new optim.Muon(matrices(), { momentum: -0.5 })).toThrow('momentum should be >= 0 but is: -0.5');
    expect(() => new optim.Muon(matrices(), { weightDecay: -1 })).toThrow('weight decay should be >= 0 but is: -1');
    expect(() => new optim.Muon(matrices(), { adjustLrFn: 'sqrt' as never })).toThrow('Adjust learning rate function sqrt is not supported');
    expect(() => new optim.Muon(matrices(), { lr: torch.tensor([0.1, 0.2]) })).toThrow('Tensor lr must be 1-element');
    expect(() => new optim.Muon(mlp())).toThrow('Muon only supports 2D parameters whereas we found a parameter with size: torch.Size([8])');
    expect(() => new optim.Muon(matrices(), { foreach: true } as never)).toThrow(TypeError);
    expect(() => new optim.Muon(matrices(), { nsCoefficients: [1, 2] as never })).toThrow('nsCoefficients must be three numbers');
  });

  it('refuses complex parameters and sparse gradients at step, changing nothing', () => {
    const c = torch.randn([4, 3], { dtype: torch.complex128 }).requiresGrad_();
    const opt = new optim.Muon([c]);
    c.abs().sum().backward();
    const before = c.detach().clone();
    expect(() => opt.step()).toThrow('Muon does not support complex parameters');
    expect(c.detach().equal(before)).toBe(true);
    const e = torch.randn([10, 3], { dtype: torch.float64 }).requiresGrad_();
    torch.nn.functional.embedding(torch.tensor([1, 2]), e, { sparse: true }).sum().backward();
    expect(() => new optim.Muon([e]).step()).toThrow('Muon does not support sparse gradients');
  });

  it('keeps one momentum buffer per parameter under PyTorch\'s key, and its groups in PyTorch\'s spelling', () => {
    const params = matrices();
    const opt = new optim.Muon(params, { adjustLrFn: 'match_rms_adamw' });
    backward([params[0]!, torch.zeros([8], { dtype: torch.float64 }), params[1]!, torch.zeros([1], { dtype: torch.float64 })]);
    opt.step();
    const sd = opt.stateDict();
    const python = fixture('muon');
    expect(Object.keys(sd.state[0]!)).toEqual(Object.keys(python.state[0]!));
    expect(Object.keys(sd.param_groups[0]!).sort()).toEqual(Object.keys(python.param_groups[0]!).sort());
    expect(sd.param_groups[0]!.adjust_lr_fn).toBe('match_rms_adamw');
  });
});

describe('SparseAdam', () => {
  it('refuses dense gradients and leaves its state as it was', () => {
    const params = mlp();
    const opt = new optim.SparseAdam(params);
    backward(params);
    expect(() => opt.step()).toThrow(/SparseAdam does not support dense gradients, please consider Adam instead/);
    expect(opt.state.size).toBe(0);
  });

  it('refuses sparse parameters, naming their indices', () => {
    const sparse = torch.eye(3).toSparse().requiresGrad_();
    expect(() => new optim.SparseAdam([torch.zeros(3).requiresGrad_(), sparse])).toThrow(/Sparse params at indices \[\[0, 1\]\]/);
  });

  it('steps nn.Embedding({ sparse: true }) and keeps step as a count like Python', () => {
    const emb = new torch.nn.Embedding(10, 3, { sparse: true });
    const opt = new optim.SparseAdam(emb.parameters(), { lr: 0.1 });
    const before = emb.weight.detach().clone();
    for (let i = 0; i < 2; i++) {
      opt.zeroGrad();
      emb.forward(torch.tensor([1, 4], { dtype: torch.int64 })).sum().backward();
      opt.step();
    }
    const changed = emb.weight.detach().ne(before).any(1);
    expect(Array.from(changed.toTypedArray() as Uint8Array).map(Boolean)).toEqual([false, true, false, false, true, false, false, false, false, false]);
    const python = fixture('sparse-adam').state[0]!;
    const state = opt.stateDict().state[0]!;
    expect(Object.keys(state)).toEqual(Object.keys(python));
    expect(typeof state.step).toBe(typeof python.step);
    expect(state.step).toBe(2);
  });
});

describe('state layouts match Python', () => {
  const layouts: [string, string, Record<string, unknown>][] = [
    ['adagrad-single', 'Adagrad', {}],
    ['adadelta-single', 'Adadelta', {}],
    ['rmsprop-single-centered-momentum', 'RMSprop', { momentum: 0.9, centered: true }],
    ['rprop-single', 'Rprop', {}],
    ['asgd-single', 'ASGD', {}],
    ['adafactor-single', 'Adafactor', {}],
  ];
  for (const [name, cls, options] of layouts) {
    it(`${cls}: the same keys, shapes and dtypes per parameter as Python's state_dict`, () => {
      const params = mlp();
      const opt = new classes[cls]!(params, options);
      backward(params);
      opt.step();
      const ours = opt.stateDict().state, python = fixture(name).state;
      expect(Object.keys(ours)).toEqual(Object.keys(python));
      for (const id of Object.keys(python)) {
        const a = ours[id]!, b = python[id]!;
        expect(Object.keys(a), `${name} state[${id}]`).toEqual(Object.keys(b));
        for (const key of Object.keys(b)) {
          const x = a[key] as Tensor, y = b[key] as Tensor;
          expect(x.shape, `${name} state[${id}].${key}`).toEqual(y.shape);
          expect(x.dtype, `${name} state[${id}].${key}`).toBe(y.dtype);
        }
      }
    });
  }

  it('Adagrad fills the state of every parameter in its constructor, frozen ones included, as Python', () => {
    const params = mlp();
    params[0]!.requiresGrad_(false);
    const opt = new optim.Adagrad(params, { initialAccumulatorValue: 0.5 });
    expect(opt.state.size).toBe(4);
    expect(Number((opt.state.get(params[0]!)!.sum as Tensor).max().item())).toBe(0.5);
    expect(Object.keys(fixture('adagrad-frozen').state)).toEqual(['0', '1', '2', '3']);
  });

  it('Adafactor: a factored state from a different model is refused, and nothing changes', () => {
    const params = mlp();
    const opt = new optim.Adafactor(params);
    const sd = fixture('adafactor-single');
    const bad = { ...sd, state: { ...sd.state, 0: { ...sd.state[0], row_var: torch.zeros([4, 1], { dtype: torch.float64 }) } } };
    expect(() => opt.loadStateDict(bad as optim.OptimizerStateDict)).toThrow(/state 'row_var' of parameter 0 has shape \[4, 1\] but the parameter needs \[8, 1\]/);
    expect(opt.state.size).toBe(0);
    opt.loadStateDict(sd);
    expect((opt.state.get(params[0]!)!.col_var as Tensor).shape).toEqual([1, 4]);
  });

  it('LBFGS keeps Python\'s state on the first parameter, with its keys in its order', () => {
    const params = mlp();
    const opt = new optim.LBFGS(params, { lr: 0.5 });
    opt.step(() => {
      opt.zeroGrad();
      return backward(params);
    });
    const python = fixture('lbfgs').state;
    expect(Object.keys(opt.stateDict().state)).toEqual(Object.keys(python));
    expect(Object.keys(opt.stateDict().state[0]!)).toEqual(Object.keys(python[0]!));
  });
});

describe('LBFGS', () => {
  it('needs a closure', () => {
    const opt = new optim.LBFGS(mlp());
    expect(() => opt.step()).toThrow(TypeError);
    expect(() => opt.step()).toThrow(/optim\.LBFGS\.step: a closure is required/);
  });

  it('takes one parameter group only, as Python', () => {
    const params = mlp();
    expect(() => new optim.LBFGS([{ params: params.slice(0, 2) }, { params: params.slice(2) }])).toThrow(/LBFGS doesn't support per-parameter options \(parameter groups\)/);
    const opt = new optim.LBFGS(params.slice(0, 2));
    expect(() => opt.addParamGroup({ params: params.slice(2) })).toThrow(/per-parameter options/);
    expect(opt.paramGroups.length).toBe(1);
  });

  it('a closure that returns no loss is a TypeError', () => {
    const params = mlp();
    const opt = new optim.LBFGS(params);
    expect(() => opt.step(() => { backward(params); })).toThrow(/the closure must return the loss/);
  });

  it('maxEval defaults to maxIter * 5 / 4 rounded down, as Python', () => {
    expect(new optim.LBFGS(mlp(), { maxIter: 7 }).paramGroups[0]!.maxEval).toBe(8);
    expect(new optim.LBFGS(mlp()).defaults.maxEval).toBe(25);
  });
});
