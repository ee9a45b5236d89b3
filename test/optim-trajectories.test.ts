// Every optimizer against Python torch 2.13, step for step: the trajectories of
// test/fixtures/optim-*.json (scripts/make-optim-*-fixtures.py through scripts/optim_fixtures.py)
// replayed bit-exact; a mid-run save and resume through torch.save/torch.load gives the uninterrupted
// trajectory; and Python's own half-way state_dict (test/fixtures/optim/<case>.pt) resumes here.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';
import { optim, type Tensor } from '../lib/index.js';
import { build, decode, fixtureDir, LOSS_EVERY, makeTensor, optimFixtures, PARAM_NAMES, run, setup, valuesOf, type TrajectoryCase } from './optim-harness.js';

function expectSameState(a: unknown, b: unknown, where: string): void {
  if (torch.isTensor(a) || torch.isTensor(b)) {
    expect(torch.isTensor(a) && torch.isTensor(b) && torch.equal(a.toDense(), b.toDense()), where).toBe(true);
    return;
  }
  if (a !== null && typeof a === 'object' && b !== null && typeof b === 'object') {
    expect(Object.keys(a), where).toEqual(Object.keys(b));
    for (const k of Object.keys(a)) expectSameState((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`);
    return;
  }
  expect(a, where).toEqual(b);
}

function expectParams(c: TrajectoryCase, params: Tensor[], step: number): void {
  const want = c.snapshots[String(step)]!;
  params.forEach((p, i) => {
    const expected = makeTensor(want[i]!);
    if (c.tol) torch.testing.assertClose(p, expected, { ...c.tol, msg: (m: string) => `${c.name}: ${PARAM_NAMES[i]} after step ${step}: ${m}` });
    else expect(valuesOf(p), `${c.name}: ${PARAM_NAMES[i] ?? 'param'} after step ${step}`).toEqual(valuesOf(expected));
  });
}

for (const [file, fx] of optimFixtures()) {
  describe(file, () => {
    it('comes from the PyTorch release it is checked against', () => {
      expect(torch.buildInfo().torchVersion.split('.').slice(0, 2)).toEqual(fx.meta.torch.split('.').slice(0, 2));
    });
    for (const c of fx.cases) {
      const half = Math.floor(c.steps / 2);
      it(`${c.name}: ${c.steps} steps as Python`, () => {
        const { params, x, y } = setup(fx, c);
        const opt = build(c, params);
        const losses = run(c, opt, params, x, y, 0, c.steps).filter((_, i) => i < 10 || (i + 1) % LOSS_EVERY === 0);
        if (c.tol) losses.forEach((l, i) => expect(l).toBeCloseTo(decode(c.losses[i]!) as number, 10));
        else expect(losses).toEqual(c.losses.map(decode));
        expectParams(c, params, c.steps);
      });
      it(`${c.name}: saved at step ${half} with torch.save and resumed, it continues as if uninterrupted`, () => {
        const { params, x, y } = setup(fx, c);
        const first = build(c, params);
        run(c, first, params, x, y, 0, half);
        const sd = first.stateDict();
        // scripts/check-node-optim.py resumed the committed copy in Python: it must be what Node writes today
        const committed = new URL(`optim/node/${c.name}.pt`, fixtureDir).pathname;
        if (existsSync(committed)) expectSameState(torch.load(committed), sd, c.name);
        const saved = torch.save(sd)!;
        first.dispose();
        const resumed = build(c, params);
        resumed.loadStateDict(torch.load(saved) as optim.OptimizerStateDict);
        run(c, resumed, params, x, y, half, c.steps);
        expectParams(c, params, c.steps);
      });
      it(`${c.name}: Python's state_dict at step ${half} resumes here`, () => {
        const { params, x, y } = setup(fx, c, half);
        const opt = build(c, params);
        opt.loadStateDict(torch.load(new URL(`optim/${c.name}.pt`, fixtureDir).pathname) as optim.OptimizerStateDict);
        run(c, opt, params, x, y, half, c.steps);
        expectParams(c, params, c.steps);
      });
    }
  });
}
