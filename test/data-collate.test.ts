// defaultCollate gives PyTorch 2.13's default_collate results (test/fixtures/data-collate.json) and
// clear errors, naming the sample, for batches it cannot collate.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';

const { data } = torch;
const fx = JSON.parse(readFileSync(new URL('./fixtures/data-collate.json', import.meta.url), 'utf8'));

function describeValue(x: unknown): unknown {
  if (torch.isTensor(x)) return { dtype: x.dtype.name, shape: x.shape, values: x.tolist() };
  if (Array.isArray(x)) return x.every((v) => typeof v === 'string') ? { list: x.map((value) => ({ value })) } : { list: x.map(describeValue) };
  if (typeof x === 'object' && x !== null) return { dict: Object.fromEntries(Object.entries(x).map(([k, v]) => [k, describeValue(v)])) };
  return { value: x };
}

describe('defaultCollate', () => {
  for (const name of ['ints', 'floats', 'bools', 'strings', 'tuples', 'dicts']) {
    it(`collates ${name} as PyTorch`, () => {
      expect(describeValue(data.defaultCollate(fx[name].samples))).toEqual(fx[name].result);
    });
  }
  it('stacks tensors and turns the numbers beside them into an int64 tensor', () => {
    const samples = [0, 1, 2].map((i) => [torch.arange(6, { dtype: torch.float32 }).view(2, 3).add(i), i]);
    expect(describeValue(data.defaultCollate(samples))).toEqual(fx.tensors.result);
  });
  it('typed arrays become tensors of their dtype, stacked', () => {
    const b = data.defaultCollate([new Int32Array([1, 2]), new Int32Array([3, 4])]) as torch.Tensor;
    expect([b.dtype, b.tolist()]).toEqual([torch.int32, [[1, 2], [3, 4]]]);
  });
  it('names the sample with the wrong shape, type or keys', () => {
    expect(() => data.defaultCollate([torch.ones(3), torch.ones(3), torch.ones(4)])).toThrow(/sample 0 has shape \[3\] and sample 2 has shape \[4\]/);
    expect(() => data.defaultCollate([[torch.ones(2), 1], [torch.ones(2), 'x']])).toThrow(/sample 1 at \[1\] is a string but sample 0 is a number/);
    expect(() => data.defaultCollate([{ a: 1 }, { b: 2 }])).toThrow(/sample 1 has no key 'a'/);
    expect(() => data.defaultCollate([[1, 2], [1]])).toThrow(/equal size.*sample 1 has 1/);
    expect(() => data.defaultCollate([torch.ones(2), torch.ones(2, { dtype: torch.int64 })])).toThrow(/sample 1 is a torch.int64 tensor/);
    expect(() => data.defaultCollate([null, null])).toThrow(/found null/);
    expect(() => data.defaultCollate([])).toThrow(RangeError);
  });
  it('defaultConvert leaves numbers and turns typed arrays into tensors', () => {
    const c = data.defaultConvert({ a: 1, b: new Float64Array([1, 2]) }) as { a: number; b: torch.Tensor };
    expect([c.a, c.b.dtype, c.b.tolist()]).toEqual([1, torch.float64, [1, 2]]);
  });
});
