// optim.lrScheduler where Python torch 2.13 raises (test/fixtures/sched-errors.json from
// scripts/make-sched-fixtures.py): the same call raises (construction or which step), with Python's
// message (KeyError 'initial_lr', ZeroDivisionError, strict zip's ValueError), and leaves the groups and
// the schedulers' step counters as Python leaves them. Also a JS subclass's own fields in its state dict.
import { readFileSync } from 'node:fs';

import { afterEach, describe, expect, it, vi } from 'vitest';

import * as torch from '../lib/index.js';
import { optim } from '../lib/index.js';
import { build, Halve, makeOptimizer, type AnyScheduler, type OptSpec, type SchedSpec } from './sched-cases.js';

const { lrScheduler } = optim;

type Op = ['sched', SchedSpec] | ['sequential', number[], number[]] | ['addGroup', Record<string, number>] | ['optStep'] | ['step', number, number?];
interface ErrorCase {
  name: string;
  ops: Op[];
  at: number;
  type: 'KeyError' | 'ZeroDivisionError' | 'ValueError';
  message: string;
  groups: { lr: number; momentum: number | null; initialLr: number | null }[];
  schedulers: { lastEpoch: number; stepCount: number | null }[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/sched-errors.json', import.meta.url), 'utf8')) as {
  cases: ErrorCase[];
  custom: { stateKeys: string[]; gamma: number; resumed: number[] };
};

const SGD1: OptSpec = { kind: 'SGD', groups: [{ lr: 0.1 }], options: { lr: 0.1, momentum: 0.9 } };
// JS error names of Python's exceptions (a ValueError is a RangeError, as elsewhere in lrScheduler).
const JS_NAME = { KeyError: 'KeyError', ZeroDivisionError: 'ZeroDivisionError', ValueError: 'RangeError' } as const;
// Node checks every CyclicLR argument before it changes the optimizer; Python has set the lrs to base_lr by then.
const GROUPS_DIFFER = new Set(['cyclic-step-sizes-0']);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('lrScheduler raises where PyTorch 2.13 raises', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: ${c.type} ${c.message}`, () => {
      vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      const opt = makeOptimizer(SGD1);
      const scheds: AnyScheduler[] = [];
      let at = -1;
      let error: unknown;
      for (const [i, op] of c.ops.entries()) {
        try {
          if (op[0] === 'sched') scheds.push(build(op[1], opt));
          else if (op[0] === 'sequential') scheds.push(new lrScheduler.SequentialLR(opt, op[1].map((k) => scheds[k]!), op[2]));
          else if (op[0] === 'addGroup') opt.addParamGroup({ params: [torch.zeros(1).requiresGrad_()], ...op[1] });
          else if (op[0] === 'optStep') opt.step();
          else scheds[op[1]]!.step(op[2]);
        } catch (e) {
          at = i;
          error = e;
          break;
        }
      }
      expect(at).toBe(c.at);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe(JS_NAME[c.type]);
      expect((error as Error).message).toBe(c.message);
      if (!GROUPS_DIFFER.has(c.name))
        expect(opt.paramGroups.map((g) => ({ lr: g.lr, momentum: g.momentum ?? null, initialLr: g.initialLr ?? null }))).toEqual(c.groups);
      expect(scheds.map((s) => s.lastEpoch)).toEqual(c.schedulers.map((s) => s.lastEpoch));
      c.schedulers.forEach((s, i) => {
        if (s.stepCount !== null) expect((scheds[i] as unknown as { _stepCount: number })._stepCount).toBe(s.stepCount);
      });
    });
  }
});

it('resuming with lastEpoch >= 0 from groups without initialLr is a KeyError, as in Python', () => {
  const opt = makeOptimizer(SGD1);
  let error: unknown;
  try {
    new lrScheduler.StepLR(opt, 2, 0.5, 3);
  } catch (e) {
    error = e;
  }
  expect((error as Error).name).toBe('KeyError');
  expect((error as Error).message).toMatch(/^StepLR: param 'initialLr' is not specified in paramGroups\[0\] when resuming scheduler with lastEpoch >= 0\./);
  expect(opt.paramGroups[0]!.initialLr).toBeUndefined();
});

describe('a JS subclass of LRScheduler saves and loads its own fields (Python: everything in __dict__ but the optimizer)', () => {
  const run = (s: Halve, opt: optim.Optimizer, n: number): number[] =>
    Array.from({ length: n }, () => {
      opt.step();
      s.step();
      return opt.paramGroups[0]!.lr as number;
    });

  it("Python's state dict keys, and Python's checkpoint loads the field back", () => {
    const opt = makeOptimizer(SGD1);
    const s = new Halve(opt, 0.5);
    run(s, opt, 2);
    s.gamma = 0.25;
    expect(Object.keys(s.stateDict())).toEqual(fixture.custom.stateKeys);
    expect(s.stateDict().gamma).toBe(0.25);
    const saved = torch.load(new URL('./fixtures/sched/custom-halve.pt', import.meta.url).pathname) as { optimizer: optim.OptimizerStateDict; scheduler: Record<string, unknown> };
    const opt2 = makeOptimizer(SGD1);
    const s2 = new Halve(opt2, 0.5);
    opt2.loadStateDict(saved.optimizer);
    s2.loadStateDict(saved.scheduler);
    expect(s2.gamma).toBe(fixture.custom.gamma);
    expect(run(s2, opt2, 3)).toEqual(fixture.custom.resumed);
  });

  it('a Node state dict round-trips through torch.save; fields set after initialize() come after the base keys', () => {
    const opt = makeOptimizer(SGD1);
    const s = new Halve(opt, 0.5);
    run(s, opt, 2);
    s.gamma = 0.25;
    const saved = torch.load(torch.save({ optimizer: opt.stateDict(), scheduler: s.stateDict() })!) as { optimizer: optim.OptimizerStateDict; scheduler: Record<string, unknown> };
    const opt2 = makeOptimizer(SGD1);
    const s2 = new Halve(opt2, 0.5);
    opt2.loadStateDict(saved.optimizer);
    s2.loadStateDict(saved.scheduler);
    expect(s2.gamma).toBe(0.25);
    expect(run(s2, opt2, 3)).toEqual(fixture.custom.resumed);

    class Late extends lrScheduler.LRScheduler {
      declare note: string;
      constructor(optimizer: optim.Optimizer) {
        super(optimizer, -1);
        this.note = 'after';
      }
      override getLr(): number[] {
        return this.baseLrs as number[];
      }
    }
    const late = new Late(makeOptimizer(SGD1));
    expect(Object.keys(late.stateDict())).toEqual([...fixture.custom.stateKeys.slice(1), 'note']);
    late.loadStateDict({ ...late.stateDict(), note: 'loaded' });
    expect(late.note).toBe('loaded');
  });
});
