// Optimizer and lrScheduler state dict edges against PyTorch 2.13: SWALR's and the composite schedulers'
// loads are all or nothing (Python loads any value and fails later, at step(); its output is quoted),
// an optimizer keeps the state of ids it has no parameter for, and the cosine schedules compute a
// Tensor lr in its own dtype. Python run with warnings ignored.
import { afterEach, describe, expect, it, vi } from 'vitest';

import * as torch from '../lib/index.js';
import { optim, type Tensor } from '../lib/index.js';

const { lrScheduler, swaUtils } = optim;
const mk = (): optim.SGD => new optim.SGD([new torch.nn.Parameter(torch.ones(1))], { lr: 1 });
const snapshot = (s: optim.lrScheduler.LRScheduler): unknown => JSON.parse(JSON.stringify(s.stateDict()));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('SWALR.loadStateDict checks every value', () => {
  // p = Parameter(torch.zeros(2)); opt = SGD([p], lr=0.1)
  // s = SWALR(opt, swa_lr=0.05, anneal_epochs=3, anneal_strategy='linear'); opt.step(); s.step()
  // print(s.state_dict())
  //   {'_anneal_strategy': 'linear', 'anneal_epochs': 3, 'base_lrs': [0.1], 'last_epoch': 1, '_step_count': 2,
  //    '_is_initial': False, '_get_lr_called_within_step': False, '_last_lr': [0.08333333333333334]}
  const saved = (): Record<string, unknown> => {
    const o = new optim.SGD([new torch.nn.Parameter(torch.zeros(2))], { lr: 0.1 });
    const s = new swaUtils.SWALR(o, 0.05, 3, 'linear');
    o.step();
    s.step();
    return s.stateDict();
  };

  it("holds Python's keys", () => {
    expect(saved()).toEqual({ _anneal_strategy: 'linear', anneal_epochs: 3, base_lrs: [0.1], last_epoch: 1, _step_count: 2, _is_initial: false, _get_lr_called_within_step: false, _last_lr: [0.08333333333333334] });
  });

  // s2 = SWALR(opt2, 0.05, 3, 'cos'); s2.load_state_dict({**sd, 'anneal_epochs': 'x'})   # loads
  // opt2.step(); s2.step()   # TypeError: '>' not supported between instances of 'str' and 'int'
  it('refuses anneal_epochs "x" and changes nothing', () => {
    const s = new swaUtils.SWALR(mk(), 0.05, 3, 'cos');
    const before = snapshot(s);
    expect(() => s.loadStateDict({ ...saved(), anneal_epochs: 'x' })).toThrow(new TypeError("SWALR.loadStateDict: anneal_epochs must be an integer >= 0, got 'x'"));
    expect(snapshot(s)).toEqual(before);
  });

  // s2.load_state_dict({**sd, '_anneal_strategy': 'exp'})   # loads; s2._anneal_strategy == 'exp'
  it('refuses an unknown _anneal_strategy and changes nothing', () => {
    const s = new swaUtils.SWALR(mk(), 0.05, 3, 'cos');
    const before = snapshot(s);
    expect(() => s.loadStateDict({ ...saved(), _anneal_strategy: 'exp' })).toThrow(new TypeError("SWALR.loadStateDict: _anneal_strategy must be one of 'cos', 'linear', got 'exp'"));
    expect(snapshot(s)).toEqual(before);
  });

  it('loads a good state dict', () => {
    const s = new swaUtils.SWALR(mk(), 0.05, 10, 'cos');
    s.loadStateDict(saved());
    expect(s.stateDict()).toEqual(saved());
  });
});

