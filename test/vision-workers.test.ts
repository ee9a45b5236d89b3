// vision datasets and transforms inside DataLoader worker threads: the workers rebuild MNIST and its
// transforms from workerSource() and draw from their own RNG (seeded base_seed + worker id, as
// PyTorch's workers), so a seeded loader with numWorkers 2 gives Python's batches
// (test/fixtures/vision-datasets.json, scripts/make-vision-fixtures.py). Workers load dist/
// (npm run build:ts).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';
import type { TensorEnc } from './golden-replay.js';
import { fullGc, runWithGc, startRoundWorkers } from './run-child.js';

interface LoaderCase { seed: number; numWorkers: number; epochs: { x: TensorEnc; y: TensorEnc }[][]; after: number }
const fx = JSON.parse(readFileSync(new URL('./fixtures/vision-datasets.json', import.meta.url), 'utf8')) as { loader: { workers: LoaderCase } };
const FIX = new URL('./fixtures/vision/', import.meta.url).pathname;
const DATASETS = new URL('./fixtures/datasets/', import.meta.url).pathname;
const IO = new URL('./fixtures/io/', import.meta.url).pathname;
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

  // Workers rebuild an in-memory dataset from the arrays the main thread loaded (in shared memory), so
  // the files are not read, hashed and decoded once per worker: here they are gone before the workers start.
  it.skipIf(DataLoader === undefined)('MNIST and CIFAR10 workers share the loaded arrays: the files deleted after construction, batches equal the main thread\'s', async () => {
    const { CIFAR10 } = (await import('./workers/fake-cifar.mjs')) as { CIFAR10: typeof torch.vision.datasets.CIFAR10 };
    const v2 = torch.vision.transforms.v2;
    const transform = new v2.Compose([new v2.ToImage(), new v2.ToDtype(torch.float32, { scale: true }), new v2.Normalize([0.5], [0.25])]);
    const root = mkdtempSync(join(tmpdir(), 'torchnode-shared-'));
    try {
      cpSync(join(DATASETS, 'cifar-10-batches-py'), join(root, 'cifar-10-batches-py'), { recursive: true });
      cpSync(join(FIX, 'MNIST'), join(root, 'MNIST'), { recursive: true });
      const sets = [new CIFAR10(root, { train: false, transform }), new torch.vision.datasets.MNIST(root, { transform, targetTransform: new v2.ToPureTensor() })];
      rmSync(root, { recursive: true, force: true });
      for (const ds of sets) {
        const name = ds.constructor.name;
        const loader = new DataLoader!(ds, { batchSize: 4, numWorkers: 2 });
        const got: [Tensor, Tensor][] = [];
        for await (const b of loader) got.push(b);
        const items = Array.from({ length: ds.length }, (_, i) => ds.getItem(i) as [Tensor, number]);
        expect(got.length, name).toBe(Math.ceil(ds.length / 4));
        // the arrays now live in shared memory: the whole-set tensors still read them (copies)
        const all = (ds as unknown as { data: Tensor }).data;
        expect(all.shape[0], `${name} data`).toBe(ds.length);
        got.forEach(([x, y], k) => {
          const part = items.slice(4 * k, 4 * k + 4);
          expect(x.equal(torch.stack(part.map(([img]) => img))), `${name} batch ${k} images`).toBe(true);
          expect(Array.from(y.toTypedArray() as BigInt64Array, Number), `${name} batch ${k} targets`).toEqual(part.map(([, t]) => Number(t)));
        });
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 300_000);

  // transforms.v2's random pipeline crosses to a worker as v1's does: the rebuilt chain draws from the
  // worker's generator (seeded baseSeed + id) and gives what the same chain gives here from that seed.
  it.skipIf(DataLoader === undefined)('CIFAR10 through a random transforms.v2 pipeline, numWorkers 1: the main thread\'s samples from the worker\'s seed', async () => {
    const { CIFAR10 } = (await import('./workers/fake-cifar.mjs')) as { CIFAR10: typeof torch.vision.datasets.CIFAR10 };
    const v2 = torch.vision.transforms.v2;
    const transform = new v2.Compose([
      new v2.ToImage(), new v2.RandomCrop(28, { padding: 2 }), new v2.RandomHorizontalFlip(), new v2.AutoAugment(), new v2.RandAugment(),
      new v2.RandomChoice([new v2.RandomInvert(1), new v2.RandomPosterize(3, 1)]), new v2.ColorJitter(0.3, 0.3, 0.3, 0.05), new v2.JPEG([20, 90]),
      new v2.RandomPhotometricDistort(), new v2.RandomChannelPermutation(), new v2.RGB(),
      new v2.ToDtype(torch.float32, { scale: true }), new v2.RandomErasing({ p: 0.5 }), new v2.GaussianNoise({ sigma: 0.05 }),
    ]);
    const ds = new CIFAR10(DATASETS, { train: false, transform });
    const loader = new DataLoader!(ds, { batchSize: 4, numWorkers: 1, generator: new torch.Generator().manualSeed(5) });
    const batches: Tensor[] = [];
    for await (const [x] of loader) batches.push(x);
    const seed = (torch.empty([], { dtype: torch.int64 }).random_({ generator: new torch.Generator().manualSeed(5) }).toTypedArray() as BigInt64Array)[0]!;
    torch.pyrandom.seed(seed);
    torch.manualSeed(seed);
    const expected = Array.from({ length: ds.length }, (_, i) => ds.getItem(i)[0] as Tensor);
    expect(batches.map((b) => b.size(0))).toEqual(Array.from({ length: Math.ceil(ds.length / 4) }, (_, k) => Math.min(4, ds.length - 4 * k)));
    batches.forEach((b, k) => expect(b.equal(torch.stack(expected.slice(4 * k, 4 * k + 4))), `batch ${k}`).toBe(true));
  }, 300_000);

  // torchvision's detection recipe: samples of tv_tensors through a random v2 pipeline in a worker,
  // batched as lists (collate_fn = tuple(zip(*batch))): they arrive as tv_tensors, as pickled ones do.
  it.skipIf(DataLoader === undefined)('a detection dataset of tv_tensors, numWorkers 1: Images, BoundingBoxes (format, canvasSize) and Masks arrive as such', async () => {
    const { DetectionToy } = (await import('./workers/detection-toy.mjs')) as { DetectionToy: new (transform?: unknown) => torch.data.Dataset<[Tensor, Record<string, Tensor>]> };
    const v2 = torch.vision.transforms.v2;
    const tv = torch.vision.tvTensors;
    const transform = new v2.Compose([new v2.RandomHorizontalFlip(), new v2.RandomResizedCrop(16, { scale: [0.5, 1] }), new v2.ToDtype(torch.float32, { scale: true })]);
    const ds = new DetectionToy(transform);
    const collateFn = (batch: [Tensor, Record<string, Tensor>][]): [Tensor[], Record<string, Tensor>[]] => [batch.map((s) => s[0]), batch.map((s) => s[1])];
    const loader = new DataLoader!(ds, { batchSize: 3, numWorkers: 1, collateFn, generator: new torch.Generator().manualSeed(9) });
    const got: [Tensor, Record<string, Tensor>][] = [];
    for await (const [images, targets] of loader as unknown as AsyncIterable<[Tensor[], Record<string, Tensor>[]]>) images.forEach((im, i) => got.push([im, targets[i]!]));
    const seed = (torch.empty([], { dtype: torch.int64 }).random_({ generator: new torch.Generator().manualSeed(9) }).toTypedArray() as BigInt64Array)[0]!;
    torch.pyrandom.seed(seed);
    torch.manualSeed(seed);
    const expected = Array.from({ length: ds.length }, (_, i) => ds.getItem(i));
    expect(got).toHaveLength(6);
    got.forEach(([image, target], i) => {
      const [expImage, expTarget] = expected[i]!;
      expect(image instanceof tv.Image && target.boxes instanceof tv.BoundingBoxes && target.masks instanceof tv.Mask, `sample ${i}: kinds`).toBe(true);
      expect(tv.kindOf(target.labels), `sample ${i}: labels stay a plain tensor`).toBeNull();
      const boxes = target.boxes as torch.vision.tvTensors.BoundingBoxesTensor;
      expect([boxes.format, boxes.canvasSize, boxes.clampingMode], `sample ${i}: box metadata`).toEqual([(expTarget.boxes as typeof boxes).format, [16, 16], (expTarget.boxes as typeof boxes).clampingMode]);
      expect(image.equal(expImage) && boxes.equal(expTarget.boxes!) && target.masks!.equal(expTarget.masks!) && target.labels!.equal(expTarget.labels!), `sample ${i}: values`).toBe(true);
    });
  }, 300_000);

  // A user's own v2.Transform subclass (test/workers/custom-v2-transform.mjs: static sourceModule and
  // workerArgs) crosses to the worker in a Compose, as the built-in ones do, with the same draws.
  it.skipIf(DataLoader === undefined)('a user v2.Transform subclass in a module of its own, numWorkers 1: the same samples as the main thread', async () => {
    const { DetectionToy } = (await import('./workers/detection-toy.mjs')) as { DetectionToy: new (transform?: unknown) => torch.data.Dataset<[Tensor, Record<string, Tensor>]> };
    const { RandomFlipShift } = (await import('./workers/custom-v2-transform.mjs')) as { RandomFlipShift: new (p?: number) => torch.vision.transforms.v2.Transform };
    const v2 = torch.vision.transforms.v2;
    const tv = torch.vision.tvTensors;
    const ds = new DetectionToy(new v2.Compose([new RandomFlipShift(0.5), new v2.ToDtype(torch.float32, { scale: true })]));
    const collateFn = (batch: [Tensor, Record<string, Tensor>][]): [Tensor[], Record<string, Tensor>[]] => [batch.map((s) => s[0]), batch.map((s) => s[1])];
    const loader = new DataLoader!(ds, { batchSize: 3, numWorkers: 1, collateFn, generator: new torch.Generator().manualSeed(4) });
    const got: [Tensor, Record<string, Tensor>][] = [];
    for await (const [images, targets] of loader as unknown as AsyncIterable<[Tensor[], Record<string, Tensor>[]]>) images.forEach((im, i) => got.push([im, targets[i]!]));
    const seed = (torch.empty([], { dtype: torch.int64 }).random_({ generator: new torch.Generator().manualSeed(4) }).toTypedArray() as BigInt64Array)[0]!;
    torch.manualSeed(seed);
    const expected = Array.from({ length: ds.length }, (_, i) => ds.getItem(i));
    expect(got).toHaveLength(6);
    expect(new Set(got.map(([image]) => image.size(-1))).size, 'the shifts differ between samples').toBeGreaterThan(1);
    got.forEach(([image, target], i) => {
      const [expImage, expTarget] = expected[i]!;
      expect(image instanceof tv.Image && target.boxes instanceof tv.BoundingBoxes && target.masks instanceof tv.Mask, `sample ${i}: kinds`).toBe(true);
      expect(image.equal(expImage) && target.boxes!.equal(expTarget.boxes!) && target.masks!.equal(expTarget.masks!) && target.labels!.equal(expTarget.labels!), `sample ${i}: values`).toBe(true);
    });
  }, 300_000);
});

describe('vision.io in worker threads and left to the GC', () => {
  // Each thread has its own decoding helper: two workers decode every fixture file, in every mode, and
  // round-trip PNG and JPEG encodings, 20 times over, while this thread does the same; all agree.
  it('decodes and encodes in two workers at once, as in the main thread', async () => {
    const files = readdirSync(IO).filter((f) => !f.endsWith('.json'));
    const round = `(t) => {
      const io = t.vision.io;
      const out = [];
      for (const f of ${JSON.stringify(files)}) {
        for (const mode of ['UNCHANGED', 'RGB', 'RGB_ALPHA']) {
          let img;
          try { img = io.readImage(${JSON.stringify(IO)} + f, mode); } catch (e) { out.push(f + ' ' + mode + ' refused'); continue; }
          const c = img.size(0);
          const png = img.dtype === t.uint8 && (c === 1 || c === 3) ? io.decodePng(io.encodePng(img)) : null;
          const jpeg = img.dtype === t.uint8 && (c === 1 || c === 3) ? io.decodeJpeg(io.encodeJpeg(img, 90)) : null;
          out.push(f + ' ' + mode + ' ' + img.shape.join('x') + ' ' + img.double().sum().item() + ' ' + (png ? png.equal(img) : '-') + ' ' + (jpeg ? jpeg.long().sum().item() : '-'));
          for (const x of [img, png, jpeg]) x?.dispose();
        }
      }
      return out.join('; ');
    }`;
    const here = (new Function(`return ${round}`) as () => (t: typeof torch) => string)()(torch);
    expect(here).toMatch(/rgb\.png RGB 3x5x7 \d+ true \d+/);
    expect(here).not.toMatch(/ false /);
    const { results } = startRoundWorkers(round, here, { times: 20, count: 2 });
    for (let i = 0; i < 5; i++) expect((new Function(`return ${round}`) as () => (t: typeof torch) => string)()(torch)).toBe(here);
    expect(await results).toEqual(['ok', 'ok']);
  }, 300_000);

  // --input-type=module reaches eval'd worker threads through NODE_OPTIONS: the helper's source must run as a module too
  it('decodes in a process started with NODE_OPTIONS=--input-type=module and node -e', () => {
    const dist = new URL('../dist/index.js', import.meta.url).href;
    const r = spawnSync(process.execPath, ['-e', `const t = await import(${JSON.stringify(dist)}); console.log(t.vision.io.readImage(${JSON.stringify(join(IO, 'rgb.png'))}).shape.join('x'))`],
      { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '--input-type=module' } });
    expect([r.status, r.stdout.trim()], r.stderr).toEqual([0, '3x5x7']);
  }, 120_000);

  it('frees decoded images and their bytes left undisposed, by GC', () => {
    const r = runWithGc(`
      const io = torch.vision.io;
      const path = ${JSON.stringify(join(IO, 'rgb.jpg'))};
      const before = await settle();
      for (let i = 0; i < 300; i++) { io.readImage(path); io.decodeImage(io.readFile(path.replace('rgb', 'gray')), { mode: 'GRAY' }); io.encodePng(io.readImage(path)); }
      return { before, after: await settle() };`);
    expect(r.after).toBe(r.before);
  }, 300_000);
});

