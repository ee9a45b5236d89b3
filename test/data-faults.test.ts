// DataLoader faults: a sample that throws, a worker thread that dies or hangs, a batch that cannot be
// collated. Each gives an error that says what and where; nothing hangs; no worker thread is left behind.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { fullGc } from './run-child.js';
import { Faulty } from './workers/data-datasets.mjs';

const { DataLoader } = torch.data;

/** Collects until the workers of collected iterators have exited (FinalizationRegistry callbacks run as later tasks). */
async function collectedUntilGone(): Promise<number> {
  for (let turn = 0; turn < 100 && DataLoader.liveWorkerCount > 0; turn++) {
    fullGc();
    await new Promise((r) => setTimeout(r, 20));
  }
  return DataLoader.liveWorkerCount;
}

/** Waits for the terminated workers' exit events (they arrive on later turns of the event loop). */
async function workersGone(): Promise<number> {
  for (let turn = 0; turn < 500 && DataLoader.liveWorkerCount > 0; turn++) await new Promise((r) => setTimeout(r, 10));
  return DataLoader.liveWorkerCount;
}

async function drain(loader: torch.data.DataLoader, mode: 'sync' | 'async'): Promise<number> {
  let n = 0;
  if (mode === 'sync') for (const _ of loader) n++;
  else for await (const _ of loader) n++;
  return n;
}

