// The functions and Tensor members PyTorch implements in Python (torch/functional.py, _tensor.py,
// _lowrank.py), replayed against PyTorch 2.13's own results: every call form, values, dtypes,
// shapes, gradients and errors. Fixtures: .venv/bin/python scripts/make-pyfn-fixtures.py
// Comparison is bit-exact except where a case carries a tolerance (BLAS/LAPACK/FFT paths).
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as torch from '../lib/index.js';
import { caseName, replay, sameRelease as isSameRelease, type GoldenFixture } from './golden-replay.js';

torch.setNumThreads(1);

const fx = JSON.parse(readFileSync(new URL('./fixtures/pyfn.json', import.meta.url), 'utf8')) as GoldenFixture;
const sameRelease = isSameRelease(fx);

describe.runIf(sameRelease)('Python-level functions against PyTorch 2.13', () => {
  it('cover the call forms', () => expect(fx.cases.length).toBeGreaterThanOrEqual(300));
  for (const c of fx.cases) it(caseName(c), () => replay(fx, c));
});

// Python's TypeErrors (which the fixture generator records only as values): the same words here.
describe('dunders', () => {
  it('len(), iteration and float() of a 0-d tensor raise as in Python', () => {
    const s = torch.tensor(1.5);
    expect(() => s.length).toThrow(new TypeError('len() of a 0-d tensor'));
    expect(() => [...s]).toThrow(TypeError); // not iterable: Python's "iteration over a 0-d tensor"
    expect(s[Symbol.iterator]).toBeUndefined();
    expect(() => Number(torch.zeros(2))).toThrow('only one element tensors can be converted to Python scalars');
    expect(+torch.tensor([[2.5]])).toBe(2.5);
  });
  it('prints through toString, template literals and util.inspect', () => {
    const x = torch.tensor([1.5, 2]);
    expect(`${x}`).toBe('tensor([1.5000, 2.0000])');
    expect(inspect(x)).toBe('tensor([1.5000, 2.0000])');
    expect('' + x).toBe('tensor([1.5000, 2.0000])');
  });
  it('for...of gives the rows (views of dim 0)', () => {
    const x = torch.arange(6).view(3, 2);
    const rows = [...x];
    expect(rows.map((r) => r.tolist())).toEqual([[0, 1], [2, 3], [4, 5]]);
    rows[1]!.fill_(9);
    expect(x.tolist()).toEqual([[0, 1], [9, 9], [4, 5]]);
  });
  it('indices: BigInt, BigInt arrays and TypedArrays as Python ints and sequences', () => {
    const x = torch.arange(12).view(3, 4);
    expect(x.index(-1n).tolist()).toEqual([8, 9, 10, 11]);
    expect(x.index([2n, 0n], 1).tolist()).toEqual([9, 1]);
    expect(x.index(new Int32Array([2, 0])).tolist()).toEqual([[8, 9, 10, 11], [0, 1, 2, 3]]);
    expect(x.index(':', new BigInt64Array([3n])).tolist()).toEqual([[3], [7], [11]]);
  });
  it('asTensor shares a TypedArray of its dtype, as Python shares a NumPy array', () => {
    const data = new Float32Array([1, 2, 3]);
    const t = torch.asTensor(data);
    data[0] = 7;
    expect(t.tolist()).toEqual([7, 2, 3]);
    expect(torch.asTensor(data, { dtype: torch.float64 }).dtype).toBe(torch.float64);
  });
  it('x.type(dtype) is x when nothing changes, and errors name the function', () => {
    const x = torch.zeros(2);
    expect(x.type(torch.float32)).toBe(x);
    expect(() => x.type('torch.NoSuchTensor')).toThrow(/type/);
    // PyTorch 2.13: a sparse type string converts the dtype and keeps the layout (torch.FloatTensor from a LongTensor)
    const longs = torch.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(longs.type('torch.sparse.FloatTensor').type()).toBe('torch.FloatTensor');
    expect(longs.toSparse().type('torch.sparse.DoubleTensor').type()).toBe('torch.sparse.DoubleTensor');
    expect(longs.toSparse().type('torch.FloatTensor').type()).toBe('torch.sparse.FloatTensor');
    // torch.manual_seed returns the default CPU generator
    expect(torch.manualSeed(5)).toBe(torch.defaultGenerator);
    expect(torch.manualSeed(6).initialSeed()).toBe(6n);
    expect(() => torch.unique(x, { returnInverse: 1 as unknown as boolean })).toThrow(TypeError);
    expect(() => torch.split(x, 1, { dim: 0, bad: 1 } as never)).toThrow(/split/);
  });
});

