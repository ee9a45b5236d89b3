// optim.lrScheduler against Python torch 2.13 (test/fixtures/sched.json from
// scripts/make-sched-fixtures.py): every scheduler's lr (and cycled momentum) sequence bit-exact,
// Python's half-way state dicts (test/fixtures/sched/<case>.pt) resume here, a Node state dict
// round-trips through torch.save/torch.load, Python's warnings, and bad input.
import { afterEach, describe, expect, it, vi } from 'vitest';

import * as torch from '../lib/index.js';
import { optim } from '../lib/index.js';
import { fixture, groupLrs, Halve, makeOptimizer, momenta, ptPath, setup, stepAll } from './sched-cases.js';

const { lrScheduler } = optim;

// The fixtures step epoch-wise on purpose, the warnings are tested below.
afterEach(() => {
  vi.restoreAllMocks();
});

describe('lrScheduler sequences match PyTorch 2.13 bit for bit', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      const { opt, scheds } = setup(c);
      const lrs = [groupLrs(opt)];
      const moms = [momenta(opt)];
      const last = [scheds.map((s) => s.getLastLr() as number[])];
      for (let i = 0; i < c.steps; i++) {
        opt.step();
        stepAll(scheds, c, i);
        lrs.push(groupLrs(opt));
        moms.push(momenta(opt));
        last.push(scheds.map((s) => s.getLastLr() as number[]));
        if (i + 1 === c.half) expect(scheds.map((s) => Object.keys(s.stateDict()))).toEqual(c.stateKeys);
      }
      expect(lrs).toEqual(c.lrs);
      expect(moms).toEqual(c.momenta);
      expect(last).toEqual(c.lastLr);
    });
  }
});

describe('lrScheduler state dicts', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: Python's half-way state dict resumes here`, () => {
      vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      const { opt, scheds } = setup(c);
      const saved = torch.load(ptPath(c.name)) as { optimizer: optim.OptimizerStateDict; schedulers: Record<string, unknown>[] };
      opt.loadStateDict(saved.optimizer);
      scheds.forEach((s, i) => s.loadStateDict(saved.schedulers[i]!));
      const resumed: number[][] = [];
      for (let i = c.half; i < c.steps; i++) {
        opt.step();
        stepAll(scheds, c, i);
        resumed.push(groupLrs(opt));
      }
      expect(resumed).toEqual(c.resumed);
    });

    it(`${c.name}: a Node state dict round-trips through torch.save`, () => {
      vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      const first = setup(c);
      for (let i = 0; i < c.half; i++) {
        first.opt.step();
        stepAll(first.scheds, c, i);
      }
      const bytes = torch.save({ optimizer: first.opt.stateDict(), schedulers: first.scheds.map((s) => s.stateDict()) })!;
      const saved = torch.load(bytes) as { optimizer: optim.OptimizerStateDict; schedulers: Record<string, unknown>[] };
      const { opt, scheds } = setup(c);
      opt.loadStateDict(saved.optimizer);
      scheds.forEach((s, i) => s.loadStateDict(saved.schedulers[i]!));
      const resumed: number[][] = [];
      for (let i = c.half; i < c.steps; i++) {
        opt.step();
        stepAll(scheds, c, i);
        resumed.push(groupLrs(opt));
      }
      expect(resumed).toEqual(c.resumed);
    });
  }

  it('Python state dict keys are snake_case and lambdas are skipped', () => {
    const opt = makeOptimizer({ kind: 'SGD', groups: [{ lr: 0.1 }, { lr: 0.2 }] });
    const s = new lrScheduler.LambdaLR(opt, (e) => 1 / (e + 1));
    const sd = s.stateDict();
    expect(sd.lr_lambdas).toEqual([null, null]);
    expect(sd.base_lrs).toEqual([0.1, 0.2]);
    expect(opt.paramGroups[0]!.initialLr).toBe(0.1);
    expect(opt.stateDict().param_groups[0]!.initial_lr).toBe(0.1);
  });
});