// The vision code of the earlier ports (Swin, MaxViT, RegNet, LR-ASPP, the ops layers, box ops, NMS,
// the detection losses and drawing) in worker threads and left to the GC. One round, the source of
// `(t, free = true) => string`: seeded, so every thread's result is the same string; with free
// false it disposes nothing (no tidy, no dispose) and leaves everything to the GC.
const VISION_ROUND = `(t, free = true) => {
  const run = (fn) => (free ? t.tidy(fn) : fn());
  const keep = (m) => (free ? m.dispose() : undefined);
  const M = t.vision.models, ops = t.vision.ops, nn = t.nn;
  const out = [];
  const num = (x) => x.double().sum().item();
  t.manualSeed(7);
  const models = [
    new M.SwinTransformer([4, 4], 16, [2, 2], [2, 4], [4, 4], { stochasticDepthProb: 0.2, numClasses: 5, block: M.SwinTransformerBlockV2, downsampleLayer: M.PatchMergingV2 }),
    new M.MaxVit([32, 32], 8, 2, [16, 32], [1, 2], 8, 0.2, { numClasses: 5 }),
    new M.RegNet(new M.BlockParams([1, 2], [15, 27], [4, 8], [0.5, 1.5], [2, 2], 0.3), { numClasses: 3, stemWidth: 18 }),
  ];
  for (const m of models) {
    run(() => {
      const x = t.randn(2, 3, 32, 32, { requiresGrad: true });
      m.train();
      const y = m.call(x);
      y.square().sum().backward();
      out.push(num(y), num(x.grad), num(m.parameters()[0].grad));
      m.eval();
      out.push(num(t.noGrad(() => m.call(x))));
    });
    keep(m);
  }
  const seg = M.segmentation.lraspp_mobilenet_v3_large({ numClasses: 3, weightsBackbone: null });
  seg.eval();
  run(() => out.push(num(t.noGrad(() => seg.call(t.randn(1, 3, 40, 40)).out))));
  keep(seg);
  const fpn = new ops.FeaturePyramidNetwork([4, 8], 6, new ops.LastLevelMaxPool());
  const frozen = new ops.FrozenBatchNorm2d(4);
  const drop = new ops.DropBlock2d(0.3, 3);
  run(() => {
    const feats = fpn.call({ a: t.randn(1, 4, 8, 8), b: t.randn(1, 8, 4, 4) });
    for (const k of Object.keys(feats)) out.push(k + ':' + num(feats[k]));
    out.push(num(frozen.call(t.randn(2, 4, 3, 3))), num(drop.call(t.randn(2, 4, 6, 6))));
  });
  for (const m of [fpn, frozen, drop]) keep(m);
  run(() => {
    const xy = t.rand(60, 2).mul(50), wh = t.rand(60, 2).mul(20).add(1);
    const boxes = t.cat([xy, xy.add(wh)], 1), scores = t.rand(60), idxs = t.randint(3, [60]);
    out.push(num(ops.boxIou(boxes, boxes)), num(ops.nms(boxes, scores, 0.3)), num(ops.batchedNms(boxes, scores, idxs, 0.3)));
    const pred = boxes.narrow(0, 0, 10).clone().requiresGrad_();
    const loss = ops.generalizedBoxIouLoss(pred, boxes.narrow(0, 10, 10), 'sum').add(ops.completeBoxIouLoss(pred, boxes.narrow(0, 20, 10), 'mean'));
    loss.backward();
    out.push(num(loss), num(pred.grad), num(ops.sigmoidFocalLoss(t.randn(8), t.rand(8).round(), { reduction: 'sum' })));
    const img = t.randint(256, [3, 64, 64], { dtype: t.uint8 });
    const drawn = t.vision.utils.drawBoundingBoxes(img, boxes.narrow(0, 0, 5), { colors: 'red', width: 2 });
    const masked = t.vision.utils.drawSegmentationMasks(img, t.rand(2, 64, 64).gt(0.5), { alpha: 0.4 });
    out.push(num(drawn), num(masked));
  });
  return out.join(',');
}`;


