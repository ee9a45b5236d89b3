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
  it('Subset takes a 1-D integer tensor, a typed array or an array of integers, and keeps a copy', () => {
    // Python: torch.manual_seed(0); sub = Subset(ds, torch.randperm(10)[:4]) -> indices [4, 1, 7, 5];
    // [b.tolist() for b in DataLoader(Subset(TensorDataset(torch.arange(10) * 10), ...), batch_size=2)] -> [[[40, 10]], [[70, 50]]]
    torch.manualSeed(0);
    const sub = new data.Subset(new Squares(10), torch.randperm(10).index(':4'));
    expect(sub.indices).toEqual([4, 1, 7, 5]);
    expect(Array.from({ length: sub.length }, (_, i) => sub.getItem(i))).toEqual([16, 1, 49, 25]);
    torch.manualSeed(0);
    const tsub = new data.Subset(new data.TensorDataset(torch.arange(10).mul(10)), torch.randperm(10).narrow(0, 0, 4));
    expect([...new data.DataLoader(tsub, { batchSize: 2 })].map((b) => b.map((t: torch.Tensor) => t.tolist()))).toEqual([[[40, 10]], [[70, 50]]]);
    expect(new data.Subset(new Squares(10), new Int32Array([3, 2])).indices).toEqual([3, 2]);
    expect(new data.Subset(new Squares(10), new BigInt64Array([3n, 2n])).indices).toEqual([3, 2]);
    expect(new data.Subset(new Squares(10), torch.tensor([1, 2], { dtype: torch.uint8 })).indices).toEqual([1, 2]);
    const mine = [1, 2];
    const copied = new data.Subset(new Squares(10), mine);
    mine[0] = 9;
    expect(copied.getItem(0)).toBe(1);
    expect(() => new data.Subset(new Squares(10), [1, 2.5])).toThrow(/Subset: indices\[1\] must be an integer, got 2.5/);
    expect(() => new data.Subset(new Squares(10), [0, '1' as never])).toThrow(/indices\[1\] must be an integer, got "1"/);
    expect(() => new data.Subset(new Squares(10), new Float64Array([0, 0.5]))).toThrow(TypeError);
    expect(() => new data.Subset(new Squares(10), torch.tensor([0.5, 1]))).toThrow(/1-D of an integer dtype, got 1-D torch.float32/);
    expect(() => new data.Subset(new Squares(10), torch.tensor([[0, 1]]))).toThrow(/1-D of an integer dtype, got 2-D torch.int64/);
    expect(() => new data.Subset(new Squares(10), 3 as never)).toThrow(/indices must be an array, a typed array or a 1-D integer tensor, got 3/);
  });
  it('a Subset subclass that overrides getItem must override getItems too (Python 2.13 raises at construction)', () => {
    class Scaled extends data.Subset<number> {
      override getItem(i: number): number {
        return super.getItem(i) * 100;
      }
    }
    expect(() => new Scaled(new Squares(6), [5, 4, 3])).toThrow(
      'Scaled overrides getItem but not getItems. When subclassing Subset and overriding getItem, you must also override getItems to ensure ' +
        'DataLoader works correctly with your custom logic. A simple implementation:\n\ngetItems(indices) {\n  return indices.map((i) => this.getItem(i));\n}',
    );
    class ScaledBoth extends Scaled {
      override getItems(indices: number[]): number[] {
        return indices.map((i) => this.getItem(i));
      }
    }
    const s = new ScaledBoth(new Squares(6), [5, 4, 3]);
    expect([...new data.DataLoader(s, { batchSize: 3 })].map((b) => (b as torch.Tensor).tolist())).toEqual([[2500, 1600, 900]]);
    class OnlyItems extends data.Subset<number> {
      override getItems(indices: number[]): number[] {
        return indices.map((i) => this.getItem(i));
      }
    }
    expect(new OnlyItems(new Squares(6), [1]).getItems([0])).toEqual([1]);
  });
  it('StackDataset stacks positionally or by key', () => {
    const pos = new data.StackDataset(new Squares(3), new data.TensorDataset(torch.tensor([5, 6, 7])));
    expect((pos.getItem(2) as [number, torch.Tensor[]]).map((v) => (typeof v === 'number' ? v : v[0].item()))).toEqual([4, 7]);
    const byKey = new data.StackDataset({ a: new Squares(2), b: new Squares(2, 1) });
    expect(byKey.getItem(1)).toEqual({ a: 1, b: 4 });
    expect(() => new data.StackDataset(new Squares(2), new Squares(3))).toThrow(/Size mismatch between datasets/);
    // Python 2.13: StackDataset passes the index to each dataset as given, StackDataset(R(3), R(3, 10))[-1] == (-1, 9)
    class Echo extends data.Dataset<number> {
      override getItem(i: number): number {
        return i;
      }
      get length(): number {
        return 3;
      }
    }
    expect(new data.StackDataset(new Echo(), new Squares(3)).getItem(-1)).toEqual([-1, 1]); // Squares(3).getItem(-1) squares -1
    expect(new data.StackDataset(new Echo(), new Echo()).getItem(3)).toEqual([3, 3]);
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
