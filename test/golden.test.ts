// Golden tests: each case is a snippet run by real PyTorch 2.13 (scripts/make-fixtures.py, which
// also translates it to the torchnode spelling); the fixtures hold the inputs, the JS snippet and
// PyTorch's result. Regenerate with: npm run fixtures (the project venv's torch 2.13)
//
// Comparison is bit-exact (dtype, shape, every value; -0 and NaN included) except where a case
// carries a tolerance: float matmul/mm/bmm/mv/dot go through BLAS, which picks its kernel by CPU
// model, so those allow rtol 1e-6 (float32) / 1e-13 (float64). Everything else is the same libtorch
// kernel on the same inputs, which is deterministic once the vectorised kernel set and the thread
// count are pinned as the generator pinned them (below).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

// ATEN_CPU_CAPABILITY=avx2 comes from vitest.config.ts (libtorch reads it when it loads).
torch.setNumThreads(1);

type Datum = number | boolean | string; // 'nan' | 'inf' | '-inf' for floats; digits for int64 beyond 2^53
interface TensorEnc { dtype: string; shape: number[]; data: Datum[] }
type Enc =
  | TensorEnc
  | { seq: Enc[] }
  | { named: Record<string, Enc> }
  | { num: number | string }
  | { bool: boolean }
  | { str: string }
  | { torchDtype: string }
  | { none: true }
  | { error: string };
interface Tol { rtol: number; atol: number }
interface Case { py: string; js: string; uses: string[]; expected: Enc; tol?: Tol }
interface Fixture { meta: { torch: string; cpuCapability: string; threads: number }; tensors: Record<string, TensorEnc>; cases: Case[] }

const FAMILIES = ['creation', 'arithmetic', 'comparison', 'reductions', 'views', 'autograd', 'printing'];
const fixtures = new Map<string, Fixture>(
  FAMILIES.map((f) => [f, JSON.parse(readFileSync(new URL(`./fixtures/${f}.json`, import.meta.url), 'utf8')) as Fixture]),
);

// ---- the one comparison ---------------------------------------------------------------------

const SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };
// Values compare as strings: String() of a double is exact (and float32 widens to double exactly).
const show = (v: number | bigint | boolean): string => (Object.is(v, -0) ? '-0' : String(v));
const showDatum = (v: Datum): string => (typeof v === 'string' ? (v in SPECIAL ? show(SPECIAL[v]!) : v) : show(v));

function valuesOf(t: torch.Tensor): string[] {
  const isBool = t.dtype === torch.bool;
  return Array.from(t.toTypedArray() as ArrayLike<number | bigint>, (v) => (isBool ? String(v !== 0) : show(v)));
}

function check(actual: unknown, exp: Enc, tol: Tol | undefined, path: string): void {
  if ('data' in exp) {
    expect(torch.isTensor(actual), `${path}: expected a Tensor, got ${String(actual)}`).toBe(true);
    const t = actual as torch.Tensor;
    expect(t.dtype.name, `${path}: dtype`).toBe(exp.dtype);
    expect(t.shape, `${path}: shape`).toEqual(exp.shape);
    const got = valuesOf(t);
    const want = exp.data.map(showDatum);
    if (!tol || !t.dtype.isFloatingPoint) {
      expect(got, `${path}: values (bit-exact)`).toEqual(want);
      return;
    }
    const off = got.flatMap((g, i) => {
      const [a, e] = [Number(g), Number(want[i])];
      const close = Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)) || Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
      return close ? [] : [`[${i}] ${g} vs ${want[i]}`];
    });
    expect(off.join('; '), `${path}: values beyond rtol ${tol.rtol}, atol ${tol.atol}`).toBe('');
  } else if ('seq' in exp) {
    expect(Array.isArray(actual), `${path}: expected an array`).toBe(true);
    const a = actual as unknown[];
    expect(a.length, `${path}: length`).toBe(exp.seq.length);
    exp.seq.forEach((e, i) => check(a[i], e, tol, `${path}[${i}]`));
  } else if ('named' in exp) {
    // A named tuple: an array whose elements are also reachable by name.
    expect(Array.isArray(actual), `${path}: expected an array with named fields`).toBe(true);
    const a = actual as unknown[] & Record<string, unknown>;
    Object.entries(exp.named).forEach(([k, e], i) => {
      check(a[k], e, tol, `${path}.${k}`);
      expect(a[i], `${path}[${i}] is .${k}`).toBe(a[k]);
    });
    expect(a.length, `${path}: length`).toBe(Object.keys(exp.named).length);
  } else if ('num' in exp) {
    expect(typeof actual, `${path}: type`).toBe('number');
    expect(show(actual as number), path).toBe(showDatum(exp.num));
  } else if ('bool' in exp) {
    expect(actual, path).toBe(exp.bool);
  } else if ('str' in exp) {
    expect(actual, path).toBe(exp.str);
  } else if ('torchDtype' in exp) {
    expect(actual, path).toBe((torch as unknown as Record<string, unknown>)[exp.torchDtype]);
  } else if ('none' in exp) {
    expect(actual, path).toBeNull();
  } else {
    throw new Error(`${path}: unknown expectation ${JSON.stringify(exp)}`);
  }
}

