// Gradient accumulation: train with an effective batch of microBatch x accumulationSteps when only
// microBatch samples fit in memory. Each micro-batch loss is divided by the number of steps, so the
// summed gradients equal the big batch's mean-loss gradient; the optimizer steps once per group.
//   npx tsx examples/recipes-grad-accumulation.ts [--epochs 30] [--samples 300] [--batch-size 8]
import * as torch from 'torchnode';
import { evaluate, minibatches, MLP, recipeFlags, spirals } from './recipes-common.js';

const { nn, optim } = torch;
const flags = recipeFlags({ batchSize: 8, samples: 100 });
const accumulationSteps = 4; // effective batch: 4 x 8 = 32
torch.manualSeed(flags.seed);
const { x, y } = spirals(flags.samples);
const model = new MLP();
const optimizer = new optim.SGD(model.parameters(), { lr: flags.lr, momentum: 0.9 });
const criterion = new nn.CrossEntropyLoss();

// First, the claim itself: 4 micro-batches of 8, accumulated, give the gradient of one batch of 32.
{
  const idx = torch.arange(32);
  optimizer.zeroGrad();
  criterion.call(model.call(x.indexSelect(0, idx)), y.indexSelect(0, idx)).backward();
  const big = model.parameters().map((p) => p.grad!.clone());
  optimizer.zeroGrad();
  for (const part of idx.split(8)) criterion.call(model.call(x.indexSelect(0, part)), y.indexSelect(0, part)).div(accumulationSteps).backward();
  const diff = Math.max(...model.parameters().map((p, i) => Number(p.grad!.sub(big[i]).abs().max().item())));
  console.log(`max |accumulated grad - big-batch grad| = ${diff.toExponential(2)}`);
  optimizer.zeroGrad();
}

const progress = new torch.toolkit.TrainingProgress({ epochs: flags.epochs, batches: Math.ceil(x.size(0) / flags.batchSize) });
for (let epoch = 0; epoch < flags.epochs; epoch++) {
  progress.startEpoch(epoch);
  const batches = minibatches(x.size(0), flags.batchSize);
  let total = 0;
  optimizer.zeroGrad();
  batches.forEach((idx, i) => {
    const loss = criterion.call(model.call(x.indexSelect(0, idx)), y.indexSelect(0, idx));
    loss.div(accumulationSteps).backward();
    // Step once every accumulationSteps micro-batches, and after the last (possibly partial) group.
    if ((i + 1) % accumulationSteps === 0 || i === batches.length - 1) {
      optimizer.step();
      optimizer.zeroGrad();
    }
    total += Number(loss.item());
    progress.step({ loss: total / (i + 1) });
  });
  progress.endEpoch({ loss: total / batches.length, accuracy: evaluate(model, x, y).accuracy });
}
progress.close();
console.log(`final training accuracy ${(evaluate(model, x, y).accuracy * 100).toFixed(1)} %`);
