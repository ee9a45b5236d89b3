// Datasets and samplers without a length, as Python torch 2.13: where Python's len() raises
// "TypeError: object of type 'NoLen' has no len()", torchnode throws a TypeError naming the type, at the
// same point (constructor, length, iterator creation or first next()), and leaves nothing half-changed.
// The error points and messages were checked by hand against torch 2.13 (.venv/bin/python): e.g.
// SequentialSampler(NoLen()) constructs, iter() of it raises; DistributedSampler(NoLen(), 2, 0) raises;
// next(iter(DataLoader(NoLen(), batch_size=2))) raises but iter() does not; iter(DataLoader(NoLen(),
// batch_size=None)) raises with the RNG state unchanged; len(x) with __len__ 4.5 is a TypeError, -1 a ValueError.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { warningsOf } from './warnings-of.js';

const { data } = torch;
const { BatchSampler, ChainDataset, ConcatDataset, DataLoader, DistributedSampler, RandomSampler, SequentialSampler, StackDataset } = data;

class NoLen {
  getItem(i: number): number {
    return i;
  }
}
class Stream extends data.IterableDataset<number> {
  *[Symbol.iterator]() {
    yield 1;
    yield 2;
    yield 3;
  }
}
/** A map-style dataset whose length is a getter over a field that may change. */
class Grow extends data.Dataset<number> {
  constructor(public n: number) {
    super();
  }
  getItem(i: number): number {
    return i;
  }
  get length(): number {
    return this.n;
  }
}
const noLen = new NoLen() as unknown as torch.data.MapDataset<number>;
const NO_LEN = /object of type 'NoLen' has no len\(\)/;
const rngState = (): number[] => Array.from(torch.getRngState().toTypedArray() as Uint8Array);

