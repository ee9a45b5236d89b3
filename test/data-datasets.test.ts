// The composite datasets of torch.utils.data: indexing, lengths and errors as in PyTorch's dataset.py.
import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';

const { data } = torch;

class Squares extends data.Dataset<number> {
  constructor(readonly n: number, readonly offset = 0) {
    super();
  }
  getItem(i: number): number {
    return (i + this.offset) ** 2;
  }
  get length(): number {
    return this.n;
  }
}

class Count extends data.IterableDataset<number> {
  constructor(readonly n: number) {
    super();
  }
  *[Symbol.iterator]() {
    for (let i = 0; i < this.n; i++) yield i;
  }
  get length() {
    return this.n;
  }
}

describe('datasets', () => {
  it('TensorDataset indexes every tensor along dim 0', () => {
    const ds = new data.TensorDataset(torch.arange(6).view(3, 2), torch.tensor([7, 8, 9]));
    expect(ds.length).toBe(3);
    expect(ds.getItem(-1).map((t) => t.tolist())).toEqual([[4, 5], 9]);
    expect(() => new data.TensorDataset(torch.ones(3), torch.ones(4))).toThrow(/Size mismatch between tensors/);
    expect(() => ds.getItem(3)).toThrow(/index 3 is out of range for a dataset of length 3/);
  });
  it('Subset and ConcatDataset map indices as PyTorch (bisect_right over cumulative sizes)', () => {
    const sub = new data.Subset(new Squares(10), [9, 0, 4]);
    expect([sub.length, sub.getItem(0), sub.getItem(2)]).toEqual([3, 81, 16]);
    const cat = new data.ConcatDataset([new Squares(2), new Squares(0), new Squares(3, 10)]);
    expect(cat.cumulativeSizes).toEqual([2, 2, 5]);
    expect(Array.from({ length: cat.length }, (_, i) => cat.getItem(i))).toEqual([0, 1, 100, 121, 144]);
    expect(cat.getItem(-1)).toBe(144);
    expect(() => new data.ConcatDataset([])).toThrow(/should not be an empty iterable/);
    expect(() => new data.ConcatDataset([new Count(2) as never])).toThrow(/does not support IterableDataset/);
  });
  it('StackDataset stacks positionally or by key', () => {
    const pos = new data.StackDataset(new Squares(3), new data.TensorDataset(torch.tensor([5, 6, 7])));
    expect((pos.getItem(2) as [number, torch.Tensor[]]).map((v) => (typeof v === 'number' ? v : v[0].item()))).toEqual([4, 7]);
    const byKey = new data.StackDataset({ a: new Squares(2), b: new Squares(2, 1) });
    expect(byKey.getItem(1)).toEqual({ a: 1, b: 4 });
    expect(() => new data.StackDataset(new Squares(2), new Squares(3))).toThrow(/Size mismatch between datasets/);
  });
  it('ChainDataset chains streams, sync and async, with a length', async () => {
    const chain = new data.ChainDataset([new Count(2), new Count(3)]);
    expect([...chain]).toEqual([0, 1, 0, 1, 2]);
    expect(chain.length).toBe(5);
    const seen: number[] = [];
    for await (const v of chain) seen.push(v);
    expect(seen).toEqual([0, 1, 0, 1, 2]);
    expect(() => new data.ChainDataset([new Squares(2) as never])).toThrow(/only supports IterableDataset/);
  });
});
