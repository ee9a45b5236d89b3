// Runs a TypeScript snippet against lib/ in a child Node process (through vite-node), so that a
// crash fails the test that caused it instead of killing the test runner.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { runInNewContext } from 'node:vm';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Long child runs: the shared test machine can be 5-10x slower than a quiet one. */
export const childTimeoutMs = 540_000;

/** `body` runs after `import * as torch from lib/index.ts`; nodeFlags go to the child's node; env is laid over
 * this process's environment (an undefined value leaves that variable out). */
export function runChild(
  body: string,
  options: { nodeFlags?: string[]; timeoutMs?: number; env?: Record<string, string | undefined> } = {},
): SpawnSyncReturns<string> {
  const dir = mkdtempSync(join(tmpdir(), 'torchnode-child-'));
  const file = join(dir, 'child.ts');
  writeFileSync(file, `import * as torch from ${JSON.stringify(join(root, 'lib', 'index.ts'))};\n${body}\n`);
  try {
    const args = [...(options.nodeFlags ?? []), join(root, 'node_modules', 'vite-node', 'vite-node.mjs'), file];
    const env = options.env && { ...process.env, ...options.env };
    return spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8', timeout: options.timeoutMs ?? childTimeoutMs });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The last line of a child's stdout, parsed as JSON. */
export function lastJson<T>(r: SpawnSyncReturns<string>): T {
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

/** A full garbage collection (the test process has no --expose-gc). */
export const fullGc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/**
 * The count of live native tensors once the garbage is collected: a JS wrapper freed by one collection
 * releases its native tensor at the next handle creation, so collect, create, collect, create. For a
 * count taken before a block whose own tensors a test then checks, so that a collection during the block
 * cannot free earlier garbage and hide a leak. `torch`: lib's or dist's module.
 */
export function liveTensors(torch: { ones(n: number): { dispose(): void }; nativeStats(): { tensors: number } }): number {
  for (let i = 0; i < 2; i++) {
    fullGc();
    torch.ones(1).dispose();
  }
  return torch.nativeStats().tensors;
}

/**
 * Runs `body` (an async function body with `torch` and `settle` in scope) against dist/ in a child
 * `node --expose-gc`; returns what the body returned. `settle()` collects until the count of live
 * native tensors stops falling and returns it.
 */
export function runWithGc(body: string): Record<string, number> {
  const dist = new URL('../dist/index.js', import.meta.url).href;
  const script = `
    const torch = await import(${JSON.stringify(dist)});
    torch.setNumThreads(1); // small tensors: intra-op threads only spin on a busy machine
    // Collects until the count of live tensors stays the same six rounds running: JS callbacks freed by
    // one collection release their native references at the next handle creation, and their tensors at
    // the next GC; some objects V8 holds a while longer (seen with nms then batchedNms) go a round later,
    // and on a loaded machine (a CI run: 2 left after three stable rounds, once) later still.
    const settle = async () => {
      let last = -1;
      for (let i = 0, stable = 0; i < 60 && stable < 6; i++) {
        stable = torch.nativeStats().tensors === last ? stable + 1 : 0;
        last = torch.nativeStats().tensors;
        globalThis.gc();
        // a timer, not setImmediate: FinalizationRegistry callbacks run as later tasks
        await new Promise((r) => setTimeout(r, 5));
        torch.ones(1);
      }
      globalThis.gc();
      return torch.nativeStats().tensors;
    };
    const result = await (async () => { ${body} })();
    console.log(JSON.stringify(result));`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 240_000 });
  expect(r.status, `signal ${r.signal}; spawn error: ${r.error?.message}; stderr: ${r.stderr}; stdout: ${r.stdout?.slice(-2000)}`).toBe(0);
  return lastJson<Record<string, number>>(r);
}

// Starts `count` workers running `body`; each result is the last message a worker posted.
export function startWorkers(body: string, count: number): { results: Promise<string[]>; running: () => number } {
  let running = count;
  const results = Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<string>((resolve) => {
          const w = new Worker(body, { eval: true });
          let result = 'exited without a result';
          w.on('message', (m: string) => (result = m));
          w.on('error', (e) => (result = String(e)));
          w.on('exit', () => {
            running--;
            resolve(result);
          });
        }),
    ),
  );
  return { results, running: () => running };
}

