// Transfer learning, the PyTorch tutorial recipe: load a checkpoint, freeze the feature layers,
// put a new head on a new task and train with a different learning rate per parameter group.
// Here the MNIST job's CNN (examples/out/mnist/best.pt) learns "is the digit even?" from only a
// few hundred labelled images, and is compared with the same network trained from scratch.
//   npx tsx examples/transfer-learning.ts [--checkpoint PATH] [--train 500] [--epochs 5]
//     [--lr 0.05] [--seed 0] [--limit-test 0] [--data DIR] [--pretrain 6000]
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as torch from 'torchnode';

import { fail, readFlags, seconds } from './common.js';
import { Net, findSource, loadSplit } from './mnist-net.js';

const { nn, optim } = torch;
const F = nn.functional;
const EXAMPLE = 'transfer-learning';
const HERE = dirname(fileURLToPath(import.meta.url));
const DEFAULT_CHECKPOINT = join(HERE, 'out', 'mnist', 'best.pt');

const { values, numbers: args } = readFlags(
  EXAMPLE,
  {
    checkpoint: { type: 'string' },
    train: { type: 'string', default: '500' },
    epochs: { type: 'string', default: '5' },
    lr: { type: 'string', default: '0.05' },
    seed: { type: 'string', default: '0' },
    'limit-test': { type: 'string', default: '0' },
    data: { type: 'string' },
    pretrain: { type: 'string', default: '6000' },
  },
  ['train', 'epochs', 'lr', 'seed', 'limit-test', 'pretrain'],
);
torch.manualSeed(args.seed);
const source = findSource(EXAMPLE, values.data as string | undefined);
// The new task's data: MNIST images from the end of the training file (the pre-training uses its
// start), labels 1 for even digits and 0 for odd ones.
const [allX, allY] = loadSplit(EXAMPLE, source, 'train');
const newX = allX.narrow(0, allX.size(0) - args.train, args.train);
const newY = allY.narrow(0, allY.size(0) - args.train, args.train).remainder(2).eq(0).to(torch.int64);
const [testX, testYDigits] = loadSplit(EXAMPLE, source, 'test', args['limit-test']);
const testY = testYDigits.remainder(2).eq(0).to(torch.int64);

/** Plain SGD-with-momentum epochs over (x, y) in shuffled batches of 32. */
function fit(model: torch.nn.Module, optimizer: InstanceType<typeof optim.SGD>, x: torch.Tensor, y: torch.Tensor, epochs: number, beforeEpoch = (): void => {}): void {
  for (let epoch = 0; epoch < epochs; epoch++) {
    model.train();
    beforeEpoch();
    const perm = torch.randperm(x.size(0));
    for (let start = 0; start < perm.size(0); start += 32) {
      optimizer.zeroGrad();
      torch.tidy(() => {
        const idx = perm.narrow(0, start, Math.min(32, perm.size(0) - start));
        F.crossEntropy(model.call(x.index(idx)) as torch.Tensor, y.index(idx)).backward();
      });
      optimizer.step(); // outside the scope: the optimizer's state is created on the first step
    }
  }
}

const accuracy = (model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor): number => {
  model.eval();
  return torch.noGrad(() => torch.tidy(() => (model.call(x) as torch.Tensor).argmax(1).eq(y).to(torch.float32).mean().item()));
};

// ---- 1. the checkpoint ------------------------------------------------------------------------------

let checkpointPath = values.checkpoint as string | undefined;
if (checkpointPath && !existsSync(checkpointPath)) fail(EXAMPLE, `--checkpoint ${checkpointPath}: no such file (run examples/mnist.ts first, or leave --checkpoint out)`);
if (!checkpointPath && existsSync(DEFAULT_CHECKPOINT)) checkpointPath = DEFAULT_CHECKPOINT;
if (!checkpointPath) {
  // No MNIST checkpoint yet: make a small one, as examples/mnist.ts would, so the recipe always runs.
  checkpointPath = join(HERE, 'out', 'transfer', 'pretrained.pt');
  console.log(`${DEFAULT_CHECKPOINT} not found: pre-training the MNIST CNN on ${args.pretrain} images for one epoch -> ${checkpointPath}`);
  const base = new Net();
  fit(base, new optim.SGD(base.parameters(), { lr: 0.05, momentum: 0.9 }), allX.narrow(0, 0, args.pretrain), allY.narrow(0, 0, args.pretrain), 1);
  mkdirSync(dirname(checkpointPath), { recursive: true });
  torch.toolkit.saveCheckpoint(checkpointPath, { model: base, epoch: 1 });
}

const t0 = seconds();
const model = new Net();
let saved: unknown;
try {
  saved = torch.load(checkpointPath);
  // The MNIST job's checkpoints (toolkit layout: model_state_dict), or a bare state_dict.
  const state = (saved as { model_state_dict?: Record<string, torch.Tensor> }).model_state_dict ?? (saved as Record<string, torch.Tensor>);
  model.loadStateDict(state);
} catch (e) {
  fail(EXAMPLE, `${checkpointPath}: not a checkpoint of the MNIST CNN (${(e as Error).message})`);
}
console.log(`loaded ${checkpointPath}`);

// ---- 2. freeze the features, new head, a learning rate per group -----------------------------------

const features = [model.conv1, model.bn1, model.conv2, model.bn2];
for (const layer of features) layer.requiresGrad_(false);
model.fc2 = new nn.Linear(128, 2); // the new task's head, freshly initialised
const optimizer = new optim.SGD(
  [
    { params: model.fc1.parameters(), lr: args.lr / 10 }, // pre-trained: small steps
    { params: model.fc2.parameters() }, // new: the full learning rate
  ],
  { lr: args.lr, momentum: 0.9 },
);
const trainable = model.parameters().filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel(), 0);
const total = model.parameters().reduce((n, p) => n + p.numel(), 0);
console.log(`frozen: conv1, bn1, conv2, bn2; trainable ${trainable} of ${total} parameters; ` +
  `learning rates ${optimizer.paramGroups.map((g) => g.lr).join(' (fc1), ')} (fc2)`);
// Frozen BatchNorm layers also keep their running statistics: eval mode inside model.train().
fit(model, optimizer, newX, newY, args.epochs, () => features.forEach((layer) => layer.eval()));
const transferred = accuracy(model, testX, testY);

// ---- 3. the same budget from scratch -----------------------------------------------------------------

const scratch = new Net();
scratch.fc2 = new nn.Linear(128, 2);
fit(scratch, new optim.SGD(scratch.parameters(), { lr: args.lr, momentum: 0.9 }), newX, newY, args.epochs);
const fromScratch = accuracy(scratch, testX, testY);
console.log(`even/odd test accuracy after ${args.epochs} epochs on ${args.train} images: ` +
  `${(transferred * 100).toFixed(2)} % fine-tuned, ${(fromScratch * 100).toFixed(2)} % from scratch; ${(seconds() - t0).toFixed(1)} s`);
