// lrScheduler loadStateDict is all or nothing: a value of the wrong type is a TypeError at load naming
// its key, and the scheduler is left as it was. Python 2.13 loads such values (a plain __dict__.update)
// and fails later, at step(), or not at all; its output is quoted above each test (warnings ignored).
import { afterEach, describe, expect, it, vi } from 'vitest';

import * as torch from '../lib/index.js';
import { optim } from '../lib/index.js';

const { lrScheduler } = optim;
const mk = (options: { momentum?: number } = {}): optim.SGD => new optim.SGD([new torch.nn.Parameter(torch.ones(1))], { lr: 1, ...options });
const lr = (o: optim.Optimizer): unknown => o.paramGroups[0]!.lr;
// A state dict as a comparable value (MultiStepLR's Counter is a Map).
const snapshot = (s: optim.lrScheduler.LRScheduler): unknown => JSON.parse(JSON.stringify(s.stateDict(), (_, v: unknown) => (v instanceof Map ? [...v] : v)));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('lrScheduler loadStateDict refuses a wrong value before changing anything', () => {
  // o = SGD([Parameter(torch.ones(1))], lr=1); s = MultiStepLR(o, [2, 4], 0.1)
  // s.load_state_dict({'last_epoch': 10, 'milestones': None, 'gamma': 0.5})   # OK: last_epoch 10, gamma 0.5
  // o.step(); s.step()   # TypeError: argument of type 'NoneType' is not iterable
  it('MultiStepLR: milestones null', () => {
    const o = mk();
    const s = new lrScheduler.MultiStepLR(o, [2, 4], 0.1);
    const before = snapshot(s);
    expect(() => s.loadStateDict({ last_epoch: 10, milestones: null, gamma: 0.5 })).toThrow(
      new TypeError('MultiStepLR.loadStateDict: milestones must be a Counter (a Map or an object) of integer epochs to integer counts, got null'),
    );
    expect(snapshot(s)).toEqual(before);
    expect([s.lastEpoch, s.gamma]).toEqual([0, 0.1]);
    o.step();
    s.step();
    s.step();
    expect(lr(o)).toBeCloseTo(0.1, 15); // the milestones still work
  });

  // o = SGD(..., lr=1, momentum=0.9); s = OneCycleLR(o, 1, total_steps=10)
  // s.load_state_dict({'last_epoch': 7, '_schedule_phases': None, 'total_steps': 99})   # OK: last_epoch 7, total_steps 99
  // o.step(); s.step()   # TypeError: 'NoneType' object is not iterable
  it('OneCycleLR: _schedule_phases null', () => {
    const o = mk({ momentum: 0.9 });
    const s = new lrScheduler.OneCycleLR(o, 1, { totalSteps: 10 });
    const before = snapshot(s);
    expect(() => s.loadStateDict({ last_epoch: 7, _schedule_phases: null, total_steps: 99 })).toThrow(TypeError);
    expect(() => s.loadStateDict({ last_epoch: 7, _schedule_phases: null, total_steps: 99 })).toThrow(/^OneCycleLR\.loadStateDict: _schedule_phases must be a non-empty array of \{ end_step: number, .*got null$/);
    expect(snapshot(s)).toEqual(before);
    expect(s.stateDict()).toMatchObject({ last_epoch: 0, total_steps: 10 });
  });

  // o = SGD(..., lr=1); s = StepLR(o, 2)
  // s.load_state_dict({'last_epoch': 'x'})   # OK: last_epoch 'x'
  // o.step(); s.step()   # TypeError: can only concatenate str (not "int") to str
  it("StepLR: last_epoch 'x' (it was concatenated to 'x1', 'x11', ... with the lr frozen)", () => {
    const o = mk();
    const s = new lrScheduler.StepLR(o, 2);
    expect(() => s.loadStateDict({ last_epoch: 'x' })).toThrow(new TypeError("StepLR.loadStateDict: last_epoch must be a number, got 'x'"));
    expect(s.lastEpoch).toBe(0);
    o.step();
    s.step();
    s.step();
    expect([s.lastEpoch, lr(o)]).toEqual([2, 0.1]);
  });

  // o = SGD(..., lr=1); s = ExponentialLR(o, 0.5)
  // s.load_state_dict({'gamma': '0.5'}); o.step(); s.step(); print(repr(o.param_groups[0]['lr']))   # '0.5' (1 * '0.5': the lr is a str)
  // s = StepLR(o, 2); s.load_state_dict({'_step_count': None}); o.step(); s.step()
  // # TypeError: unsupported operand type(s) for +=: 'NoneType' and 'int'
  it('a number key of the wrong type: gamma, _step_count, and the numeric keys of every scheduler', () => {
    const o = mk();
    const s = new lrScheduler.ExponentialLR(o, 0.5);
    expect(() => s.loadStateDict({ gamma: '0.5' })).toThrow(new TypeError("ExponentialLR.loadStateDict: gamma must be a number, got '0.5'"));
    expect(s.gamma).toBe(0.5);
    const step = new lrScheduler.StepLR(mk(), 2);
    expect(() => step.loadStateDict({ _step_count: null })).toThrow(new TypeError('StepLR.loadStateDict: _step_count must be an integer number, got null'));
    expect(() => step.loadStateDict({ step_size: [2] })).toThrow(new TypeError('StepLR.loadStateDict: step_size must be a number, got an array'));
    const cases: [optim.lrScheduler.LRScheduler, string][] = [
      [new lrScheduler.ConstantLR(mk()), 'total_iters'],
      [new lrScheduler.LinearLR(mk()), 'start_factor'],
      [new lrScheduler.PolynomialLR(mk()), 'power'],
      [new lrScheduler.CosineAnnealingLR(mk(), 10), 'T_max'],
      [new lrScheduler.CosineAnnealingWarmRestarts(mk(), 10), 'T_cur'],
      [new lrScheduler.CyclicLR(mk({ momentum: 0.9 }), 0.1, 1), 'step_ratio'],
      [new lrScheduler.OneCycleLR(mk({ momentum: 0.9 }), 1, 10), 'total_steps'],
      [new lrScheduler.ReduceLROnPlateau(mk()), 'num_bad_epochs'],
    ];
    for (const [sched, key] of cases) {
      const before = snapshot(sched);
      expect(() => sched.loadStateDict({ last_epoch: 3, [key]: '1' })).toThrow(new RegExp(`^${sched.constructor.name}\\.loadStateDict: ${key} must be an? (integer )?number, got '1'$`));
      expect(snapshot(sched)).toEqual(before);
    }
  });

  // o = SGD(..., lr=1); s = LambdaLR(o, lambda e: 0.5 ** e); sd = s.state_dict(); sd['base_lrs'] = ['1']
  // s.load_state_dict(sd)   # OK: base_lrs ['1']
  // o.step(); s.step()      # TypeError: can't multiply sequence by non-int of type 'float'
  // with sd['base_lrs'] = [torch.tensor(2, dtype=torch.float64)] instead: after o.step(); s.step()
  // o.param_groups[0]['lr'] and s.get_last_lr()[0] are tensor(1., dtype=torch.float64)
  it('base_lrs: an array of numbers or Tensors, one per param group', () => {
    const o = mk();
    const s = new lrScheduler.LambdaLR(o, (e) => 0.5 ** e);
    const what = 'LambdaLR.loadStateDict: base_lrs must be an array of numbers or Tensors, one per param group, got';
    expect(() => s.loadStateDict({ ...s.stateDict(), base_lrs: ['1'] })).toThrow(new TypeError(`${what} an array`));
    expect(() => s.loadStateDict({ ...s.stateDict(), base_lrs: [1, 1] })).toThrow(new TypeError(`${what} an array`));
    expect(() => s.loadStateDict({ ...s.stateDict(), base_lrs: 1 })).toThrow(new TypeError(`${what} 1`));
    expect(s.baseLrs).toEqual([1]);
    s.loadStateDict({ ...s.stateDict(), base_lrs: [torch.tensor(2, { dtype: torch.float64 })] }); // Tensor lrs, as a capturable optimizer's
    o.step();
    s.step();
    const groupLr = o.paramGroups[0]!.lr as torch.Tensor;
    expect([torch.isTensor(groupLr), String(groupLr.dtype), groupLr.item()]).toEqual([true, 'torch.float64', 1]);
  });

  // o = SGD(..., lr=1); s = ReduceLROnPlateau(o)
  // s.load_state_dict({'mode': 'sideways', 'patience': 99})   # ValueError: mode sideways is unknown!   (raised after the update: patience 99, mode 'sideways')
  it("ReduceLROnPlateau: Python's ValueError for an unknown mode, raised here before anything changes", () => {
    const s = new lrScheduler.ReduceLROnPlateau(mk());
    expect(() => s.loadStateDict({ mode: 'sideways', patience: 99 })).toThrow(new RangeError('ReduceLROnPlateau: mode sideways is unknown!'));
    expect(() => s.loadStateDict({ threshold_mode: 'far', patience: 99 })).toThrow(new RangeError('ReduceLROnPlateau: threshold mode far is unknown!'));
    expect([s.patience, s.mode, s.thresholdMode]).toEqual([10, 'min', 'rel']);
  });

  // o = SGD(..., lr=1); a = ConstantLR(o, 0.5, 2); b = ExponentialLR(o, 0.9); q = SequentialLR(o, [a, b], [2])
  // sd = q.state_dict(); sd['_milestones'] = None; q.load_state_dict(sd)   # OK: _milestones None
  // o.step(); q.step()   # TypeError: object of type 'NoneType' has no len()
  it('SequentialLR: a bad key of its own or of a child leaves every scheduler as it was', () => {
    const o = mk();
    const a = new lrScheduler.ConstantLR(o, 0.5, 2);
    const b = new lrScheduler.ExponentialLR(o, 0.9);
    const q = new lrScheduler.SequentialLR(o, [a, b], [2]);
    const before = [q, a, b].map(snapshot);
    const sd = q.stateDict() as { _schedulers: Record<string, unknown>[] };
    const changed = { ...sd, last_epoch: 5, _schedulers: [{ ...sd._schedulers[0], last_epoch: 5 }, { ...sd._schedulers[1], last_epoch: 5 }] };
    expect(() => q.loadStateDict({ ...changed, _milestones: null })).toThrow(new TypeError('SequentialLR.loadStateDict: _milestones must be an array of integer epochs, got null'));
    expect([q, a, b].map(snapshot)).toEqual(before);
    // the first child loads, the second fails: the first is put back
    expect(() => q.loadStateDict({ ...changed, _schedulers: [changed._schedulers[0], { ...changed._schedulers[1], gamma: null }] })).toThrow(
      new TypeError('ExponentialLR.loadStateDict: gamma must be a number, got null'),
    );
    expect([q, a, b].map(snapshot)).toEqual(before);
    q.loadStateDict(changed);
    expect([q, a, b].map((s) => s.lastEpoch)).toEqual([5, 5, 5]);
  });

  // o = SGD(..., lr=1); s = StepLR(o, 2, 0.5); o.step(); s.step(2.5); sd = s.state_dict()   # last_epoch 2.5
  // o2 = SGD(..., lr=1); s2 = StepLR(o2, 2, 0.5); s2.load_state_dict(sd); o2.step(); s2.step()
  // print(s2.last_epoch, o2.param_groups[0]['lr'])   # 3.5 1
  it("a fractional last_epoch from the deprecated step(epoch) still loads, as Python's does", () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const o = mk();
    const s = new lrScheduler.StepLR(o, 2, 0.5);
    o.step();
    s.step(2.5);
    const o2 = mk();
    const s2 = new lrScheduler.StepLR(o2, 2, 0.5);
    s2.loadStateDict(s.stateDict());
    o2.step();
    s2.step();
    expect([s2.lastEpoch, lr(o2)]).toEqual([3.5, 1]);
  });
});
