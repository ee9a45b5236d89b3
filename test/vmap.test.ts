// torch.vmap, torch.cond and torch.whileLoop run eagerly (lib/functional/control.ts): results and errors
// against PyTorch 2.13 (test/fixtures/call-forms.json, from `.venv/bin/python scripts/make-call-forms-fixtures.py`),
// per-sample gradients included; then what only JS can check (randomness modes, structure, types).
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as torch from '../lib/index.js';
import { runCases } from './call-forms-cases.js';

torch.setNumThreads(1);

describe('cond, whileLoop, vmap (PyTorch 2.13 fixtures)', () => {
  // vmap loops where functorch batches: a batched kernel may round differently from the per-sample one.
  runCases({ cond: 0, while: 0, vmap: 1e-6 });
});

describe('vmap (JS side)', () => {
  const x = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);

  it("randomness 'different' draws per element; 'same' draws once for all", () => {
    torch.manualSeed(0);
    const different = torch.vmap((a: torch.Tensor) => a.mul(0).add(torch.rand(3)), { randomness: 'different' })(x);
    expect(torch.equal(different.select(0, 0), different.select(0, 1))).toBe(false);
    torch.manualSeed(0);
    const same = torch.vmap((a: torch.Tensor) => a.mul(0).add(torch.rand(3)), { randomness: 'same' })(x);
    expect(torch.equal(same.select(0, 0), same.select(0, 1))).toBe(true);
  });

  it('passes non-tensor and unmapped inputs through, and keeps an object output', () => {
    const seen: unknown[] = [];
    const f = torch.vmap((a: torch.Tensor, k: number) => { seen.push(k); return { twice: a.mul(k) }; }, { inDims: [0, null] });
    const out = f(x, 2);
    expect(seen).toEqual([2, 2]);
    expect(Array.from(out.twice.toTypedArray() as Float32Array)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(f.name).toBe('vmap(<anonymous>)');
  });

  it('refuses what it cannot loop over', () => {
    expect(() => torch.vmap((a: torch.Tensor) => a)(torch.ones(0, 2))).toThrow(/^vmap\(.*size 0/);
    expect(() => torch.vmap((a: torch.Tensor) => a, { inDims: { a: 0 } })).toThrow(/^vmap\(<anonymous>, inDims=.*expected inDims to be a number or a \(potentially nested\) array/);
    expect(() => torch.vmap(3 as never)).toThrow(/^vmap: expected fn to be a function/);
    expect(() => torch.vmap((a: torch.Tensor) => a, { inDims: [0, 0] })(x)).toThrow(/^vmap\(.*inDims is not compatible/);
  });

  it('types follow the function', () => {
    const f = torch.vmap((a: torch.Tensor, b: torch.Tensor) => a.dot(b));
    expectTypeOf(f).toEqualTypeOf<(a: torch.Tensor, b: torch.Tensor) => torch.Tensor>();
    const r = torch.whileLoop((i: torch.Tensor) => i.lt(3), (i: torch.Tensor) => [i.add(1)], [torch.tensor(0)]);
    expectTypeOf(r).toEqualTypeOf<torch.Tensor[]>();
    const c = torch.cond(true, (a: torch.Tensor) => a.neg(), (a: torch.Tensor) => a, [x]);
    expectTypeOf(c).toEqualTypeOf<torch.Tensor>();
  });
});

describe('cond and whileLoop (JS side)', () => {
  it('cond runs only the branch taken; a boolean pred skips the checks, as Python eager', () => {
    let calls = 0;
    const out = torch.cond(torch.tensor(true), () => { calls++; return torch.ones(1); }, () => { throw new Error('not taken'); });
    expect([calls, out.shape]).toEqual([1, [1]]);
    expect(torch.cond(false, (n: number) => n + 1, (n: number) => n - 1, [5])).toBe(4);
  });

  it("cond's branches may return tensors, ints and bools; null or a float is refused (PyTorch 2.13's messages)", () => {
    const x = torch.ones(2);
    const pred = torch.tensor(true);
    const [s, three] = torch.cond(pred, (t: torch.Tensor) => [t.sin(), 3], (t: torch.Tensor) => [t.cos(), 3], [x]) as [torch.Tensor, number];
    expect([s.shape, three]).toEqual([[2], 3]);
    expect(() => torch.cond(pred, (t: torch.Tensor) => [t.sin(), null], (t: torch.Tensor) => [t.cos(), null], [x])).toThrow('Constants returned from branches must be ints');
    expect(() => torch.cond(pred, (t: torch.Tensor) => [t.sin(), 2.5], (t: torch.Tensor) => [t.cos(), 2.5], [x])).toThrow("output must consist of tensors or ints/bools only");
  });

  it('whileLoop hands back clones when the loop never runs', () => {
    const start = torch.tensor(7);
    const [end] = torch.whileLoop((i: torch.Tensor) => i.lt(3), (i: torch.Tensor) => [i.add(1)], [start]);
    expect(end).not.toBe(start);
    expect(end!.item()).toBe(7);
  });
});
