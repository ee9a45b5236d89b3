// The CPU allocator's block cache (native/src/cpu_allocator.cc): freed blocks of 64 KiB to 32 MiB are
// reused by the next tensor of their size, within TORCHNODE_CPU_CACHE_MB. Counts are checked in child
// processes: the cache is process-wide, and other test files may share this one.
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';
import { childTimeoutMs, lastJson, root, runChild } from './run-child.js';

const MiB = 1 << 20;

const reuse = `
  torch.cpu.emptyCache();
  const r: Record<string, number> = { start: torch.cpu.memoryCached() };
  const a = torch.zeros([512, 512]); // 1 MiB
  a.dispose();
  r.afterFree = torch.cpu.memoryCached();
  const b = torch.ones([512, 512]); // the same size: a's block when cached
  r.afterReuse = torch.cpu.memoryCached();
  r.sum = b.sum().item();
  torch.zeros([1000]).dispose(); // 4 KB: glibc's own bins serve it
  r.afterSmall = torch.cpu.memoryCached();
  b.dispose();
  torch.cpu.emptyCache();
  r.afterEmpty = torch.cpu.memoryCached();
  const many = Array.from({ length: 5 }, () => torch.empty([512, 512]));
  for (const t of many) t.dispose();
  r.five = torch.cpu.memoryCached();
  console.log(JSON.stringify(r));`;

describe('CPU block cache', () => {
  it('a freed block is reused by the next tensor of its size; small blocks are not cached; emptyCache empties it', () => {
    const r = runChild(reuse, { env: { TORCHNODE_CPU_CACHE_MB: undefined } });
    expect(r.status, r.stderr).toBe(0);
    expect(lastJson(r)).toEqual({ start: 0, afterFree: MiB, afterReuse: 0, sum: 512 * 512, afterSmall: 0, afterEmpty: 0, five: 5 * MiB });
  }, childTimeoutMs + 10_000);

  it('TORCHNODE_CPU_CACHE_MB bounds the cache, 0 turns it off, and an out-of-range value leaves the default', () => {
    const two = runChild(reuse, { env: { TORCHNODE_CPU_CACHE_MB: '2' } });
    expect(two.status, two.stderr).toBe(0);
    expect(lastJson<Record<string, number>>(two).five).toBe(2 * MiB);
    // 2^44 MiB is 2^64 bytes, which would wrap around to a bound of 0: out of range, the default stays.
    const huge = runChild(reuse, { env: { TORCHNODE_CPU_CACHE_MB: String(2 ** 44) } });
    expect(huge.status, huge.stderr).toBe(0);
    expect(lastJson<Record<string, number>>(huge).five).toBe(5 * MiB);
    const off = runChild(reuse, { env: { TORCHNODE_CPU_CACHE_MB: '0' } });
    expect(off.status, off.stderr).toBe(0);
    expect(lastJson(off)).toEqual({ start: 0, afterFree: 0, afterReuse: 0, sum: 512 * 512, afterSmall: 0, afterEmpty: 0, five: 0 });
  }, 3 * childTimeoutMs + 10_000);

  // The regression it fixes: under glibc's default settings the small CNN step of the benchmark (W3)
  // made glibc shrink and regrow its heap every step (about 400 page faults per step, 3.7x slower).
  it.runIf(process.platform === 'linux')('a CNN training step under default malloc settings faults in no new pages once warm', () => {
    const r = runChild(
      `
      import { readFileSync } from 'node:fs';
      const minorFaults = () => Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[7]);
      torch.setNumThreads(1);
      torch.manualSeed(0);
      const leaf = (s: number[]) => torch.randn(s).mul_(0.1).requiresGrad_();
      const p = [leaf([8, 1, 3, 3]), leaf([8]), leaf([16, 8, 3, 3]), leaf([16]), leaf([10, 784]), leaf([10])];
      const x = torch.randn([32, 1, 28, 28]);
      const y = torch.randint(10, [32]);
      const F = torch.nn.functional;
      const step = () => torch.tidy(() => {
        for (const t of p) t.grad?.zero_();
        const h = F.maxPool2d(F.conv2d(x, p[0]!, p[1]!, { padding: 1 }).relu(), 2);
        const o = F.linear(F.maxPool2d(F.conv2d(h, p[2]!, p[3]!, { padding: 1 }).relu(), 2).flatten(1), p[4]!, p[5]!);
        F.crossEntropy(o, y).backward();
        torch.noGrad(() => { for (const t of p) t.sub_(t.grad!, { alpha: 0.01 }); });
      });
      for (let i = 0; i < 30; i++) step();
      const before = minorFaults();
      for (let i = 0; i < 60; i++) step();
      console.log(JSON.stringify({ faultsPerStep: (minorFaults() - before) / 60 }));`,
      { env: { GLIBC_TUNABLES: undefined, TORCHNODE_CPU_CACHE_MB: undefined } },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(lastJson<{ faultsPerStep: number }>(r).faultsPerStep).toBeLessThan(40);
  }, childTimeoutMs + 10_000);

  it('worker threads allocate and free through the one cache at the same time', () => {
    const dist = JSON.stringify(new URL('../dist/index.js', `file://${root}/test/`).href);
    const r = runChild(`
      import { Worker } from 'node:worker_threads';
      const code = \`
        const torch = await import(${dist});
        const { parentPort, workerData } = await import('node:worker_threads');
        let sum = 0;
        for (let i = 0; i < 300; i++) {
          const t = torch.full([256, 256], workerData + i); // 256 KiB, cached
          sum += t.sum().item() / (256 * 256);
          t.dispose();
        }
        parentPort.postMessage(sum);\`;
      const sums = await Promise.all([1, 2, 3].map((k) => new Promise((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: k * 1000 });
        w.on('message', resolve);
        w.on('error', reject);
      })));
      console.log(JSON.stringify(sums));`);
    expect(r.status, r.stderr).toBe(0);
    // sum over i of (k*1000 + i) for i < 300: each block held the right worker's values
    expect(lastJson(r)).toEqual([1, 2, 3].map((k) => 300 * k * 1000 + (299 * 300) / 2));
  }, childTimeoutMs + 10_000);

  it('is exported as torch.cpu', () => {
    expect(torch.cpu.isAvailable()).toBe(true);
    expect(typeof torch.cpu.memoryCached()).toBe('number');
    expect(torch.cpu.emptyCache()).toBeUndefined();
  });
});