describe('composite schedulers load all or nothing', () => {
  // o = SGD([Parameter(torch.ones(1))], lr=1)
  // s = SequentialLR(o, [ConstantLR(o, factor=0.5, total_iters=2), ExponentialLR(o, gamma=0.9)], milestones=[2])
  // sd = s.state_dict(); sd['last_epoch'] = 7; sd['_schedulers'][0]['foo'] = 1; sd['_schedulers'][1]['gamma'] = 'x'
  // s.load_state_dict(sd); print(s.last_epoch, s._schedulers[0].foo, s._schedulers[1].gamma)   # 7 1 x
  // o.step(); s.step()   # TypeError: can't multiply sequence by non-int of type 'float'
  it('SequentialLR: a bad second child leaves itself and the first child as they were', () => {
    const o = mk();
    const s = new lrScheduler.SequentialLR(o, [new lrScheduler.ConstantLR(o, { factor: 0.5, totalIters: 2 }), new lrScheduler.ExponentialLR(o, 0.9)], [2]);
    const before = snapshot(s);
    const sd = s.stateDict();
    const children = sd._schedulers as Record<string, unknown>[];
    const bad = { ...sd, last_epoch: 7, _schedulers: [{ ...children[0], foo: 1 }, { ...children[1], gamma: 'x' }] };
    expect(() => s.loadStateDict(bad)).toThrow(new TypeError("ExponentialLR.loadStateDict: gamma must be a number, got 'x'"));
    expect(snapshot(s)).toEqual(before);
  });

  // c = ChainedScheduler([ConstantLR(o, factor=0.5, total_iters=2), ExponentialLR(o, gamma=0.9)])
  // sd = c.state_dict(); sd['_schedulers'][0]['foo'] = 1; sd['_schedulers'][1]['gamma'] = 'x'
  // c.load_state_dict(sd); print(c._schedulers[0].foo, c._schedulers[1].gamma)   # 1 x
  // o.step(); c.step()   # TypeError: can't multiply sequence by non-int of type 'float'
  it('ChainedScheduler: a bad second child leaves the first as it was', () => {
    const o = mk();
    const c = new lrScheduler.ChainedScheduler([new lrScheduler.ConstantLR(o, { factor: 0.5, totalIters: 2 }), new lrScheduler.ExponentialLR(o, 0.9)]);
    const before = snapshot(c);
    const sd = c.stateDict();
    const children = sd._schedulers as Record<string, unknown>[];
    expect(() => c.loadStateDict({ ...sd, _schedulers: [{ ...children[0], foo: 1 }, { ...children[1], gamma: 'x' }] })).toThrow(
      new TypeError("ExponentialLR.loadStateDict: gamma must be a number, got 'x'"),
    );
    expect(snapshot(c)).toEqual(before);
  });

  it('SequentialLR: a good state dict still loads into every child', () => {
    const o = mk();
    const s = new lrScheduler.SequentialLR(o, [new lrScheduler.ConstantLR(o, { factor: 0.5, totalIters: 2 }), new lrScheduler.ExponentialLR(o, 0.9)], [2]);
    const sd = s.stateDict();
    const children = sd._schedulers as Record<string, unknown>[];
    s.loadStateDict({ ...sd, last_epoch: 7, _schedulers: [{ ...children[0], foo: 1 }, { ...children[1], gamma: 0.5 }] });
    expect(s.lastEpoch).toBe(7);
    expect(s._schedulers[0]!.stateDict().foo).toBe(1);
    expect((s._schedulers[1] as optim.lrScheduler.ExponentialLR).gamma).toBe(0.5);
  });
});

