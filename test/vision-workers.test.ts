// vision datasets and transforms inside DataLoader worker threads: the workers rebuild MNIST and its
// transforms from workerSource() and draw from their own RNG (seeded base_seed + worker id, as
// PyTorch's workers), so a seeded loader with numWorkers 2 gives Python's batches
// (test/fixtures/vision-datasets.json, scripts/make-vision-fixtures.py). Workers load dist/
// (npm run build:ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';
import type { TensorEnc } from './golden-replay.js';

interface LoaderCase { seed: number; numWorkers: number; epochs: { x: TensorEnc; y: TensorEnc }[][]; after: number }
const fx = JSON.parse(readFileSync(new URL('./fixtures/vision-datasets.json', import.meta.url), 'utf8')) as { loader: { workers: LoaderCase } };
const FIX = new URL('./fixtures/vision/', import.meta.url).pathname;
type Tensor = torch.Tensor;
const DataLoader = (torch.data as unknown as Record<string, unknown>).DataLoader as
  (new (ds: unknown, opts: object) => AsyncIterable<[Tensor, Tensor]>) | undefined;

// golden-replay's check() knows lib/'s Tensor class; these tensors come from dist/, so compare values here.
function expectTensor(actual: Tensor, exp: TensorEnc, path: string): void {
  expect(actual.dtype.name, `${path}: dtype`).toBe(exp.dtype);
  expect(actual.shape, `${path}: shape`).toEqual(exp.shape);
  expect(Array.from(actual.flatten().toTypedArray() as ArrayLike<number | bigint>, Number), `${path}: values`).toEqual(exp.data.map(Number));
}

describe('vision in DataLoader worker threads', () => {
  it.skipIf(DataLoader === undefined)('MNIST + RandomCrop/RandomHorizontalFlip/ToTensor, numWorkers 2: Python\'s batches, two epochs', async () => {
    const T = torch.vision.transforms;
    const transform = new T.Compose([new T.RandomCrop(4, { padding: 1 }), new T.RandomHorizontalFlip(), new T.ToTensor()]);
    const ds = new torch.vision.datasets.MNIST(FIX, { train: true, transform });
    const exp = fx.loader.workers;
    torch.manualSeed(exp.seed);
    const loader = new DataLoader!(ds, { batchSize: 2, shuffle: true, numWorkers: exp.numWorkers });
    for (const [e, epoch] of exp.epochs.entries()) {
      const batches: [Tensor, Tensor][] = [];
      for await (const b of loader) batches.push(b);
      expect(batches.length, `epoch ${e} batches`).toBe(epoch.length);
      epoch.forEach((b, k) => {
        expectTensor(batches[k]![0], b.x, `epoch ${e} batch ${k} x`);
        expectTensor(batches[k]![1], b.y, `epoch ${e} batch ${k} y`);
      });
    }
    expect(torch.rand(1).item()).toBe(exp.after);
  }, 300_000);
});
