// defaultCollate gives PyTorch 2.13's default_collate results (test/fixtures/data-collate.json) and
// clear errors, naming the sample, for batches it cannot collate.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { MapSamples, MixedDtypes } from './workers/data-datasets.mjs';

const { data } = torch;
const fx = JSON.parse(readFileSync(new URL('./fixtures/data-collate.json', import.meta.url), 'utf8'));

function describeValue(x: unknown): unknown {
  if (torch.isTensor(x)) return { dtype: x.dtype.name, shape: x.shape, values: x.tolist() };
  if (Array.isArray(x)) return x.every((v) => typeof v === 'string') ? { list: x.map((value) => ({ value })) } : { list: x.map(describeValue) };
  if (x instanceof Map) return { dict: Object.fromEntries([...x].map(([k, v]) => [k, describeValue(v)])) };
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
    expect(() => data.defaultCollate([null, null])).toThrow(/found null/);
    expect(() => data.defaultCollate([])).toThrow(RangeError);
  });
  it('tensors of different dtypes are promoted as torch.stack does, in the main thread and in workers', async () => {
    // Python: default_collate([torch.tensor(1), torch.tensor(2.5)]) -> tensor([1.0000, 2.5000]) (float32), and so on.
    const show = (b: unknown) => [String((b as torch.Tensor).dtype), (b as torch.Tensor).tolist()];
    expect(show(data.defaultCollate([torch.tensor(1), torch.tensor(2.5)]))).toEqual(['torch.float32', [1, 2.5]]);
    expect(show(data.defaultCollate([torch.ones(2), torch.ones(2, { dtype: torch.int64 })]))).toEqual(['torch.float32', [[1, 1], [1, 1]]]);
    expect(show(data.defaultCollate([torch.tensor(1, { dtype: torch.int32 }), torch.tensor(2.5, { dtype: torch.float64 })]))).toEqual(['torch.float64', [1, 2.5]]);
    expect(show(data.defaultCollate([torch.tensor([true]), torch.tensor([2], { dtype: torch.uint8 })]))).toEqual(['torch.uint8', [[1], [2]]]);
    expect(show(data.defaultCollate([torch.tensor([1], { dtype: torch.int32 }), torch.tensor([2], { dtype: torch.int8 }), torch.tensor([3])]))).toEqual(['torch.int64', [[1], [2], [3]]]);
    // numpy arrays of two dtypes: as_tensor, then stacked: float64
    expect(show(data.defaultCollate([new Int32Array([1, 2]), new Float64Array([1.5, 2])]))).toEqual(['torch.float64', [[1, 2], [1.5, 2]]]);
    // In a worker, which stacks into a transferable buffer. PyTorch's worker gives the same for a float sample 0
    // ([[0.5, 1.0], [2.5, 3.0]], float32) and fails for an int64 one ("input types can't be cast to the desired output type Long").
    for (const intFirst of [true, false]) {
      const loader = new data.DataLoader(new MixedDtypes(intFirst), { batchSize: 2, numWorkers: 1 });
      const got = [];
      for await (const b of loader) got.push(show(b));
      expect(got).toEqual(intFirst ? [['torch.float32', [0, 1.5]], ['torch.float32', [2, 3.5]]] : [['torch.float32', [0.5, 1]], ['torch.float32', [2.5, 3]]]);
    }
  }, 60_000);
  it("a Map is Python's Mapping: collated key by key into a Map, in sample 0's key order; in workers too", async () => {
    const c = fx['dicts-order'];
    const toMap = (o: Record<string, unknown>) => new Map(Object.entries(o));
    const m = data.defaultCollate(c.samples.map(toMap)) as Map<string, unknown>;
    expect(m).toBeInstanceOf(Map);
    expect([...m.keys()]).toEqual(Object.keys(c.result.dict));
    expect(describeValue(m)).toEqual(c.result);
    const o = data.defaultCollate(c.samples) as Record<string, unknown>;
    expect([Object.keys(o), describeValue(o)]).toEqual([Object.keys(c.result.dict), c.result]);
    expect(() => data.defaultCollate([new Map([['a', 1]]), new Map([['b', 2]])])).toThrow("default_collate: sample 1 has no key 'a' that sample 0 has");
    expect(() => data.defaultCollate([new Map([['a', 1]]), { a: 2 }])).toThrow('default_collate: sample 1 is a Object but sample 0 is a Map; a batch must hold samples of one structure');
    for (const numWorkers of [0, 1]) {
      const [batch, ...rest] = [...new data.DataLoader(new MapSamples(fx.dicts.samples), { batchSize: 2, numWorkers })];
      expect(rest).toEqual([]);
      expect(batch).toBeInstanceOf(Map);
      expect([[...(batch as Map<string, unknown>).keys()], describeValue(batch)]).toEqual([Object.keys(fx.dicts.result.dict), fx.dicts.result]);
    }
  }, 60_000);
  it('bigints outside int64 are refused, not wrapped (Python: Overflow when unpacking long long)', () => {
    const c = fx['int64-overflow'];
    expect(() => data.defaultCollate([2n ** 64n, 2n])).toThrow(`default_collate: sample 0 is 18446744073709551616n, outside the int64 range (${c.error})`);
    expect(() => data.defaultCollate([{ a: 1n }, { a: -(2n ** 63n) - 1n }])).toThrow(`default_collate: sample 1 at .a is -9223372036854775809n, outside the int64 range (${c.error})`);
    const edge = data.defaultCollate([2n ** 63n - 1n, -(2n ** 63n)]) as torch.Tensor;
    expect([edge.dtype, [...(edge.toTypedArray() as BigInt64Array)]]).toEqual([torch.int64, [2n ** 63n - 1n, -(2n ** 63n)]]);
  });
  // default_collate([1, True]), default_collate([True, 1]), default_collate([1.5, True]), default_collate([True, False])
  //   -> tensor([1, 1]) tensor([1, 1]) tensor([1.5000, 1.0000], dtype=torch.float64) tensor([True, False])
  it("booleans among numbers count as Python's ints 1 and 0", () => {
    const show = (b: unknown[]): unknown[] => {
      const t = data.defaultCollate(b) as torch.Tensor;
      return [String(t.dtype), t.tolist()];
    };
    expect([show([1, true]), show([true, 1]), show([1.5, true]), show([true, false])])
      .toEqual([['torch.int64', [1, 1]], ['torch.int64', [1, 1]], ['torch.float64', [1.5, 1]], ['torch.bool', [true, false]]]);
    expect(() => data.defaultCollate([1, 'a'])).toThrow('sample 1 is a string but sample 0 is a number');
  });
  it('defaultConvert converts the values of a Map into a new Map', () => {
    const m = new Map<unknown, unknown>([['a', new Float32Array([1, 2])], [3, 'x']]);
    const c = data.defaultConvert(m) as Map<unknown, unknown>;
    expect(c).toBeInstanceOf(Map);
    expect(c).not.toBe(m);
    expect([...c.keys()]).toEqual(['a', 3]);
    expect([(c.get('a') as torch.Tensor).dtype, (c.get('a') as torch.Tensor).tolist(), c.get(3)]).toEqual([torch.float32, [1, 2], 'x']);
  });
  it('defaultConvert leaves numbers and turns typed arrays into tensors', () => {
    const c = data.defaultConvert({ a: 1, b: new Float64Array([1, 2]) }) as { a: number; b: torch.Tensor };
    expect([c.a, c.b.dtype, c.b.tolist()]).toEqual([1, torch.float64, [1, 2]]);
  });
});