describe('Optimizer.loadStateDict: state of ids with no parameter', () => {
  const twoParams = (): optim.SGD => {
    const a = new torch.nn.Parameter(torch.ones(2));
    const b = new torch.nn.Parameter(torch.ones(3));
    const o = new optim.SGD([a, b], { lr: 0.1, momentum: 0.9 });
    a.sum().add(b.sum()).backward();
    o.step();
    return o;
  };

  // sd = o.state_dict(); d = deepcopy(sd); d['state'][5] = d['state'][0]
  // o2.load_state_dict(d)   # no error
  // print(o2.state_dict()['state'].keys(), [type(k) for k in o2.state.keys()])
  //   dict_keys([0, 1, 5]) [<class 'torch.nn.parameter.Parameter'>, <class 'torch.nn.parameter.Parameter'>, <class 'int'>]
  it('keeps an extra id as saved and writes it back', () => {
    const sd = twoParams().stateDict();
    const o = twoParams();
    o.loadStateDict({ ...sd, state: { ...sd.state, 5: sd.state[0]! } });
    expect(o.state.size).toBe(2);
    expect(Object.keys(o.stateDict().state)).toEqual(['0', '1', '5']);
  });

  // d = deepcopy(sd); d['param_groups'][0]['params'] = [0, 7]
  // o2.load_state_dict(d)   # no error; len(o2.state) == 2 (a's state and int key 1; b has none)
  // print(o2.state_dict()['state'].keys(), o2.state_dict()['param_groups'][0]['params'])   # dict_keys([0, 1]) [0, 1]
  it('keeps the state of an id the groups do not list; the parameter matched to the unknown id gets none', () => {
    const sd = twoParams().stateDict();
    const o = twoParams();
    const b = o.paramGroups[0]!.params[1]!;
    o.loadStateDict({ ...sd, param_groups: [{ ...sd.param_groups[0], params: [0, 7] }] });
    expect(o.state.has(b)).toBe(false);
    const out = o.stateDict();
    expect(Object.keys(out.state)).toEqual(['0', '1']);
    expect(out.param_groups[0]!.params).toEqual([0, 1]);
  });
});

describe('cosine schedules with a float32 Tensor lr', () => {
  // p = Parameter(torch.zeros(2)); opt = SGD([p], lr=torch.tensor(0.01)); s = <scheduler>(opt)
  // for i in range(20): opt.step(); s.step(); lrs.append(opt.param_groups[0]['lr'].item())
  // group lr dtype torch.float32; get_last_lr()[0] is a float32 Tensor equal to the group's lr
  const run = (make: (o: optim.Optimizer) => optim.lrScheduler.LRScheduler): { lrs: number[]; last: number[]; dtypes: string[] } => {
    const o = new optim.SGD([new torch.nn.Parameter(torch.zeros(2))], { lr: torch.tensor(0.01) });
    const s = make(o);
    const lrs: number[] = [];
    const last: number[] = [];
    const dtypes = new Set<string>();
    for (let i = 0; i < 20; i++) {
      o.step();
      s.step();
      const lr = o.paramGroups[0]!.lr as Tensor;
      const lastLr = s.getLastLr()[0] as Tensor;
      lrs.push(Number(lr.item()));
      last.push(Number(lastLr.item()));
      dtypes.add(String(lr.dtype)).add(String(lastLr.dtype));
    }
    return { lrs, last, dtypes: [...dtypes] };
  };

  const cases: [string, (o: optim.Optimizer) => optim.lrScheduler.LRScheduler, number[]][] = [
    // CosineAnnealingLR(opt, T_max=7, eta_min=0.001)
    ['CosineAnnealingLR', (o) => new lrScheduler.CosineAnnealingLR(o, 7, 0.001), [
      0.009554360061883926, 0.008305704221129417, 0.006501344498246908, 0.004498655907809734, 0.0026942959520965815, 0.0014456401113420725, 0.0010000000474974513,
      0.0014456401113420725, 0.002694295719265938, 0.004498655442148447, 0.006501343566924334, 0.008305703289806843, 0.009554359130561352, 0.009999998845160007,
      0.009554359130561352, 0.008305703289806843, 0.006501343566924334, 0.004498655442148447, 0.002694295719265938, 0.0014456401113420725]],
    // CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.001)
    ['CosineAnnealingWarmRestarts', (o) => new lrScheduler.CosineAnnealingWarmRestarts(o, 3, 2, 0.001), [
      0.00774999987334013, 0.0032500000670552254, 0.009999999776482582, 0.009397114627063274, 0.00774999987334013, 0.005499999970197678, 0.0032500000670552254,
      0.0016028857789933681, 0.009999999776482582, 0.009846665896475315, 0.009397114627063274, 0.008681979961693287, 0.00774999987334013, 0.006664685904979706,
      0.005499999970197678, 0.004335314035415649, 0.0032500000670552254, 0.002318019513040781, 0.0016028857789933681, 0.0011533338110893965]],
  ];
  for (const [name, make, expected] of cases) {
    it(name, () => {
      vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      expect(run(make)).toEqual({ lrs: expected, last: expected, dtypes: ['torch.float32'] });
    });
  }
});