// The RoI ops, the v2 transforms on tv_tensors (boxes and masks warped too) and deformConv2d with its
// five gradients: the same kind of round as VISION_ROUND.
const DETECTION_ROUND = `(t, free = true) => {
  const run = (fn) => (free ? t.tidy(fn) : fn());
  const ops = t.vision.ops, v2 = t.vision.transforms.v2, tv = t.vision.tvTensors;
  const out = [];
  const num = (x) => x.double().sum().item();
  t.manualSeed(7);
  run(() => {
    const x = t.randn(2, 8, 12, 12, { requiresGrad: true });
    const xy = t.rand(6, 2).mul(7), wh = t.rand(6, 2).mul(4).add(1);
    const rois = t.cat([t.tensor([[0], [1], [0], [1], [0], [1]]), xy, xy.add(wh)], 1);
    const pooled = [ops.roiAlign(x, rois, 3, 1, 2, true), ops.roiAlign(x, rois, [2, 3], 0.5, -1), ops.roiPool(x, rois, 3),
      ops.psRoiAlign(x, rois, 2, 1, 2), ops.psRoiPool(x, rois, 2)];
    pooled.reduce((s, p) => s.add(p.sum()), t.zeros([])).backward();
    out.push(...pooled.map(num), num(x.grad));
    const msra = new ops.MultiScaleRoIAlign(['a', 'b'], 3, 2);
    out.push(num(msra.call({ a: t.randn(1, 4, 16, 16), b: t.randn(1, 4, 8, 8) }, [t.cat([xy, xy.add(wh)], 1).mul(4)], [[64, 64]])));
  });
  run(() => {
    const image = new tv.Image(t.randint(256, [3, 32, 40], { dtype: t.uint8 }));
    const boxes = new tv.BoundingBoxes(t.tensor([[2, 3, 20, 25], [5, 5, 30, 30], [30, 2, 39, 9]]), { format: 'XYXY', canvasSize: [32, 40] });
    const masks = new tv.Mask(t.rand(3, 32, 40).gt(0.5));
    const transform = new v2.Compose([new v2.RandomHorizontalFlip(), new v2.RandomIoUCrop(), new v2.Resize(24), new v2.SanitizeBoundingBoxes()]);
    for (let i = 0; i < 3; i++) {
      const o = transform.call({ image, boxes, masks, labels: t.tensor([1, 2, 3]) });
      out.push(num(o.image), num(o.boxes), num(o.masks), num(o.labels));
    }
    // the geometric transforms that move boxes and masks through grids and coefficients
    const warp = new v2.Compose([new v2.RandomRotation(30), new v2.RandomAffine(20, { translate: [0.1, 0.2], scale: [0.8, 1.2], shear: 10 }),
      new v2.RandomPerspective({ p: 1 }), new v2.ElasticTransform(20, 2)]);
    for (let i = 0; i < 2; i++) {
      const o = warp.call({ image, boxes, masks });
      out.push(num(o.image), num(o.boxes), num(o.masks));
    }
  });
  const dcn = new ops.DeformConv2d(4, 6, 3, { padding: 1 });
  run(() => {
    const x = t.randn(2, 4, 7, 7, { requiresGrad: true });
    const offset = t.randn(2, 18, 7, 7).mul(0.7).requiresGrad_(), mask = t.rand(2, 9, 7, 7).requiresGrad_();
    const y = ops.deformConv2d(x, offset, dcn.weight, dcn.bias, { padding: 1, mask });
    y.square().sum().backward();
    out.push(num(y), num(x.grad), num(offset.grad), num(mask.grad), num(dcn.weight.grad), num(t.noGrad(() => dcn.call(x, offset))));
  });
  if (free) dcn.dispose();
  return out.join(',');
}`;

