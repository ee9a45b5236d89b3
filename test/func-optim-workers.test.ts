// The newer API on worker threads and left to the garbage collector: torch.func's transforms (grad, jacrev,
// hessian, vmap of grad, linearize, model ensembling), torch.autograd.functional, optim.Muon and
// optim.swapInOptimizerParamsAndState, and the per-thread grad layout switch. Workers running them give
// the main thread's numbers while it runs them too; loops that dispose nothing stay bounded.
import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { expectRoundsAgreeInWorkers, expectRoundsBoundedWithoutDispose } from './run-child.js';

// One round of the API as JS source (run here and in the workers): every value it returns is deterministic.
const roundSource = `
  const { func, optim, nn } = t;
  const f = (x) => x.sin().mul(x.sum()).sum();
  const x = t.linspace(-1, 1, 5, { dtype: t.float64 });
  const g = func.grad(f)(x);
  const J = func.jacrev((x) => x.exp().mul(2))(x);
  const H = func.hessian(f)(x);
  const perSample = func.vmap(func.grad((r) => r.pow(3).sum()))(t.arange(6, { dtype: t.float64 }).reshape(2, 3));
  const AJ = t.autograd.functional.jacobian((x) => x.pow(2), x);
  const [, jvpFn] = func.linearize((x) => x.tanh(), x);
  const lin = jvpFn(t.onesLike(x));
  t.manualSeed(0);
  const models = [0, 1, 2].map(() => new nn.Linear(3, 2).to(t.float64));
  const [params, buffers] = func.stackModuleState(models);
  const base = new nn.Linear(3, 2, { device: 'meta', dtype: t.float64 });
  const ens = func.vmap((p, b, v) => func.functionalCall(base, [p, b], [v]), { inDims: [0, 0, null] })(params, buffers, t.ones(4, 3, { dtype: t.float64 }));
  const w = t.linspace(-0.5, 0.5, 12, { dtype: t.float64 }).reshape(4, 3).requiresGrad_();
  const muon = new optim.Muon([w], { lr: 0.02 });
  for (let i = 0; i < 5; i++) { w.grad = w.detach().sin(); muon.step(); }
  const swapped = w.detach().clone().requiresGrad_();
  swapped.grad = t.onesLike(swapped);
  optim.swapInOptimizerParamsAndState(muon, [swapped], muon.stateDict(), () => muon.step());
  const p = t.arange(12, { dtype: t.float32 }).reshape(3, 4).t().requiresGrad_();
  const layoutBackward = () => p.mul(2).sum().backward();   // the contract off where libtorch has the switch (not 2.11)
  if (t.version.features.gradLayoutPolicy) t.autograd.enforceGradLayoutPolicy(false, layoutBackward); else layoutBackward();
  const sums = [g, J, H, perSample, AJ, lin, ens, w, swapped].map((v) => v.detach().sum().item());
  return [...sums, ...p.grad.stride(), Number(t.autograd.enforceGradLayoutPolicy(() => true))];`;
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const round = new Function('t', roundSource) as (t: typeof torch) => number[];

describe('torch.func, autograd.functional, optim.Muon and the swap-in context in worker threads', () => {
  it('three workers and the main thread, running the same rounds at once, get the same numbers', async () => {
    const expected = round(torch);
    // the layout switch was off in the round only (the grad then keeps its own layout)
    expect(expected.slice(-3)).toEqual(torch.version.features.gradLayoutPolicy ? [3, 1, 1] : [1, 3, 1]);
    await expectRoundsAgreeInWorkers(torch, roundSource, expected);
  }, 300_000);
});

describe('left to the garbage collector', { timeout: 300_000 }, () => {
  it('400 rounds of the same API with no dispose or tidy keep tensors, bytes and RSS bounded', () => {
    expectRoundsBoundedWithoutDispose(roundSource);
  });
});
