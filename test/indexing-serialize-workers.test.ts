// Indexing with nested arrays and masks, uint64 tensors from BigInts, torch.save/load of Parameters, complex,
// uint64 and Map values, module deep copies (AveragedModel) and a tensor hook removed during backward, on
// worker threads and left to the garbage collector: workers running them give the main thread's numbers
// while it runs them too; loops that dispose nothing stay bounded.
import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { expectRoundsAgreeInWorkers, expectRoundsBoundedWithoutDispose } from './run-child.js';

// One round as JS source (run here and in the workers): every value it returns is deterministic.
const roundSource = `
  const { nn, optim } = t;
  const x = t.arange(24, { dtype: t.float32 }).reshape(2, 3, 4);
  const a = x.index([[0, 1], [1, 0]], 0);
  const b = x.index([[true, false, true], [false, true, true]], '...');
  const c = x.index(t.tensor(1), ':', [0.5, 2]);
  const y = x.clone();
  y.indexPut_([[[0, 1]], 2], 2.5);
  y.indexPut_([y.gt(20)], 0);
  const u = t.tensor([0n, 2n ** 64n - 1n, 5n], { dtype: t.uint64 });
  t.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU(), new nn.Linear(2, 1));
  const saved = t.save({ model: model.stateDict(), p: new nn.Parameter(t.ones(2)), z: t.tensor([1, 2]).to(t.complex64), u, m: new Map([[1, 'a'], ['k', t.ones(1)]]) });
  const back = t.load(saved);
  const avg = new optim.swaUtils.AveragedModel(model);
  for (const p of model.parameters()) p.data.mul_(3);
  avg.updateParameters(model);
  const w = t.ones([3], { requiresGrad: true });
  let calls = 0;
  let h2 = null;
  w.registerHook(() => { calls += 1; h2.remove(); });
  h2 = w.registerHook(() => { calls += 10; });
  w.mul(2).sum().backward();
  const loadedSum = [...Object.values(back.model)].reduce((s, v) => s + v.sum().item(), 0);
  return [a.sum().item(), b.sum().item(), c.sum().item(), y.sum().item(), String(u.toTypedArray()), loadedSum,
    back.p.constructor.name, back.z.abs().sum().item(), String(back.u.toTypedArray()), back.m.get(1), back.m.get('k').item(),
    [...avg.module.parameters()].reduce((s, v) => s + v.sum().item(), 0), w.grad.sum().item(), calls];`;
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const round = new Function('t', roundSource) as (t: typeof torch) => unknown[];

describe('indexing, uint64, save/load, deep copies and hook removal in worker threads', () => {
  it('three workers and the main thread, running the same rounds at once, get the same results', async () => {
    const expected = round(torch);
    expect(expected.slice(0, 5)).toEqual([120, 200, 102, 172, '0,18446744073709551615,5']);
    // the hook that the other removed during backward still ran in that backward, as in Python
    expect(expected.slice(-2)).toEqual([6, 11]);
    await expectRoundsAgreeInWorkers(torch, roundSource, expected);
  }, 300_000);
});

describe('left to the garbage collector', { timeout: 300_000 }, () => {
  it('400 rounds with no dispose or tidy keep tensors, bytes and RSS bounded', () => {
    expectRoundsBoundedWithoutDispose(roundSource);
  });
});
