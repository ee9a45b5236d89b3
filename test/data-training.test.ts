// A ported training script reproduces Python's run exactly: a seeded dataset, a shuffled DataLoader
// (base seed and sampler seed drawn from the global RNG on each of 3 passes, after the model's init),
// plain SGD by hand; batch order, loss log and final weights equal PyTorch 2.13's
// (test/fixtures/data-loader.json "training"), with 0 and 2 worker threads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';

const { data, nn } = torch;
const fx = JSON.parse(readFileSync(new URL('./fixtures/data-loader.json', import.meta.url), 'utf8')).training;

async function train(numWorkers: number, mode: 'sync' | 'async') {
  torch.manualSeed(fx.seed);
  const x = torch.randn(40, 3);
  const y = x.matmul(torch.tensor([[1.5], [-2.0], [0.5]])).add(torch.randn(40, 1).mul(0.1));
  const model = new nn.Linear(3, 1);
  const loader = new data.DataLoader<torch.Tensor[]>(new data.TensorDataset(x, y, torch.arange(40)), { batchSize: fx.batchSize, shuffle: true, numWorkers });
  const order: number[][] = [];
  const losses: number[] = [];
  for (let epoch = 0; epoch < fx.epochs; epoch++) {
    const step = ([xb, yb, ib]: torch.Tensor[]) => {
      const loss = nn.functional.mseLoss(model.call(xb), yb);
      model.zeroGrad();
      loss.backward();
      torch.noGrad(() => {
        for (const p of model.parameters()) p.sub_(p.grad!.mul(fx.lr));
      });
      order.push(ib.tolist() as number[]);
      losses.push(loss.item());
    };
    if (mode === 'sync') for (const batch of loader) step(batch);
    else for await (const batch of loader) step(batch);
  }
  return { numWorkers, order, losses, weight: model.weight.flatten().tolist(), bias: model.bias!.tolist(), after: torch.rand([3], { dtype: torch.float64 }).tolist() };
}

describe('a seeded training run equals PyTorch', () => {
  for (const run of fx.runs) {
    for (const mode of ['sync', 'async'] as const) {
      it(`${run.numWorkers} workers, ${mode === 'sync' ? 'for...of' : 'for await'}: batch order, loss log and weights`, async () => {
        expect(await train(run.numWorkers, mode)).toEqual(run);
      }, 120_000);
    }
  }
});
