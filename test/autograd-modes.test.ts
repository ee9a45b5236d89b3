// Grad-mode switches and async code: the mode is a per-thread native switch, so an async fn would
// lend it to everything that runs while it awaits. noGrad / enableGrad / inferenceMode /
// detectAnomaly refuse async functions with a clear error and never leave the mode changed.
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';

const switches = {
  noGrad: <R>(fn: () => R): R => torch.noGrad(fn),
  enableGrad: <R>(fn: () => R): R => torch.enableGrad(fn),
  inferenceMode: <R>(fn: () => R): R => torch.inferenceMode(fn),
  'autograd.detectAnomaly': <R>(fn: () => R): R => torch.autograd.detectAnomaly(fn),
};

describe('grad-mode switches and async functions', () => {
  for (const [name, run] of Object.entries(switches)) {
    it(`${name} refuses an async function before running it`, () => {
      let ran = false;
      expect(() => run(async () => {
        ran = true;
      })).toThrow(new RegExp(`^${name.replace('.', '\\.')}: fn must be synchronous`));
      expect(ran).toBe(false);
      expect(torch.isGradEnabled()).toBe(true);
      expect(torch.autograd.isAnomalyEnabled()).toBe(false);
    });
  }

  it('code that runs while a promise-returning fn awaits sees the normal mode', async () => {
    const x = torch.ones(1, { requiresGrad: true });
    let resume!: () => void;
    const gate = new Promise<void>((r) => (resume = r));
    let insideAfterAwait: boolean | null = null;
    // A plain function returning a promise can't be recognised before it runs: its synchronous part
    // runs in the mode, then the mode is restored and the call fails.
    expect(() =>
      torch.noGrad(() =>
        gate.then(() => {
          insideAfterAwait = torch.isGradEnabled();
        }),
      ),
    ).toThrow(/^noGrad: fn must be synchronous/);
    // meanwhile, other code runs with grad enabled
    expect(torch.isGradEnabled()).toBe(true);
    expect(x.mul(2).requiresGrad).toBe(true);
    expect(torch.inferenceMode(() => torch.ones(1).isInference())).toBe(true);
    expect(() => torch.inferenceMode(() => Promise.resolve(1))).toThrow(/^inferenceMode: fn must be synchronous/);
    expect(torch.ones(1).isInference()).toBe(false);
    expect(x.mul(2).requiresGrad).toBe(true);
    resume();
    await gate;
    await new Promise((r) => setImmediate(r));
    expect(insideAfterAwait).toBe(true); // the mode never followed the continuation either
  });

  it('an abandoned promise that rejects does not surface as an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      expect(() => torch.noGrad(() => Promise.reject(new Error('late')))).toThrow(/fn must be synchronous/);
      await new Promise((r) => setTimeout(r, 10));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('synchronous use still nests and restores', () => {
    const x = torch.ones(1, { requiresGrad: true });
    expect(torch.noGrad(() => torch.enableGrad(() => x.mul(2))).requiresGrad).toBe(true);
    expect(torch.noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(torch.isGradEnabled()).toBe(true);
  });
});
