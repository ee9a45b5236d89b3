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

  // Every built-in transform crosses to a worker as workerSource() (module, class, constructor
  // arguments): the rebuilt chain, drawing from the worker's generator (seeded baseSeed + id), must
  // give exactly what the same chain gives in this thread from that seed (its random module seeded the same way).
  it.skipIf(DataLoader === undefined)('ImageFolder through every built-in transform, numWorkers 1: the main thread\'s samples from the worker\'s seed', async () => {
    const T = torch.vision.transforms;
    const side = 8;
    const transform = new T.Compose([
      new T.PILToTensor(), new T.RandAugment(), new T.TrivialAugmentWide(), new T.AugMix({ severity: 2 }),
      new T.RandomAffine(15, [0.1, 0.1], [0.9, 1.1], 5), new T.RandomPerspective({ p: 1 }), new T.ElasticTransform(20, 1),
      new T.RandomInvert(), new T.RandomPosterize(5), new T.RandomSolarize(128), new T.RandomAdjustSharpness(2),
      new T.RandomAutocontrast(), new T.RandomEqualize(), new T.ColorJitter(0.4, 0.4, 0.4, 0.1), new T.RandomRotation(20),
      new T.RandomGrayscale(0.5), new T.RandomResizedCrop(side), new T.Pad(1, 0, 'symmetric'), new T.CenterCrop(side),
      new T.RandomVerticalFlip(), new T.RandomChoice([new T.RandomInvert(1), new T.RandomPosterize(3, 1), new T.RandomSolarize(100, 1)]),
      new T.RandomOrder([new T.RandomHorizontalFlip(), new T.RandomAutocontrast(), new T.RandomEqualize()]),
      new T.ConvertImageDtype(torch.float32), new T.RandomApply([new T.GaussianBlur(3)], 0.7),
      new T.RandomErasing({ p: 1, value: 'random' }), new T.Normalize([0.5, 0.4, 0.3], [0.2, 0.3, 0.4]),
      new T.LinearTransformation(torch.eye(3 * side * side), torch.full([3 * side * side], 0.1)),
    ]);
    const ds = new torch.vision.datasets.ImageFolder(`${FIX}folder`, { transform });
    const loader = new DataLoader!(ds, { batchSize: 3, numWorkers: 1, generator: new torch.Generator().manualSeed(11) });
    const batches: Tensor[] = [];
    for await (const [x] of loader) batches.push(x);
    // The loader's base seed: one int64 random_ draw from its generator, as PyTorch's _BaseDataLoaderIter.
    const seed = (torch.empty([], { dtype: torch.int64 }).random_({ generator: new torch.Generator().manualSeed(11) }).toTypedArray() as BigInt64Array)[0]!;
    torch.pyrandom.seed(seed); // a worker seeds Python's random too (RandomChoice, RandomOrder), as PyTorch's
    torch.manualSeed(seed);
    const expected = Array.from({ length: ds.length }, (_, i) => ds.getItem(i)[0] as Tensor);
    expect(batches.map((b) => b.size(0))).toEqual([3, 3, 1]);
    batches.forEach((b, k) => expect(b.equal(torch.stack(expected.slice(3 * k, 3 * k + 3))), `batch ${k}`).toBe(true));
  }, 300_000);
});
