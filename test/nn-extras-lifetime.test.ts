// The newer nn and autograd wrappers without dispose and in worker threads: nn.DataParallel (CPU path),
// lazy layers with their Uninitialized placeholders, autograd.Variable, torch.compile's OptimizedModule
// and the deprecated registerBackwardHook. Each is collected by the GC alone, and workers running them
// while the main thread does get the main thread's numbers.
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';
import { runWithGc, startRoundWorkers } from './run-child.js';

// One round of each wrapper on fixed inputs; returns numbers that must be the same on every thread.
const roundSource = `(t) => {
  const { nn } = t;
  const x = t.linspace(-1, 1, 12, { dtype: t.float64 }).reshape(3, 4);
  const base = () => { t.manualSeed(3); return new nn.Sequential(new nn.Linear(4, 5), new nn.Tanh(), new nn.Linear(5, 2)).to(t.float64); };
  const dp = new nn.DataParallel(base());
  const a = dp.call(x).sum().item();
  t.manualSeed(3);
  const lazy = new nn.LazyLinear(2).to(t.float64);
  lazy.call(x);
  const b = lazy.weight.shape[1] + (lazy.weight instanceof nn.Parameter ? 100 : 0);
  const v = t.autograd.Variable(x, true);
  v.pow(2).sum().backward();
  const c = v.grad.sum().item();
  const compiled = t.compile(base(), { disable: false });
  const d = compiled.call(x).sum().item();
  const m = base();
  let seen = 0;
  m.registerBackwardHook(() => { seen++; });
  m.call(x.detach().requiresGrad_()).sum().backward();
  return [a, b, c, d, seen];
}`;
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const round = new Function('t', `return (${roundSource})(t);`) as (t: typeof torch) => number[];

describe('nn wrappers without dispose and in workers', { timeout: 300_000 }, () => {
  it('are collected by the GC alone', () => {
    const r = runWithGc(`
      process.removeAllListeners('warning');  // torch.compile and registerBackwardHook warn once per call site
      const round = ${roundSource};
      round(torch);
      const before = await settle();
      for (let i = 0; i < 300; i++) round(torch);
      return { leaked: (await settle()) - before };`);
    expect(r.leaked).toBeLessThan(50);
  });

  it("give each worker thread the main thread's numbers", async () => {
    const expected = round(torch);
    expect(expected[1]).toBe(104);
    expect(expected[4]).toBe(1);
    const workers = startRoundWorkers(`(t) => JSON.stringify((${roundSource})(t))`, JSON.stringify(expected),
      { times: 40, count: 3, preamble: "process.removeAllListeners('warning');" });
    let rounds = 0;
    while (workers.running() > 0 || rounds < 40) {
      expect(round(torch)).toEqual(expected);
      if (++rounds % 5 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(await workers.results).toEqual(['ok', 'ok', 'ok']);
  });
});
