// Progress bars: plain lines without a terminal (every logEvery steps, one per epoch), cli-progress
// drawing on a terminal; the text carries count, metrics, it/s and ETA. No timing is asserted.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import * as torch from '../lib/index.js';

const { toolkit } = torch;

// A stream that records what is written; `tty` makes it look like a terminal to cli-progress.
function sink(tty = false): PassThrough & { text(): string; isTTY?: boolean } {
  const s = new PassThrough() as PassThrough & { text(): string; isTTY?: boolean; columns?: number; cursorTo?: unknown; clearLine?: unknown; moveCursor?: unknown; clearScreenDown?: unknown };
  const chunks: string[] = [];
  s.on('data', (c: Buffer) => chunks.push(c.toString()));
  s.text = () => chunks.join('');
  if (tty) {
    s.isTTY = true;
    s.columns = 200;
    s.cursorTo = (_x: number, _y?: number, cb?: () => void) => (cb?.(), true);
    s.clearLine = (_d: number, cb?: () => void) => (cb?.(), true);
    s.moveCursor = (_dx: number, _dy: number, cb?: () => void) => (cb?.(), true);
    s.clearScreenDown = (cb?: () => void) => (cb?.(), true);
  }
  return s;
}
const flush = () => new Promise((r) => setImmediate(r));
// The terminal output without escape codes, one entry per redraw.
const frames = (out: { text(): string }): string[] => out.text().split(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]|\r|\n/).filter((l) => l.trim());
const root = resolve(fileURLToPath(import.meta.url), '../..');

describe('ProgressBar', () => {
  it('writes a line every logEvery steps and at the end when not a terminal', async () => {
    const out = sink();
    const bar = new toolkit.ProgressBar({ total: 25, desc: 'train', stream: out, logEvery: 10 });
    for (let i = 0; i < 25; i++) bar.update(1, { loss: 1 / (i + 1), acc: i / 25 });
    bar.close();
    await flush();
    const lines = out.text().trim().split('\n');
    expect(lines.length).toBe(3);
    expect(lines[0]).toMatch(/^train 10\/25 loss 0\.1000 acc 36\.00% [\d.]+ it\/s ETA \d+s$/);
    expect(lines[2]).toMatch(/^train 25\/25 loss 0\.0400 acc 96\.00% [\d.]+ it\/s ETA 0s$/);
    expect(bar.count).toBe(25);
  });

  it('steps larger than one: a line each time the count passes a multiple of logEvery, and one at the end; none for setPostfix', async () => {
    const out = sink();
    const bar = new toolkit.ProgressBar({ total: 100, stream: out, logEvery: 30 });
    bar.setPostfix({ loss: 1 });
    for (let i = 0; i < 34; i++) bar.update(3);
    bar.close();
    await flush();
    expect(out.text().trim().split('\n').map((l) => l.split(' ')[0])).toEqual(['30/100', '60/100', '90/100', '102/100']);
  });

  it("close() prints the final count once, as tqdm's close shows its final state", async () => {
    // tqdm 4.70.1 (file=StringIO): 37 updates of total=100 then close() -> last state 37/100; breaking out
    // of `for x in tqdm(range(1, 16))` at x == 7 -> 6/15 (the 7th item was not finished); close() before
    // any update -> 0/5.
    const last = (out: { text(): string }) => out.text().trim().split('\n').map((l) => /(?:^| )(\d+\/\d+) /.exec(l)?.[1]);
    const out = sink();
    const bar = new toolkit.ProgressBar({ total: 100, stream: out });
    for (let i = 0; i < 37; i++) bar.update(1);
    bar.close();
    bar.close();
    await flush();
    expect(last(out)).toEqual(['10/100', '20/100', '30/100', '37/100']);
    const early = sink();
    for (const x of toolkit.track(Array.from({ length: 15 }, (_, i) => i + 1), { stream: early, logEvery: 4 })) if (x === 7) break;
    await flush();
    expect(last(early)).toEqual(['4/15', '6/15']);
    // Not twice when the last update printed the count already (the end, or a multiple of logEvery).
    const done = sink();
    const full = new toolkit.ProgressBar({ total: 4, stream: done, logEvery: 2 });
    for (let i = 0; i < 4; i++) full.update(1);
    full.close();
    const mid = new toolkit.ProgressBar({ total: 9, stream: done, logEvery: 2 });
    for (let i = 0; i < 4; i++) mid.update(1);
    mid.close();
    new toolkit.ProgressBar({ total: 5, stream: done }).close();
    await flush();
    expect(last(done)).toEqual(['2/4', '4/4', '2/9', '4/9', '0/5']);
  });

  it('rejects a logEvery that is not a positive integer', () => {
    // RangeError and wording as for total ("must be a non-negative integer, got ...").
    for (const logEvery of [0, -1, NaN, 1.5]) {
      expect(() => new toolkit.ProgressBar({ total: 5, logEvery })).toThrow(new RangeError(`ProgressBar: logEvery must be a positive integer, got ${logEvery}`));
      expect(() => new toolkit.TrainingProgress({ epochs: 1, batches: 5, logEvery })).toThrow(`TrainingProgress: logEvery must be a positive integer, got ${logEvery}`);
    }
    expect(() => toolkit.track([1], { logEvery: 0 })).toThrow(/ProgressBar: logEvery must be a positive integer/);
  });

  it('draws with cli-progress on a terminal', async () => {
    const out = sink(true);
    const bar = new toolkit.ProgressBar({ total: 4, desc: 'eval', stream: out });
    for (let i = 0; i < 4; i++) bar.update(1, { loss: 0.5 });
    bar.close();
    await flush();
    expect(out.text()).toMatch(/eval \[=+\] 4\/4 loss 0\.5000 [\d.]+ it\/s ETA 0s/);
  });

  it('track() wraps arrays and async iterables', async () => {
    const out = sink();
    const seen: number[] = [];
    for (const x of toolkit.track([1, 2, 3], { desc: 'items', stream: out, logEvery: 1 })) seen.push(x);
    async function* gen() {
      yield 4;
      yield 5;
    }
    for await (const x of toolkit.track(gen(), { total: 2, stream: out, logEvery: 1 })) seen.push(x);
    await flush();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    const counts = out.text().trim().split('\n').map((l) => /(?:^| )(\d+\/\d+) /.exec(l)?.[1]);
    expect(counts).toEqual(['1/3', '2/3', '3/3', '1/2', '2/2']);
    expect(out.text()).toMatch(/^items 1\/3 /);
    expect(() => toolkit.track((function* () {})() as never)).toThrow(/no length; pass \{ total \}/);
  });

  it('formats metrics and durations', () => {
    expect(toolkit.formatMetrics({ loss: 0.123456, accuracy: 0.9876, lr: 1e-5, note: 'x', skip: null })).toBe('loss 0.1235 accuracy 98.76% lr 1.000e-5 note x');
    expect([5, 75, 3700].map(toolkit.formatDuration)).toEqual(['5s', '1m15s', '1h01m40s']);
    expect(() => new toolkit.ProgressBar({ total: -1 })).toThrow(RangeError);
  });
});

