// The grad-mode switches torch.autograd exports (noGrad, enableGrad, inferenceMode, setGradEnabled,
// setMultithreadingEnabled, enforceGradLayoutPolicy): set-and-keep or scoped to a callback as in Python,
// and the grad layout policy's effect against Python torch 2.13 (test/fixtures/autograd-switches.json
// from scripts/make-autograd-switch-fixtures.py).
// Also the legacy autograd.Variable, whose expectations are Python 2.13's behaviour written out.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { native } from '../lib/native.js';

type Result = { strides: number[]; contiguous: boolean; values: number[][] };
const fixture = JSON.parse(readFileSync(new URL('fixtures/autograd-switches.json', import.meta.url), 'utf8')) as {
  cases: Record<string, { enforced: Result; not_enforced: Result }>;
};
const { autograd } = torch;
const LOSSES: Record<string, (p: torch.Tensor) => torch.Tensor> = {
  contiguous_times_two: (p) => p.contiguous().mul(2),
  times_two: (p) => p.mul(2),
};

function gradOf(enable: boolean, loss: (p: torch.Tensor) => torch.Tensor): Result {
  const p = torch.arange(12, { dtype: torch.float32 }).reshape(3, 4).t().requiresGrad_();
  autograd.enforceGradLayoutPolicy(enable, () => {
    for (let i = 0; i < 2; i++) loss(p).sum().backward();
  });
  return { strides: p.grad!.stride(), contiguous: p.grad!.isContiguous(), values: p.grad!.tolist() as number[][] };
}

// The grad layout switch is a feature of newer releases: 2.13 has it, 2.11 has not.
const hasSwitch = torch.version.features.gradLayoutPolicy;

describe('torch.autograd grad-mode switches', () => {
  it('torch.version.features says whether the grad layout switch is there (from 2.13 on it is)', () => {
    const [major, minor] = torch.buildInfo().torchVersion.split('.').map(Number) as [number, number];
    if (major > 2 || minor >= 13) expect(hasSwitch).toBe(true);
  });

  it("Python's torch.autograd names are there", () => {
    expect(autograd.noGrad).toBe(torch.noGrad);
    expect(autograd.enableGrad).toBe(torch.enableGrad);
    expect(autograd.inferenceMode).toBe(torch.inferenceMode);
    expect(autograd.setGradEnabled).toBe(torch.setGradEnabled);
  });

  for (const [name, expected] of Object.entries(fixture.cases)) {
    it(`enforceGradLayoutPolicy: the accumulated grad's layout as in Python (${name})`, () => {
      expect(gradOf(true, LOSSES[name]!)).toEqual(expected.enforced);
      if (!hasSwitch) {   // 2.11 has none (seen on the GPU machine): turning the contract off is refused
        expect(() => gradOf(false, LOSSES[name]!)).toThrow(/has no switch for the grad layout contract; it always enforces it/);
        return;
      }
      expect(gradOf(false, LOSSES[name]!)).toEqual(expected.not_enforced);
      expect(native.isGradLayoutEnforcementEnabled()).toBe(true);
    });
  }

  it('each switch is kept when called without fn, scoped and restored with fn (also when fn throws)', () => {
    const switches: [string, (mode: boolean, fn?: () => unknown) => unknown, () => boolean][] = [
      ['setGradEnabled', torch.setGradEnabled as never, () => torch.isGradEnabled()],
      ['setMultithreadingEnabled', autograd.setMultithreadingEnabled as never, () => native.isMultithreadingEnabled()],
      ...(hasSwitch ? [['enforceGradLayoutPolicy', autograd.enforceGradLayoutPolicy as never, () => native.isGradLayoutEnforcementEnabled()] as [string, never, () => boolean]] : []),
    ];
    for (const [name, set, get] of switches) {
      expect(get(), name).toBe(true);
      expect(set(false, () => get()), name).toBe(false);
      expect(get(), name).toBe(true);
      expect(() => set(false, () => { throw new Error('inside'); })).toThrow('inside');
      expect(get(), name).toBe(true);
      set(false);
      expect(get(), name).toBe(false);
      set(true);
      expect(get(), name).toBe(true);
      expect(() => set('no' as never), name).toThrow(TypeError);
      expect(get(), name).toBe(true);
    }
    autograd.enforceGradLayoutPolicy(false);
    autograd.enforceGradLayoutPolicy();   // Python's default: enable=True
    expect(native.isGradLayoutEnforcementEnabled()).toBe(true);
    expect(autograd.enforceGradLayoutPolicy(() => native.isGradLayoutEnforcementEnabled())).toBe(true);
  });

  it('backward without the engine threads gives the same gradients', () => {
    const x = torch.arange(6, { dtype: torch.float32 }).requiresGrad_();
    autograd.setMultithreadingEnabled(false, () => x.pow(2).sum().backward());
    expect(x.grad!.tolist()).toEqual([0, 2, 4, 6, 8, 10]);
  });
});

describe('torch.autograd.Variable (legacy)', () => {
  // Python 2.13: Variable(t) is a new leaf over t's data, requires_grad as given (default False); every Tensor is a Variable.
  it('wraps as Python does, with or without new', () => {
    const t = torch.ones(2);
    const v = autograd.Variable(t);
    expect([v === t, v.requiresGrad, v.isLeaf, v.gradFn]).toEqual([false, false, true, null]);
    v.add_(1);
    expect(t.tolist()).toEqual([2, 2]);   // the same data
    const w = new autograd.Variable(t, true);
    expect([w.requiresGrad, w.isLeaf, t.requiresGrad]).toEqual([true, true, false]);
    const a = torch.ones(2, { requiresGrad: true }).mul(2);
    const v3 = autograd.Variable(a, { requiresGrad: false });
    expect([v3.gradFn, v3.requiresGrad, v3.isLeaf]).toEqual([null, false, true]);
    expect(t instanceof autograd.Variable).toBe(true);
    expect(({}) instanceof autograd.Variable).toBe(false);
    expect(() => autograd.Variable(3 as never)).toThrow(new TypeError('Variable data has to be a tensor, but got int'));
  });
});
