// Every torch.dtype of PyTorch 2.13 is a constant with Python's names, aliases and sizes (from the
// native dtype table), and the 2.x dtypes compute like Python (test/fixtures/dtypes.json, made by
// scripts/make-dtype-fixture.py with Python torch 2.13).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

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

  it('float8 formats round like Python', () => {
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
