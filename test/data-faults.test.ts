// DataLoader faults: a sample that throws, a worker thread that dies or hangs, a batch that cannot be
// collated. Each gives an error that says what and where; nothing hangs; no worker thread is left behind.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { fullGc } from './run-child.js';
import { Faulty } from './workers/data-datasets.mjs';

const { DataLoader } = torch.data;

// Datasets of /tmp/review-data's Python scripts, in a module the worker threads can import.
const fixtures = pathToFileURL(join(mkdtempSync(join(tmpdir(), 'torchnode-data-faults-')), 'faults.mjs')).href;
writeFileSync(
  new URL(fixtures),
  `import * as torch from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
  // Python: __getitem__(i): if i == 3 and not self.thrown: self.thrown = True; raise IndexError; return [i, torch.rand(1).item()]
  export class Flaky {
    constructor(n) { this.n = n; this.thrown = false; }
    get length() { return this.n; }
    getItem(i) { if (i === 3 && !this.thrown) { this.thrown = true; throw new RangeError('flaky ' + i); } return [i, torch.rand(1).item()]; }
    workerSource() { return { module: import.meta.url, export: 'Flaky', args: [this.n] }; }
  }
  export function badInit(id) { if (id === 1) throw new TypeError('init failed in ' + id); }`,
);
const { Flaky } = (await import(fixtures)) as { Flaky: new (n: number) => torch.data.MapDataset };

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

/**
 * Each next() of one pass, as Python's `next(it)` in a try: a batch's first column, an error's class name, 'done'.
 * The errors themselves are kept in `errors`.
 */
async function steps(loader: torch.data.DataLoader, mode: 'sync' | 'async', errors: Error[] = []): Promise<string> {
  const out: string[] = [];
  const sync = mode === 'sync' ? loader[Symbol.iterator]() : null;
  const async_ = mode === 'async' ? loader[Symbol.asyncIterator]() : null;
  for (let k = 0; k < 50; k++) {
    try {
      const r = sync ? sync.next() : await async_!.next();
      if (r.done) return [...out, 'done'].join(' ');
      out.push(JSON.stringify(r.value.tolist().map((row: number[]) => row[0])));
    } catch (e) {
      errors.push(e as Error);
      out.push((e as Error).constructor.name);
    }
  }
  return out.join(' ');
}

async function drain(loader: torch.data.DataLoader, mode: 'sync' | 'async'): Promise<number> {
  let n = 0;
  if (mode === 'sync') for (const _ of loader) n++;
  else for await (const _ of loader) n++;
  return n;
}

