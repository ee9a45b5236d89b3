// mixup (Zhang et al., 2018): train on convex combinations of pairs of samples and of their labels,
// lam ~ Beta(alpha, alpha): x = lam * x_i + (1 - lam) * x_j, loss = lam * CE(y_i) + (1 - lam) * CE(y_j).
//   npx tsx examples/recipes-mixup.ts [--epochs 30] [--samples 300]
import * as torch from 'torchnode';
import { evaluate, minibatches, MLP, recipeFlags, spirals } from './recipes-common.js';

const { nn, optim } = torch;
const flags = recipeFlags();
const alpha = 0.4;
torch.manualSeed(flags.seed);
const { x, y } = spirals(flags.samples);
const model = new MLP();
const optimizer = new optim.SGD(model.parameters(), { lr: flags.lr, momentum: 0.9 });
const criterion = new nn.CrossEntropyLoss();

// torch.distributions.Beta(alpha, alpha).sample(): the first coordinate of a Dirichlet([alpha, alpha]) draw.
const sampleBeta = (a: number, b: number): number => Number((torch.ops.aten._sample_dirichlet(torch.tensor([a, b])) as torch.Tensor).index(0).item());

function mixupBatch(inputs: torch.Tensor, targets: torch.Tensor): { mixed: torch.Tensor; targetsA: torch.Tensor; targetsB: torch.Tensor; lam: number } {
  const lam = sampleBeta(alpha, alpha);
  const index = torch.randperm(inputs.size(0));
  const mixed = inputs.mul(lam).add(inputs.indexSelect(0, index).mul(1 - lam));
  return { mixed, targetsA: targets, targetsB: targets.indexSelect(0, index), lam };
}

const progress = new torch.toolkit.TrainingProgress({ epochs: flags.epochs, batches: Math.ceil(x.size(0) / flags.batchSize) });
for (let epoch = 0; epoch < flags.epochs; epoch++) {
  progress.startEpoch(epoch);
  let total = 0, count = 0;
  for (const idx of minibatches(x.size(0), flags.batchSize)) {
    const { mixed, targetsA, targetsB, lam } = mixupBatch(x.indexSelect(0, idx), y.indexSelect(0, idx));
    const out = model.call(mixed);
    const loss = criterion.call(out, targetsA).mul(lam).add(criterion.call(out, targetsB).mul(1 - lam));
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    total += Number(loss.item());
    progress.step({ loss: total / ++count });
  }
  progress.endEpoch({ mixup_loss: total / count, accuracy: evaluate(model, x, y).accuracy });
}
progress.close();
const { accuracy, confidence } = evaluate(model, x, y);
console.log(`final training accuracy ${(accuracy * 100).toFixed(1)} %, mean confidence ${confidence.toFixed(3)}`);
