// Post-accumulate-grad hooks and storage objects are collected by the GC alone (no dispose): each case
// runs in a child `node --expose-gc` that counts the live native tensors (torch.nativeStats).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const dist = new URL('../dist/index.js', import.meta.url).href;

// Runs `body` (an async function body with `torch` and `settle` in scope) in a child with gc exposed.
function runWithGc(body: string): Record<string, number> {
  const script = `
    const torch = await import(${JSON.stringify(dist)});
    torch.setNumThreads(1);
    // Collects until the count of live tensors stops falling: JS callbacks freed by one collection
    // release their native references at the next handle creation, and their tensors at the next GC.
    const settle = async () => {
      let last = -1;
      for (let i = 0; i < 20 && torch.nativeStats().tensors !== last; i++) {
        last = torch.nativeStats().tensors;
        globalThis.gc();
        await new Promise((r) => setImmediate(r));
        torch.ones(1);
      }
      globalThis.gc();
      return torch.nativeStats().tensors;
    };
    const result = await (async () => { ${body} })();
    console.log(JSON.stringify(result));`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 240_000 });
  expect(r.status, `${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

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