describe('lrScheduler API', () => {
  const opt2 = (): optim.Optimizer => makeOptimizer({ kind: 'SGD', groups: [{ lr: 0.1 }, { lr: 0.2 }], options: { momentum: 0.9 } });

  it('positional arguments in Python order equal the options object', () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const a = opt2(), b = opt2();
    const s1 = new lrScheduler.StepLR(a, 3, 0.5);
    const s2 = new lrScheduler.StepLR(b, { stepSize: 3, gamma: 0.5 });
    const s3 = new lrScheduler.StepLR(opt2(), 3, { gamma: 0.5 });
    for (let i = 0; i < 7; i++) [s1, s2, s3].forEach((s) => s.step());
    expect(s1.getLastLr()).toEqual(s2.getLastLr());
    expect(s1.getLastLr()).toEqual(s3.getLastLr());
    expect(s1.getLastLr()).toEqual([0.1 * 0.5 * 0.5, 0.2 * 0.5 * 0.5]);
  });

  it('warns when scheduler.step() comes before optimizer.step(), and for getLr() outside step', () => {
    const messages: string[] = [];
    vi.spyOn(process, 'emitWarning').mockImplementation((m) => void messages.push(String(m)));
    const opt = opt2();
    const s = new lrScheduler.ExponentialLR(opt, 0.9);
    s.step();
    expect(messages.some((m) => m.includes('Detected call of `lr_scheduler.step()` before `optimizer.step()`'))).toBe(true);
    s.getLr();
    expect(messages.some((m) => m.includes('getLastLr()'))).toBe(true);
    const opt3 = opt2();
    const t = new lrScheduler.StepLR(opt3, 2);
    opt3.step();
    messages.length = 0;
    t.step();
    expect(messages).toEqual([]);
    t.step(5);
    expect(messages.some((m) => m.includes('The epoch parameter in `scheduler.step()`'))).toBe(true);
    // closed form: gamma ** (5 // 2) from the initial lrs
    expect(t.getLastLr()).toEqual([0.1 * 0.1 ** 2, 0.2 * 0.1 ** 2]);
  });

  it('warns when optimizer.step was replaced after the scheduler was made', () => {
    const messages: string[] = [];
    vi.spyOn(process, 'emitWarning').mockImplementation((m) => void messages.push(String(m)));
    const opt = opt2();
    const s = new lrScheduler.StepLR(opt, 2);
    opt.step = () => undefined;
    s.step();
    expect(messages.some((m) => m.includes('Seems like `optimizer.step()` has been overridden'))).toBe(true);
  });

  it('a Tensor lr is filled in place', () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const lr = torch.tensor(0.1, { dtype: torch.float64 });
    const opt = new optim.SGD([torch.zeros(2).requiresGrad_()], { lr });
    const s = new lrScheduler.StepLR(opt, 1, 0.5);
    expect(opt.paramGroups[0]!.initialLr).not.toBe(lr);
    s.step();
    s.step();
    expect(opt.paramGroups[0]!.lr).toBe(lr);
    expect(lr.item()).toBe(0.025);
    expect((s.getLastLr()[0] as torch.Tensor).item()).toBe(0.025);
  });

  it('ReduceLROnPlateau takes a one-element tensor metric', () => {
    const opt = opt2();
    const s = new lrScheduler.ReduceLROnPlateau(opt, { patience: 0 });
    s.step(torch.tensor(1.0));
    s.step(torch.tensor(2.0));
    expect(s.getLastLr()).toEqual([0.1 * 0.1, 0.2 * 0.1]);
  });

  it('a JS subclass of LRScheduler sets its fields, then initialize(lastEpoch)', () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const opt = opt2();
    const s = new Halve(opt, 0.5);
    const seen = [s.getLastLr()];
    for (let i = 0; i < 4; i++) {
      opt.step();
      s.step();
      seen.push(s.getLastLr());
    }
    expect(seen).toEqual([[0.1, 0.2], [0.05, 0.1], [0.025, 0.05], [0.0125, 0.025], [0.00625, 0.0125]]);
    // Python's __dict__: the subclass's own field (set before super().__init__) first
    expect(Object.keys(s.stateDict())).toEqual(['gamma', 'base_lrs', 'last_epoch', '_step_count', '_is_initial', '_get_lr_called_within_step', '_last_lr']);
  });

  // Python: class Half(LRScheduler): __init__ calls super().__init__(o) and is set up at once. A JS subclass's fields
  // come after super(), so it calls initialize(); one that does neither says so at its first step, not with a zip() error.
  it('a JS subclass that never called initialize() says so at step()', () => {
    class Half extends lrScheduler.LRScheduler {
      override getLr(): number[] {
        return this.baseLrs.map((b) => (b as number) * 0.5 ** (this.lastEpoch + 1));
      }
    }
    const opt = opt2();
    const s = new Half(opt);
    opt.step();
    expect(() => s.step()).toThrow(/^Half\.step: the scheduler was never initialized; a JS subclass calls this\.initialize\(lastEpoch\)/);
    const ready = new Half(opt, -1); // Python: get_last_lr() [0.05, 0.1], after a step [0.025, 0.05]
    expect(ready.getLastLr()).toEqual([0.05, 0.1]);
    opt.step();
    ready.step();
    expect(ready.getLastLr()).toEqual([0.025, 0.05]);
  });

  // Python: SequentialLR(...).step(3) and ChainedScheduler(...).step(3) → TypeError "X.step() takes 1 positional
  // argument but 2 were given"; ChainedScheduler([]) → "ChainedScheduler expects at least one scheduler to be chained, …".
  it('SequentialLR and ChainedScheduler refuse an epoch; an empty ChainedScheduler says "to be chained"', () => {
    const opt = opt2();
    const seq = new lrScheduler.SequentialLR(opt, [new lrScheduler.ConstantLR(opt), new lrScheduler.ExponentialLR(opt, 0.9)], [2]);
    const chained = new lrScheduler.ChainedScheduler([new lrScheduler.ExponentialLR(opt, 0.9)]);
    const before = [seq.lastEpoch, seq.getLastLr(), chained.getLastLr()];
    expect(() => (seq.step as (e: number) => void)(3)).toThrow(new TypeError('SequentialLR.step() takes 1 positional argument but 2 were given'));
    expect(() => (chained.step as (e: number) => void)(3)).toThrow(new TypeError('ChainedScheduler.step() takes 1 positional argument but 2 were given'));
    expect([seq.lastEpoch, seq.getLastLr(), chained.getLastLr()]).toEqual(before);
    expect(() => new lrScheduler.ChainedScheduler([])).toThrow('ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.');
  });

  // Python: torch.load of a JS-saved MultiStepLR state dict gives milestones as collections.Counter, so step(epoch)'s
  // closed form (milestones.elements()) works; a dict made it fail. Checked with Python reading the file.
  it("MultiStepLR's milestones save as Python's Counter", () => {
    const opt = opt2();
    const s = new lrScheduler.MultiStepLR(opt, [2, 2, 5]);
    const bytes = torch.save({ sched: s.stateDict() })!;
    expect(bytes.includes(Buffer.from('collections\nCounter'))).toBe(true);
    const back = torch.load(bytes) as { sched: Record<string, unknown> };
    expect(back.sched.milestones).toEqual({ 2: 2, 5: 1 });
    expect(torch.save(back)!.includes(Buffer.from('collections\nCounter'))).toBe(true); // a loaded Counter saves as one again
  });

  // o = SGD([torch.zeros(1, requires_grad=True)], lr=1); s = MultiStepLR(o, [5, 2, 2], gamma=0.5)
  // the lr before each of 7 steps -> [1, 1, 0.25, 0.25, 0.25, 0.125, 0.125]; s.milestones Counter({2: 2, 5: 1})
  it('MultiStepLR takes milestones in any order, as a Counter', () => {
    const o = new optim.SGD([torch.zeros(1, { requiresGrad: true })], { lr: 1 });
    const s = new lrScheduler.MultiStepLR(o, [5, 2, 2], 0.5);
    const lrs: number[] = [];
    for (let i = 0; i < 7; i++) {
      lrs.push(o.paramGroups[0]!.lr as number);
      o.step();
      s.step();
    }
    expect(lrs).toEqual([1, 1, 0.25, 0.25, 0.25, 0.125, 0.125]);
    expect([...s.milestones]).toEqual([[5, 1], [2, 2]]);
  });

  it('lastEpoch >= 0 needs initialLr in the groups', () => {
    expect(() => new lrScheduler.StepLR(opt2(), 3, 0.1, 5)).toThrow(/initialLr/);
  });
});

