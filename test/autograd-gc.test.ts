// Autograd objects are collected by the GC alone (no dispose): tensors with hooks, outputs of custom
// Functions, retained graphs. Each case runs in a child `node --expose-gc` that counts the live
// native tensors (torch.nativeStats) after forcing collection.
import { describe, expect, it } from 'vitest';
import { runWithGc } from './run-child.js';

const Square = `
  class Square extends torch.autograd.Function {
    static forward(ctx, a) { ctx.saveForBackward(a); return a.mul(a); }
    static backward(ctx, g) { return g.mul(ctx.savedTensors[0]).mul(2); }
  }
  class Exp extends torch.autograd.Function {
    static forward(ctx, a) { const y = a.exp(); ctx.saveForBackward(y); return y; }
    static backward(ctx, g) { return g.mul(ctx.savedTensors[0]); }
  }`;

describe('autograd objects are collected without dispose', { timeout: 300_000 }, () => {
  it('tensors with a registered hook', () => {
    const r = runWithGc(`
      const before = await settle();
      for (let i = 0; i < 5000; i++) {
        const x = torch.ones(4, { requiresGrad: true });
        x.registerHook((g) => g.mul(2));
        x.mul(2).registerHook(() => {});
      }
      return { leaked: (await settle()) - before };`);
    expect(r.leaked).toBeLessThan(50);
  });

  it('outputs of custom Functions, with tensors saved for backward (an input, an output)', () => {
    const r = runWithGc(`${Square}
      const x = torch.ones(4, { requiresGrad: true });
      const before = await settle();
      for (let i = 0; i < 5000; i++) {
        Square.apply(x);
        Exp.apply(x.mul(1));
      }
      return { leaked: (await settle()) - before };`);
    expect(r.leaked).toBeLessThan(50);
  });

  it('dual tensors, their tangents and forward-over-reverse graphs', () => {
    const r = runWithGc(`
      const { dualLevel, makeDual, unpackDual } = torch.autograd.forwardAd;
      const before = await settle();
      for (let i = 0; i < 2000; i++) {
        dualLevel(() => {
          const x = makeDual(torch.randn(64, { dtype: torch.float64 }), torch.randn(64, { dtype: torch.float64 })).requiresGrad_();
          const [g] = torch.autograd.grad([x.softmax(0).mul(x).sum()], [x], { createGraph: true });
          unpackDual(g).tangent.sum();
        });
      }
      return { leaked: (await settle()) - before };`);
    expect(r.leaked).toBeLessThan(50);
  });

  it('retained graphs through Functions and hooks', () => {
    const r = runWithGc(`${Square}
      const x = torch.ones(4, { requiresGrad: true });
      const before = await settle();
      for (let i = 0; i < 2000; i++) {
        const h = Exp.apply(x.mul(1));
        h.registerHook((g) => g);
        const loss = Square.apply(h).sum();
        loss.backward({ retainGraph: true });
        loss.backward({ retainGraph: true });
      }
      x.grad = null;
      return { leaked: (await settle()) - before };`);
    expect(r.leaked).toBeLessThan(50);
  });

  it('1 MiB tensors with hooks and through custom Functions: RSS stays bounded', () => {
    const r = runWithGc(`${Square}
      const before = await settle();
      let rss0 = 0;
      for (let i = 0; i < 600; i++) {
        const x = torch.ones(262144, { requiresGrad: true }); // 1 MiB
        x.registerHook((g) => g.mul(2));
        Exp.apply(Square.apply(x.mul(1))).sum().backward();
        if (i === 100) { await settle(); rss0 = process.memoryUsage().rss; }
      }
      const live = (await settle()) - before;
      return { live, rssGrowthMiB: (process.memoryUsage().rss - rss0) / 2 ** 20 };`);
    expect(r.live).toBeLessThan(50);
    // Leaking, the 500 measured iterations keep at least 5 MiB each (x, its grad, saved tensors): 2.5 GiB.
    expect(r.rssGrowthMiB).toBeLessThan(400);
  });

  it('a 10k-iteration autograd loop keeps tensors and RSS bounded', () => {
    const r = runWithGc(`${Square}
      const w = torch.ones(256, { requiresGrad: true });
      const before = await settle();
      let rss0 = 0;
      for (let i = 0; i < 10000; i++) {
        const h = Exp.apply(w.mul(0.5));
        h.registerHook((g) => g.mul(1));
        Square.apply(h).sum().backward();
        if (i === 1000) { await settle(); rss0 = process.memoryUsage().rss; }
      }
      const live = (await settle()) - before;
      return { live, rssGrowthMiB: (process.memoryUsage().rss - rss0) / 2 ** 20 };`);
    expect(r.live).toBeLessThan(50);
    // Leaking, the 9k measured iterations grow RSS by ~125 MiB (50k tensors of 1 KiB, their graphs
    // and callbacks); collected, ~30 MiB. Small tensors: larger ones hit V8's `marking_done_` abort
    // from external-memory reports made inside GC, an issue of handle.cc, not of autograd.
    expect(r.rssGrowthMiB).toBeLessThan(80);
  });
  it('reading gradFn in a synchronous loop keeps no graph past the GC (a WeakRef cache kept each until the loop yielded)', () => {
    const r = runWithGc(`
      const x = torch.ones(250000, { requiresGrad: true });   // each exp() result, 1 MiB, is saved by its ExpBackward
      const rss0 = process.memoryUsage().rss;
      let same = true;
      for (let i = 0; i < 400; i++) {
        const y = x.exp();
        same &&= y.gradFn === y.gradFn;
        y.dispose();
        if (i % 50 === 49) globalThis.gc();
      }
      globalThis.gc();
      return { same, rssGrowthMiB: (process.memoryUsage().rss - rss0) / 2 ** 20 };`);
    expect(r.same).toBe(true);
    // Kept to the end of the loop: ~390 MiB; freed by each gc(): ~50 MiB (one interval's graphs).
    expect(r.rssGrowthMiB).toBeLessThan(200);
  });
});