// Faster R-CNN, Mask R-CNN, Keypoint R-CNN, RetinaNet, FCOS and SSD, tiny: a training step (losses,
// backward) and eval detections each, the same kind of round as VISION_ROUND.
const DETECTORS_ROUND = `(t, free = true) => {
  const run = (fn) => (free ? t.tidy(fn) : fn());
  const ops = t.vision.ops, nn = t.nn, D = t.vision.models.detection;
  const out = [];
  const num = (x) => x.double().sum().item();
  t.manualSeed(7);
  const backbone = (c = 8) => Object.assign(new nn.Sequential(new nn.Conv2d(3, c, 3, { stride: 2, padding: 1 }), new nn.ReLU(true), new nn.Conv2d(c, c, 3, { stride: 2, padding: 1 })), { outChannels: c });
  const rcnn = () => ({ minSize: 48, maxSize: 64, rpnAnchorGenerator: new D.AnchorGenerator([[16, 32]], [[0.5, 1.0, 2.0]]), boxRoiPool: new ops.MultiScaleRoIAlign(['0'], 5, 2),
    rpnPreNmsTopNTrain: 100, rpnPostNmsTopNTrain: 50, rpnPreNmsTopNTest: 60, rpnPostNmsTopNTest: 30, rpnBatchSizePerImage: 32, boxBatchSizePerImage: 16, boxScoreThresh: 0.0, boxDetectionsPerImg: 10 });
  const oneStage = { minSize: 48, maxSize: 64, scoreThresh: 0.0, detectionsPerImg: 10, topkCandidates: 20 };
  const models = [
    new D.FasterRCNN(backbone(), 3, rcnn()),
    new D.MaskRCNN(backbone(), null, { ...rcnn(), boxPredictor: new D.FastRCNNPredictor(1024, 3), maskRoiPool: new ops.MultiScaleRoIAlign(['0'], 8, 2),
      maskHead: new D.MaskRCNNHeads(8, [8, 8], 1), maskPredictor: new D.MaskRCNNPredictor(8, 8, 3) }),
    new D.KeypointRCNN(backbone(), 2, { ...rcnn(), keypointRoiPool: new ops.MultiScaleRoIAlign(['0'], 7, 2), keypointHead: new D.KeypointRCNNHeads(8, [8, 8]),
      keypointPredictor: new D.KeypointRCNNPredictor(8, 5) }),
    new D.RetinaNet(backbone(), 3, { ...oneStage, anchorGenerator: new D.AnchorGenerator([[16, 32]], [[0.5, 1.0, 2.0]]) }),
    new D.FCOS(backbone(32), 3, { ...oneStage, anchorGenerator: new D.AnchorGenerator([[8]], [[1.0]]) }),
    new D.SSD(Object.assign(backbone(), { outChannels: [8] }), new D.DefaultBoxGenerator([[2]]), [48, 56], 3, { detectionsPerImg: 10, topkCandidates: 20 }),
  ];
  for (const model of models) {
    run(() => {
      const images = [t.rand(3, 48, 56), t.rand(3, 40, 48)];
      const targets = [{ boxes: t.tensor([[4, 6, 30, 40], [20, 10, 50, 30]]), labels: t.tensor([1, 1]) }, { boxes: t.tensor([[2, 2, 20, 24]]), labels: t.tensor([1]) }];
      targets.forEach((target, i) => {
        const [, h, w] = images[i].shape, n = target.labels.shape[0];
        target.masks = t.rand(n, h, w).gt(0.5).to(t.uint8);
        target.keypoints = t.cat([t.rand(n, 5, 2).mul(20), t.ones(n, 5, 1)], 2);
      });
      model.train();
      const losses = model.call(images, targets);
      const names = Object.keys(losses).sort();
      names.map((k) => losses[k]).reduce((s, l) => s.add(l)).backward();
      out.push(...names.map((k) => k + ':' + num(losses[k])), num(model.parameters()[0].grad));
      model.eval();
      for (const d of t.noGrad(() => model.call(images))) for (const k of Object.keys(d).sort()) out.push(k + ':' + num(d[k]));
    });
    if (free) model.dispose();
  }
  return out.join(',');
}`;

