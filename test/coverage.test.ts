// Holds every name in test/fixtures/coverage-known-good.txt to its coverage cases: each is replayed
// through the JS API and compared with Python torch 2.13's result (test/fixtures/coverage.json, from
// scripts/coverage-cases.py), so a regression in any covered name fails here. `npm run coverage`
// measures all names; `node scripts/coverage.mjs --write-known-good` refreshes the list.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';
import { compare, knownGoodPath, loadFixture, replay } from '../scripts/coverage.mjs';
import { sameKernels } from './cpu-model.js';
import { isSameRelease } from './release.js';

const fixture = loadFixture();
const knownGood = readFileSync(knownGoodPath, 'utf8').split('\n').filter(Boolean);

describe('coverage fixture', () => {
  it('comes from Python torch 2.13', () => {
    expect(fixture.torch).toMatch(/^2\.13\./);
  });

  it('lists every known-good name as an in-scope name with cases', () => {
    // The namespace is the longest one the id starts with ('nn.functional.relu' is in 'nn.functional').
    const namespaces = Object.keys(fixture.namespaces).sort((a, b) => b.length - a.length);
    const stale = knownGood.filter((id) => {
      const ns = namespaces.find((n) => id.startsWith(`${n}.`)) ?? '';
      const entry = fixture.namespaces[ns]?.[id.slice(ns.length + 1)];
      return !entry || entry.excluded || !entry.cases?.length;
    });
    expect(stale).toEqual([]);
  });
});

describe('coverage comparison', () => {
  const expected = { $: 'tensor', dtype: 'float32', shape: [2], data: [1.5, 'nan'] };

  it('accepts the same values, NaN included', () => {
    expect(compare(torch.tensor([1.5, NaN]), expected)).toBeNull();
  });

  it('rejects a wrong value, dtype, shape or kind', () => {
    expect(compare(torch.tensor([1.25, NaN]), expected)).toMatch(/value \[0\]/);
    expect(compare(torch.tensor([1.5, NaN], { dtype: torch.float64 }), expected)).toMatch(/dtype/);
    expect(compare(torch.tensor([[1.5, NaN]]), expected)).toMatch(/shape/);
    expect(compare([1.5, NaN], expected)).toMatch(/expected a Tensor/);
    expect(compare(3, 2)).not.toBeNull();
    expect(compare(false, true)).not.toBeNull();
  });
});

// The known-good list and the replayed values are 2.13's (another release differs in ops and values: 2.11 has no aten::get_device, other quantized RNN cells).
// FBGEMM's int8 kernels round and saturate differently on AVX2 and AVX-512: these match the fixture only on its ISA (test/cpu-model.ts).
const ISA_DEPENDENT = new Set(['torch.fbgemm_linear_int8_weight', 'torch.fbgemm_linear_int8_weight_fp32_activation', 'torch.quantized_lstm_cell']);
describe.runIf(isSameRelease(fixture.torch, torch.buildInfo().torchVersion))('known-good names still match Python', () => {
  for (const ns of Object.keys(fixture.namespaces)) {
    const names = knownGood.filter((id) => id.startsWith(`${ns}.`) && (sameKernels || !ISA_DEPENDENT.has(id)));
    it(`${ns}: ${names.length} names`, () => {
      const { results } = replay(fixture, new Set(names));
      const failing = results.filter((r) => r.status !== 'covered').map((r) => `${r.id} (${r.kind}): ${r.detail}`);
      expect(failing).toEqual([]);
      expect(results.length).toBe(names.length);
    });
  }
});
