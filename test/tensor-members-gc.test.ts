// Post-accumulate-grad hooks and storage objects are collected by the GC alone (no dispose): each case
// runs in a child `node --expose-gc` that counts the live native tensors (torch.nativeStats).
import { describe, expect, it } from 'vitest';
import { runWithGc } from './run-child.js';

describe('tensor members leave nothing behind', { timeout: 300_000 }, () => {
  it('leaves with post-accumulate-grad hooks, run and removed', () => {
    const r = runWithGc(`
      const before = await settle();
      let calls = 0;
      for (let i = 0; i < 3000; i++) {
        const w = torch.ones(4, { requiresGrad: true });
        w.registerPostAccumulateGradHook((p) => { calls += p.grad.numel(); });
        const h = w.registerPostAccumulateGradHook(() => {});
        if (i % 2) h.remove();
        w.mul(2).sum().backward();
      }
      return { leaked: (await settle()) - before, calls };`);
    expect(r.calls).toBe(3000 * 4);
    expect(r.leaked).toBeLessThan(50);
  });

  it('storage objects, shared-memory storages included', () => {
    const r = runWithGc(`
      const before = await settle();
      let bytes = 0;
      for (let i = 0; i < 3000; i++) {
        const t = torch.ones(16);
        bytes += t.untypedStorage().nbytes();
        new torch.UntypedStorage(8);
        new torch.TypedStorage([1, 2], { dtype: torch.float64 });
        if (i % 100 === 0) t.shareMemory_();
      }
      return { leaked: (await settle()) - before, bytes };`);
    expect(r.bytes).toBe(3000 * 64);
    expect(r.leaked).toBeLessThan(50);
  });
});
