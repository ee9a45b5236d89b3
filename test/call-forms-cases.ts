// Runs the cases of test/fixtures/call-forms.json (scripts/make-call-forms-fixtures.py): each JS expression
// against the result (or error) Python torch 2.13 gave for its Python twin, compared by golden-replay's check.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { check, type Enc } from './golden-replay.js';

interface Case { group: string; py: string; js: string; seed: boolean; expected: Enc | { error: string; message: string } }
interface Fixture { torch: string; x: string; cases: Case[] }

const fixture = JSON.parse(readFileSync(new URL('./fixtures/call-forms.json', import.meta.url), 'utf8')) as Fixture;

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
        const tol = groups[c.group]!;
        check(run(), c.expected, tol === 0 ? undefined : { rtol: tol, atol: tol }, c.js);
      }
    });
  }
}
