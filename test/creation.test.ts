import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

// torch.tensor(nested arrays): structure checks, the dimension limit and self-reference, as PyTorch 2.13
// does them for nested lists (messages checked with .venv/bin/python).

// `depth` arrays around `leaf`: nest(2, 1.5) is [[1.5]].
function nest(depth: number, leaf: unknown): unknown {
  let x = leaf;
  for (let i = 0; i < depth; i++) x = [x];
  return x;
}

// Bit-for-bit equality of two typed arrays (toEqual is slow on large arrays).
const sameBits = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const tensorOf = (data: unknown): torch.Tensor => torch.tensor(data as torch.TensorData);

describe('torch.tensor: nesting depth', () => {
  // Python: 128 nested lists make a 128-dim tensor; 129 raise ValueError "too many dimensions 'list'".
  it('accepts 128 dimensions', () => {
    expect(tensorOf(nest(128, 1.5)).dim()).toBe(128);
    expect(tensorOf(nest(127, [])).shape).toEqual([...new Array(127).fill(1), 0]);
  });
  it('refuses 129 or more dimensions with a RangeError', () => {
    for (const data of [nest(129, 1.5), nest(128, []), nest(1001, 1.5), nest(100_000, 0)]) {
      expect(() => tensorOf(data)).toThrow(RangeError);
      expect(() => tensorOf(data)).toThrow(/^tensor: too many dimensions 'Array': nested arrays may be at most 128 deep/);
    }
  });
});

describe('torch.tensor: self-referential arrays', () => {
  // Python: "new(): self-referential lists are incompatible" (or, along the first elements, "too many
  // dimensions"); PyTorch even crashes on [[1, 2], [a, 4]]. Here each is a TypeError naming the cycle.
  const cases: [string, () => unknown, string][] = [
    ['contains itself first', () => { const a: unknown[] = []; a.push(a); return a; }, 'the array at the top level contains itself at [0]'],
    ['contains itself after a number', () => { const a: unknown[] = [1]; a.push(a); return a; }, 'the array at the top level contains itself at [1]'],
    ['row is the matrix', () => { const a: unknown[] = [[1, 2], [3, 4]]; a[1] = a; return a; }, 'the array at the top level contains itself at [1]'],
    ['first row is the matrix', () => { const a: unknown[] = [[1, 2], [3, 4]]; a[0] = a; return a; }, 'the array at the top level contains itself at [0]'],
    ['element is the matrix', () => { const a: unknown[][] = [[1, 2], [3, 4]]; a[1]![0] = a; return a; }, 'the array at the top level contains itself at [1][0]'],
    ['two arrays in a loop', () => { const b: unknown[] = [1]; const a = [b]; b[0] = a; return a; }, 'the array at the top level contains itself at [0][0]'],
    ['inner cycle', () => { const b: unknown[] = [1, 2]; b[1] = b; return [[0, 0], b]; }, 'the array at [1] contains itself at [1][1]'],
  ];
  for (const [name, make, where] of cases) {
    it(name, () => {
      const data = make();
      expect(() => tensorOf(data)).toThrow(TypeError);
      expect(() => tensorOf(data)).toThrow(`tensor: self-referential arrays are incompatible (${where})`);
    });
  }
});

describe('torch.tensor: ragged and mistyped data', () => {
  // Python: ValueError "expected sequence of length 2 at dim 1 (got 1)".
  it.each([
    [[[1, 2], [3]], 'expected sequence of length 2 at dim 1 (got 1) at [1]'],
    [[[1], [2, 3]], 'expected sequence of length 1 at dim 1 (got 2) at [1]'],
    [[[[1, 2], [3, 4]], [[5, 6], [7]]], 'expected sequence of length 2 at dim 2 (got 1) at [1][1]'],
    [[[[1, 2], [3, 4]], [[5, 6]]], 'expected sequence of length 2 at dim 1 (got 1) at [1]'],
    [[[], [1]], 'expected sequence of length 0 at dim 1 (got 1) at [1]'],
  ])('%j', (data, message) => {
    expect(() => tensorOf(data)).toThrow(RangeError);
    expect(() => tensorOf(data)).toThrow(`tensor: ${message}`);
  });
  it('names the place of a wrong element', () => {
    expect(() => tensorOf([[1, 2], 3])).toThrow('tensor: expected a sequence at [1], got number');
    expect(() => tensorOf([[1, 2], [3, [4]]])).toThrow('tensor: could not infer dtype of an array at [1][1]');
    expect(() => tensorOf([[[1, 'x']]])).toThrow('tensor: could not infer dtype of string at [0][0][1]');
    expect(() => tensorOf(Symbol('s'))).toThrow('tensor: could not infer dtype of symbol at the top level');
  });
});

describe('torch.tensor: values and dtype inference', () => {
  it('infers like Python: bool, int64, float32', () => {
    expect(torch.tensor([[true, false]]).dtype).toBe(torch.bool);
    expect(torch.tensor([true, 2]).dtype).toBe(torch.int64); // Python: tensor([1, 2])
    expect(torch.tensor([[1], [2n]]).dtype).toBe(torch.int64);
    expect(torch.tensor([[1], [1.5]]).dtype).toBe(torch.float32);
    expect(torch.tensor([NaN, 1]).dtype).toBe(torch.float32);
    expect(torch.tensor([]).dtype).toBe(torch.float32);
    expect(torch.tensor([[], []]).shape).toEqual([2, 0]);
    expect(torch.tensor(false).shape).toEqual([]);
  });
  it('keeps integers beyond 2^53 exact as int64', () => {
    expect(torch.tensor([2 ** 60, -(2 ** 62)]).toTypedArray()).toEqual(BigInt64Array.of(2n ** 60n, -(2n ** 62n)));
    expect(torch.tensor([[2n ** 62n + 1n, 1], [true, -3]]).toTypedArray()).toEqual(BigInt64Array.of(2n ** 62n + 1n, 1n, 1n, -3n));
    expect(torch.tensor([1n, 0.5]).tolist()).toEqual([1, 0.5]); // Python 2.13: torch.tensor([1, 0.5]) -> float32 [1.0, 0.5]
    expect(() => torch.tensor([[1n], [2n ** 63n]])).toThrow(RangeError);
  });
  it('a large nested array gives the same tensor as its flat Float64Array', () => {
    const rows = 200;
    const cols = 500;
    const nested = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (((i * cols + j) * 7919) % 1000) / 7));
    const flat = Float64Array.from(nested.flat());
    const fromNested = torch.tensor(nested);
    expect(fromNested.shape).toEqual([rows, cols]);
    expect(sameBits(fromNested.toTypedArray(), Float32Array.from(flat))).toBe(true);
    expect(sameBits(torch.tensor(nested, { dtype: torch.float64 }).toTypedArray(), flat)).toBe(true);
  });
});
