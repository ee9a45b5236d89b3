// The typings describe what the runtime accepts: each case here is checked twice, by TypeScript
// (tsconfig.test.json, run by the last test) and by running it. `@ts-expect-error` lines are calls
// the types reject; they also fail at run time.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';

import * as torch from '../lib/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
type Tensor = torch.Tensor;
// (values, indices): `values` is the tensor, not Array.prototype.values.
type ValuesIndices = Omit<[Tensor, Tensor], 'values'> & { values: Tensor; indices: Tensor };

describe('numbers where PyTorch takes a Tensor or a Scalar', () => {
  const x = torch.tensor([[1, 5], [7, 2]]);

  it('torch functions take numbers for tensors (wrapped numbers, as Python)', () => {
    expectTypeOf(torch.add(x, 1)).toEqualTypeOf<Tensor>();
    expectTypeOf(torch.mul(x, 2.5)).toEqualTypeOf<Tensor>();
    expectTypeOf(torch.sub(x, 1, { alpha: 2 })).toEqualTypeOf<Tensor>();
    expectTypeOf(torch.where(x.gt(2), x, 0)).toEqualTypeOf<Tensor>();
    expectTypeOf(torch.pow(2, x)).toEqualTypeOf<Tensor>();
    expect(torch.add(x, 1).tolist()).toEqual([[2, 6], [8, 3]]);
    expect(torch.mul(x, 2.5).dtype).toBe(torch.float32);
    expect(torch.where(x.gt(2), x, 0).tolist()).toEqual([[0, 5], [7, 0]]);
    expect(torch.pow(2, x).tolist()).toEqual([[2, 32], [128, 4]]);
  });

  it('methods take numbers, booleans and BigInts for Tensor and Scalar parameters', () => {
    expectTypeOf(x.pow(2)).toEqualTypeOf<Tensor>();
    expectTypeOf(x.eq(5)).toEqualTypeOf<Tensor>();
    expectTypeOf(x.clamp(0, 4)).toEqualTypeOf<Tensor>();
    expectTypeOf(x.maskedFill(x.gt(4), 0n)).toEqualTypeOf<Tensor>();
    expect(x.eq(5).tolist()).toEqual([[false, true], [false, false]]);
    expect(x.maskedFill(x.gt(4), 0n).tolist()).toEqual([[1, 0], [0, 2]]);
    expect(x.clamp(0, 4).tolist()).toEqual([[1, 4], [4, 2]]);
  });

  it('lists of tensors take tensors only', () => {
    expectTypeOf(torch.cat([x, x])).toEqualTypeOf<Tensor>();
    // @ts-expect-error numbers are not tensors inside a list (as in Python)
    expect(() => torch.cat([x, 1])).toThrow(TypeError);
  });
});

describe('named tuples and overloads', () => {
  const x = torch.tensor([[1, 5], [7, 2]]);

  it('max: the whole tensor, along a dim (values, indices), or elementwise with another', () => {
    expectTypeOf(x.max()).toEqualTypeOf<Tensor>();
    expectTypeOf(x.max(1)).toEqualTypeOf<ValuesIndices>();
    expectTypeOf(x.max(1).values).toEqualTypeOf<Tensor>();
    expectTypeOf(x.max(1, true).indices).toEqualTypeOf<Tensor>();
    expectTypeOf(x.max({ dim: 1, keepdim: true })).toEqualTypeOf<ValuesIndices>();
    expectTypeOf(x.max(1, { keepdim: true })).toEqualTypeOf<ValuesIndices>();
    expectTypeOf(x.max(x)).toEqualTypeOf<Tensor>();
    expectTypeOf(torch.max(x, 1).indices).toEqualTypeOf<Tensor>();
    expectTypeOf(torch.max(x, { dim: 0 }).values).toEqualTypeOf<Tensor>();
    const [values, indices] = x.max(1);
    expectTypeOf(values).toEqualTypeOf<Tensor>();
    expectTypeOf(x.max(1)[1]).toEqualTypeOf<Tensor>();
    expect(values.tolist()).toEqual([5, 7]);
    expect(indices.tolist()).toEqual([1, 0]);
    expect(x.max(1, { keepdim: true }).values.shape).toEqual([2, 1]);
    expect(torch.max(x, { dim: 0 }).values.tolist()).toEqual([7, 5]);
    expect(x.max(x).shape).toEqual([2, 2]);
  });

  it('sort and topk return (values, indices); aminmax (min, max)', () => {
    expectTypeOf(x.sort()).toEqualTypeOf<ValuesIndices>();
    expectTypeOf(x.topk(1, { largest: false })).toEqualTypeOf<ValuesIndices>();
    expectTypeOf(x.aminmax()).toEqualTypeOf<[Tensor, Tensor] & { min: Tensor; max: Tensor }>();
    expect(x.topk(1, { largest: false }).values.tolist()).toEqual([[1], [2]]);
    expect(x.aminmax().max.item()).toBe(7);
  });

  it('operators that give a dtype, a bool or a list', () => {
    expectTypeOf(torch.promoteTypes('float32', torch.int64)).toEqualTypeOf<torch.DType>();
    expectTypeOf(x.isSameSize(x)).toEqualTypeOf<boolean>();
    expectTypeOf(x.split(1)).toEqualTypeOf<Tensor[]>();
    expect(torch.promoteTypes('float32', torch.int64)).toBe(torch.float32);
    expect(x.split(1)).toHaveLength(2);
  });

  it('in-place methods return the receiver', () => {
    const y = torch.zeros(2);
    expectTypeOf(y.clamp_(0, 1)).toEqualTypeOf<typeof y>();
    expectTypeOf(y.abs_()).toEqualTypeOf<typeof y>();
    expect(y.abs_()).toBe(y);
  });
});