/** The error `f` throws (failing the test if it does not throw). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('a dataset without a length', () => {
  it('SequentialSampler: constructs; its length and its iterator (made, not first stepped) throw', () => {
    const s = new SequentialSampler(noLen);
    expect(() => s.length).toThrow(TypeError);
    expect(() => s.length).toThrow(NO_LEN);
    // Python's __iter__ is `return iter(range(len(...)))`: iter() itself raises
    expect(() => s[Symbol.iterator]()).toThrow(NO_LEN);
    expect(thrown(() => s[Symbol.iterator]())).toBeInstanceOf(TypeError);
  });

  it('RandomSampler: the default numSamples takes the length in the constructor; with numSamples, the first next() throws before the seed is drawn', () => {
    expect(() => new RandomSampler(noLen)).toThrow(NO_LEN);
    expect(thrown(() => new RandomSampler(noLen))).toBeInstanceOf(TypeError);
    const s = new RandomSampler(noLen, { numSamples: 3 });
    expect(s.length).toBe(3);
    const it = s[Symbol.iterator](); // a generator, as Python's: nothing read yet
    const before = rngState();
    expect(() => it.next()).toThrow(NO_LEN);
    expect(rngState()).toEqual(before);
  });

  it('BatchSampler: its length throws, naming the dataset (or the sampler without a length)', () => {
    expect(() => new BatchSampler(new SequentialSampler(noLen), 2, false).length).toThrow(NO_LEN);
    const it = new BatchSampler(new SequentialSampler(noLen), 2, false)[Symbol.iterator](); // a generator
    expect(() => it.next()).toThrow(NO_LEN);
    function* gen() {
      yield 0;
    }
    // Python: object of type 'generator' has no len()
    expect(() => new BatchSampler(gen(), 2, false).length).toThrow(/object of type 'Generator' has no len\(\)/);
  });

  it('DistributedSampler: the constructor throws, shuffled or not, for a map-style or an iterable dataset', () => {
    for (const shuffle of [true, false]) {
      expect(() => new DistributedSampler(noLen, { numReplicas: 2, rank: 0, shuffle })).toThrow(NO_LEN);
      expect(thrown(() => new DistributedSampler(noLen, { numReplicas: 2, rank: 0, shuffle }))).toBeInstanceOf(TypeError);
      const stream = new Stream() as unknown as { length: number };
      expect(() => new DistributedSampler(stream, { numReplicas: 2, rank: 0, shuffle })).toThrow(/object of type 'Stream' has no len\(\)/);
    }
  });

  it('ConcatDataset, StackDataset (positional or keyed), ChainDataset.length and randomSplit throw', () => {
    expect(() => new ConcatDataset([noLen, noLen])).toThrow(NO_LEN);
    expect(() => new ConcatDataset([new Grow(2), noLen])).toThrow(NO_LEN);
    expect(thrown(() => new ConcatDataset([noLen]))).toBeInstanceOf(TypeError);
    expect(() => new StackDataset(noLen, noLen)).toThrow(NO_LEN);
    expect(() => new StackDataset({ a: noLen, b: noLen })).toThrow(NO_LEN);
    expect(() => new StackDataset(new Grow(2), noLen)).toThrow(NO_LEN);
    // Python compares the lengths one by one: a mismatch before the dataset without one is a ValueError
    expect(() => new StackDataset(new Grow(2), new Grow(3), noLen)).toThrow(/Size mismatch between datasets/);
    expect(() => new ChainDataset([new Stream(), new Stream()]).length).toThrow(/object of type 'Stream' has no len\(\)/);
    expect(() => data.randomSplit(noLen, [0.5, 0.5])).toThrow(NO_LEN);
    expect(() => data.randomSplit(noLen, [1, 1])).toThrow(NO_LEN);
    // Python: random_split(NoLen(), [1.5, -0.5]) checks the first fraction before it takes len(ds) (a ValueError)
    expect(() => data.randomSplit(noLen, [1.5, -0.5])).toThrow(/Fraction at index 0 is not between 0 and 1/);
  });

  it('DataLoader: length throws; batched, the first next() throws (sync and async); unbatched, iter() throws with the RNG untouched; shuffle throws in the constructor', async () => {
    const batched = new DataLoader(noLen, { batchSize: 2 });
    expect(() => batched.length).toThrow(NO_LEN);
    const it = batched[Symbol.iterator]();
    expect(() => it.next()).toThrow(NO_LEN);
    expect(() => [...batched]).toThrow(NO_LEN);
    await expect((async () => {
      for await (const _ of batched) void _;
    })()).rejects.toThrow(NO_LEN);

    const unbatched = new DataLoader(noLen, { batchSize: null });
    expect(() => unbatched.length).toThrow(NO_LEN);
    const before = rngState();
    expect(() => unbatched[Symbol.iterator]()).toThrow(NO_LEN);
    expect(() => unbatched[Symbol.asyncIterator]()).toThrow(NO_LEN);
    expect(rngState()).toEqual(before); // Python makes the sampler's iterator before it draws the base seed

    expect(() => new DataLoader(noLen, { batchSize: 2, shuffle: true })).toThrow(NO_LEN);
  });

  it('DataLoader with persistent workers: a sampler failing in iter() ends the pool it just started', async () => {
    const loader = new DataLoader(noLen, {
      batchSize: 2,
      numWorkers: 1,
      persistentWorkers: true,
      workerDataset: { module: new URL('./workers/data-datasets.mjs', import.meta.url).href, export: 'Faulty', args: [4, 'none', -1] },
    });
    const live = DataLoader.liveWorkerCount;
    expect(() => loader[Symbol.iterator]()).toThrow(NO_LEN); // the prefetch at iter(), as Python's _reset
    for (let turn = 0; turn < 500 && DataLoader.liveWorkerCount > live; turn++) await new Promise((r) => setTimeout(r, 10));
    expect(DataLoader.liveWorkerCount).toBe(live);
    await loader.close();
  }, 60_000);

  it('an IterableDataset without a length still loads; only DataLoader.length throws', async () => {
    const loader = new DataLoader(new Stream(), { batchSize: 2 });
    expect(([...loader] as torch.Tensor[]).map((b) => b.tolist())).toEqual([[1, 2], [3]]);
    const batches: unknown[] = [];
    for await (const b of loader as AsyncIterable<torch.Tensor>) batches.push(b.tolist());
    expect(batches).toEqual([[1, 2], [3]]);
    expect(() => loader.length).toThrow(/object of type 'Stream' has no len\(\)/);
    expect(thrown(() => loader.length)).toBeInstanceOf(TypeError);
  });

  it('a length that is a getter is read; one that is not a non-negative integer is refused as Python refuses it', () => {
    const g = new Grow(3);
    expect([new SequentialSampler(g).length, [...new SequentialSampler(g)]]).toEqual([3, [0, 1, 2]]);
    expect(new ConcatDataset([g, new Grow(2)]).cumulativeSizes).toEqual([3, 5]);
    expect(new DistributedSampler(g, { numReplicas: 2, rank: 1, shuffle: false }).length).toBe(2);
    expect(new DataLoader(g, { batchSize: 2 }).length).toBe(2);
    // Python: __len__ returning 4.5 or '4' is a TypeError ("cannot be interpreted as an integer"), -1 a ValueError
    expect(thrown(() => new DistributedSampler({ length: 4.5 }, { numReplicas: 2, rank: 0 }))).toBeInstanceOf(TypeError);
    expect(thrown(() => new DistributedSampler({ length: '4' } as never, { numReplicas: 2, rank: 0 }))).toBeInstanceOf(TypeError);
    expect(() => new SequentialSampler({ length: -1 }).length).toThrow(RangeError);
    expect(() => new SequentialSampler({ length: -1 }).length).toThrow(/should be >= 0/);
  });
});

describe('when a sampler reads the length and draws its order, as Python', () => {
  it('SequentialSampler reads the length when its iterator is made (Python: iter(range(len(ds))))', () => {
    const g = new Grow(3);
    const it = new SequentialSampler(g)[Symbol.iterator]();
    g.n = 5;
    expect([...{ [Symbol.iterator]: () => it }]).toEqual([0, 1, 2]); // Python 2.13 gives [0, 1, 2]
  });

  it('RandomSampler reads it, and draws, at the first next() (Python: a generator)', () => {
    const g = new Grow(3);
    const it = new RandomSampler(g, { generator: new torch.Generator().manualSeed(0) })[Symbol.iterator]();
    g.n = 5;
    // Python 2.13: the same steps give [4, 0, 1, 3, 2] (randperm(5) of Generator seeded 0)
    expect([...{ [Symbol.iterator]: () => it }]).toEqual([4, 0, 1, 3, 2]);
  });
});

describe('an IterableDataset that yields more batches than its length, once DataLoader.length was read', () => {
  /** Yields 0..n-1 and reports `reported` as its length; `tag` keeps the messages apart (warnings show once per message and place). */
  class Over extends data.IterableDataset<number> {
    constructor(
      readonly n: number,
      readonly reported: number,
      readonly tag = '',
    ) {
      super();
    }
    *[Symbol.iterator]() {
      for (let i = 0; i < this.n; i++) yield i;
    }
    get length(): number {
      return this.reported;
    }
    override toString(): string {
      return `It(${this.n}${this.tag})`;
    }
  }
  const run = (ds: Over, options: torch.data.DataLoaderOptions, readLength = true): [unknown[], [string, string][]] => {
    const loader = new DataLoader(ds, options);
    if (readLength) void loader.length;
    let out: unknown[] = [];
    const warnings = warningsOf(() => (out = [...loader].map((b) => (torch.isTensor(b) ? (b as torch.Tensor).tolist() : b))));
    return [out, warnings];
  };
  const message = (repr: string, reported: number, fetched: number): [string, string] => [
    'UserWarning',
    `Length of IterableDataset ${repr} was reported to be ${reported}(when accessing len(dataloader)), but ${fetched} samples have been fetched. `,
  ];

  // Python 2.13 (warnings.simplefilter('always')), It(n) yielding range(n) with __len__ 3, len(loader) read first:
  //   batch_size=None, n=4: [0, 1, 2, 3]; UserWarning 'Length of IterableDataset It(4) was reported to be 3(when accessing len(dataloader)), but 4 samples have been fetched. '
  //   batch_size=1, n=4: the same warning (Python compares the batches yielded with the dataset's length)
  //   batch_size=2, n=4: no warning (2 batches); len(loader) not read: no warning
  //   batch_size=2, n=9: warnings at 4 and 5 batches; drop_last=True: at 4
  it('warns as Python: the batches yielded against the dataset length len(loader) read', () => {
    expect(run(new Over(4, 3, 'a'), { batchSize: null })).toEqual([[0, 1, 2, 3], [message('It(4a)', 3, 4)]]);
    expect(run(new Over(4, 3, 'b'), { batchSize: 1 })).toEqual([[[0], [1], [2], [3]], [message('It(4b)', 3, 4)]]);
    expect(run(new Over(4, 3, 'c'), { batchSize: 2 })).toEqual([[[0, 1], [2, 3]], []]);
    expect(run(new Over(4, 3, 'd'), { batchSize: 1 }, false)[1]).toEqual([]);
    expect(run(new Over(9, 3, 'e'), { batchSize: 2 })[1]).toEqual([message('It(9e)', 3, 4), message('It(9e)', 3, 5)]);
    expect(run(new Over(9, 3, 'f'), { batchSize: 2, dropLast: true })).toEqual([[[0, 1], [2, 3], [4, 5], [6, 7]], [message('It(9f)', 3, 4)]]);
    class Plain extends Over {}
    const plain = new Plain(5, 4);
    plain.toString = Object.prototype.toString;
    expect(run(plain, { batchSize: null })[1]).toEqual([message('<Plain object>', 4, 5)]);
  });

  // Python 2.13, It(2) (not sharded per worker, __len__ 3), batch_size=None, num_workers=2: [0, 0, 1, 1] and
  //   'Length of IterableDataset It(2) was reported to be 3(when accessing len(dataloader)), but 4 samples have been fetched.
  //   For multiprocessing data-loading, this could be caused by not properly configuring the IterableDataset replica at each
  //   worker. Please see https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset for examples.'
  it('with workers, the warning adds the note on replicas', async () => {
    const module = pathToFileURL(join(mkdtempSync(join(tmpdir(), 'torchnode-data-lengths-')), 'over.mjs'));
    writeFileSync(module, 'export class Over { constructor(n, r) { this.n = n; this.r = r; } *[Symbol.iterator]() { for (let i = 0; i < this.n; i++) yield i; } get length() { return this.r; } }');
    const ds = new Over(2, 3, 'w');
    const loader = new DataLoader(ds, { batchSize: null, numWorkers: 2, workerDataset: { module: module.href, export: 'Over', args: [2, 3] } });
    expect(loader.length).toBe(3);
    let out: unknown[] = [];
    const warnings = warningsOf(() => (out = [...loader]));
    expect(out).toEqual([0, 0, 1, 1]);
    const [category, text] = message('It(2w)', 3, 4);
    expect(warnings).toEqual([
      [
        category,
        text +
          'For multiprocessing data-loading, this could be caused by not properly configuring the IterableDataset replica at each worker. Please see https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset for examples.',
      ],
    ]);
    for (let turn = 0; turn < 500 && DataLoader.liveWorkerCount > 0; turn++) await new Promise((r) => setTimeout(r, 10));
    expect(DataLoader.liveWorkerCount).toBe(0);
  }, 60_000);
});
