// Optimizers and DataLoaders left to the garbage collector: a training loop with nn and an optimizer,
// optimizers created and dropped without dispose, and DataLoader epochs (0 and 2 workers) without
// dispose or tidy keep the live native tensors, their reported bytes and the RSS bounded.
import { describe, expect, it } from 'vitest';
import { runWithGc } from './run-child.js';

const MODEL = `
  const { nn, optim } = torch;
  const F = nn.functional;
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const x = torch.randn(64, 256);
  const y = torch.randint(0, 10, [64]);
  const bytes = () => torch.nativeStats().reportedBytes;
  const mib = () => process.memoryUsage().rss / 2 ** 20;`;

const OPTIMIZERS: [string, string][] = [
  ['SGD with momentum', 'new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 })'],
  ['Adam', 'new optim.Adam(model.parameters(), { lr: 1e-3 })'],
];

describe('optimizers without dispose', { timeout: 300_000 }, () => {
  for (const [name, make] of OPTIMIZERS) {
    it(`${name}: 1500 training steps with no dispose or tidy keep tensors, bytes and RSS bounded`, () => {
      const r = runWithGc(`${MODEL}
        const opt = ${make};
        const step = () => { opt.zeroGrad(); F.crossEntropy(model.call(x), y).backward(); opt.step(); };
        for (let i = 0; i < 20; i++) step(); // the state exists from here on
        const before = await settle(), bytes0 = bytes();
        let rss0 = 0;
        for (let i = 0; i < 1500; i++) {
          step();
          if (i === 300) rss0 = mib();
        }
        const rss1 = mib();
        return { leaked: (await settle()) - before, grownBytes: bytes() - bytes0, growthMiB: rss1 - rss0, stateSize: opt.state.size };`);
      expect(r.stateSize).toBe(4);
      expect(r.leaked).toBeLessThan(50);
      expect(Math.abs(r.grownBytes!)).toBeLessThan(2 ** 20);
      expect(r.growthMiB).toBeLessThan(150);
    });
  }

  it('optimizers created, stepped and dropped 400 times without dispose are collected with their state', () => {
    const r = runWithGc(`${MODEL}
      const loss = () => F.crossEntropy(model.call(x), y);
      loss().backward();
      const before = await settle(), bytes0 = bytes();
      let rss0 = 0;
      for (let i = 0; i < 400; i++) {
        const opt = i % 2 === 0 ? ${OPTIMIZERS[0]![1]} : ${OPTIMIZERS[1]![1]};
        opt.zeroGrad();
        loss().backward();
        opt.step();
        opt.step();
        if (i === 50) rss0 = mib();
      }
      const rss1 = mib();
      return { leaked: (await settle()) - before, grownBytes: bytes() - bytes0, growthMiB: rss1 - rss0 };`);
    // each optimizer held 4-8 state tensors (about 0.4 MB with Adam): 400 of them would be thousands
    expect(r.leaked).toBeLessThan(50);
    expect(Math.abs(r.grownBytes!)).toBeLessThan(2 ** 20);
    expect(r.growthMiB).toBeLessThan(150);
  });
});

describe('DataLoader epochs without dispose', { timeout: 300_000 }, () => {
  for (const [workers, epochs] of [[0, 100], [2, 6]] as const) {
    it(`${workers} workers: ${epochs} epochs of batches left to the GC keep tensors, bytes and RSS bounded; no worker is left`, () => {
      const r = runWithGc(`${MODEL}
        const { data } = torch.utils;
        const dataset = new data.TensorDataset(torch.randn(512, 256), torch.randint(0, 10, [512]));
        const loader = new data.DataLoader(dataset, { batchSize: 32, shuffle: true, numWorkers: ${workers} });
        let batches = 0, rss0 = 0, before = 0, bytes0 = 0;
        for (let epoch = 0; epoch < ${epochs}; epoch++) {
          for (const [xb, yb] of loader) {
            F.crossEntropy(model.call(xb), yb).backward();
            batches++;
          }
          if (epoch === 1) { before = await settle(); bytes0 = bytes(); rss0 = mib(); }
        }
        const rss1 = mib();
        for (let turn = 0; turn < 500 && data.DataLoader.liveWorkerCount > 0; turn++) await new Promise((res) => setTimeout(res, 10));
        return { batches, leaked: (await settle()) - before, grownBytes: bytes() - bytes0, growthMiB: rss1 - rss0, liveWorkers: data.DataLoader.liveWorkerCount };`);
      expect(r.batches).toBe(16 * epochs);
      expect(r.leaked).toBeLessThan(50);
      expect(Math.abs(r.grownBytes!)).toBeLessThan(2 ** 20);
      expect(r.growthMiB).toBeLessThan(150);
      expect(r.liveWorkers).toBe(0);
    });
  }
});
