// DataLoader against PyTorch 2.13 (test/fixtures/data-loader.json): batch order, the base seed drawn on
// each pass, worker seeds (base_seed + id) and the draws of each worker's RNG, with 0 and 2 worker
// threads, persistent or not, iterated with for...of and for await. Workers load dist/ (npm run build:ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { AsyncRange, AsyncSquares, InitProbe, Range, Reader, SeedProbe } from './workers/data-datasets.mjs';

const { data } = torch;
const fx = JSON.parse(readFileSync(new URL('./fixtures/data-loader.json', import.meta.url), 'utf8'));
const datasets = new URL('./workers/data-datasets.mjs', import.meta.url).href;
const after = () => torch.rand([3], { dtype: torch.float64 }).tolist();

type ProbeBatch = [torch.Tensor, string[], torch.Tensor];
const probe = (b: ProbeBatch) => ({ index: b[0].tolist(), seed: b[1], draw: b[2].tolist() });

async function epochs(loader: torch.data.DataLoader<ProbeBatch>, mode: 'sync' | 'async'): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for (let e = 0; e < 2; e++) {
    const batches: unknown[] = [];
    if (mode === 'sync') for (const b of loader) batches.push(probe(b));
    else for await (const b of loader) batches.push(probe(b));
    out.push(batches);
  }
  return out;
}

describe('DataLoader seeds as PyTorch', () => {
  for (const mode of ['sync', 'async'] as const) {
    for (const c of fx.loaders) {
      const name = `${c.numWorkers} workers${c.persistentWorkers ? ' (persistent)' : ''}${c.generatorSeed !== undefined ? ', a generator' : ''}, ${mode === 'sync' ? 'for...of' : 'for await'}`;
      it(name, async () => {
        torch.manualSeed(c.seed);
        const generator = c.generatorSeed !== undefined ? new torch.Generator().manualSeed(c.generatorSeed) : null;
        const loader = new data.DataLoader<ProbeBatch>(new SeedProbe(), {
          batchSize: c.generatorSeed !== undefined ? 5 : 2,
          shuffle: true,
          numWorkers: c.numWorkers,
          persistentWorkers: c.persistentWorkers,
          generator,
        });
        expect(await epochs(loader, mode)).toEqual(c.epochs);
        expect(after()).toEqual(c.after);
        await loader.close();
      }, 60_000);
    }
  }
});

