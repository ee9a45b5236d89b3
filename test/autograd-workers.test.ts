// Autograd in worker threads: grad mode, inference mode, tensor hooks and custom Functions are per
// thread (as in PyTorch), so workers use them at the same time as the main thread.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';
import { expectRoundsAgreeInWorkers, startWorkers } from './run-child.js';

const dist = new URL('../dist/index.js', import.meta.url).href;

// One round of every per-thread autograd feature, as JS source run both here and in the workers;
// returns what it saw (the same on every thread).
const roundSource = `
  const x = t.ones(3, { requiresGrad: true });
  const hooked = x.mul(1);
  hooked.registerHook((g) => g.mul(2));
  class Square extends t.autograd.Function {
    static forward(ctx, a) {
      ctx.saveForBackward(a);
      return a.mul(a);
    }
    static backward(ctx, g) {
      return g.mul(ctx.savedTensors[0]).mul(2);
    }
  }
  Square.apply(hooked).sum().backward();
  const inInference = t.inferenceMode(() => t.ones(1).isInference());
  const afterInference = x.mul(2).requiresGrad;
  const noGradSeen = t.noGrad(() => t.isGradEnabled());
  return [...x.grad.tolist(), Number(inInference), Number(afterInference), Number(noGradSeen), Number(t.isGradEnabled())];`;
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const autogradRound = new Function('t', roundSource) as (t: typeof torch) => number[];
const expected = [4, 4, 4, 1, 1, 0, 1];

describe('autograd in worker threads', () => {
  it('hooks, custom Functions, noGrad and inferenceMode work in workers while the main thread uses them', async () => {
    const rounds = 300;
    const body = `const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(dist)}).then((t) => {
        const autogradRound = new Function('t', ${JSON.stringify(roundSource)});
        let bad = null;
        for (let i = 0; i < ${rounds} && bad === null; i++) {
          const seen = autogradRound(t);
          if (JSON.stringify(seen) !== ${JSON.stringify(JSON.stringify(expected))}) bad = seen;
        }
        parentPort.postMessage(bad === null ? 'ok' : 'saw ' + JSON.stringify(bad));
      }).catch((e) => parentPort.postMessage(String((e && e.stack) || e)));`;
    const workers = startWorkers(body, 3);
    // The main thread keeps doing the same while the workers run.
    let mainRounds = 0;
    while (workers.running() > 0 || mainRounds < rounds) {
      expect(autogradRound(torch)).toEqual(expected);
      if (++mainRounds % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(await workers.results).toEqual(['ok', 'ok', 'ok']);
  });

  it('inferenceMode entered and left on several threads at once keeps each thread\'s own state', async () => {
    const rounds = 20000;
    const check = `(t) => {
      for (let i = 0; i < ${rounds}; i++) {
        if (!t.inferenceMode(() => t.ones(1).isInference()) || t.ones(1).isInference()) return 'wrong mode in round ' + i;
      }
      return 'ok';
    }`;
    const body = `const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(dist)}).then((t) => parentPort.postMessage((${check})(t)))
        .catch((e) => parentPort.postMessage(String((e && e.stack) || e)));`;
    const workers = startWorkers(body, 3);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const mainCheck = new Function('t', `return (${check})(t);`) as (t: typeof torch) => string;
    while (workers.running() > 0) {
      expect(mainCheck(torch)).toBe('ok');
      await new Promise((r) => setImmediate(r));
    }
    expect(await workers.results).toEqual(['ok', 'ok', 'ok']);
  });

  it('a worker that exits inside inferenceMode leaves the main thread alone', async () => {
    const body = `import(${JSON.stringify(dist)}).then((t) => {
      t.inferenceMode(() => { process.exit(0); });
    });`;
    await new Promise<void>((resolve, reject) => {
      const w = new Worker(body, { eval: true });
      w.on('exit', () => resolve());
      w.on('error', reject);
    });
    expect(torch.ones(1, { requiresGrad: true }).mul(2).requiresGrad).toBe(true);
    expect(torch.inferenceMode(() => torch.ones(1).isInference())).toBe(true);
    expect(torch.ones(1).isInference()).toBe(false);
  });
});

describe('per-thread JS state of other namespaces', () => {
  // torch.backends.mha's fast-path flag and the tracing depth behind torch.jit.isTracing are module
  // variables: each worker has its own, as each Python thread has its own flags here. Shared state would
  // show as a thread reading another one's false flag or tracing state between its own set and reset.
  it('torch.backends.mha.setFastpathEnabled and torch.jit.isTracing are per thread', async () => {
    const round = `
      const before = t.backends.mha.getFastpathEnabled();
      t.backends.mha.setFastpathEnabled(false);
      let inside = null;
      const traced = t.jit.trace((x) => { inside = [t.jit.isTracing(), t.backends.mha.getFastpathEnabled()]; return x.mul(2); }, [t.ones(2)], { checkTrace: false });
      const afterTrace = [t.jit.isTracing(), t.backends.mha.getFastpathEnabled()];
      t.backends.mha.setFastpathEnabled(true);
      traced.dispose?.();
      return [before, inside, afterTrace, t.backends.mha.getFastpathEnabled()];`;
    await expectRoundsAgreeInWorkers(torch, round, [true, [true, false], [false, false], true], 200);
  });
});
