// Native state is per env: each worker thread has its own handle counters, external-memory
// account and queue of napi references to delete. Regression: the queue was one process-wide list
// emptied by whichever env wrapped next, so workers using frombuffer crashed the main thread.
// Workers run test/workers/torch-worker.mjs against the built dist/ (npm run build:ts).
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { fullGc } from './run-child.js';
import { layerDropouts } from './workers/layer-dropouts.mjs';

const workerFile = new URL('./workers/torch-worker.mjs', import.meta.url);

function startWorker(workerData: Record<string, unknown>): { worker: Worker; result: Promise<unknown> } {
  const worker = new Worker(workerFile, { workerData });
  const result = new Promise<unknown>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before answering`)));
  });
  return { worker, result };
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

// The main thread's own work while workers run: all disposed (its counters return to start), and
// with leaveToGc also frombuffer tensors left to the GC (their references are deleted later).
async function mainThreadWork(until: Promise<unknown>, leaveToGc = false): Promise<number> {
  let done = false;
  void until.finally(() => (done = true));
  let rounds = 0;
  while (!done) {
    for (let i = 0; i < 200; i++) {
      const view = torch.frombuffer(new Float32Array([i, 2]));
      view.add(1).dispose();
      view.dispose();
      const ones = torch.ones(16);
      ones.mul(i).dispose();
      ones.dispose();
      if (leaveToGc) torch.frombuffer(new Float32Array([i, 3])).sum();
    }
    rounds++;
    await turn();
  }
  return rounds;
}

describe('worker threads', () => {
  it('workers using frombuffer, generators and printing run beside the main thread', async () => {
    const n = 12_000;
    const workers = Array.from({ length: 8 }, () => startWorker({ task: 'mixed', iterations: n }));
    const all = Promise.all(workers.map((w) => w.result));
    await mainThreadWork(all, true);
    const results = (await all) as { sum: number }[];
    for (const r of results) expect(r.sum).toBe((n * (n - 1)) / 2 + n * 6);
  }, 300_000);

  it('8 workers x 10k ops keep their own counters', async () => {
    fullGc(); // the previous test's garbage must not be freed while this one counts
    const before = torch.nativeStats().tensors;
    const workers = Array.from({ length: 8 }, () => startWorker({ task: 'ops', iterations: 10_000 }));
    const all = Promise.all(workers.map((w) => w.result));
    await mainThreadWork(all);
    const results = (await all) as { sum: number; tensors: number }[];
    for (const r of results) {
      expect(r.sum).toBe(10 * 24); // steps 0, 1000, ..., 9000 keep their result: 3 * 8 each
      expect(r.tensors).toBeLessThan(10_000); // its own live tensors only (GC-freed ones may linger)
    }
    expect(torch.nativeStats().tensors).toBe(before); // the workers' tensors were never counted here
  }, 300_000);

  it('a worker terminated while it holds tensors leaves the main thread working', async () => {
    const { worker, result } = startWorker({ task: 'hold' });
    expect(await result).toBe('holding');
    fullGc(); // the previous test's garbage must not be freed while this one compares (a GC during terminate did, once)
    const before = torch.nativeStats();
    await worker.terminate();
    expect(torch.nativeStats()).toEqual(before); // the worker's teardown touched only its own env
    // Work that wraps and deletes references on the main thread after the worker's env is gone.
    let sum = 0;
    for (let i = 0; i < 2000; i++) sum += Number(torch.frombuffer(new Float32Array([1, 2, 3, 4])).sum().item());
    expect(sum).toBe(20_000);
    const x = torch.ones(4).mul(3);
    expect(x.tolist()).toEqual([3, 3, 3, 3]);
    x.dispose();
  });
});

describe('random numbers in worker threads', () => {
  it('each worker has its own default generator: its seeds and draws leave the main thread\'s stream alone', async () => {
    torch.manualSeed(0);
    const first = torch.rand([4]).tolist() as number[];
    torch.manualSeed(0);
    torch.rand([2]);
    const results = (await Promise.all([7, 7, 9].map((seed) => startWorker({ task: 'rng', seed }).result))) as { fresh: [string, number[]]; drawn: number[]; perm: number[]; initialSeed: string; dropped: number[][]; layers: number[][] }[];
    // the main thread continues where it was, whatever the workers did meanwhile
    expect(torch.rand([2]).tolist()).toEqual(first.slice(2));
    // a worker's generator behaves as a process's fresh default generator would
    torch.manualSeed(7);
    const want = torch.rand([5]).tolist();
    const wantPerm = torch.randperm(6).tolist();
    expect(results[0]!.drawn).toEqual(want);
    expect(results[0]!.perm).toEqual(wantPerm);
    expect(results[1]!.drawn).toEqual(want);
    expect(results[2]!.drawn).not.toEqual(want);
    expect(results[0]!.initialSeed).toBe('7');
    // a fresh worker is seeded at random, as each new Python 2.13 process is (torch.initial_seed() differs per run)
    expect(new Set(results.map((r) => r.fresh[0])).size).toBe(3);
    expect(results[0]!.fresh[1]).not.toEqual(results[1]!.fresh[1]);
    // dropouts too draw from the worker's generator: the same masks as the main thread's after the same seed
    torch.manualSeed(7);
    torch.rand([5]);
    torch.randperm(6);
    const F = torch.nn.functional;
    const ones = torch.ones(2, 3, 4);
    const dropped = [F.dropout(ones, { p: 0.5 }), F.alphaDropout(ones, { p: 0.3, training: true }), F.dropout2d(ones, { p: 0.5 }),
      new torch.nn.Dropout(0.4).call(ones)].map((t) => Array.from(t.toTypedArray() as Float32Array));
    expect(results[0]!.dropped).toEqual(dropped);
    expect(results[1]!.dropped).toEqual(dropped);
    expect(results[2]!.dropped).not.toEqual(dropped);
    // so do the dropouts inside ATen's multi-layer RNNs and CPU attention: a worker runs those layer by layer
    // (and attention's math steps) with its own generator, giving the main thread's values after the same seed
    torch.manualSeed(7);
    const layers = layerDropouts(torch);
    expect(layers.length).toBe(28);
    expect(results[0]!.layers).toEqual(layers);
    expect(results[1]!.layers).toEqual(layers);
    expect(results[2]!.layers).not.toEqual(layers);
  });
});