describe('DataLoader options', () => {
  const tensors = () => new data.TensorDataset(torch.arange(20).view(10, 2), torch.arange(10));

  it('length, dropLast, batchSize null, sampler and batchSampler', () => {
    expect(new data.DataLoader(tensors(), { batchSize: 3 }).length).toBe(4);
    expect(new data.DataLoader(tensors(), { batchSize: 3, dropLast: true }).length).toBe(3);
    const unbatched = [...new data.DataLoader(tensors(), { batchSize: null })];
    expect(unbatched.length).toBe(10);
    expect((unbatched[4] as torch.Tensor[])[1].tolist()).toBe(4);
    const bySampler = [...new data.DataLoader(tensors(), { batchSize: 2, sampler: [9, 8, 1] })].map((b) => (b as torch.Tensor[])[1].tolist());
    expect(bySampler).toEqual([[9, 8], [1]]);
    const byBatch = [...new data.DataLoader(tensors(), { batchSampler: [[3], [0, 1, 2]] })].map((b) => (b as torch.Tensor[])[1].tolist());
    expect(byBatch).toEqual([[3], [0, 1, 2]]);
  });

  it("positional batchSize as Python's DataLoader(ds, 3, shuffle=False); pinMemory without an accelerator is a no-op", () => {
    const a = [...new data.DataLoader(tensors(), 3, { dropLast: true })].map((b) => (b as torch.Tensor[])[1].tolist());
    expect(a).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
    if (!torch.cuda.isAvailable()) {
      const pinned = [...new data.DataLoader(tensors(), { batchSize: 5, pinMemory: true })].map((b) => (b as torch.Tensor[])[1].tolist());
      expect(pinned).toEqual([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]);
    }
  });

  it('undefined for batchSize with options after it: the default batch size, and the options kept', () => {
    const c = fx.positional;
    const loader = new data.DataLoader(new data.TensorDataset(torch.arange(c.n)), undefined, { shuffle: true, dropLast: true, generator: new torch.Generator().manualSeed(c.generatorSeed) });
    expect([loader.batchSize, loader.dropLast, loader.sampler?.constructor.name]).toEqual([1, true, 'RandomSampler']);
    expect([...loader].map((b) => (b as torch.Tensor[])[0].tolist())).toEqual(c.batches);
    expect(new data.DataLoader(tensors(), undefined, { batchSize: 4 }).batchSize).toBe(4);
    expect(() => new data.DataLoader(tensors(), 3, { batchSize: 4 })).toThrow("DataLoader: got multiple values for argument 'batchSize'");
    expect(() => new data.DataLoader(tensors(), { batchSize: 3 }, { shuffle: true })).toThrow('DataLoader: with options as the third argument, the second is the batch size (a number, null or undefined)');
  });

  it("the dataset as an option, as Python's DataLoader(dataset=ds, batch_size=..., shuffle=True): the same batches and RNG draws", () => {
    const c = fx.positional;
    const gen = (): torch.Generator => new torch.Generator().manualSeed(c.generatorSeed);
    const loader = new data.DataLoader({ dataset: new data.TensorDataset(torch.arange(c.n)), shuffle: true, dropLast: true, generator: gen() });
    expect([loader.batchSize, loader.dropLast, loader.sampler?.constructor.name]).toEqual([1, true, 'RandomSampler']);
    expect([...loader].map((b) => (b as torch.Tensor[])[0].tolist())).toEqual(c.batches);
    expect(new data.DataLoader({ dataset: tensors(), batchSize: 4 }).batchSize).toBe(4);
    expect(() => new data.DataLoader({ dataset: tensors() } as never, 3)).toThrow("DataLoader: got multiple values for argument 'dataset'");
    // a map-style dataset written as a plain object is still the dataset, even with a 'dataset' field
    const plain = { dataset: 'mine', length: 2, getItem: (i: number) => i };
    expect([...new data.DataLoader(plain, { batchSize: 2 })].map((b) => (b as torch.Tensor).tolist())).toEqual([[0, 1]]);
  });

  it('a non-boolean dropLast is refused for map-style and iterable datasets (Python: drop_last should be a boolean value)', () => {
    for (const ds of [tensors(), new Range(0, 7)]) {
      expect(() => new data.DataLoader(ds as never, { batchSize: 2, dropLast: 1 as never })).toThrow('DataLoader: dropLast should be a boolean value, but got dropLast=1');
    }
  });

  it('an iterable dataset whose iterator reported done is not asked again, per pass and per worker (Python: _IterableDatasetFetcher.ended)', async () => {
    for (const c of fx.streams) {
      const options = { batchSize: c.batchSize, dropLast: c.dropLast, numWorkers: c.numWorkers };
      const show = (b: unknown) => (typeof b === 'number' ? b : (b as torch.Tensor).tolist());
      expect([...new data.DataLoader(new Reader(7), options)].map(show)).toEqual(c.batches);
      const got: unknown[] = [];
      for await (const b of new data.DataLoader(new Reader(7), options)) got.push(show(b));
      expect(got).toEqual(c.batches);
    }
  }, 60_000);

  it('refuses contradictory options as PyTorch does', () => {
    // Python 2.13 raises ValueError (a RangeError here) for each conflict, and for a non-boolean drop_last
    // or replacement in BatchSampler/WeightedRandomSampler; RandomSampler's replacement is a TypeError
    expect(() => new data.DataLoader(tensors(), { sampler: [0], shuffle: true })).toThrow(new RangeError('DataLoader: sampler option is mutually exclusive with shuffle'));
    expect(() => new data.DataLoader(tensors(), { batchSampler: [[0]], batchSize: 2 })).toThrow(RangeError);
    expect(() => new data.DataLoader(tensors(), { batchSampler: [[0]], batchSize: 2 })).toThrow(/batchSampler option is mutually exclusive/);
    expect(() => new data.DataLoader(tensors(), { batchSize: null, dropLast: true })).toThrow(RangeError);
    expect(() => new data.DataLoader(new Range(0, 3), { sampler: [0] })).toThrow(RangeError);
    expect(() => new data.DataLoader(tensors(), { batchSize: 2, dropLast: 1 as never })).toThrow(RangeError);
    expect(() => new data.BatchSampler([0, 1, 2], 2, 0 as never)).toThrow(RangeError);
    expect(() => new data.WeightedRandomSampler([0.1, 0.5], 2, { replacement: 0 as never })).toThrow(RangeError);
    expect(() => new data.RandomSampler([0, 1], { replacement: 0 as never })).toThrow(TypeError);
    // random_split(R(10), [0.5, 0.3]): ValueError "Sum of input lengths does not equal the length of the input dataset!"
    expect(() => data.randomSplit(tensors(), [0.5, 0.3])).toThrow(/RangeError.*|Sum of input lengths/);
    expect(() => data.randomSplit(tensors(), [0.5, 0.3])).toThrow(RangeError);
    expect(() => new data.DataLoader(tensors(), { prefetchFactor: 2 })).toThrow(/prefetchFactor/);
    expect(() => new data.DataLoader(tensors(), { persistentWorkers: true })).toThrow(/persistentWorkers option needs numWorkers > 0/);
    expect(() => new data.DataLoader(tensors(), { numWorkers: -1 })).toThrow(RangeError);
    expect(() => new data.DataLoader(tensors(), { batchSize: 0 })).toThrow(/batchSize should be a positive integer/);
    expect(() => new data.DataLoader(tensors(), { bachSize: 2 } as never)).toThrow(/unknown option 'bachSize'/);
    expect(() => new data.DataLoader(new Range(0, 3), { shuffle: true })).toThrow(/IterableDataset: expected unspecified shuffle/);
    expect(() => new data.DataLoader({ getItem: () => 1, length: 2 }, { numWorkers: 1 })).toThrow(/workerSource\(\) method/);
    expect(() => new data.DataLoader(tensors(), { numWorkers: 1, workerInitFn: (() => {}) as never })).toThrow(/workerInitFn must be a WorkerSource/);
  });

  it('an async dataset needs for await, and then works', async () => {
    expect(() => [...new data.DataLoader(new AsyncSquares(), { batchSize: 3 })]).toThrow(/returned a Promise; iterate with for await/);
    const ys: number[][] = [];
    for await (const b of new data.DataLoader(new AsyncSquares(), { batchSize: 3 })) ys.push((b as { y: torch.Tensor }).y.tolist() as number[]);
    expect(ys).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    const subset = new data.Subset(new AsyncSquares(), [6, 2]);
    expect(() => [...new data.DataLoader(subset, { batchSize: 2 })]).toThrow(/returned a Promise/);
    for await (const b of new data.DataLoader(subset, { batchSize: 2 })) expect((b as { y: torch.Tensor }).y.tolist()).toEqual([6, 2]);
    const withWorkers: number[][] = [];
    for (const b of new data.DataLoader(new AsyncSquares(), { batchSize: 3, numWorkers: 2 })) withWorkers.push((b as { x: torch.Tensor }).x.index(':', 1).tolist() as number[]);
    expect(withWorkers).toEqual([[0, 1, 4], [9, 16, 25], [36]]);
  }, 60_000);

  it('iterable datasets: sync or async streams, sharded by getWorkerInfo in workers, length', async () => {
    const plain = [...new data.DataLoader(new Range(0, 7), { batchSize: 3 })].map((b) => (b as torch.Tensor).tolist());
    expect(plain).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(new data.DataLoader(new Range(0, 7), { batchSize: 3, dropLast: true }).length).toBe(2);
    // Two workers, each yields every 2nd item; batches alternate between workers as in PyTorch.
    const sharded = [...new data.DataLoader(new Range(0, 11), { batchSize: 2, numWorkers: 2 })].map((b) => (b as torch.Tensor).tolist());
    expect(sharded).toEqual([[0, 2], [1, 3], [4, 6], [5, 7], [8, 10], [9]]);
    const streamed: number[][] = [];
    for await (const b of new data.DataLoader(new AsyncRange(5), { batchSize: 2 })) streamed.push((b as torch.Tensor).view(-1).tolist() as number[]);
    expect(streamed).toEqual([[0, 1], [2, 3], [4]]);
    const chained: number[] = [];
    for await (const b of new data.DataLoader(new data.ChainDataset([new Range(0, 2), new AsyncRange(2)]), { batchSize: null })) chained.push(Number(b));
    expect(chained).toEqual([0, 1, 0, 1]);
  }, 60_000);

  it('workerDataset factory, workerInitFn and a collateFn in the worker or on the main thread', async () => {
    const viaFactory = [...new data.DataLoader(new data.TensorDataset(torch.zeros(4)), {
      batchSize: 2,
      numWorkers: 2,
      workerDataset: { module: datasets, export: 'makeTensorDataset', args: [4] },
    })].map((b) => (b as torch.Tensor[])[1].tolist());
    expect(viaFactory).toEqual([[0, 1], [2, 3]]);
    const init = [...new data.DataLoader(new InitProbe(), { batchSize: 1, numWorkers: 2, workerInitFn: { module: datasets, export: 'markInit' } })].map((b) => (b as torch.Tensor[]).map((t) => t.item()));
    expect(init).toEqual([[0, 0, 0], [1, 1, 1], [2, 0, 0], [3, 1, 1]]);
    const summed = [...new data.DataLoader(new data.TensorDataset(torch.arange(6).view(3, 2)), { batchSize: 3, numWorkers: 1, collateFn: { module: datasets, export: 'sumCollate' } })];
    expect((summed[0] as torch.Tensor).tolist()).toEqual([6, 9]);
    const mainThread = [...new data.DataLoader(new data.TensorDataset(torch.arange(6).view(3, 2)), { batchSize: 2, numWorkers: 1, collateFn: (b: torch.Tensor[][]) => b.length })];
    expect(mainThread).toEqual([2, 1]);
  }, 60_000);

  it('Subset and randomSplit parts go to workers; batches arrive as tensors over transferred memory', () => {
    const [train] = data.randomSplit(new data.TensorDataset(torch.arange(30).view(15, 2).float()), [10, 5], new torch.Generator().manualSeed(0));
    const zero = [...new data.DataLoader(train, { batchSize: 4 })].map((b) => (b as torch.Tensor[])[0].tolist());
    const two = [...new data.DataLoader(train, { batchSize: 4, numWorkers: 2 })].map((b) => (b as torch.Tensor[])[0].tolist());
    expect(two).toEqual(zero);
    const [x] = [...new data.DataLoader(train, { batchSize: 4, numWorkers: 1 })][0] as torch.Tensor[];
    expect([x.dtype, x.shape, x.isContiguous()]).toEqual([torch.float32, [4, 2], true]);
  }, 60_000);
});

