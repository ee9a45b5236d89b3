// L1 regularisation: add lambda * sum |w| over the weight matrices to the loss. Unlike weight decay
// (L2) it drives many weights to (almost) exactly zero: the model becomes sparse. Compared with a
// run without it at the end.
//   npx tsx examples/recipes-l1.ts [--epochs 30] [--samples 300]
import * as torch from 'torchnode';
import { evaluate, minibatches, MLP, recipeFlags, spirals } from './recipes-common.js';

const { nn, optim } = torch;
const flags = recipeFlags({ lr: 0.05 });
const l1Lambda = 1e-3;
torch.manualSeed(flags.seed);
const { x, y } = spirals(flags.samples);

// Only weights are penalised (biases are usually left alone), as in the common recipe.
const l1Penalty = (model: torch.nn.Module): torch.Tensor =>
  torch.stack(model.namedParameters().filter(([name]) => name.endsWith('weight')).map(([, w]) => w.abs().sum())).sum();

const sparsity = (model: torch.nn.Module): number => {
  const weights = model.namedParameters().filter(([name]) => name.endsWith('weight')).map(([, w]) => w.detach().abs().flatten());
  return Number(torch.cat(weights).lt(1e-3).float().mean().item());
};

torch.manualSeed(flags.seed + 1);
const reference = new MLP();
for (const lambda of [0, l1Lambda]) {
  const model = new MLP();
  model.loadStateDict(reference.stateDict()); // same start for both runs
  const optimizer = new optim.SGD(model.parameters(), { lr: flags.lr, momentum: 0.9 });
  const criterion = new nn.CrossEntropyLoss();
  torch.manualSeed(flags.seed + 2);
  const progress = new torch.toolkit.TrainingProgress({ epochs: flags.epochs, batches: Math.ceil(x.size(0) / flags.batchSize) });
  for (let epoch = 0; epoch < flags.epochs; epoch++) {
    progress.startEpoch(epoch);
    let total = 0, count = 0;
    for (const idx of minibatches(x.size(0), flags.batchSize)) {
      const dataLoss = criterion.call(model.call(x.indexSelect(0, idx)), y.indexSelect(0, idx));
      const loss = lambda > 0 ? dataLoss.add(l1Penalty(model).mul(lambda)) : dataLoss;
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      total += Number(dataLoss.item());
      progress.step({ loss: total / ++count });
    }
    progress.endEpoch({ loss: total / count, l1: Number(l1Penalty(model).item()) });
  }
  progress.close();
  console.log(`lambda ${lambda}: training accuracy ${(evaluate(model, x, y).accuracy * 100).toFixed(1)} %, weights below 1e-3: ${(sparsity(model) * 100).toFixed(1)} %`);
}
