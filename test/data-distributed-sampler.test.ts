// torch.utils.data.DistributedSampler against Python torch 2.13 (test/fixtures/data-distributed-sampler.json
// from scripts/make-distributed-sampler-fixtures.py): for every case (dataset size, replicas, shuffle,
// dropLast, seed) each rank's length and indices over two epochs are Python's; then its use in a
// DataLoader, when the order is drawn (at iter(), as Python), and bad arguments.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';

const { DistributedSampler, DataLoader, TensorDataset } = torch.utils.data;
const fx = JSON.parse(readFileSync(new URL('fixtures/data-distributed-sampler.json', import.meta.url), 'utf8')) as {
  cases: { size: number; replicas: number; shuffle: boolean; drop_last: boolean; seed: number; ranks: { len: number; epochs: number[][] }[] }[];
  bad_rank: string;
};
const sized = (n: number): { length: number } => ({ length: n });

describe('utils.data.DistributedSampler', () => {
  it(`gives every rank Python's indices in all ${fx.cases.length} cases, epoch after epoch`, () => {
    for (const c of fx.cases) {
      c.ranks.forEach((expected, rank) => {
        const s = new DistributedSampler(sized(c.size), { numReplicas: c.replicas, rank, shuffle: c.shuffle, seed: c.seed, dropLast: c.drop_last });
        const got = [0, 3].map((epoch) => {
          s.setEpoch(epoch);
          return [...s];
        });
        expect([s.length, got], JSON.stringify({ ...c, ranks: undefined, rank })).toEqual([expected.len, expected.epochs]);
      });
    }
  });

  it('computes its indices when the iterator is made, as Python (whose __iter__ is no generator): a setEpoch after iter() counts from the next', () => {
    for (const c of fx.cases.filter((c) => c.shuffle && c.size > 1)) {
      c.ranks.forEach((expected, rank) => {
        const s = new DistributedSampler(sized(c.size), { numReplicas: c.replicas, rank, seed: c.seed, dropLast: c.drop_last });
        const it = s[Symbol.iterator]();
        s.setEpoch(3);
        const next = s[Symbol.iterator]();
        s.setEpoch(0);
        expect([[...{ [Symbol.iterator]: () => it }], [...{ [Symbol.iterator]: () => next }]], JSON.stringify({ ...c, ranks: undefined, rank })).toEqual(expected.epochs);
      });
    }
  });

  it("in a DataLoader, as Python's: unbatched, iter(loader) draws the order; batched, the BatchSampler's first next() does", () => {
    // the case size 7, 3 replicas, rank 1, seed 5: epochs 0 and 3 (Python 2.13 gives [0, 6, 1] and [[5, 0], [1]] here)
    const c = fx.cases.find((c) => c.size === 7 && c.replicas === 3 && c.shuffle && !c.drop_last && c.seed === 5)!;
    const [epoch0, epoch3] = c.ranks[1].epochs;
    const data = { length: 7, getItem: (i: number) => i };
    const sampler = new DistributedSampler(data, { numReplicas: 3, rank: 1, seed: 5 });
    const unbatched = new DataLoader(data, { batchSize: null, sampler })[Symbol.iterator]();
    sampler.setEpoch(3);
    expect([...{ [Symbol.iterator]: () => unbatched }]).toEqual(epoch0);
    sampler.setEpoch(0);
    const batched = new DataLoader(data, { batchSize: 2, sampler, collateFn: (b: number[]) => b })[Symbol.iterator]();
    sampler.setEpoch(3);
    expect([...{ [Symbol.iterator]: () => batched }].flat()).toEqual(epoch3);
  });

  it("takes Python's positional order, and drives a DataLoader: the ranks' batches cover the dataset once", () => {
    const data = new TensorDataset(torch.arange(10));
    const seen: number[] = [];
    for (let rank = 0; rank < 2; rank++) {
      const sampler = new DistributedSampler(data, 2, rank, true, 7);
      for (const [batch] of new DataLoader(data, { batchSize: 2, sampler }) as Iterable<[torch.Tensor]>) seen.push(...(batch.tolist() as number[]));
    }
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('re-reads the length at each iterator, as Python: a dataset that shrank since the constructor is padded, or refused', () => {
    // Python 2.13, dataset of 7 shrunk to 3 after the constructor: rank 1 unshuffled gives [1, 0, 2, 1]; dropping the tail
    // raises AssertionError "Number of indices (3) does not match total_size (6)"; emptied, ZeroDivisionError "division by zero"
    const shrinking = { length: 7 };
    const padded = new DistributedSampler(shrinking, { numReplicas: 2, rank: 1, shuffle: false });
    const dropping = new DistributedSampler(shrinking, { numReplicas: 2, rank: 0, dropLast: true });
    const emptied = new DistributedSampler(shrinking, { numReplicas: 2, rank: 0 });
    shrinking.length = 3;
    expect([...padded]).toEqual([1, 0, 2, 1]);
    expect(() => dropping[Symbol.iterator]()).toThrow('Number of indices (3) does not match totalSize (6)');
    shrinking.length = 0;
    expect(() => emptied[Symbol.iterator]()).toThrow(/division by zero/);
  });

  it('refuses bad arguments', () => {
    expect(() => new DistributedSampler(sized(4), { numReplicas: 2, rank: 2 })).toThrow(fx.bad_rank);
    expect(() => new DistributedSampler(sized(4))).toThrow('pass numReplicas and rank');
    expect(() => new DistributedSampler(sized(4), { numReplicas: 2, rank: 0, dropLst: true } as never)).toThrow("unexpected option 'dropLst'");
    expect(() => new DistributedSampler(sized(4), { numReplicas: 1.5, rank: 0 })).toThrow('numReplicas must be an integer');
  });
});