describe('DataLoader faults', () => {
  for (const mode of ['sync', 'async'] as const) {
    it(`an exception in a worker names the worker and the sample index (${mode})`, async () => {
      const loader = new DataLoader(new Faulty(12, 'throw', 5), { batchSize: 2, numWorkers: 2 });
      await expect(drain(loader, mode)).rejects.toThrow(/DataLoader worker 0: RangeError while loading sample index 5: bad sample 5/);
      expect(await workersGone()).toBe(0);
    }, 60_000);

    it(`a worker that dies gives an error (${mode})`, async () => {
      const loader = new DataLoader(new Faulty(12, 'exit', 7), { batchSize: 2, numWorkers: 2 });
      await expect(drain(loader, mode)).rejects.toThrow(/DataLoader worker 1 exited unexpectedly with code 7/);
      expect(await workersGone()).toBe(0);
    }, 60_000);

    it(`a worker that hangs is cut off by the timeout (${mode})`, async () => {
      const loader = new DataLoader(new Faulty(8, 'hang', 2), { batchSize: 2, numWorkers: 2, timeout: 2 });
      await expect(drain(loader, mode)).rejects.toThrow(/DataLoader timed out after 2 seconds/);
      expect(await workersGone()).toBe(0);
    }, 60_000);
  }

  it('a rejected async getItem and a batch of mixed types in a worker', async () => {
    await expect(drain(new DataLoader(new Faulty(6, 'async-throw', 4), { batchSize: 3, numWorkers: 1 }), 'async')).rejects.toThrow(/TypeError while loading sample index 4: async bad sample 4/);
    await expect(drain(new DataLoader(new Faulty(6, 'mixed', -1), { batchSize: 3, numWorkers: 2 }), 'sync')).rejects.toThrow(/DataLoader worker 1: TypeError: default_collate: sample 1 is a Tensor but sample 0 is a string; .* \(in the batch of sample indices \[3, 4, 5\]\)/);
    expect(() => [...new DataLoader(new Faulty(6, 'mixed', -1), { batchSize: 2 })]).toThrow(/default_collate: sample 1 is a string but sample 0 is a Tensor.*sample indices \[2, 3\]/);
    expect(await workersGone()).toBe(0);
  }, 60_000);

  it('a dataset module that cannot be loaded fails the first batch with the reason', async () => {
    const loader = new DataLoader(new Faulty(4, 'none', -1), { numWorkers: 1, workerDataset: { module: new URL('./workers/no-such-file.mjs', import.meta.url) } });
    await expect(drain(loader, 'async')).rejects.toThrow(/DataLoader worker 0 failed: Error: Cannot find module/);
    expect(await workersGone()).toBe(0);
  }, 60_000);

  it('leaving the loop early ends the workers; persistent workers end with close()', async () => {
    const loader = new DataLoader(new Faulty(40, 'none', -1), { batchSize: 2, numWorkers: 3 });
    for await (const _ of loader) break;
    expect(DataLoader.liveWorkerCount).toBe(0); // for await's return() waits for the threads to end
    for (const _ of loader) break;
    expect(await workersGone()).toBe(0);
    const persistent = new DataLoader(new Faulty(40, 'none', -1), { batchSize: 2, numWorkers: 2, persistentWorkers: true });
    for await (const _ of persistent) break;
    expect(DataLoader.liveWorkerCount).toBe(2);
    expect(await drain(persistent, 'async')).toBe(20); // the workers are reused for a full pass
    await persistent.close();
    expect(DataLoader.liveWorkerCount).toBe(0);
  }, 60_000);

  it("an iterator left unfinished ends its workers once collected, as the __del__ of PyTorch's iterator; one never started has none", async () => {
    const loader = new DataLoader(new Faulty(40, 'none', -1), { batchSize: 2, numWorkers: 2 });
    for (let k = 0; k < 5; k++) expect(loader[Symbol.iterator]().next().value.tolist()).toEqual([[0, 0], [1, 1]]);
    for (let k = 0; k < 2; k++) expect((await loader[Symbol.asyncIterator]().next()).value.tolist()).toEqual([[0, 0], [1, 1]]);
    const live = DataLoader.liveWorkerCount; // up to 14 (a collection may already have ended some)
    expect(live).toBeGreaterThan(0);
    const unstarted = loader[Symbol.iterator]();
    const unstartedAsync = loader[Symbol.asyncIterator]();
    expect(DataLoader.liveWorkerCount).toBe(live); // the threads start at the first next()
    expect(unstarted.return()).toEqual({ done: true, value: undefined });
    await unstartedAsync.return();
    expect(await collectedUntilGone()).toBe(0);
    // A persistent pool belongs to its loader: an abandoned pass leaves it running, and the next pass starts afresh.
    const persistent = new DataLoader(new Faulty(40, 'none', -1), { batchSize: 2, numWorkers: 2, persistentWorkers: true });
    for (let k = 0; k < 3; k++) expect(persistent[Symbol.iterator]().next().value.tolist()).toEqual([[0, 0], [1, 1]]);
    for (let k = 0; k < 5; k++) {
      fullGc();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(DataLoader.liveWorkerCount).toBe(2);
    const all = [...persistent].map((b) => b.tolist()[0][0]);
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => 2 * i));
    expect(await drain(persistent, 'async')).toBe(20);
    await persistent.close();
    expect(DataLoader.liveWorkerCount).toBe(0);
  }, 90_000);

  it('the process exits with workers still running (an abandoned iterator, persistent workers)', async () => {
    const script = `
      import * as torch from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      import { Faulty } from ${JSON.stringify(new URL('./workers/data-datasets.mjs', import.meta.url).href)};
      const loader = new torch.data.DataLoader(new Faulty(100, 'none', -1), { batchSize: 2, numWorkers: 2, persistentWorkers: true });
      const it = loader[Symbol.iterator]();
      it.next();
      const it2 = new torch.data.DataLoader(new Faulty(100, 'none', -1), { batchSize: 2, numWorkers: 2 })[Symbol.asyncIterator]();
      await it2.next();
      console.log('live', torch.data.DataLoader.liveWorkerCount);`;
    // Asynchronous, so that the test thread stays responsive while the child runs.
    const r = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, signal: error?.signal ?? null, stdout, stderr });
      });
    });
    expect(r.stderr).toBe('');
    expect([r.code, r.signal, r.stdout.trim()]).toEqual([0, null, 'live 4']);
  }, 90_000);
});
