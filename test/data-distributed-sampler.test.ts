// torch.utils.data.DistributedSampler against Python torch 2.13 (test/fixtures/data-distributed-sampler.json
// from scripts/make-distributed-sampler-fixtures.py): for every case (dataset size, replicas, shuffle,
// dropLast, seed) each rank's length and indices over two epochs are Python's; then its use in a
// DataLoader, and bad arguments.
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

  it("takes Python's positional order, and drives a DataLoader: the ranks' batches cover the dataset once", () => {
    const data = new TensorDataset(torch.arange(10));
    const seen: number[] = [];
    for (let rank = 0; rank < 2; rank++) {
      const sampler = new DistributedSampler(data, 2, rank, true, 7);
      for (const [batch] of new DataLoader(data, { batchSize: 2, sampler }) as Iterable<[torch.Tensor]>) seen.push(...(batch.tolist() as number[]));
    }
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('refuses bad arguments', () => {
    expect(() => new DistributedSampler(sized(4), { numReplicas: 2, rank: 2 })).toThrow(fx.bad_rank);
    expect(() => new DistributedSampler(sized(4))).toThrow('pass numReplicas and rank');
    expect(() => new DistributedSampler(sized(4), { numReplicas: 2, rank: 0, dropLst: true } as never)).toThrow("unexpected option 'dropLst'");
    expect(() => new DistributedSampler(sized(4), { numReplicas: 1.5, rank: 0 })).toThrow('numReplicas must be an integer');
  });
});