describe('argument errors name the function, as Python raises TypeError', () => {
  const x = torch.zeros(2, 3);
  const cases: [string, () => unknown, RegExp][] = [
    ['split: extra argument', () => (torch.split as (...a: unknown[]) => unknown)(x, 1, 0, 1), /^split\(\) takes 3 positional arguments but 4 were given/],
    ['split: no size', () => torch.split(x, {} as never), /^split\(\) missing required argument 'splitSizeOrSections'/],
    ['unique: a value given twice', () => torch.unique(x, true, { sorted: false } as never), /^unique: got multiple values for argument 'sorted'/],
    ['unique: unknown option', () => torch.unique(x, { sort: true } as never), /^unique: unexpected option 'sort'/],
    ['einsum: a non-tensor operand', () => torch.einsum('ij', 5 as never), /^einsum\(\): operand 0 must be a Tensor/],
    ['meshgrid: a non-tensor', () => torch.meshgrid(x, 3 as never), /^meshgrid: expected Tensor as element 1/],
    ['stft: unknown option', () => torch.stft(x, 4, { bogus: 1 } as never), /^stft: unexpected option 'bogus'/],
    ['tensordot: dims of the wrong kind', () => torch.tensordot(x, x, 'two' as never), /^tensordot expects dims to be int/],
    ['cdist: extra argument', () => (torch.cdist as (...a: unknown[]) => unknown)(x, x, 2, 'use_mm_for_euclid_dist', 1), /^cdist\(\) takes 4 positional arguments but 5 were given/],
    ['lu: getInfos not a boolean', () => torch.lu(x, { getInfos: 1 } as never), /^lu: getInfos must be a boolean/],
    ['nonzero: unknown option', () => torch.nonzero(x, { tuple: true } as never), /^nonzero: unexpected option 'tuple'/],
    ['broadcastShapes: not a shape', () => torch.broadcastShapes('2' as never), /^broadcastShapes: Input shapes should be/],
  ];
  for (const [name, call, message] of cases) it(name, () => expect(call).toThrow(message));
});

describe('types', () => {
  it('results follow the options', () => {
    const x = torch.eye(3);
    const v = torch.arange(4);
    expectTypeOf(torch.unique(x)).toEqualTypeOf<torch.Tensor>();
    expectTypeOf(torch.unique(x, { returnCounts: true })).toEqualTypeOf<[torch.Tensor, torch.Tensor]>();
    expectTypeOf(torch.unique(x, { returnInverse: true, returnCounts: true })).toEqualTypeOf<[torch.Tensor, torch.Tensor, torch.Tensor]>();
    expectTypeOf(x.unique(true, true)).toEqualTypeOf<[torch.Tensor, torch.Tensor]>();
    expectTypeOf(torch.uniqueConsecutive(x)).toEqualTypeOf<torch.Tensor>();
    expectTypeOf(x.uniqueConsecutive({ returnInverse: true })).toEqualTypeOf<[torch.Tensor, torch.Tensor]>();
    expectTypeOf(torch.atleast1d(x)).toEqualTypeOf<torch.Tensor>();
    expectTypeOf(torch.atleast2d(x, x)).toEqualTypeOf<torch.Tensor[]>();
    expectTypeOf(torch.nonzero(x)).toEqualTypeOf<torch.Tensor>();
    expectTypeOf(torch.nonzero(x, { asTuple: true })).toEqualTypeOf<torch.Tensor[]>();
    expectTypeOf(torch.lu(x)).toEqualTypeOf<[torch.Tensor, torch.Tensor]>();
    expectTypeOf(torch.lu(x, { getInfos: true })).toEqualTypeOf<torch.LuWithInfo>();
    expectTypeOf(torch.lu(x, { getInfos: true }).info).toEqualTypeOf<torch.Tensor>();
    expectTypeOf(x.type()).toEqualTypeOf<string>();
    expectTypeOf(x.type(torch.float64)).toEqualTypeOf<torch.Tensor>();
    expectTypeOf(x.length).toEqualTypeOf<number>();
    expectTypeOf([...x]).toEqualTypeOf<torch.Tensor[]>();
    for (const row of x) expectTypeOf(row).toEqualTypeOf<torch.Tensor>();
    expectTypeOf(x.split({ splitSize: 1 })).toEqualTypeOf<torch.Tensor[]>();
    expectTypeOf(torch.split(x, [1, 2], { dim: 1 })).toEqualTypeOf<torch.Tensor[]>();
    expectTypeOf(torch.einsum('i,i->', v, v)).toEqualTypeOf<torch.Tensor>();
    expectTypeOf(torch.broadcastShapes([2, 1], 3)).toEqualTypeOf<number[]>();
  });
});
