// Regression on tabular data: reads a CSV with csv-parse, one-hot encodes its text columns,
// standardises with the training split's statistics, fits an MLP with Adam and compares its test
// error with a least-squares linear baseline (torch.linalg.lstsq).
//   npx tsx examples/tabular-regression.ts [--csv examples/data/housing.csv] [--target price_k]
//     [--epochs 60] [--batch-size 32] [--lr 0.003] [--seed 0]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parse } from 'csv-parse/sync';
import * as torch from 'torchnode';

import { Adam, fail, readFlags, seconds } from './common.js';

const { nn } = torch;
const F = nn.functional;
const EXAMPLE = 'tabular-regression';
const HERE = dirname(fileURLToPath(import.meta.url));

const { values, numbers: args } = readFlags(
  EXAMPLE,
  {
    csv: { type: 'string', default: join(HERE, 'data', 'housing.csv') },
    target: { type: 'string', default: 'price_k' },
    epochs: { type: 'string', default: '60' },
    'batch-size': { type: 'string', default: '32' },
    lr: { type: 'string', default: '0.003' },
    seed: { type: 'string', default: '0' },
  },
  ['epochs', 'batch-size', 'lr', 'seed'],
);
const csvPath = String(values.csv);
const target = String(values.target);
if (!existsSync(csvPath)) fail(EXAMPLE, `--csv ${csvPath}: no such file`);

// ---- CSV -> feature matrix ------------------------------------------------------------------------

let records: Record<string, string>[];
try {
  records = parse(readFileSync(csvPath, 'utf8'), { columns: true, skip_empty_lines: true, trim: true });
} catch (e) {
  fail(EXAMPLE, `${csvPath}: ${(e as Error).message}`);
}
if (records.length < 10) fail(EXAMPLE, `${csvPath}: ${records.length} rows, need at least 10`);
const columns = Object.keys(records[0]!);
if (!columns.includes(target)) fail(EXAMPLE, `${csvPath}: no column ${JSON.stringify(target)} (columns: ${columns.join(', ')})`);
const isNumeric = (c: string): boolean => records.every((r) => r[c] !== '' && Number.isFinite(Number(r[c])));
if (!isNumeric(target)) fail(EXAMPLE, `${csvPath}: the target column ${target} must hold numbers in every row`);

// Numeric columns stay as they are; any other column becomes one 0/1 column per distinct value.
const encoders = columns
  .filter((c) => c !== target)
  .flatMap((c) => {
    if (isNumeric(c)) return [{ name: c, encode: (r: Record<string, string>) => Number(r[c]) }];
    return [...new Set(records.map((r) => r[c]!))].sort().map((v) => ({ name: `${c}=${v}`, encode: (r: Record<string, string>) => (r[c] === v ? 1 : 0) }));
  });
const features = torch.tensor(Float32Array.from(records.flatMap((r) => encoders.map((e) => e.encode(r))))).view(records.length, encoders.length);
const targets = torch.tensor(Float32Array.from(records, (r) => Number(r[target]))).view(-1, 1);

torch.manualSeed(args.seed);
const order = torch.randperm(records.length);
const nTest = Math.floor(records.length * 0.2);
const [testIdx, trainIdx] = [order.narrow(0, 0, nTest), order.narrow(0, nTest, records.length - nTest)];
const [xTrainRaw, yTrainRaw, xTestRaw, yTestRaw] = [features.index(trainIdx), targets.index(trainIdx), features.index(testIdx), targets.index(testIdx)];
// Standardise with the training split only, so nothing of the test split leaks into the model.
const xMean = xTrainRaw.mean(0);
const xStd = xTrainRaw.std(0).clamp(1e-6);
const yMean = yTrainRaw.mean();
const yStd = yTrainRaw.std();
const standardize = (x: torch.Tensor): torch.Tensor => x.sub(xMean).div(xStd);
const [xTrain, xTest] = [standardize(xTrainRaw), standardize(xTestRaw)];
const yTrain = yTrainRaw.sub(yMean).div(yStd);

/** Root mean squared error and R² of predictions in the target's own units. */
function score(pred: torch.Tensor, y: torch.Tensor): { rmse: number; r2: number } {
  return torch.tidy(() => {
    const mse = F.mseLoss(pred, y).item();
    return { rmse: Math.sqrt(mse), r2: 1 - mse / (y.var({ correction: 0 }).item()) };
  });
}

// ---- linear baseline and MLP ------------------------------------------------------------------------

const withBias = (x: torch.Tensor): torch.Tensor => torch.cat([x, torch.ones([x.size(0), 1])], 1);
const coef = torch.linalg.lstsq(withBias(xTrain), yTrain).solution;
const linear = score(withBias(xTest).matmul(coef).mul(yStd).add(yMean), yTestRaw);

const model = new nn.Sequential(
  new nn.Linear(encoders.length, 64),
  new nn.ReLU(),
  new nn.Linear(64, 64),
  new nn.ReLU(),
  new nn.Linear(64, 1),
);
const optimizer = new Adam(model.parameters(), { lr: args.lr });
const batchSize = args['batch-size'];
console.log(`${records.length} rows, ${encoders.length} features (${encoders.map((e) => e.name).join(', ')}) -> ${target}; ` +
  `${xTrain.size(0)} train / ${nTest} test rows`);
const t0 = seconds();
const bar = new torch.toolkit.ProgressBar({ total: args.epochs, desc: 'train' });
for (let epoch = 1; epoch <= args.epochs; epoch++) {
  model.train();
  let total = 0;
  const perm = torch.randperm(xTrain.size(0));
  for (let start = 0; start < perm.size(0); start += batchSize) {
    optimizer.zeroGrad();
    torch.tidy(() => {
      const idx = perm.narrow(0, start, Math.min(batchSize, perm.size(0) - start));
      const loss = F.mseLoss(model.call(xTrain.index(idx)), yTrain.index(idx));
      loss.backward();
      total += (loss.item()) * idx.size(0);
    });
    optimizer.step(); // outside the scope: the optimizer's state is created on the first step
  }
  bar.update(1, { 'train mse (standardised)': total / xTrain.size(0) });
}
bar.close();
model.eval();
const mlp = torch.noGrad(() => score(model.call(xTest).mul(yStd).add(yMean), yTestRaw));
console.log(`test RMSE ${mlp.rmse.toFixed(2)} (R² ${mlp.r2.toFixed(3)}) for the MLP, ` +
  `${linear.rmse.toFixed(2)} (R² ${linear.r2.toFixed(3)}) for least squares; ${(seconds() - t0).toFixed(1)} s`);
