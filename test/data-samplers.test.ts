// Samplers and randomSplit draw the same indices from the torch RNG as PyTorch 2.13
// (test/fixtures/data-samplers.json, from scripts/make-data-fixtures.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';

const { data } = torch;
const fx = JSON.parse(readFileSync(new URL('./fixtures/data-samplers.json', import.meta.url), 'utf8'));
const range = (n: number) => ({ length: n });
const after = (g?: torch.Generator) => torch.rand([3], { dtype: torch.float64, ...(g ? { generator: g } : {}) }).tolist();
const caseOf = (name: string) => fx.samplers.find((c: { name: string }) => c.name === name);

describe('samplers', () => {
  it('RandomSampler draws its seed from the global RNG on each pass', () => {
    for (const seed of [0, 7]) {
      const c = caseOf(`random-global-${seed}`);
      torch.manualSeed(seed);
      expect([[...new data.RandomSampler(range(10))], [...new data.RandomSampler(range(10))]]).toEqual(c.indices);
      expect(after()).toEqual(c.after);
    }
  });
  it('RandomSampler with a generator continues its stream', () => {
    const c = caseOf('random-generator');
    const g = new torch.Generator().manualSeed(3);
    const s = new data.RandomSampler(range(13), { generator: g });
    expect([[...s], [...s]]).toEqual(c.indices);
    expect(after(g)).toEqual(c.after);
  });
  it('RandomSampler with replacement (chunks of 32) and numSamples beyond the length', () => {
    torch.manualSeed(1);
    expect([[...new data.RandomSampler(range(10), true, 70)]]).toEqual(caseOf('random-replacement').indices);
    expect(after()).toEqual(caseOf('random-replacement').after);
    torch.manualSeed(2);
    const s = new data.RandomSampler(range(10), { numSamples: 25 });
    expect(s.length).toBe(25);
    expect([[...s]]).toEqual(caseOf('random-numsamples').indices);
    expect(after()).toEqual(caseOf('random-numsamples').after);
  });
  it('SubsetRandomSampler and WeightedRandomSampler', () => {
    torch.manualSeed(4);
    expect([[...new data.SubsetRandomSampler([5, 9, 11, 20, 33, 2])]]).toEqual(caseOf('subset-random').indices);
    expect(after()).toEqual(caseOf('subset-random').after);
    const w = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6];
    torch.manualSeed(5);
    expect([[...new data.WeightedRandomSampler(w, 20, { replacement: true })]]).toEqual(caseOf('weighted-replacement').indices);
    expect(after()).toEqual(caseOf('weighted-replacement').after);
    torch.manualSeed(6);
    expect([[...new data.WeightedRandomSampler(w, 5, false)]]).toEqual(caseOf('weighted-no-replacement').indices);
    expect(after()).toEqual(caseOf('weighted-no-replacement').after);
  });
  it("undefined for an optional positional argument keeps the later ones (Python's positional order)", () => {
    const c = caseOf('random-positional');
    const g = new torch.Generator().manualSeed(c.seed);
    const r = new data.RandomSampler(range(6), undefined, 3, g);
    expect([r.replacement, r.numSamples, r.length, r.generator === g]).toEqual([false, 3, 3, true]);
    expect([[...r]]).toEqual(c.indices);
    expect(after(g)).toEqual(c.after);
    const cw = caseOf('weighted-positional');
    const gw = new torch.Generator().manualSeed(cw.seed);
    const w = new data.WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 4, undefined, gw);
    expect([w.replacement, w.generator === gw]).toEqual([true, true]);
    expect([[...w]]).toEqual(cw.indices);
    expect(after(gw)).toEqual(cw.after);
    expect(new data.RandomSampler(range(6), undefined, undefined, g).generator).toBe(g);
    expect(new data.RandomSampler(range(6), undefined).numSamples).toBe(6);
  });
  it('SubsetRandomSampler takes a 1-D integer tensor or a typed array, as any Python sequence', () => {
    const c = caseOf('subset-random-tensor');
    for (const indices of [torch.tensor([5, 9, 11, 20, 33]), new Int32Array([5, 9, 11, 20, 33]), new BigInt64Array([5n, 9n, 11n, 20n, 33n])]) {
      const g = new torch.Generator().manualSeed(c.seed);
      const s = new data.SubsetRandomSampler(indices, g);
      expect([s.length, s.indices]).toEqual([5, [5, 9, 11, 20, 33]]);
      expect([[...s]]).toEqual(c.indices);
      expect(after(g)).toEqual(c.after);
    }
    expect(() => new data.SubsetRandomSampler(torch.tensor([0.5]))).toThrow(/SubsetRandomSampler: a tensor of indices must be 1-D of an integer dtype/);
    expect(() => new data.SubsetRandomSampler(7 as never)).toThrow(/SubsetRandomSampler: indices must be an array, a typed array or a 1-D integer tensor, got 7/);
  });
  it('RandomSampler over an empty dataset with numSamples fails when iterated, after drawing its seed, as Python', () => {
    const c = caseOf('random-empty');
    torch.manualSeed(c.seed);
    const s = new data.RandomSampler(range(0), { numSamples: 5 });
    expect(s.length).toBe(5);
    expect(() => [...s]).toThrow(`RandomSampler: the dataset is empty, so 5 samples cannot be drawn without replacement (${c.error})`);
    expect(after()).toEqual(c.after);
  });
  it('BatchSampler keeps or drops the last batch', () => {
    expect([...new data.BatchSampler(new data.SequentialSampler(range(10)), 3, false)]).toEqual(fx.batch.keep);
    expect([...new data.BatchSampler(new data.SequentialSampler(range(10)), 3, true)]).toEqual(fx.batch.drop);
    expect([new data.BatchSampler(new data.SequentialSampler(range(10)), 3, false).length, new data.BatchSampler(new data.SequentialSampler(range(10)), 3, true).length]).toEqual(fx.batch.lengths);
  });
  it('bad arguments are refused with the sampler named', () => {
    expect(() => new data.RandomSampler(range(0))).toThrow(/RandomSampler: numSamples should be a positive integer/);
    expect(() => new data.RandomSampler(range(3), { replacement: 1 as never })).toThrow(TypeError);
    expect(() => new data.BatchSampler([0, 1], 0, false)).toThrow(/BatchSampler: batchSize/);
    expect(() => new data.WeightedRandomSampler([[1, 2]] as never, 2)).toThrow(/weights should be a 1d sequence/);
    expect(() => new data.WeightedRandomSampler([1, 2], 1.5)).toThrow(RangeError);
  });
});

