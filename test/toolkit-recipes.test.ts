// Smoke tests of the training recipes (examples/recipes-*.ts) at a tiny size: each runs to the end
// and prints what it claims (the accumulated gradient equals the big batch's, the smoothed loss equals
// its formula, ...). They train with optim.SGD, whose step is native (addon built from main's optim).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { native } from '../lib/native.js';

const hasNativeSgd = typeof (native as unknown as { optimStep?: unknown }).optimStep === 'function';
const root = new URL('..', import.meta.url).pathname;

function run(recipe: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `examples/recipes-${recipe}.ts`, '--epochs', '2', '--samples', '20', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, `${recipe} failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout + r.stderr;
}

describe.skipIf(!hasNativeSgd)('training recipes (tiny runs)', () => {
  it('gradient accumulation: accumulated micro-batch gradients equal the big batch gradient', () => {
    const out = run('grad-accumulation');
    const diff = Number(/max \|accumulated grad - big-batch grad\| = (\S+)/.exec(out)?.[1]);
    expect(diff).toBeLessThan(1e-6);
    expect(out).toMatch(/epoch 2\/2 loss \d\.\d{4} accuracy [\d.]+%/);
    expect(out).toMatch(/final training accuracy [\d.]+ %/);
  });

  it('mixup trains on mixed pairs', () => {
    const out = run('mixup');
    expect(out).toMatch(/epoch 2\/2 mixup_loss \d\.\d{4} accuracy [\d.]+%/);
    expect(out).toMatch(/final training accuracy [\d.]+ %, mean confidence 0\.\d{3}/);
  });

  it('label smoothing: the built-in loss equals the formula; both runs finish', () => {
    const out = run('label-smoothing');
    const m = /built-in (\S+), by hand (\S+)/.exec(out);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(m![2]);
    expect(out).toMatch(/plain: training accuracy [\d.]+ %/);
    expect(out).toMatch(/smoothing 0\.1: training accuracy [\d.]+ %/);
  });

  it('L1 regularisation: runs with and without the penalty', () => {
    const out = run('l1');
    expect(out).toMatch(/lambda 0: training accuracy [\d.]+ %, weights below 1e-3: [\d.]+ %/);
    expect(out).toMatch(/lambda 0\.001: training accuracy [\d.]+ %, weights below 1e-3: [\d.]+ %/);
    expect(out).toMatch(/l1 \d+\.\d{4}/);
  });

  it('rejects a bad flag value', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/recipes-mixup.ts', '--epochs', 'many'], { cwd: root, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--epochs must be a positive number, got 'many'/);
  });
});
