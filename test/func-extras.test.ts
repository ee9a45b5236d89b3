// torch.func's model-ensembling helpers (stackModuleState, replaceAllBatchNormModules_) run as functorch's
// ensembling tutorial does, vmap over functionalCall, and linearize; against Python torch 2.13
// (test/fixtures/func-extras.json from scripts/make-func-extras-fixtures.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';   // the instance scripts/pyvalues.mjs decodes into
import { compare, decode } from '../scripts/pyvalues.mjs';

type T = torch.Tensor;
type Enc = Record<string, unknown>;
interface Ensemble {
  states: Enc[];
  x: unknown;
  params: Enc;
  params_require_grad: Record<string, boolean>;
  params_are_leaves: boolean;
  buffers: Enc;
  output: unknown;
  param_grads: Enc;
  state_dict_keys_after_replace: string[];
  track_running_stats_after: boolean[];
}
const fixture = JSON.parse(readFileSync(new URL('fixtures/func-extras.json', import.meta.url), 'utf8')) as {
  ensemble: Ensemble;
  ensemble_batch_norm: Ensemble;
  linearize: Record<'x' | 'y' | 'tx' | 'ty' | 'output' | 'jvp' | 'jvp_swapped', unknown> & { errors: Record<'shape' | 'dtype', string> };
  stack_errors: Record<'empty' | 'mode' | 'class' | 'requires_grad', string>;
};
const { nn, func } = torch;

const close = (actual: unknown, expected: unknown, what: string): void => {
  expect(compare(actual, expected, { tolerance: [1e-12, 1e-12] }), what).toBeNull();
};
const mlp = (batchNorm: boolean): torch.nn.Sequential =>
  (batchNorm ? new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Linear(8, 2)) : new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2))).to(torch.float64);

describe('torch.func.stackModuleState and replaceAllBatchNormModules_: model ensembling as in the functorch tutorial', () => {
  for (const [name, c, batchNorm] of [['MLPs', fixture.ensemble, false], ['MLPs with batch norm', fixture.ensemble_batch_norm, true]] as const) {
    it(`${name}: the stacked state, the vmapped ensemble's output and its gradients match Python's`, () => {
      const models = c.states.map((s) => {
        const m = mlp(batchNorm);
        m.loadStateDict(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, decode(v) as T])));
        return batchNorm ? func.replaceAllBatchNormModules_(m) : m;
      });
      expect(Object.keys(models[0]!.stateDict())).toEqual(c.state_dict_keys_after_replace);
      expect(models[0]!.modules().filter((m) => m instanceof nn.BatchNorm1d).map((m) => (m as torch.nn.BatchNorm1d).trackRunningStats)).toEqual(c.track_running_stats_after);
      const [params, buffers] = func.stackModuleState(models);
      expect(Object.keys(params)).toEqual(Object.keys(c.params));
      expect(Object.keys(buffers)).toEqual(Object.keys(c.buffers));
      for (const [k, v] of Object.entries(c.params)) expect(compare(params[k]!.detach(), v, { exact: true }), k).toBeNull();
      expect(Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.requiresGrad]))).toEqual(c.params_require_grad);
      expect(Object.values(params).every((p) => p.isLeaf)).toBe(c.params_are_leaves);
      const base = mlp(batchNorm).to('meta');
      if (batchNorm) func.replaceAllBatchNormModules_(base);
      const fmodel = (p: Record<string, T>, b: Record<string, T>, x: T): T => func.functionalCall(base, [p, b], [x]) as T;
      const out = func.vmap(fmodel, { inDims: [0, 0, null] })(params, buffers, decode(c.x) as T);
      close(out.detach(), c.output, 'output');
      out.sum().backward();
      for (const [k, g] of Object.entries(c.param_grads)) close(params[k]!.grad, g, `grad of ${k}`);
    });
  }

  it("refuses what Python refuses, with Python's messages", () => {
    const a = mlp(false);
    const b = mlp(false).eval();
    const c = mlp(false);
    (c.at(0) as torch.nn.Linear).weight.requiresGrad_(false);
    expect(() => func.stackModuleState([])).toThrow(fixture.stack_errors.empty);
    expect(() => func.stackModuleState([a, b])).toThrow(fixture.stack_errors.mode);
    expect(() => func.stackModuleState([a, new nn.Linear(4, 8)])).toThrow(fixture.stack_errors.class);
    expect(() => func.stackModuleState([a, c])).toThrow(fixture.stack_errors.requires_grad);
  });

  it('replaceAllBatchNormModules_ leaves instance norm and layers without running stats alone', () => {
    const m = new nn.Sequential(new nn.InstanceNorm1d(3, { trackRunningStats: true }), new nn.BatchNorm1d(3, { trackRunningStats: false }), new nn.LazyBatchNorm2d());
    expect(func.replaceAllBatchNormModules_(m)).toBe(m);
    expect(Object.keys(m.stateDict())).toEqual(['0.running_mean', '0.running_var', '0.num_batches_tracked', '1.weight', '1.bias', '2.weight', '2.bias']);
  });
});

describe('torch.func.linearize', () => {
  const L = fixture.linearize;
  const [x, y, tx, ty] = [L.x, L.y, L.tx, L.ty].map((v) => decode(v) as T) as [T, T, T, T];
  const f = (a: T, b: T): T[] => [a.sin().mul(b), a.mul(b).exp().sum()];
  it("gives func's output and a jvp function, as Python's", () => {
    const [output, jvpFn] = func.linearize(f as never, x, y);
    close(output, L.output, 'output');
    close(jvpFn(tx, ty), L.jvp, 'jvp');
    close(jvpFn(ty, tx), L.jvp_swapped, 'jvp, other tangents');
  });
  it("checks each tangent against its primal, with Python's messages", () => {
    const [, jvpFn] = func.linearize(f as never, x, y);
    expect(() => jvpFn(torch.zeros(2, { dtype: torch.float64 }), ty)).toThrow(L.errors.shape);
    expect(() => jvpFn(tx.float(), ty)).toThrow(L.errors.dtype);
    expect(() => jvpFn(tx)).toThrow('expected 2 tangents, one per primal, got 1');
  });
});

describe('torch.func.jvp results', () => {
  it("carry no graph at the outermost level, as functorch's (PyTorch 2.13: requires_grad False, values [3, 12, 27] and [6, 12, 18])", () => {
    const x = torch.tensor([1, 2, 3], { dtype: torch.float32 });
    const [p, t] = torch.func.jvp(torch.func.grad((a: torch.Tensor) => a.pow(3).sum()) as (a: torch.Tensor) => torch.Tensor, [x], [torch.onesLike(x)]) as torch.Tensor[];
    expect([p!.requiresGrad, t!.requiresGrad, p!.tolist(), t!.tolist()]).toEqual([false, false, [3, 12, 27], [6, 12, 18]]);
    // inside a reverse transform they keep it (Python: grad of the jvp of sin is -sin)
    const g = torch.func.grad((a: torch.Tensor) => (torch.func.jvp((b: torch.Tensor) => b.sin(), [a], [torch.onesLike(a)])[1] as torch.Tensor).sum())(x) as torch.Tensor;
    expect(g.tolist()).toEqual([-0.8414709568023682, -0.9092974066734314, -0.14112000167369843]);
  });
});