describe('randomSplit', () => {
  it('lengths or fractions, global RNG or a generator, as PyTorch', () => {
    for (const c of fx.splits) {
      const ds = new data.TensorDataset(torch.arange(c.n));
      torch.manualSeed(8);
      expect(data.randomSplit(ds, c.lengths).map((s) => [...s.indices])).toEqual(c.global);
      expect(data.randomSplit(ds, c.lengths, new torch.Generator().manualSeed(42)).map((s) => [...s.indices])).toEqual(c.generator);
      // Python's keyword form random_split(ds, lengths, generator=g)
      expect(data.randomSplit(ds, c.lengths, { generator: new torch.Generator().manualSeed(42) }).map((s) => [...s.indices])).toEqual(c.generator);
      expect(after()).toEqual(c.after);
    }
  });
  it('refuses lengths that do not add up', () => {
    const ds = new data.TensorDataset(torch.arange(5));
    expect(() => data.randomSplit(ds, [3, 2], { gen: 1 } as never)).toThrow("randomSplit: unexpected option 'gen'; expected one of { generator }");
    expect(() => data.randomSplit(ds, [2, 2])).toThrow(/Sum of input lengths \(4\) does not equal the length of the input dataset \(5\)/);
    expect(() => data.randomSplit(ds, [1.5, -0.5])).toThrow(/Fraction at index 0 is not between 0 and 1/);
  });
});