describe('argument forms', () => {
  const x = torch.arange(6).view(2, 3);

  it('reductions: positional, mixed and options-only', () => {
    expectTypeOf(x.sum()).toEqualTypeOf<Tensor>();
    expectTypeOf(x.sum(1, true)).toEqualTypeOf<Tensor>();
    expectTypeOf(x.sum([0, 1])).toEqualTypeOf<Tensor>();
    expectTypeOf(x.sum(1, { keepdim: true, dtype: 'float64' })).toEqualTypeOf<Tensor>();
    expectTypeOf(x.sum(1, true, { dtype: torch.float64 })).toEqualTypeOf<Tensor>();
    expectTypeOf(x.sum({ dim: 1, keepdim: true })).toEqualTypeOf<Tensor>();
    expect(x.sum(1, { keepdim: true, dtype: 'float64' }).dtype).toBe(torch.float64);
    expect(x.sum(1, true, { dtype: torch.float64 }).shape).toEqual([2, 1]);
  });

  it('int lists: an array, one number, or varargs', () => {
    expectTypeOf(x.view([3, 2])).toEqualTypeOf<Tensor>();
    expectTypeOf(x.view(6)).toEqualTypeOf<Tensor>();
    expectTypeOf(x.permute(1, 0)).toEqualTypeOf<Tensor>();
    expectTypeOf(x.flip(0)).toEqualTypeOf<Tensor>();
    expectTypeOf(x.amax(0)).toEqualTypeOf<Tensor>();
    expect(x.view(6).shape).toEqual([6]);
    expect(x.flip(0).tolist()).toEqual([[3, 4, 5], [0, 1, 2]]);
  });

  it('dtypes by constant or name; memory formats and layouts by name', () => {
    const img = torch.zeros(1, 2, 3, 3);
    expectTypeOf(x.view('int32')).toEqualTypeOf<Tensor>();
    expectTypeOf(img.contiguous({ memoryFormat: 'channels_last' })).toEqualTypeOf<Tensor>();
    expectTypeOf(x.newZeros([2], { layout: 'strided', dtype: 'float64' })).toEqualTypeOf<Tensor>();
    expect(img.contiguous({ memoryFormat: 'channels_last' }).stride()).toEqual([18, 1, 6, 2]);
    expect(x.newZeros([2], { layout: 'strided', dtype: 'float64' }).dtype).toBe(torch.float64);
    // @ts-expect-error not a memory format
    expect(() => img.contiguous({ memoryFormat: 'channel_last' })).toThrow(TypeError);
  });

  it('out= on torch functions', () => {
    const out = torch.empty(2, 3, { dtype: torch.int64 });
    expectTypeOf(torch.add(x, 1, { out })).toEqualTypeOf<Tensor>();
    expect(torch.add(x, 1, { out })).toBe(out);
    // several outs: one array, as Python's tuple
    const outs: [Tensor, Tensor] = [torch.empty(0), torch.empty(0, { dtype: torch.int64 })];
    expectTypeOf(torch.sort(x.float(), { out: outs }).values).toEqualTypeOf<Tensor>();
    // @ts-expect-error sort has two outs
    expect(() => torch.sort(x.float(), { out: outs[0] })).toThrow(TypeError);
  });

  it('generators in random ops', () => {
    const g = new torch.Generator().manualSeed(0);
    expectTypeOf(torch.zeros(3).uniform_(0, 1, { generator: g })).toEqualTypeOf<Tensor>();
    expectTypeOf(torch.normal(0, 1, [2], { generator: g })).toEqualTypeOf<Tensor>();
  });

  it('options objects reject unknown keys and wrong types at compile time', () => {
    // @ts-expect-error keepdim is spelled keepdim
    expect(() => x.sum(1, { keepDim: true })).toThrow(TypeError);
    // @ts-expect-error alpha is a number
    expect(() => torch.add(x, 1, { alpha: 'two' })).toThrow(TypeError);
    // @ts-expect-error no such keyword (NumPy's keepdims works at run time, as in Python, but is not typed: test/op-call-parity.test.ts)
    expect(() => x.max({ dim: 1, keepDims: true })).toThrow(TypeError);
    // @ts-expect-error dim is required
    expect(() => x.max({ keepdim: true })).toThrow(TypeError);
  });
});

describe('type check', () => {
  // The tests and examples against the library's typings (tsconfig.test.json). Not incremental: TypeScript 5.9's
  // incremental re-check reports `using` on a Tensor as not Disposable after lib/ changes, which a full check does not.
  it('tsc -p tsconfig.test.json passes', async () => {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(process.execPath, [tsc, '-p', join(root, 'tsconfig.test.json')], { cwd: root, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: stdout + stderr }));
    });
    expect(code, `tsc -p tsconfig.test.json reported:\n${output}`).toBe(0);
  }, 300_000);
});
