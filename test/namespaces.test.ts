// torch.linalg, torch.fft, torch.special: every public Python name is present, typed (named tuples
// included), and gives PyTorch 2.13's numbers. The cases (test/fixtures/namespaces.json) are Python
// snippets run by real PyTorch and translated to JS by scripts/make-namespace-fixtures.py; regenerate
// with `.venv/bin/python scripts/make-namespace-fixtures.py`. LAPACK, BLAS and MKL FFT results carry
// tolerances (MKL picks its kernels by CPU model); everything else compares bit for bit.
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as torch from '../lib/index.js';
import { caseName, replay, sameRelease as isSameRelease, type GoldenFixture } from './golden-replay.js';

torch.setNumThreads(1); // as the generator ran (ATEN_CPU_CAPABILITY=avx2 comes from vitest.config.ts)

type Tensor = torch.Tensor;
const fixture = JSON.parse(readFileSync(new URL('./fixtures/namespaces.json', import.meta.url), 'utf8')) as GoldenFixture & { meta: { called: Record<string, string[]> } };
const pythonApi = JSON.parse(readFileSync(new URL('../scripts/python-api.json', import.meta.url), 'utf8')) as { namespaces: Record<string, string[]> };
const NAMESPACES = { linalg: torch.linalg, fft: torch.fft, special: torch.special } as Record<string, Record<string, unknown>>;

const sameRelease = isSameRelease(fixture);
// Python's torch.linalg.LinAlgError is ours; every other error is not one.
const checkLinAlgError = (thrown: unknown, exp: { errorType?: string }): void => {
  expect(thrown instanceof torch.linalg.LinAlgError, `LinAlgError as in Python (${exp.errorType})`).toBe(exp.errorType === 'LinAlgError');
};

// ---- the tests ----------------------------------------------------------------------------------

describe('namespace surface', () => {
  for (const [ns, names] of Object.entries(pythonApi.namespaces)) {
    it(`torch.${ns} has every public name of Python's torch.${ns} (${names.length})`, () => {
      const missing = names.filter((n) => typeof NAMESPACES[ns]![camel(n)] !== 'function');
      expect(missing).toEqual([]);
    });
    it(`the fixtures call every function of torch.${ns}`, () => {
      const functions = names.filter((n) => n !== 'LinAlgError');
      expect(functions.filter((n) => !fixture.meta.called[ns]!.includes(n))).toEqual([]);
    });
  }

  it('functions carry their Python names, camelCased', () => {
    expect(torch.linalg.vectorNorm.name).toBe('vectorNorm');
    expect(torch.fft.ihfftn.name).toBe('ihfftn');
    expect(torch.special.logNdtr.name).toBe('logNdtr');
  });
});

