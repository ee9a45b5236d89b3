// torch.func's transforms free their internal temporaries at once: with the inputs made beforehand and the result
// disposed afterwards, the count of live tensor handles is back where it started. The functions differentiated
// here make no intermediates of their own (those would be the caller's to free).
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';
import { native } from '../lib/native.js';
import { runWithGc } from './run-child.js';

const live = (): number => native.handleStats().tensors;
const disposeTree = (v: unknown): void => {
  if (v instanceof torch.Tensor) v.dispose();
  else if (Array.isArray(v)) v.forEach(disposeTree);
  else if (v !== null && typeof v === 'object') Object.values(v).forEach(disposeTree);
};
// live tensors left behind by fn() once its result is disposed
function leaked(fn: () => unknown): number {
  const before = live();
  disposeTree(fn());
  return live() - before;
}

const F = torch.func;
const sin = (t: torch.Tensor): torch.Tensor => t.sin();
const dot = (t: torch.Tensor): torch.Tensor => t.dot(t);

describe('torch.func transforms leave no tensors behind', () => {
  const xb = torch.randn(50, 3);
  const x = torch.randn(50);
  const v = torch.randn(50);
  const s3 = torch.randn(3);
  const one = torch.randn(1);
  const scalar = torch.tensor(0.5);

  it('vmap, in every randomness mode, nested, and with several outputs', () => {
    expect(leaked(() => torch.vmap(sin)(xb))).toBe(0);
    expect(leaked(() => torch.vmap(sin, { randomness: 'same' })(xb))).toBe(0);
    expect(leaked(() => torch.vmap(sin, { randomness: 'different' })(xb))).toBe(0);
    expect(leaked(() => torch.vmap((t: torch.Tensor) => t)(xb))).toBe(0);
    expect(leaked(() => torch.vmap(torch.vmap(sin))(xb))).toBe(0);
    expect(leaked(() => torch.vmap((t: torch.Tensor) => [t.sin(), { c: t.cos() }])(xb))).toBe(0);
    expect(leaked(() => torch.vmap((a: torch.Tensor, b: torch.Tensor) => a.mul(b), { inDims: [0, null] })(xb, s3))).toBe(0);
  });

  it('vmap leaves the tensors fn returns from elsewhere, and the inputs, alive', () => {
    const w = torch.randn(3);
    const before = live();
    const [stacked, same] = torch.vmap((t: torch.Tensor) => [w, w], { outDims: [0, null] })(xb) as [torch.Tensor, torch.Tensor];
    expect(same).toBe(w);
    expect(w.isDisposed).toBe(false);
    expect(xb.isDisposed).toBe(false);
    stacked.dispose();
    expect(live() - before).toBe(0);
    // an unbatched input returned as is
    const r = torch.vmap((_t: torch.Tensor, c: torch.Tensor) => c, { inDims: [0, null] })(xb, s3) as torch.Tensor;
    expect(s3.isDisposed).toBe(false);
    expect(r.shape).toEqual([50, 3]);
    r.dispose();
    expect(live() - before).toBe(0);
  });

  it('vmap frees its temporaries when fn throws', () => {
    const before = live();
    expect(() => torch.vmap((t: torch.Tensor) => torch.randn(3).add(t))(xb)).toThrow(/randomness error mode/);
    // the one tensor fn itself made (randn) and its sum with the row are fn's, left to the GC
    expect(live() - before).toBeLessThanOrEqual(2);
  });

  it('jacfwd, with one and several arguments and with aux', () => {
    expect(leaked(() => F.jacfwd(sin)(x))).toBe(0);
    expect(leaked(() => F.jacfwd(dot)(x))).toBe(0);
    expect(leaked(() => F.jacfwd(sin)(one))).toBe(0); // a batch of one for vmap
    expect(leaked(() => F.jacfwd((a: torch.Tensor, b: torch.Tensor) => a.mul(b), [0, 1])(s3, s3))).toBe(0);
    expect(leaked(() => F.jacfwd((t: torch.Tensor) => [t.sin(), t.cos()], 0, { hasAux: true })(s3))).toBe(0);
  });

  it('jvp', () => {
    expect(leaked(() => F.jvp(sin, [x], [v]))).toBe(0);
    expect(leaked(() => F.jvp((t: torch.Tensor) => t, [x], [v]))).toBe(0);
    expect(leaked(() => F.jvp((t: torch.Tensor) => [t.sin(), t.cos()], [x], [v], { hasAux: true }))).toBe(0);
  });

  it('hessian', () => {
    expect(leaked(() => F.hessian(dot)(s3))).toBe(0);
    expect(leaked(() => F.hessian((a: torch.Tensor, b: torch.Tensor) => a.dot(b), [0, 1])(s3, s3))).toBe(0);
  });

  it('jacrev, with several outputs, arguments and aux', () => {
    expect(leaked(() => F.jacrev(sin)(s3))).toBe(0);
    expect(leaked(() => F.jacrev((t: torch.Tensor) => [t.sin(), { c: t.cos() }])(s3))).toBe(0);
    expect(leaked(() => F.jacrev((a: torch.Tensor, b: torch.Tensor) => a.mul(b), [0, 1])(s3, s3))).toBe(0);
    expect(leaked(() => F.jacrev((t: torch.Tensor) => [t.sin(), t.cos()], 0, { hasAux: true })(s3))).toBe(0);
  });

  it('grad and gradAndValue, nested, with aux, and with an unused argument', () => {
    expect(leaked(() => F.grad(dot)(x))).toBe(0);
    expect(leaked(() => F.grad(F.grad((t: torch.Tensor) => t.sin()) as never)(scalar))).toBe(0);
    expect(leaked(() => F.gradAndValue(dot)(x))).toBe(0);
    expect(leaked(() => F.grad((t: torch.Tensor) => [t.dot(t), t.cos()], 0, { hasAux: true })(x))).toBe(0);
    expect(leaked(() => F.grad((a: torch.Tensor, _b: torch.Tensor) => a.dot(a), [0, 1])(x, v))).toBe(0);
  });

  it('grad returns a tensor fn returns from elsewhere, and its inputs, untouched', () => {
    const w = torch.tensor(2.5, { requiresGrad: true });
    const g = F.grad((_t: torch.Tensor) => w)(x) as torch.Tensor;
    expect(w.isDisposed).toBe(false);
    expect(x.isDisposed).toBe(false);
    expect(g.sum().item()).toBe(0);
  });

  it('grad frees its copies when fn throws or returns no scalar', () => {
    expect(leaked(() => { try { F.grad(() => { throw new Error('boom'); })(x); } catch { /* expected */ } })).toBe(0);
    expect(leaked(() => { try { F.grad(sin)(x); } catch { /* expected: not a scalar */ } })).toBe(0);
    expect(leaked(() => { try { F.grad(dot, 0, { hasAux: true })(x); } catch { /* expected: no (output, aux) pair */ } })).toBe(0);
  });

  // vjpFn holds the input's copy and func's output (its graph starts there) until the GC collects vjpFn
  it('vjp keeps only what vjpFn needs', () => {
    expect(leaked(() => {
      const [out, vjpFn] = F.vjp(sin, x) as [torch.Tensor, (c: torch.Tensor) => unknown];
      return [out, vjpFn(v), vjpFn(v)];
    })).toBe(2);
  });

  it('vjp: the GC frees what vjpFn held', () => {
    const r = runWithGc(`
      const x = torch.randn(50), v = torch.randn(50);
      const before = await settle();
      for (let i = 0; i < 200; i++) {
        const [out, vjpFn] = torch.func.vjp((t) => t.sin(), x);
        const [g] = vjpFn(v);
        out.dispose(); g.dispose();
      }
      return { leaked: (await settle()) - before };`);
    expect(r.leaked).toBeLessThan(10);
  });

  it('results stay correct', () => {
    const j = F.jacfwd(sin)(s3) as torch.Tensor;
    expect(j.allclose(torch.diag(s3.cos()))).toBe(true);
    const h = F.hessian(dot)(s3) as torch.Tensor;
    expect(h.allclose(torch.eye(3).mul(2))).toBe(true);
    const y = torch.vmap(sin)(xb) as torch.Tensor;
    expect(y.allclose(xb.sin())).toBe(true);
  });
});
