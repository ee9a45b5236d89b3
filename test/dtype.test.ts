// Every torch.dtype of PyTorch 2.13 is a constant with Python's names, aliases and sizes (from the
// native dtype table), and the 2.x dtypes compute like Python (test/fixtures/dtypes.json, made by
// scripts/make-dtype-fixture.py with Python torch 2.13).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { isSameRelease } from './release.js';

interface Fixture {
  meta: { torch: string };
  dtypes: { name: string; aliases: string[]; itemsize: number; isFloatingPoint: boolean; isComplex: boolean; isSigned: boolean | null }[];
  source: number[];
  conversions: Record<string, (number | 'nan' | 'inf' | '-inf')[]>;
  uintMul3: Record<string, number[]>;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/dtypes.json', import.meta.url), 'utf8')) as Fixture;
const exported = torch as unknown as Record<string, unknown>;

describe('dtype constants', () => {
  it('exist for every dtype of Python torch 2.13, with its names, itemsize and kind', () => {
    expect(fx.meta.torch.startsWith('2.13')).toBe(true);
    expect(fx.dtypes.length).toBeGreaterThanOrEqual(40);
    for (const d of fx.dtypes) {
      const dt = exported[d.name];
      expect(dt, d.name).toBeInstanceOf(torch.DType);
      const c = dt as torch.DType;
      expect(String(c)).toBe(`torch.${d.name}`);
      expect(c.code, d.name).toBeGreaterThanOrEqual(0);
      expect([c.itemsize, c.isFloatingPoint, c.isComplex], d.name).toEqual([d.itemsize, d.isFloatingPoint, d.isComplex]);
      if (d.isSigned !== null) expect(c.isSigned, d.name).toBe(d.isSigned);
      for (const alias of d.aliases) expect(exported[alias], alias).toBe(c);
      expect(torch.empty(1, { dtype: d.name as torch.DTypeLike }).dtype, d.name).toBe(c); // Python's torch.empty accepts every dtype
    }
  });

  // 2.11 turns values beyond float8_e4m3fn's range into NaN where 2.13 saturates (seen on the GPU machine).
  it.runIf(isSameRelease(fx.meta.torch, torch.buildInfo().torchVersion))('float8 formats round like Python', () => {
    for (const [name, expected] of Object.entries(fx.conversions)) {
      const t = torch.tensor(fx.source).to(name as torch.DTypeLike);
      expect(t.dtype.name).toBe(name);
      expect(Array.from(t.float().toTypedArray() as Float32Array), name).toEqual(expected.map((v) => (typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : Math.fround(v))));
    }
  });

  it('uint16/32/64 arithmetic and TypedArrays', () => {
    for (const [name, expected] of Object.entries(fx.uintMul3)) {
      const t = torch.tensor([0, 1, 200, 65535]).to(name as torch.DTypeLike).mul(3);
      expect(t.tolist(), name).toEqual(expected);
    }
    expect(torch.tensor(new Uint16Array([1, 65535])).dtype).toBe(torch.uint16);
    expect(torch.tensor(new Uint32Array([4294967295])).tolist()).toEqual([4294967295]);
    expect(torch.tensor(new BigUint64Array([18446744073709551615n])).dtype).toBe(torch.uint64);
    expect(torch.ones(2, { dtype: torch.uint16 }).toTypedArray()).toBeInstanceOf(Uint16Array);
    expect(String(torch.ones(2, { dtype: torch.uint32 }))).toBe('tensor([1, 1], dtype=torch.uint32)');
  });

  it('an unknown dtype name is a TypeError naming it', () => {
    expect(() => torch.zeros(1, { dtype: 'float8' as torch.DTypeLike })).toThrow(/unknown dtype 'float8'/);
  });
});

// torch.finfo / iinfo and the layout and memory format constants, against Python torch 2.13
// (test/fixtures/constants.json, made by scripts/make-constants-fixtures.py).
type Info = Record<string, number | string> | { error: string; message: string };
interface ConstantsFixture {
  finfo: Record<string, Info>;
  iinfo: Record<string, Info>;
  layouts: string[];
  memoryFormats: string[];
  constants: { pi: number; e: number };
}
const cx = JSON.parse(readFileSync(new URL('./fixtures/constants.json', import.meta.url), 'utf8')) as ConstantsFixture;

describe('dtype.toReal / toComplex and 64-bit values as numbers', () => {
  it("map as Python 2.13's to_real()/to_complex() (checked by hand), with c10's error for dtypes without a complex partner", () => {
    const pairs: [torch.DType, string, string][] = [
      [torch.float16, 'float16', 'complex32'], [torch.float32, 'float32', 'complex64'], [torch.float64, 'float64', 'complex128'],
      [torch.bfloat16, 'bfloat16', 'complex64'], [torch.complex32, 'float16', 'complex32'], [torch.complex64, 'float32', 'complex64'],
      [torch.complex128, 'float64', 'complex128'],
    ];
    for (const [d, real, complex] of pairs) expect([d.toReal().name, d.toComplex().name]).toEqual([real, complex]);
    expect(torch.int64.toReal()).toBe(torch.int64);
    expect(() => torch.int64.toComplex()).toThrow('Unknown Complex ScalarType for Long');
    expect(() => torch.bool.toComplex()).toThrow('Unknown Complex ScalarType for Bool');
    expect(() => torch.float8_e4m3fn.toComplex()).toThrow('Unknown Complex ScalarType for Float8_e4m3fn');
  });

  it("Number(t) is Python's float(t) for 64-bit integers beyond 2^53 (rounded), uint64 from 2^63 too; item() refuses them with a RangeError", () => {
    // Python: float(torch.tensor([2**63], dtype=torch.uint64)) == 9.223372036854776e+18; float(torch.tensor([2**53 + 2])) == 9007199254740994.0
    const big = torch.tensor([2n ** 63n], { dtype: torch.uint64 });
    expect(Number(big)).toBe(9223372036854775808);
    expect(Number(torch.tensor([2n ** 53n + 2n]))).toBe(9007199254740994);
    expect(() => big.item()).toThrow(RangeError);
    expect(torch.tensor([5], { dtype: torch.uint64 }).item()).toBe(5);
  });

  it('a BigInt scalar beyond int64 is a uint64 value, as a Python int is (torch.full([1], 2**64 - 1, dtype=torch.uint64))', () => {
    expect(String(torch.full([1], 2n ** 64n - 1n, { dtype: torch.uint64 }))).toBe('tensor([18446744073709551615], dtype=torch.uint64)');
    expect(() => torch.full([1], 2n ** 64n, { dtype: torch.uint64 })).toThrow('fill_value: 18446744073709551616 is beyond uint64 (Python raises OverflowError)');
    expect(() => torch.full([1], -(2n ** 63n) - 1n)).toThrow('is below int64');
  });
});

describe('finfo and iinfo', () => {
  it('finfo has Python\'s fields and repr for every floating and complex dtype, and raises where Python does', () => {
    let checked = 0;
    for (const [name, want] of Object.entries(cx.finfo)) {
      const dt = exported[name] as torch.DType;
      if ('error' in want) {
        expect(() => torch.finfo(dt), name).toThrow(want.error === 'TypeError' ? TypeError : Error);
        continue;
      }
      const f = torch.finfo(dt);
      const { repr, ...fields } = want;
      expect({ bits: f.bits, eps: f.eps, max: f.max, min: f.min, tiny: f.tiny, smallestNormal: f.smallestNormal, resolution: f.resolution, dtype: f.dtype }, name).toEqual(fields);
      expect(String(f), name).toBe(repr);
      checked++;
    }
    expect(checked).toBe(12); // float16/32/64, bfloat16, five float8 types, three complex types
    expect(torch.finfo()).toBe(torch.finfo(torch.float32));
    expect(torch.finfo('cfloat').dtype).toBe('float32');
  });

  it('iinfo has Python\'s fields and repr for every integer dtype; 64-bit limits are exact BigInts', () => {
    let checked = 0;
    for (const [name, want] of Object.entries(cx.iinfo)) {
      const dt = exported[name] as torch.DType;
      if ('error' in want) {
        expect(() => torch.iinfo(dt), name).toThrow(want.error === 'TypeError' ? TypeError : Error);
        if (want.error === 'TypeError' && name === 'bool') expect(() => torch.iinfo(dt)).toThrow(String(want.message));
        continue;
      }
      const i = torch.iinfo(dt);
      const limit = (v: string): number | bigint => (want.bits === 64 ? BigInt(v) : Number(v));
      expect({ bits: i.bits, min: i.min, max: i.max, dtype: i.dtype }, name).toEqual({ bits: want.bits, min: limit(String(want.min)), max: limit(String(want.max)), dtype: want.dtype });
      expect(String(i), name).toBe(want.repr);
      checked++;
    }
    expect(checked).toBe(8);
    expect(torch.iinfo(torch.int64).max).toBe(9223372036854775807n);
    expect(() => torch.iinfo(torch.float32)).toThrow(/iinfo: requires an integer input type, got torch.float32/);
    expect(() => torch.finfo(torch.int32)).toThrow(/finfo: requires a floating point input type, got torch.int32/);
  });
});

describe('layouts, memory formats and numeric constants', () => {
  const camel = (n: string): string => n.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  const pythonName = (n: string): string => (n.startsWith('_') ? n : n); // _mkldnn keeps its underscore

  it('every torch.layout and torch.memory_format of Python is a constant that prints like Python', () => {
    for (const name of cx.layouts) {
      const l = exported[name.startsWith('_') ? name : camel(name)];
      expect(l, name).toBeInstanceOf(torch.Layout);
      expect(String(l)).toBe(`torch.${pythonName(name)}`);
    }
    // legacy_contiguous_format is Python-internal (the default of a few legacy ops): no constant.
    for (const name of cx.memoryFormats.filter((n) => n !== 'legacy_contiguous_format')) {
      const f = exported[camel(name)];
      expect(f, name).toBeInstanceOf(torch.MemoryFormat);
      expect(String(f)).toBe(`torch.${name}`);
    }
    expect([torch.pi, torch.e, torch.inf, torch.nan]).toEqual([cx.constants.pi, cx.constants.e, Infinity, NaN]);
  });

  it('ops take them wherever Python takes a layout or memory format; x.layout returns them', () => {
    const x = torch.arange(120, { dtype: torch.float32 }).reshape(2, 3, 4, 5);
    expect(x.layout).toBe(torch.strided);
    const y = x.contiguous({ memoryFormat: torch.channelsLast });
    expect(y.stride()).toEqual([60, 1, 15, 3]); // Python: x.contiguous(memory_format=torch.channels_last).stride()
    expect(y.isContiguous({ memoryFormat: torch.channelsLast })).toBe(true);
    expect(y.isContiguous(torch.channelsLast)).toBe(true);
    expect(y.isContiguous()).toBe(false);
    expect(y.isContiguous({ memoryFormat: 'channels_last' })).toBe(true);
    expect(x.unsqueeze(0).contiguous({ memoryFormat: torch.channelsLast3d }).isContiguous({ memoryFormat: torch.channelsLast3d })).toBe(true);
    expect(torch.emptyLike(y, { memoryFormat: torch.preserveFormat }).stride()).toEqual([60, 1, 15, 3]);
    expect(torch.empty(2, 3, { layout: torch.strided }).layout).toBe(torch.strided);
    const sparse = torch.eye(3).toSparse();
    expect(sparse.layout).toBe(torch.sparseCoo);
    expect(torch.eye(3).toSparseCsr().layout).toBe(torch.sparseCsr);
  });

  it('a wrong or undefined layout / memory format is an error naming it, never ignored', () => {
    const x = torch.ones(2, 3, 4, 5);
    expect(() => x.contiguous({ memoryFormat: torch.float32 as unknown as torch.MemoryFormat })).toThrow(/unknown memory format 'torch.float32'/);
    expect(() => x.contiguous({ memoryFormat: 'channels_first' as torch.MemoryFormatLike })).toThrow(TypeError);
    expect(() => x.contiguous({ memoryFormat: 9 as unknown as torch.MemoryFormat })).toThrow(/invalid memory format code 9/);
    expect(() => x.contiguous({ memoryFormat: undefined })).toThrow(/'memoryFormat' is undefined/);
    expect(() => x.isContiguous({ memoryFormat: undefined })).toThrow(/'memoryFormat' is undefined/);
    expect(() => torch.empty(2, { layout: torch.channelsLast as unknown as torch.Layout })).toThrow(/unknown layout 'torch.channels_last'/);
    expect(() => torch.empty(2, { layout: undefined })).toThrow(/'layout' is undefined/);
  });
});