/**
 * Starts `count` workers that import dist/ and run `roundSource` (the source of a function `(t) => string`,
 * t: the torch module) `times` times; each posts 'ok', or the first result other than `expected`, or its error.
 * `preamble` runs first (`process.removeAllListeners('warning')` for rounds that warn).
 */
export function startRoundWorkers(roundSource: string, expected: string, options: { times: number; count: number; preamble?: string }): { results: Promise<string[]>; running: () => number } {
  const dist = new URL('../dist/index.js', import.meta.url).href;
  const body = `const { parentPort } = require('node:worker_threads');
    ${options.preamble ?? ''}
    import(${JSON.stringify(dist)}).then((t) => {
      const round = ${roundSource};
      let bad = null;
      for (let i = 0; i < ${options.times} && bad === null; i++) { const r = round(t); if (r !== ${JSON.stringify(expected)}) bad = r; }
      parentPort.postMessage(bad ?? 'ok');
    }).catch((e) => parentPort.postMessage(String((e && e.stack) || e)));`;
  return startWorkers(body, options.count);
}

/**
 * Runs one round (`roundBody`: a function body over `t`, the torch module, returning JSON values) on this
 * thread and in `count` workers at once, `rounds` times each: every run must return `expected`.
 */
export async function expectRoundsAgreeInWorkers(torch: unknown, roundBody: string, expected: unknown, rounds = 30, count = 3): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const round = new Function('t', roundBody) as (t: unknown) => unknown;
  const dist = new URL('../dist/index.js', import.meta.url).href;
  const body = `const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(dist)}).then((t) => {
      t.setNumThreads(1);
      const round = new Function('t', ${JSON.stringify(roundBody)});
      let bad = null;
      for (let i = 0; i < ${rounds} && bad === null; i++) {
        const seen = JSON.stringify(round(t));
        if (seen !== ${JSON.stringify(JSON.stringify(expected))}) bad = seen;
      }
      parentPort.postMessage(bad === null ? 'ok' : 'saw ' + bad);
    }).catch((e) => parentPort.postMessage(String((e && e.stack) || e)));`;
  const workers = startWorkers(body, count);
  let mainRounds = 0;
  while (workers.running() > 0 || mainRounds < rounds) {
    expect(round(torch)).toEqual(expected);
    mainRounds++;
    await new Promise((r) => setImmediate(r));
  }
  expect(await workers.results).toEqual(Array(count).fill('ok'));
}

/**
 * Runs one round (as for expectRoundsAgreeInWorkers) 20 times, then 400 times with nothing disposed, in a
 * child with --expose-gc: the live tensors, the reported bytes and the RSS must stay bounded.
 */
export function expectRoundsBoundedWithoutDispose(roundBody: string): void {
  const r = runWithGc(`
    const round = new Function('t', ${JSON.stringify(roundBody)});
    const bytes = () => torch.nativeStats().reportedBytes;
    const mib = () => process.memoryUsage().rss / 2 ** 20;
    for (let i = 0; i < 20; i++) round(torch);
    const before = await settle(), bytes0 = bytes();
    let rss0 = 0;
    for (let i = 0; i < 400; i++) {
      round(torch);
      if (i === 100) rss0 = mib();
    }
    const rss1 = mib();
    return { leaked: (await settle()) - before, grownBytes: bytes() - bytes0, growthMiB: rss1 - rss0 };`);
  expect(r.leaked).toBeLessThan(50);
  expect(Math.abs(r.grownBytes!)).toBeLessThan(2 ** 20);
  expect(r.growthMiB).toBeLessThan(150);
}
