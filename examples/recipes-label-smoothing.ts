// Label smoothing: the target puts 1 - eps on the true class and eps spread over all classes
// (nn.CrossEntropyLoss({ labelSmoothing }) / F.crossEntropy(..., { labelSmoothing })), which keeps the
// model from becoming over-confident. Two identical models, with and without, compared at the end.
//   npx tsx examples/recipes-label-smoothing.ts [--epochs 30] [--samples 300]
import * as torch from 'torchnode';
import { evaluate, minibatches, MLP, recipeFlags, spirals } from './recipes-common.js';

const { nn, optim } = torch;
const F = nn.functional;
const flags = recipeFlags();
const smoothing = 0.1;
torch.manualSeed(flags.seed);
const { x, y } = spirals(flags.samples);

// The smoothed loss written out equals the built-in one: (1 - eps) * NLL + eps * mean over classes of -log p.
{
  const logits = torch.randn(5, 3);
  const target = torch.tensor([0, 2, 1, 1, 0]);
  const logp = logits.logSoftmax(1);
  const manual = F.nllLoss(logp, target).mul(1 - smoothing).add(logp.mean(1).neg().mean().mul(smoothing));
  const builtin = F.crossEntropy(logits, target, { labelSmoothing: smoothing });
  console.log(`label-smoothed CE: built-in ${Number(builtin.item()).toFixed(6)}, by hand ${Number(manual.item()).toFixed(6)}`);
}

torch.manualSeed(flags.seed + 1);
const plain = new MLP();
const smoothed = new MLP();
smoothed.loadStateDict(plain.stateDict()); // same start
const runs = [
  { name: 'plain', model: plain, criterion: new nn.CrossEntropyLoss() },
  { name: `smoothing ${smoothing}`, model: smoothed, criterion: new nn.CrossEntropyLoss({ labelSmoothing: smoothing }) },
];
for (const { name, model, criterion } of runs) {
  const optimizer = new optim.SGD(model.parameters(), { lr: flags.lr, momentum: 0.9 });
  torch.manualSeed(flags.seed + 2); // same batches for both
  const progress = new torch.toolkit.TrainingProgress({ epochs: flags.epochs, batches: Math.ceil(x.size(0) / flags.batchSize) });
  for (let epoch = 0; epoch < flags.epochs; epoch++) {
    progress.startEpoch(epoch);
    let total = 0, count = 0;
    for (const idx of minibatches(x.size(0), flags.batchSize)) {
      const loss = criterion.call(model.call(x.indexSelect(0, idx)), y.indexSelect(0, idx));
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      total += Number(loss.item());
      progress.step({ loss: total / ++count });
    }
    progress.endEpoch({ loss: total / count });
  }
  progress.close();
  const { accuracy, confidence } = evaluate(model, x, y);
  console.log(`${name}: training accuracy ${(accuracy * 100).toFixed(1)} %, mean confidence ${confidence.toFixed(3)}`);
}