describe('TrainingProgress', () => {
  it('prints batch lines and one summary per epoch without a terminal', async () => {
    const out = sink();
    const p = new toolkit.TrainingProgress({ epochs: 2, batches: 6, stream: out, logEvery: 3 });
    for (let e = 0; e < 2; e++) {
      p.startEpoch(e);
      for (let b = 0; b < 6; b++) p.step({ loss: 0.5 - e * 0.1, accuracy: 0.8 });
      expect(p.endEpoch({ loss: 0.5 - e * 0.1, val_accuracy: 0.9 })).toMatch(new RegExp(`^epoch ${e + 1}/2 loss 0\\.[45]000 val_accuracy 90\\.00% \\(\\d+s\\)$`));
    }
    p.close();
    await flush();
    const lines = out.text().trim().split('\n');
    expect(lines.filter((l) => /^epoch \d\/2 \d\/6 /.test(l)).length).toBe(4);
    expect(lines.filter((l) => /^epoch \d\/2 loss/.test(l)).length).toBe(2);
    expect(lines[0]).toMatch(/^epoch 1\/2 3\/6 loss 0\.5000 accuracy 80\.00% [\d.]+ it\/s ETA \d+s$/);
  });

  it('a loop left mid-epoch shows its last batch count on close, once', async () => {
    const out = sink();
    const p = new toolkit.TrainingProgress({ epochs: 2, batches: 10, stream: out, logEvery: 4 });
    p.startEpoch(0);
    for (let b = 0; b < 6; b++) p.step({ loss: 0.25 });
    p.close(); // e.g. early stopping broke out of the batch loop
    p.close();
    await flush();
    const lines = out.text().trim().split('\n');
    expect(lines.map((l) => /^epoch 1\/2 (\d+)\/10 loss 0\.2500 /.exec(l)?.[1])).toEqual(['4', '6']);
    // after endEpoch nothing is repeated
    const out2 = sink();
    const q = new toolkit.TrainingProgress({ epochs: 1, batches: 3, stream: out2, logEvery: 2 });
    q.startEpoch(0);
    for (let b = 0; b < 3; b++) q.step();
    q.endEpoch();
    q.close();
    await flush();
    expect(out2.text().trim().split('\n').length).toBe(3);
  });

  it('names the missing option', () => {
    expect(() => new toolkit.TrainingProgress({ epochs: 2 } as never)).toThrow(new RangeError('TrainingProgress: batches must be a non-negative integer, got undefined'));
    expect(() => new toolkit.TrainingProgress({ batches: 2 } as never)).toThrow(new RangeError('TrainingProgress: epochs must be a non-negative integer, got undefined'));
  });

  it('draws an epoch bar and a batch bar on a terminal, epoch summaries above them', async () => {
    const out = sink(true);
    const p = new toolkit.TrainingProgress({ epochs: 1, batches: 3, stream: out });
    p.startEpoch();
    for (let b = 0; b < 3; b++) p.step({ loss: 0.25 });
    p.endEpoch({ loss: 0.25 });
    p.close();
    await flush();
    const text = out.text();
    expect(text).toMatch(/epochs \[[=-]+\] \d\/1/);
    expect(text).toMatch(/epoch 1\/1 \[=+\] 3\/3 loss 0\.2500 [\d.]+ it\/s ETA/);
    expect(text).toMatch(/epoch 1\/1 loss 0\.2500 \(\d+s\)\n/);
  });
});