function camel(name: string): string {
  return name.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

describe('Python call forms and named tuples', () => {
  const a = torch.tensor([[4, 1], [1, 3]], { dtype: torch.float64 });

  it('named tuples destructure by name and index by position', () => {
    const { U, S, Vh } = torch.linalg.svd(a);
    expectTypeOf(U).toEqualTypeOf<Tensor>();
    expect(torch.linalg.svd(a)[1].tolist()).toEqual(S.tolist());
    expect(U.matmul(torch.diag(S)).matmul(Vh).allclose(a)).toBe(true);
    const { sign, logabsdet } = torch.linalg.slogdet(a);
    expectTypeOf(logabsdet).toEqualTypeOf<Tensor>();
    expect(sign.item()).toBe(1);
    expect(logabsdet.item()).toBeCloseTo(Math.log(11), 12);
    const { solution, residuals, rank, singularValues } = torch.linalg.lstsq(a, a, { driver: 'gelsd' });
    expectTypeOf(singularValues).toEqualTypeOf<Tensor>();
    expect(solution.allclose(torch.eye(2, { dtype: torch.float64 }))).toBe(true);
    expect([residuals.shape, rank.item(), singularValues.shape]).toEqual([[0], 2, [2]]);
    expect('singular_values' in torch.linalg.lstsq(a, a)).toBe(false);
    const lu = torch.linalg.luFactor(a);
    expectTypeOf(lu).toEqualTypeOf<[Tensor, Tensor] & { LU: Tensor; pivots: Tensor }>();
    expectTypeOf(torch.linalg.eigh(a).eigenvalues).toEqualTypeOf<Tensor>();
    expectTypeOf(torch.linalg.qr(a, { mode: 'r' }).R).toEqualTypeOf<Tensor>();
    expectTypeOf(torch.linalg.invEx(a)).toEqualTypeOf<[Tensor, Tensor] & { inverse: Tensor; info: Tensor }>();
    expectTypeOf(torch.linalg.ldlFactorEx(a)).toEqualTypeOf<[Tensor, Tensor, Tensor] & { LD: Tensor; pivots: Tensor; info: Tensor }>();
  });

  it('keyword arguments go in one options object; positionals in Python order', () => {
    expect(torch.linalg.norm(a, { ord: 'fro', dim: [0, 1] }).item()).toBeCloseTo(Math.sqrt(27), 12);
    expect(torch.linalg.norm(a, 'fro', [0, 1]).item()).toBe(torch.linalg.norm(a, { ord: 'fro', dim: [0, 1] }).item());
    expect(torch.linalg.norm(a, 1, 0, true).shape).toEqual([1, 2]);
    expect(torch.linalg.matrixNorm(a, { ord: 'nuc' }).item()).toBeCloseTo(7, 12);
    const x = torch.arange(4, { dtype: torch.float64 });
    const f = torch.fft.fft(x, { n: 8, dim: -1, norm: 'ortho' });
    expect(f.shape).toEqual([8]);
    expect(torch.fft.fft(x, 8, -1, 'ortho').equal(f)).toBe(true);
    expect(torch.fft.fftfreq(4, { d: 0.5, dtype: torch.float64 }).tolist()).toEqual([0, 0.5, -1, -0.5]);
    expect(torch.special.logsumexp(a, { dim: [0, 1], keepdim: true }).shape).toEqual([1, 1]);
    expect(torch.special.polygamma(1, a).equal(torch.polygamma(1, a))).toBe(true);
    expectTypeOf(torch.fft.rfft2(a, { s: [2, 2] })).toEqualTypeOf<Tensor>();
  });

  it('torch.special names that are torch functions too give the same bits', () => {
    const x = torch.linspace(-3, 3, 13, { dtype: torch.float64 });
    expect(torch.special.erf(x).equal(torch.erf(x))).toBe(true);
    expect(torch.special.expit(x).equal(torch.sigmoid(x))).toBe(true);
    expect(torch.special.gammaln(x.abs().add(0.5)).equal(torch.lgamma(x.abs().add(0.5)))).toBe(true);
  });

  it('LinAlgError: thrown for numerically singular input, as in Python, and a class of its own', () => {
    let thrown: unknown;
    try {
      torch.linalg.inv(torch.zeros(3, 3));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(torch.linalg.LinAlgError);
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).name).toBe('LinAlgError');
    expect((thrown as Error).message).toContain('linalg.inv: The diagonal element 1 is zero, the inversion could not be completed because the input matrix is singular.');
    expect(() => torch.inverse(torch.zeros(2, 2))).toThrow(torch.linalg.LinAlgError); // torch.* raises it too, as Python
    expect(new torch.linalg.LinAlgError('x')).toBeInstanceOf(torch.linalg.LinAlgError);
    expect(new Error('x')).not.toBeInstanceOf(torch.linalg.LinAlgError);
    expect(() => torch.linalg.inv(torch.zeros(2, 3))).not.toThrow(torch.linalg.LinAlgError);
  });

  it("factories take Python's requiresGrad; a non-boolean is a TypeError", () => {
    const f = torch.fft.fftfreq(4, { requiresGrad: true });
    expect([f.requiresGrad, f.isLeaf]).toEqual([true, true]);
    expectTypeOf(torch.fft.rfftfreq(5, 0.5, { dtype: torch.float64, requiresGrad: true })).toEqualTypeOf<Tensor>();
    // @ts-expect-error requiresGrad is a boolean
    expect(() => torch.fft.rfftfreq(4, { requiresGrad: 1 })).toThrow(/rfftfreq: option 'requiresGrad' must be a boolean/);
    expect(() => torch.fft.fftfreq(4, { requiresGrad: undefined })).toThrow(TypeError); // an explicit undefined, as for every option
  });

  it('bad arguments raise TypeErrors that name the function', () => {
    // @ts-expect-error an unknown option
    expect(() => torch.linalg.svd(a, { fullMatrix: false })).toThrow(/fullMatrices/);
    // @ts-expect-error a string where a tensor goes
    expect(() => torch.fft.fft('x')).toThrow(TypeError);
  });
});

describe.runIf(sameRelease)('PyTorch 2.13 fixtures', () => {
  it('cover all three namespaces', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(600);
    expect(fixture.meta.threads).toBe(torch.getNumThreads());
  });
  for (const ns of ['linalg', 'fft', 'special']) {
    describe(`torch.${ns}`, () => {
      for (const c of fixture.cases.filter((k) => /torch\.(linalg|fft|special)\./.exec(k.py)?.[1] === ns)) it(caseName(c), () => replay(fixture, c, checkLinAlgError));
    });
  }
});