// ---- replaying a case -----------------------------------------------------------------------

function nest(flat: unknown[], shape: number[], d = 0, at = { i: 0 }): unknown {
  if (d === shape.length) return flat[at.i++];
  return Array.from({ length: shape[d]! }, () => nest(flat, shape, d + 1, at));
}

/** A fresh tensor from its stored values (exact: each value is representable in the dtype). */
function makeTensor(e: TensorEnc): torch.Tensor {
  const flat = e.data.map((v) => (typeof v !== 'string' ? v : v in SPECIAL ? SPECIAL[v]! : BigInt(v)));
  return torch.tensor(nest(flat, e.shape) as torch.NestedArray<number>, { dtype: e.dtype });
}

const caseName = (c: Case): string => c.js.replace(/^let [^;]*; /, '').replace(/return /, '');

function replay(fx: Fixture, c: Case): void {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the snippets come from our own generator
  const fn = new Function('torch', ...c.uses, c.js) as (...args: unknown[]) => unknown;
  const call = (): unknown => {
    torch.manualSeed(0); // as the generator did before every case
    return fn(torch, ...c.uses.map((n) => makeTensor(fx.tensors[n]!)));
  };
  const exp = c.expected;
  if ('error' in exp) {
    let thrown: unknown;
    torch.tidy(() => {
      try {
        call();
      } catch (e) {
        thrown = e;
      }
    });
    expect(thrown, `should throw, as PyTorch does: ${exp.error || '(any error)'}`).toBeInstanceOf(Error);
    expect((thrown as Error).message).toContain(exp.error);
  } else {
    torch.tidy(() => check(call(), exp, c.tol, 'result'));
  }
}

// ---- the tests ------------------------------------------------------------------------------

// The fixtures come from Python torch 2.13: bit-exact comparison needs the same libtorch release.
// On another release (the GPU machine's 2.11) the cases are skipped, and the first test says why.
const fixtureSeries = fixtures.get('creation')!.meta.torch.split('.').slice(0, 2).join('.');
const sameRelease = torch.buildInfo().torchVersion.startsWith(fixtureSeries + '.');

describe('golden fixtures', () => {
  if (!sameRelease) it.skip(`cases skipped: the fixtures are from torch ${fixtureSeries}, this libtorch is ${torch.buildInfo().torchVersion}`, () => {});

  it.runIf(sameRelease)('run on the kernels the fixtures were made with', () => {
    const meta = fixtures.get('creation')!.meta;
    expect(fixtureSeries).toBe('2.13');
    expect(torch.buildInfo().config).toContain(`CPU capability usage: ${meta.cpuCapability}`);
    expect(torch.getNumThreads()).toBe(meta.threads);
  });

  it('cover enough cases', () => {
    const n = [...fixtures.values()].reduce((s, f) => s + f.cases.length, 0);
    expect(n).toBeGreaterThanOrEqual(250);
  });
});

for (const [family, fx] of fixtures) {
  describe.runIf(sameRelease)(family, () => {
    for (const c of fx.cases) it(caseName(c), () => replay(fx, c));
  });
}