describe('progress bars on a terminal', () => {
  it('show their text from the start, before the first update', async () => {
    const out = sink(true);
    const bar = new toolkit.ProgressBar({ total: 15, desc: 'train', stream: out });
    await flush();
    expect(frames(out)[0]).toBe(`train [${'-'.repeat(30)}] 0/15 0.0 it/s ETA ?`);
    bar.close();
    const out2 = sink(true);
    const p = new toolkit.TrainingProgress({ epochs: 3, batches: 15, stream: out2 });
    p.close(); // draws the bars as they are
    await flush();
    expect(frames(out2)).toEqual([`epochs [${'-'.repeat(30)}] 0/3 0.0 it/s ETA ?`, `epoch 1/3 [${'-'.repeat(30)}] 0/15 0.0 it/s ETA ?`]);
  });

  it('a resumed run: the epoch rate and ETA count only the epochs done since the resume', async () => {
    let now = 1000;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const out = sink(true);
      const p = new toolkit.TrainingProgress({ epochs: 10, batches: 2, stream: out });
      for (let e = 5; e < 7; e++) {
        p.startEpoch(e); // resumed at epoch 5: five epochs done before, none of them in this process
        for (let b = 0; b < 2; b++) {
          now += 5000;
          p.step({ loss: 1 });
        }
        p.endEpoch({ loss: 1 });
      }
      p.close();
      await flush();
      const epochs = frames(out).filter((l) => l.startsWith('epochs '));
      // 10 s an epoch: 0.1 epochs/s, then 4 epochs (40 s) and 3 epochs (30 s) to go
      expect(epochs[0]).toBe(`epochs [${'='.repeat(15)}${'-'.repeat(15)}] 5/10 0.0 it/s ETA ?`);
      expect(epochs.slice(-1)[0]).toBe(`epochs [${'='.repeat(21)}${'-'.repeat(9)}] 7/10 0.1 it/s ETA 30s`);
      expect(epochs).toContain(`epochs [${'='.repeat(18)}${'-'.repeat(12)}] 6/10 0.1 it/s ETA 40s`);
      // the batch bar restarts with each epoch: 2 batches in 10 s
      expect(frames(out).filter((l) => l.startsWith('epoch 7/10 ')).slice(-1)[0]).toMatch(/ 2\/2 loss 1\.0000 0\.2 it\/s ETA 0s$/);
    } finally {
      clock.mockRestore();
    }
  });

  it('adds no SIGINT or SIGTERM listener (cli-progress gracefulExit would swallow Ctrl-C)', () => {
    const before = ['SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s));
    const bar = new toolkit.ProgressBar({ total: 5, stream: sink(true) });
    const p = new toolkit.TrainingProgress({ epochs: 2, batches: 5, stream: sink(true) });
    p.startEpoch(0);
    p.step();
    bar.update(1);
    expect(['SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s))).toEqual(before);
    bar.close();
    p.close();
  });

  // A training loop with bars drawn on a terminal dies by Ctrl-C (SIGINT), as without bars; a
  // cli-progress gracefulExit listener would stop the bars and let the loop run to its end.
  it('Ctrl-C ends a training loop that draws bars', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'torchnode-progress-'));
    const file = join(dir, 'child.mts');
    writeFileSync(
      file,
      `import { Writable } from 'node:stream';
import { ProgressBar, TrainingProgress } from ${JSON.stringify(join(root, 'lib', 'toolkit', 'progress.ts'))};
const stream = Object.assign(new Writable({ write: (_c, _e, cb) => cb() }), { isTTY: true, columns: 200 });
const p = new TrainingProgress({ epochs: 1, batches: 400, stream });
const bar = new ProgressBar({ total: 400, stream });
p.startEpoch(0);
console.log('ready');
for (let i = 0; i < 400; i++) { await new Promise((r) => setTimeout(r, 10)); p.step({ loss: 1 }); bar.update(1); }
console.log('finished');
`,
    );
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '', stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const ended = new Promise<[number | null, NodeJS.Signals | null]>((done) => child.on('exit', (code, signal) => done([code, signal])));
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (stdout.startsWith('ready\n') && child.exitCode === null && !child.killed) child.kill('SIGINT');
      });
      const [code, signal] = await ended;
      expect({ code, signal, stdout, stderr }).toEqual({ code: null, signal: 'SIGINT', stdout: 'ready\n', stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
