// Modules and their tensors are freed by dispose at once and by the GC at the latest; full backward
// hooks (autograd Functions holding the module) do not keep graphs alive; modules work in workers.
import { describe, expect, it } from 'vitest';
import { runWithGc } from './run-child.js';

const MLP = `
  const { nn } = torch;
  const F = nn.functional;
  class MLP extends nn.Module {
    fc1 = new nn.Linear(784, 128);
    fc2 = new nn.Linear(128, 10);
    forward(x) { return F.logSoftmax(this.fc2.call(F.relu(this.fc1.call(x))), 1); }
  }`;

describe('nn memory', { timeout: 300_000 }, () => {
  it('a training loop with nn modules and no dispose keeps tensors and RSS bounded', () => {
    const r = runWithGc(`${MLP}
      const model = new MLP();
      const x = torch.randn(64, 784);
      const y = torch.randint(0, 10, [64]);
      const before = await settle();
      let rss0 = 0;
      for (let i = 0; i < 3000; i++) {
        model.zeroGrad();
        F.nllLoss(model.call(x), y).backward();
        torch.noGrad(() => { for (const p of model.parameters()) p.sub_(p.grad.mul(0.01)); });
        if (i === 500) rss0 = process.memoryUsage().rss;
      }
      const rss1 = process.memoryUsage().rss;
      model.zeroGrad();
      return { leaked: (await settle()) - before, growthMiB: (rss1 - rss0) / 2 ** 20 };`);
    expect(r.leaked).toBeLessThan(50);
    expect(r.growthMiB).toBeLessThan(200);
  });

  it('modules dropped without dispose are collected, hooks and all', () => {
    const r = runWithGc(`${MLP}
      const before = await settle();
      for (let i = 0; i < 300; i++) {
        const m = new MLP();
        m.registerFullBackwardHook(() => {});
        m.registerForwardHook((_m, _a, out) => out.mul(1));
        m.call(torch.randn(2, 784, { requiresGrad: true })).sum().backward();
      }
      return { leaked: (await settle()) - before };`);
    expect(r.leaked).toBeLessThan(50);
  });

  it('dispose frees the tensors of a module at once', () => {
    const r = runWithGc(`${MLP}
      const before = await settle();
      const m = new MLP();
      const during = torch.nativeStats().tensors - before;
      m.dispose();
      return { during, after: torch.nativeStats().tensors - before };`);
    expect(r.during).toBeGreaterThanOrEqual(4);
    expect(r.after).toBeLessThanOrEqual(1);
  });

  it('modules train in worker threads while the main thread trains its own', () => {
    const r = runWithGc(`${MLP}
      const { Worker } = await import('node:worker_threads');
      const dist = ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const code = \`const { parentPort } = require('node:worker_threads');
        import(\${JSON.stringify(dist)}).then((torch) => {
          const { nn } = torch;
          torch.manualSeed(1);
          const model = new nn.Sequential(new nn.Linear(16, 8), new nn.ReLU(), new nn.Linear(8, 2));
          model.registerForwardHook(() => {});
          const x = torch.randn(4, 16);
          for (let i = 0; i < 300; i++) { model.zeroGrad(); model.call(x).sum().backward(); }
          parentPort.postMessage(model.at(0).weight.grad === null ? 'no grad' : 'ok');
        }).catch((e) => parentPort.postMessage(String((e && e.stack) || e)));\`;
      const workers = [0, 1, 2].map(() => new Worker(code, { eval: true, execArgv: [] }));
      const done = workers.map((w) => new Promise((res, rej) => { w.once('message', res); w.once('error', rej); }));
      const model = new MLP();
      for (let i = 0; i < 200; i++) { model.zeroGrad(); model.call(torch.randn(8, 784)).sum().backward(); }
      const results = await Promise.all(done);
      await Promise.all(workers.map((w) => w.terminate()));
      return { ok: results.filter((m) => m === 'ok').length };`);
    expect(r.ok).toBe(3);
  });
});