for (const [title, source, parts] of [
  ['vision models, ops layers, box ops and drawing', VISION_ROUND, 26],
  ['RoI ops, v2 transforms on tv_tensors and deformable convolution', DETECTION_ROUND, 31],
  ['small Faster R-CNN, Mask R-CNN, Keypoint R-CNN, RetinaNet, FCOS and SSD detectors', DETECTORS_ROUND, 69],
] as const) {
  describe(`${title} in worker threads and left to the GC`, () => {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const round = new Function('t', 'free', `return (${source})(t, free);`) as (t: typeof torch, free?: boolean) => string;

    it('two workers run them side by side with the main thread: the same seeded results', async () => {
      fullGc();
      const live = torch.nativeStats().tensors;
      const expected = round(torch);
      expect(expected.split(',')).toHaveLength(parts);
      expect(expected).not.toMatch(/NaN/);
      // at most: a GC during the round may free other tests' garbage
      expect(torch.nativeStats().tensors, 'tensors left by a freeing round').toBeLessThanOrEqual(live);
      const workers = startRoundWorkers(source, expected, { times: 2, count: 2 });
      for (let i = 0; workers.running() > 0 || i < 2; i++) {
        expect(round(torch)).toBe(expected);
        await new Promise((r) => setImmediate(r));
      }
      expect(await workers.results).toEqual(['ok', 'ok']);
    }, 300_000);

    it('frees all of it by GC when nothing is disposed', () => {
      const r = runWithGc(`
        const round = ${source};
        const expected = round(torch);
        const before = await settle();
        let same = true;
        for (let i = 0; i < 3; i++) same = round(torch, false) === expected && same;
        return { before, after: await settle(), same: same ? 1 : 0 };`);
      expect(r.same, 'the GC-only rounds give the freeing round\'s results').toBe(1);
      expect(r.after).toBe(r.before);
    }, 300_000);
  });
}
