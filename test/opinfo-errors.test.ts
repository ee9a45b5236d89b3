// PyTorch's own bad-input cases (OpInfo error_inputs, test/fixtures/opinfo-errors.json.gz from
// scripts/make-opinfo-error-fixtures.py): every public variant of each must throw an Error whose message
// matches the pattern PyTorch's test_errors checks, where Python torch 2.13 raises (and give Python's
// result where a variant does not raise there). Where Python refuses a number for a Tensor argument,
// torchnode takes it as a wrapped number: those inputs are compared with Python's answer for the same call
// with the number as a 0-dim tensor of the dtype it promotes to (numberForTensor in the fixture).
// Failures are listed in test/fixtures/opinfo-errors-known-failures.txt, which may only shrink.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { judge, loadKnownFailures, replayOp } from '../scripts/opinfo.mjs';

const fixture = JSON.parse(gunzipSync(readFileSync(new URL('fixtures/opinfo-errors.json.gz', import.meta.url))).toString('utf8')) as {
  torch: string;
  seed: number;
  errorInputs: { total: number; used: number };
  ops: Record<string, Parameters<typeof replayOp>[1]>;
};
const known = loadKnownFailures(new URL('fixtures/opinfo-errors-known-failures.txt', import.meta.url).pathname);

describe(`OpInfo error inputs (PyTorch ${fixture.torch})`, () => {
  it('come from Python torch 2.13, nearly all of them with a JS form', () => {
    expect(fixture.torch).toMatch(/^2\.13\./);
    expect(fixture.errorInputs.used).toBeGreaterThan(600);
  });
  it('every known failure names an op of the fixture', () => {
    expect(known.filter((k) => !(k.key in fixture.ops)).map((k) => k.line)).toEqual([]);
  });
  for (const [key, entry] of Object.entries(fixture.ops)) {
    it(key, () => {
      const { unexpected, stale } = judge(replayOp(key, entry, fixture.seed), known.filter((k) => k.key === key));
      expect({ unexpected, stale }).toEqual({ unexpected: [], stale: [] });
    });
  }
});
