// torch.testing.assertClose fails with Python's exact messages and makeTensor draws like Python's
// make_tensor (test/fixtures/sparse.json, made by scripts/make-sparse-fixtures.py with torch 2.13).
import { AssertionError } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { pyFloat } from '../lib/print.js';
import { isSameRelease } from './release.js';

type Spec = Record<string, unknown>;
interface CloseCase {
  name: string;
  actual: Spec;
  expected: Spec;
  options: Record<string, unknown>;
  error: string | null;
  message?: string;
}
interface MakeCase {
  name: string;
  shape: number[];
  options: Record<string, unknown>;
  dtype: string;
  size: number[];
  stride: number[];
  contiguous: boolean;
  requiresGrad: boolean;
  values: (number | boolean | string)[];
}
interface MakeError {
  name: string;
  shape: number[];
  options: Record<string, unknown>;
  error: string | null;
  message?: string;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/sparse.json', import.meta.url), 'utf8')) as {
  meta: { torch: string };
  assertClose: CloseCase[];
  assertCloseWrapped: { error: string; message: string };
  assertAllclose: CloseCase[];
  finfo: Record<string, { max: number; tiny: number }>;
  makeTensor: MakeCase[];
  makeTensorErrors: MakeError[];
};

const special = (v: unknown): unknown => (Array.isArray(v) ? v.map(special) : typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v);

/** Builds a fixture input spec (see the script's docstring) the way the Python script does. */
function build(spec: Spec): unknown {
  if ('t' in spec) return torch.tensor(special(spec.t) as number[], { dtype: (spec.dtype as string) ?? 'float32' });
  if ('int' in spec) return spec.int;
  if ('float' in spec) return special(spec.float);
  if ('bool' in spec) return spec.bool;
  if ('none' in spec) return null;
  if ('str' in spec) return spec.str;
  if ('list' in spec) return (spec.list as Spec[]).map(build);
  if ('dict' in spec) return Object.fromEntries(Object.entries(spec.dict as Record<string, Spec>).map(([k, s]) => [k, build(s)]));
  if ('sparse' in spec) return (build(spec.of as Spec) as torch.Tensor).toSparse({ layout: `sparse_${spec.sparse as string}`, blocksize: (spec.blocksize as number[]) ?? null } as never);
  if ('meta' in spec) return torch.empty(spec.meta as number[], { dtype: (spec.dtype as string) ?? 'float32', device: 'meta' });
  if ('strided' in spec) return (build(spec.strided as Spec) as torch.Tensor).t().contiguous().t();
  if ('complex' in spec) return torch.viewAsComplex(build(spec.complex as Spec) as torch.Tensor);
  if ('quant' in spec) return torch.quantizePerTensor(build(spec.quant as Spec) as torch.Tensor, spec.scale as number, spec.zero_point as number, torch[spec.qdtype as 'quint8']);
  throw new Error(`unknown spec ${JSON.stringify(spec)}`);
}

const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const ERROR_CLASS: Record<string, string> = { AssertionError: 'AssertionError', TypeError: 'TypeError', ValueError: 'TypeError', RuntimeError: 'Error' };

function thrown(fn: () => void): Error | null {
  try {
    fn();
    return null;
  } catch (e) {
    return e as Error;
  }
}

describe('torch.testing.assertClose', () => {
  it('fixture comes from torch 2.13', () => {
    expect(fx.meta.torch.startsWith('2.13')).toBe(true);
    expect(fx.assertClose.length).toBeGreaterThan(80);
  });

  for (const c of fx.assertClose) {
    it(`${c.name}: ${c.error ?? 'passes'}`, () => {
      const options = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [camel(k), v]));
      const err = thrown(() => torch.testing.assertClose(build(c.actual), build(c.expected), options));
      if (c.error === null) {
        expect(err).toBeNull();
        return;
      }
      expect(err, c.name).not.toBeNull();
      expect(err!.message).toBe(c.message);
      expect(err!.constructor.name).toBe(ERROR_CLASS[c.error]);
      if (c.error === 'AssertionError') expect(err).toBeInstanceOf(AssertionError);
    });
  }

  it('a msg function rewrites the generated message', () => {
    const err = thrown(() => torch.testing.assertClose(torch.tensor([1, 4, 5], { dtype: 'float32' }), torch.tensor([1, 2, 3], { dtype: 'float32' }), { msg: (m) => `Header\n\n${m}\n\nFooter` }));
    expect(err?.message).toBe(fx.assertCloseWrapped.message);
  });

  it('typed arrays compare like numpy arrays: by dtype', () => {
    expect(() => torch.testing.assertClose(new Float32Array([1, 2]), new Float32Array([1, 2]))).not.toThrow();
    expect(() => torch.testing.assertClose(new Float32Array([1, 2]), new Float32Array([1, 3]))).toThrow(/Mismatched elements: 1 \/ 2 \(50\.0%\)/);
    // Python 2.13 with np.float32 / np.float64 arrays: "The values for attribute 'dtype' do not match: torch.float32 != torch.float64."
    expect(() => torch.testing.assertClose(new Float32Array([1]), new Float64Array([1]))).toThrow("The values for attribute 'dtype' do not match: torch.float32 != torch.float64.");
  });

  it('BigInts are Python ints', () => {
    expect(() => torch.testing.assertClose(5n, 5)).not.toThrow();
    expect(() => torch.testing.assertClose(5n, 0.5)).toThrow("The (d)types do not match: <class 'int'> != <class 'float'>.");
  });

  it('rejects bad options by name', () => {
    expect(() => torch.testing.assertClose(1, 1, { rtl: 1 } as never)).toThrow(TypeError);
    expect(() => torch.testing.assertClose(1, 1, { equalNan: 'yes' } as never)).toThrow(/equalNan must be a boolean/);
  });

  it('frees every tensor it makes', () => {
    const a = torch.tensor([1, 2, 3], { dtype: 'float32' });
    const b = torch.tensor([1, 2.5, 3]);
    const before = torch.nativeStats().tensors;
    for (let i = 0; i < 5; i++) expect(() => torch.testing.assertClose(a, b)).toThrow(AssertionError);
    torch.testing.assertClose(a, a.clone());
    expect(torch.nativeStats().tensors).toBeLessThanOrEqual(before + 1);
  });
});

