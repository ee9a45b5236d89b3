// Runs the cases of test/fixtures/call-forms.json (scripts/make-call-forms-fixtures.py): each JS expression
// against the result (or error) Python torch 2.13 gave for its Python twin.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as torch from '../lib/index.js';

type Datum = number | string | boolean;
type Enc = { dtype: string; shape: number[]; data: Datum[]; requiresGrad: boolean } | { seq: Enc[] } | { dict: Record<string, Enc> }
  | { bool: boolean } | { num: number } | { str: string } | { none: true };
interface Case { group: string; py: string; js: string; seed: boolean; expected: Enc | { error: string; message: string } }
interface Fixture { torch: string; x: string; cases: Case[] }

const fixture = JSON.parse(readFileSync(new URL('./fixtures/call-forms.json', import.meta.url), 'utf8')) as Fixture;
const SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };

function check(actual: unknown, exp: Enc, tol: number, path: string): void {
  if ('data' in exp) {
    expect(torch.isTensor(actual), `${path}: expected a Tensor, got ${String(actual)}`).toBe(true);
    const t = actual as torch.Tensor;
    expect(String(t.dtype), `${path}: dtype`).toBe(exp.dtype);
    expect(t.shape, `${path}: shape`).toEqual(exp.shape);
    expect(t.requiresGrad, `${path}: requiresGrad`).toBe(exp.requiresGrad);
    const dense = t.layout === torch.strided ? t : t.toDense();
    const values = Array.from(dense.detach().contiguous().toTypedArray() as ArrayLike<number | bigint>, Number);
    exp.data.forEach((e, i) => {
      const want = typeof e === 'string' ? SPECIAL[e]! : Number(e);
      const got = values[i]!;
      if (tol === 0 || !Number.isFinite(want)) expect(got, `${path}[${i}]`).toBe(want);
      else expect(Math.abs(got - want), `${path}[${i}]: ${got} vs ${want}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want)));
    });
  } else if ('seq' in exp) {
    const seq = Array.isArray(actual) ? actual : null;
    expect(seq, `${path}: expected an array`).not.toBeNull();
    expect(seq!.length, `${path}: length`).toBe(exp.seq.length);
    exp.seq.forEach((e, i) => check(seq![i], e, tol, `${path}[${i}]`));
  } else if ('dict' in exp) {
    expect(Object.keys(actual as object), `${path}: keys`).toEqual(Object.keys(exp.dict));
    for (const [k, e] of Object.entries(exp.dict)) check((actual as Record<string, unknown>)[k], e, tol, `${path}.${k}`);
  } else if ('bool' in exp) expect(actual, path).toBe(exp.bool);
  else if ('num' in exp) expect(actual, path).toBe(exp.num);
  else if ('str' in exp) expect(String(actual), path).toBe(exp.str);
  else expect(actual, path).toBeNull();
}

/** One vitest case per fixture case of these groups; `tol`: relative tolerance per group (0: bit for bit). */
export function runCases(groups: Record<string, number>): void {
  for (const c of fixture.cases.filter((k) => k.group in groups)) {
    it(`${c.group}: ${c.js}`, () => {
      const x = new Function('torch', `return (${fixture.x});`)(torch) as torch.Tensor;
      if (c.seed) torch.manualSeed(0);
      const run = (): unknown => new Function('torch', 'x', `return (${c.js});`)(torch, x);
      if ('error' in c.expected) {
        // Python raised (c.expected.message); JS raises an Error that names the function it came from.
        expect(run, `Python: ${c.expected.error}: ${c.expected.message}`).toThrow(/^(vmap|cond|whileLoop|to|scalar_tensor|scalarTensor|tril_indices|lobpcg|linalg[._]cholesky)\b|requires|grad/i);
      } else {
        check(run(), c.expected, groups[c.group]!, c.js);
      }
    });
  }
}