describe('DataLoader faults', () => {
  for (const mode of ['sync', 'async'] as const) {
    // Python 2.13, a dataset raising IndexError('bad sample 5') at index 5 (batch_size=2, num_workers=2):
    //   type(e) is IndexError; str(e) == 'Caught IndexError in DataLoader worker process 0.\nOriginal Traceback (most recent call last):\n  File ...\nIndexError: bad sample 5\n'
    // and the iterator goes on after it: [0, 1] [2, 3] IndexError [6, 7] [8, 9] [10, 11] done
    it(`an exception in a worker is rethrown as Python's (its class, 'Caught ... in DataLoader worker process N', the stack) and the pass goes on (${mode})`, async () => {
      const loader = new DataLoader(new Faulty(12, 'throw', 5), { batchSize: 2, numWorkers: 2 });
      const errors: Error[] = [];
      expect(await steps(loader, mode, errors)).toBe('[0,1] [2,3] RangeError [6,7] [8,9] [10,11] done');
      const [e] = errors;
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toMatch(/^Caught RangeError in DataLoader worker process 0\.\nOriginal Traceback \(most recent call last\):\nRangeError: bad sample 5\n +at Faulty.getItem /);
      expect(e.cause).toBeInstanceOf(Error);
      expect([(e.cause as Error).name, (e.cause as Error).message]).toEqual(['RangeError', 'bad sample 5']);
      expect(await workersGone()).toBe(0); // the pass ended: its workers end
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
    const errors: Error[] = [];
    expect(await steps(new DataLoader(new Faulty(6, 'async-throw', 4), { batchSize: 3, numWorkers: 1 }), 'async', errors)).toBe('[0,1,2] TypeError done');
    expect(errors[0].message).toMatch(/^Caught TypeError in DataLoader worker process 0\.\nOriginal Traceback \(most recent call last\):\nTypeError: async bad sample 4\n/);
    expect(await steps(new DataLoader(new Faulty(6, 'mixed', -1), { batchSize: 3, numWorkers: 2 }), 'sync', errors)).toBe('[0,1,2] TypeError done');
    expect(errors[1]).toBeInstanceOf(TypeError);
    expect(errors[1].message).toMatch(/^Caught TypeError in DataLoader worker process 1\.\nOriginal Traceback \(most recent call last\):\nTypeError: default_collate: sample 1 is a Tensor but sample 0 is a string; .* \(in the batch of sample indices \[3, 4, 5\]\)/);
    expect(() => [...new DataLoader(new Faulty(6, 'mixed', -1), { batchSize: 2 })]).toThrow(/default_collate: sample 1 is a string but sample 0 is a Tensor.*sample indices \[2, 3\]/);
    expect(await workersGone()).toBe(0);
  }, 60_000);

  it('a dataset module that cannot be loaded fails the first batch with the reason', async () => {
    const loader = new DataLoader(new Faulty(4, 'none', -1), { numWorkers: 1, workerDataset: { module: new URL('./workers/no-such-file.mjs', import.meta.url) } });
    await expect(drain(loader, 'async')).rejects.toThrow(/^Caught Error in DataLoader worker process 0\.\nOriginal Traceback \(most recent call last\):\nError \[ERR_MODULE_NOT_FOUND\]: Cannot find module/);
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

  // Python 2.13 (e1.py), a dataset raising IndexError at index 3, batch_size=2:
  //   it = iter(DataLoader(ds, batch_size=2, num_workers=nw)); next(it) four times in try/except
  //   numWorkers 0 [0, 1] IndexError [4, 5] done
  //   numWorkers 2 [0, 1] IndexError [4, 5] done
  for (const mode of ['sync', 'async'] as const) {
    it(`after a batch throws, the iterator goes on with the next batch, as Python's (${mode})`, async () => {
      for (const numWorkers of [0, 2]) {
        expect(await steps(new DataLoader(new Faulty(6, 'throw', 3), { batchSize: 2, numWorkers }), mode)).toBe('[0,1] RangeError [4,5] done');
      }
      expect(await workersGone()).toBe(0);
    }, 60_000);
  }

  // Python 2.13 (e2.py): torch.manual_seed(0); a persistent loader over Flaky(4) (IndexError at index 3, once), three
  // epochs, then the main RNG. The workers of epoch 0 serve epochs 1 and 2 (their RNG streams go on), no new base seed:
  //   epoch 0 0,1 0.7821,0.0536 | ERR Caught IndexError in DataLoader worker process 1.
  //   epoch 1 0,1 0.9888,0.1949 | 2,3 0.2980,0.1669
  //   epoch 2 0,1 0.5242,0.1987 | 2,3 0.2847,0.9157
  //   main 0.088477
  for (const mode of ['sync', 'async'] as const) {
    it(`a dataset's exception keeps persistent workers: the next epoch goes on with the same workers and seeds (${mode})`, async () => {
      torch.manualSeed(0);
      const loader = new DataLoader(new Flaky(4), { batchSize: 2, numWorkers: 2, persistentWorkers: true });
      const lines: string[] = [];
      for (let e = 0; e < 3; e++) {
        const out: string[] = [];
        try {
          if (mode === 'sync') for (const [i, r] of loader) out.push(`${i.tolist()} ${r.tolist().map((x: number) => x.toFixed(4))}`);
          else for await (const [i, r] of loader) out.push(`${i.tolist()} ${r.tolist().map((x: number) => x.toFixed(4))}`);
        } catch (err) {
          out.push('ERR ' + (err as Error).message.split('\n')[0]);
        }
        lines.push(`epoch ${e} ${out.join(' | ')}`);
        expect(DataLoader.liveWorkerCount).toBe(2);
      }
      lines.push(`main ${(torch.rand(1).item()).toFixed(6)}`);
      expect(lines).toEqual([
        'epoch 0 0,1 0.7821,0.0536 | ERR Caught RangeError in DataLoader worker process 1.',
        'epoch 1 0,1 0.9888,0.1949 | 2,3 0.2980,0.1669',
        'epoch 2 0,1 0.5242,0.1987 | 2,3 0.2847,0.9157',
        'main 0.088477',
      ]);
      await loader.close();
      expect(DataLoader.liveWorkerCount).toBe(0);
    }, 60_000);
  }

  // Python 2.13, worker_init_fn raising TypeError('init failed in 1') in worker 1 (batch_size=1, num_workers=2):
  //   next(it) -> [0], then TypeError: 'Caught TypeError in DataLoader worker process 1.\nOriginal Traceback (most recent call last):\n  ...\nTypeError: init failed in 1\n'
  // (Python's worker then serves further tasks; a JS worker whose start failed has exited, so the pass ends there.)
  it("a workerInitFn that throws gives Python's error: its class and 'Caught ... in DataLoader worker process N'", async () => {
    const loader = new DataLoader(new Faulty(4, 'none', -1), { batchSize: 1, numWorkers: 2, workerInitFn: { module: fixtures, export: 'badInit' } });
    const errors: Error[] = [];
    expect(await steps(loader, 'sync', errors)).toBe('[0] TypeError done');
    expect(errors[0]).toBeInstanceOf(TypeError);
    expect(errors[0].message).toMatch(/^Caught TypeError in DataLoader worker process 1\.\nOriginal Traceback \(most recent call last\):\nTypeError: init failed in 1\n +at badInit /);
    expect((errors[0].cause as Error).message).toBe('init failed in 1');
    expect(await workersGone()).toBe(0);
  }, 60_000);

  // Python 2.13 (w3.py), torch.manual_seed(12); DataLoader(6 samples, batch_size=2, num_workers=2, shuffle=True,
  // persistent_workers=True); a = iter(dl); b = iter(dl): `a is b` is True (iter() resets the loader's one iterator), so
  //   next(a) [4, 3]  next(b) [2, 1]  next(a) [5, 0]  next(b) done  next(a) done ...
  // and without persistent workers each has a pass of its own: a[3, 4] b[2, 4] a[0, 1] b[5, 3] a[2, 5] b[0, 1] a done b done
  it('two iterators of one loader: with persistentWorkers they are one pass, as Python (no stolen batches, nothing hangs)', async () => {
    const row = (r: IteratorResult<torch.Tensor>): string => (r.done ? 'done' : JSON.stringify((r.value.tolist() as number[][]).map((x) => x[0])));
    for (const persistentWorkers of [false, true]) {
      torch.manualSeed(12);
      const loader = new DataLoader(new Faulty(6, 'none', -1), { batchSize: 2, numWorkers: 2, shuffle: true, persistentWorkers });
      const a = loader[Symbol.iterator](),
        b = loader[Symbol.iterator]();
      const out: string[] = [];
      for (let k = 0; k < 4; k++) out.push('a' + row(a.next()), 'b' + row(b.next()));
      expect(out.join(' ')).toBe(persistentWorkers ? 'a[4,3] b[2,1] a[5,0] bdone adone bdone adone bdone' : 'a[3,4] b[2,4] a[0,1] b[5,3] a[2,5] b[0,1] adone bdone');
      // for await as well; an iterator made before close() ends (it does not wait forever on the closed pool)
      const c = loader[Symbol.asyncIterator]();
      expect((await c.next()).done).toBe(false);
      const d = loader[Symbol.asyncIterator]();
      const both = await Promise.all([c.next(), d.next(), c.next(), d.next()]);
      expect(both.filter((r) => !r.done).length).toBe(persistentWorkers ? 3 : 4);
      const e = loader[Symbol.iterator]();
      expect(e.next().done).toBe(false);
      await loader.close();
      if (persistentWorkers) expect(e.next().done).toBe(true);
      e.return();
      await c.return();
      await d.return();
    }
    expect(await workersGone()).toBe(0);
  }, 60_000);
});