describe('torch.testing.assertAllclose (deprecated)', () => {
  for (const c of fx.assertAllclose) {
    it(`${c.name}: ${c.error ?? 'passes'}`, () => {
      const err = thrown(() => torch.testing.assertAllclose(build(c.actual), build(c.expected), c.options));
      if (c.error === null) expect(err).toBeNull();
      else {
        expect(err).toBeInstanceOf(AssertionError);
        expect(err!.message).toBe(c.message);
      }
    });
  }
});

describe('Python float repr', () => {
  it('matches repr() for the forms Python switches between', () => {
    const cases: [number, string][] = [
      [1, '1.0'], [0.5, '0.5'], [1e-5, '1e-05'], [1.3e-6, '1.3e-06'], [0.0001, '0.0001'], [1e16, '1e+16'], [1e15, '1000000000000000.0'],
      [0.20000000298023224, '0.20000000298023224'], [-0, '-0.0'], [NaN, 'nan'], [-Infinity, '-inf'], [9.000000000000001e-10, '9.000000000000001e-10'], [1.5e20, '1.5e+20'], [123.456, '123.456'],
    ];
    for (const [x, s] of cases) expect(pyFloat(x)).toBe(s);
  });
});

describe('torch.testing.makeTensor', () => {
  const opts = (o: Record<string, unknown>): torch.MakeTensorOptions =>
    ({ device: 'cpu', ...Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), k === 'low' || k === 'high' ? special(v) : v])) }) as torch.MakeTensorOptions;

  it('uses the finfo table Python has', () => {
    for (const [name, info] of Object.entries(fx.finfo)) {
      const t = torch.testing.makeTensor([1], { dtype: name, device: 'cpu', low: -info.max, high: info.max });
      expect(t.dtype.name).toBe(name);
    }
  });

  for (const c of fx.makeTensor) {
    it(`${c.name}: dtype, shape, strides, flags and (same seed) the same values as Python`, () => {
      torch.manualSeed(7);
      const t = torch.testing.makeTensor(c.shape, opts(c.options));
      expect(t.dtype.name).toBe(c.dtype);
      expect(t.shape).toEqual(c.size);
      expect(t.stride()).toEqual(c.stride);
      expect(t.isContiguous()).toBe(c.contiguous);
      expect(t.requiresGrad).toBe(c.requiresGrad);
      const flat = t.dtype.isComplex ? torch.viewAsReal(t) : t.dtype.itemsize === 1 && t.dtype.isFloatingPoint ? t.float() : t.dtype.name === 'bfloat16' ? t.float() : t;
      const values = c.dtype === 'int64' ? Array.from(flat.detach().reshape(-1).toTypedArray() as BigInt64Array, String) : flat.detach().reshape(-1).tolist();
      // The values follow the release's kernels (2.11 draws float16 and bfloat16 differently from 2.13).
      if (isSameRelease(fx.meta.torch, torch.buildInfo().torchVersion)) expect(values).toEqual(c.dtype === 'int64' ? c.values : special(c.values));
    });
  }

  it('keeps values inside [low, high) for every dtype range', () => {
    const ranges: [string, number, number][] = [['float32', -1, 1], ['int16', -3, 4], ['uint8', 5, 9], ['float64', 100, 101]];
    for (const [dtype, low, high] of ranges) {
      const t = torch.testing.makeTensor(200, { dtype, device: 'cpu', low, high });
      expect(t.min().item()).toBeGreaterThanOrEqual(low);
      expect(t.max().item()).toBeLessThan(high);
    }
  });

  for (const c of fx.makeTensorErrors) {
    it(`rejects ${c.name} as Python does`, () => {
      const err = thrown(() => torch.testing.makeTensor(c.shape, opts(c.options)));
      expect(err).not.toBeNull();
      expect(err!.constructor.name).toBe('TypeError');
      expect(err!.message).toBe(`makeTensor: ${c.message}`);
    });
  }

  it('requires dtype and device, as Python does', () => {
    expect(() => torch.testing.makeTensor([2], { dtype: 'float32' } as never)).toThrow("makeTensor: missing required option 'device'");
    expect(() => torch.testing.makeTensor([2], { device: 'cpu' } as never)).toThrow("makeTensor: missing required option 'dtype'");
  });
});