describe('lrScheduler bad input', () => {
  const opt = (): optim.Optimizer => makeOptimizer({ kind: 'SGD', groups: [{ lr: 0.1 }, { lr: 0.2 }], options: { momentum: 0.9 } });
  const cases: [string, () => unknown, RegExp][] = [
    ['unknown option', () => new lrScheduler.StepLR(opt(), { stepSize: 3, gama: 0.1 } as never), /gama/],
    ['snake_case option', () => new lrScheduler.StepLR(opt(), { step_size: 3 } as never), /step_size/],
    ['missing stepSize', () => new lrScheduler.StepLR(opt(), {}), /missing required argument 'stepSize'/],
    ['missing maxLr', () => new lrScheduler.OneCycleLR(opt(), { totalSteps: 10 }), /missing required argument 'maxLr'/],
    ['missing totalSteps', () => new lrScheduler.OneCycleLR(opt(), 0.1), /totalSteps OR \(epochs AND stepsPerEpoch\)/],
    ['not an optimizer', () => new lrScheduler.StepLR({ paramGroups: [] } as never, 3), /is not an Optimizer/],
    ['sequential milestones not increasing', () => { const o = opt(); return new lrScheduler.SequentialLR(o, [new lrScheduler.ConstantLR(o), new lrScheduler.ConstantLR(o), new lrScheduler.ConstantLR(o)], [10, 5]); }, /milestones must be increasing/],
    ['sequential milestone count', () => { const o = opt(); return new lrScheduler.SequentialLR(o, [new lrScheduler.ConstantLR(o)], [10]); }, /one more than the number of milestone points/],
    ['sequential other optimizer', () => new lrScheduler.SequentialLR(opt(), [new lrScheduler.ConstantLR(opt())], []), /same optimizer/],
    ['sequential plateau', () => { const o = opt(); return new lrScheduler.SequentialLR(o, [new lrScheduler.ReduceLROnPlateau(o)], []); }, /does not support `ReduceLROnPlateau`/],
    ['chained empty', () => new lrScheduler.ChainedScheduler([]), /at least one scheduler/],
    ['constant factor', () => new lrScheduler.ConstantLR(opt(), 1.5), /between 0 and 1/],
    ['linear start factor', () => new lrScheduler.LinearLR(opt(), 0), /greater than 0/],
    ['lambda count', () => new lrScheduler.LambdaLR(opt(), [(e: number) => e]), /Expected 2 lr_lambdas, but got 1/],
    ['lambda not a function', () => new lrScheduler.MultiplicativeLR(opt(), 3 as never), /should be a function/],
    ['warm restarts t0', () => new lrScheduler.CosineAnnealingWarmRestarts(opt(), 0), /positive integer t0/],
    ['warm restarts tMult', () => new lrScheduler.CosineAnnealingWarmRestarts(opt(), 5, 1.5), /tMult >= 1/],
    ['warm restarts negative epoch', () => new lrScheduler.CosineAnnealingWarmRestarts(opt(), 5).step(-1), /non-negative epoch/],
    ['cyclic bad mode', () => new lrScheduler.CyclicLR(opt(), 0.01, 0.1, { mode: 'square' as never }), /mode is invalid/],
    ['cyclic maxLr count', () => new lrScheduler.CyclicLR(opt(), 0.01, [0.1, 0.2, 0.3]), /maxLr must have the same length/],
    ['cyclic momentum without momentum', () => new lrScheduler.CyclicLR(new (class extends optim.Optimizer { constructor() { super([torch.zeros(1).requiresGrad_()], { lr: 0.1 }); } })(), 0.01, 0.1), /must support momentum or beta1/],
    ['onecycle pctStart', () => new lrScheduler.OneCycleLR(opt(), 0.1, { totalSteps: 10, pctStart: 1.5 }), /between 0 and 1 pctStart/],
    ['onecycle anneal', () => new lrScheduler.OneCycleLR(opt(), 0.1, { totalSteps: 10, annealStrategy: 'exp' as never }), /'cos' or 'linear'/],
    ['onecycle too many steps', () => { const o = opt(); const s = new lrScheduler.OneCycleLR(o, 0.1, 3); for (let i = 0; i < 4; i++) s.step(); }, /Tried to step 4 times/],
    ['plateau factor', () => new lrScheduler.ReduceLROnPlateau(opt(), { factor: 1.0 }), /Factor should be < 1.0/],
    ['plateau mode', () => new lrScheduler.ReduceLROnPlateau(opt(), { mode: 'avg' as never }), /mode avg is unknown/],
    ['plateau threshold mode', () => new lrScheduler.ReduceLROnPlateau(opt(), { thresholdMode: 'pct' as never }), /threshold mode pct is unknown/],
    ['plateau minLr count', () => new lrScheduler.ReduceLROnPlateau(opt(), { minLr: [0, 0, 0] }), /expected 2 min_lrs, got 3/],
    ['plateau metric', () => new lrScheduler.ReduceLROnPlateau(opt()).step('low' as never), /metrics must be a number/],
    ['too many arguments', () => new (lrScheduler.ExponentialLR as unknown as new (...a: unknown[]) => unknown)(opt(), 0.9, -1, 3), /at most 2 arguments/],
    ['argument twice', () => new lrScheduler.StepLR(opt(), 3, { stepSize: 4 } as never), /multiple values for argument 'stepSize'/],
  ];
  for (const [name, fn, message] of cases) {
    it(name, () => {
      vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      expect(fn).toThrow(message);
    });
  }

  it('a failed constructor leaves the optimizer as it was', () => {
    const o = opt();
    const before = JSON.stringify(o.paramGroups.map(({ params: _p, ...rest }) => rest));
    expect(() => new lrScheduler.CyclicLR(o, 0.01, [0.1, 0.2, 0.3])).toThrow();
    expect(() => new lrScheduler.OneCycleLR(o, 0.1, { totalSteps: 10, pctStart: 2 })).toThrow();
    expect(JSON.stringify(o.paramGroups.map(({ params: _p, ...rest }) => rest))).toBe(before);
  });
});