describe('TensorDataset batches in one index_select per tensor', () => {
  const { data } = torch.utils;
  const x = torch.randn([37, 2, 3]);
  const y = torch.arange(37);
  const viaSamples = (batch: never) => data.defaultCollate(batch);   // another collateFn: the sample-by-sample path
  it('gives the batches the sample-by-sample path gives, sync and async, shuffled and not', async () => {
    for (const shuffle of [false, true]) {
      const options = { batchSize: 8, shuffle, generator: new torch.Generator().manualSeed(3) };
      const fast = [...new data.DataLoader(new data.TensorDataset(x, y), options)] as torch.Tensor[][];
      const slow = [...new data.DataLoader(new data.TensorDataset(x, y), { ...options, generator: new torch.Generator().manualSeed(3), collateFn: viaSamples })] as torch.Tensor[][];
      const fastAsync: torch.Tensor[][] = [];
      for await (const b of new data.DataLoader(new data.TensorDataset(x, y), { ...options, generator: new torch.Generator().manualSeed(3) })) fastAsync.push(b as torch.Tensor[]);
      expect(fast.length).toBe(5);
      fast.forEach((b, k) => b.forEach((t, j) => {
        expect(t.equal(slow[k]![j]!)).toBe(true);
        expect(t.equal(fastAsync[k]![j]!)).toBe(true);
        expect(t.shape).toEqual(slow[k]![j]!.shape);
        expect(t.dtype).toBe(slow[k]![j]!.dtype);
        expect(t.isContiguous()).toBe(true);
      }));
    }
  });
  it('leaves an index getItem refuses, a subclass\'s own getItem and tensors that require grad to the sample-by-sample path', () => {
    const bad = { *[Symbol.iterator]() { yield [0, 99]; }, length: 1 };
    expect(() => [...new data.DataLoader(new data.TensorDataset(x, y), { batchSampler: bad as never })]).toThrow(/index 99 is out of range/);
    class Doubled extends data.TensorDataset {
      override getItem(i: number) { return super.getItem(i).map((t) => t.mul(2)); }
    }
    const [[doubled]] = [...new data.DataLoader(new Doubled(y), { batchSize: 4 })] as torch.Tensor[][];
    expect(doubled!.tolist()).toEqual([0, 2, 4, 6]);   // a subclass's own getItem is called
    const w = torch.randn([4, 2], { requiresGrad: true });
    const [[batch]] = [...new data.DataLoader(new data.TensorDataset(w), { batchSize: 4 })] as torch.Tensor[][];
    expect(batch!.gradFn?.name()).toMatch(/Stack/);
  });
});
