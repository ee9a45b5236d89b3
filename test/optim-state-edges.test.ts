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

describe('schedules with a float32 Tensor lr compute in float32, as Python', () => {
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
    // StepLR(opt, 3, 0.7)
    ['StepLR', (o) => new lrScheduler.StepLR(o, 3, 0.7), [0.009999999776482582, 0.009999999776482582, 0.00699999975040555, 0.00699999975040555, 0.00699999975040555, 0.004899999592453241, 0.004899999592453241, 0.004899999592453241, 0.0034299995750188828, 0.0034299995750188828, 0.0034299995750188828, 0.002400999655947089, 0.002400999655947089, 0.002400999655947089, 0.0016806997591629624, 0.0016806997591629624, 0.0016806997591629624, 0.0011764898663386703, 0.0011764898663386703, 0.0011764898663386703]],
    // MultiStepLR(opt, [2, 5, 9], 0.3)
    ['MultiStepLR', (o) => new lrScheduler.MultiStepLR(o, [2, 5, 9], 0.3), [0.009999999776482582, 0.003000000026077032, 0.003000000026077032, 0.003000000026077032, 0.0009000000427477062, 0.0009000000427477062, 0.0009000000427477062, 0.0009000000427477062, 0.00027000001864507794, 0.00027000001864507794, 0.00027000001864507794, 0.00027000001864507794, 0.00027000001864507794, 0.00027000001864507794, 0.00027000001864507794, 0.00027000001864507794, 0.00027000001864507794, 0.00027000001864507794, 0.00027000001864507794, 0.00027000001864507794]],
    // ExponentialLR(opt, 0.93)
    ['ExponentialLR', (o) => new lrScheduler.ExponentialLR(o, 0.93), [0.00930000003427267, 0.008648999966681004, 0.008043570443987846, 0.0074805207550525665, 0.006956884171813726, 0.006469902116805315, 0.006017008796334267, 0.0055958181619644165, 0.005204110872000456, 0.004839823115617037, 0.004501035436987877, 0.0041859629563987255, 0.0038929455913603306, 0.0036204394418746233, 0.0033670086413621902, 0.00313131813891232, 0.0029121257830411196, 0.002708276966586709, 0.002518697641789913, 0.0023423887323588133]],
    // ConstantLR(opt, 0.37, 4)
    ['ConstantLR', (o) => new lrScheduler.ConstantLR(o, 0.37, 4), [0.003700000001117587, 0.003700000001117587, 0.003700000001117587, 0.009999999776482582, 0.009999999776482582, 0.009999999776482582, 0.009999999776482582, 0.009999999776482582, 0.009999999776482582, 0.009999999776482582, 0.009999999776482582, 0.009999999776482582, 0.009999999776482582, 0.009999999776482582, 0.009999999776482582, 0.009999999776482582, 0.009999999776482582, 0.009999999776482582, 0.009999999776482582, 0.009999999776482582]],
    // LinearLR(opt, 0.3, 0.9, 7)
    ['LinearLR', (o) => new lrScheduler.LinearLR(o, 0.3, 0.9, 7), [0.0038571427576243877, 0.004714285489171743, 0.005571428220719099, 0.006428570952266455, 0.00728571368381381, 0.008142856881022453, 0.008999999612569809, 0.008999999612569809, 0.008999999612569809, 0.008999999612569809, 0.008999999612569809, 0.008999999612569809, 0.008999999612569809, 0.008999999612569809, 0.008999999612569809, 0.008999999612569809, 0.008999999612569809, 0.008999999612569809, 0.008999999612569809, 0.008999999612569809]],
    // PolynomialLR(opt, 9, 1.7)
    ['PolynomialLR', (o) => new lrScheduler.PolynomialLR(o, 9, 1.7), [0.008185415528714657, 0.0065231057815253735, 0.005019320175051689, 0.0036816017236560583, 0.0025193574838340282, 0.001544877071864903, 0.0007754231919534504, 0.00023866449191700667, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]],
    // LambdaLR(opt, lambda e: 0.97 ** e)
    ['LambdaLR', (o) => new lrScheduler.LambdaLR(o, (e: number) => 0.97 ** e), [0.009700000286102295, 0.009409000165760517, 0.00912672933191061, 0.008852927945554256, 0.008587339892983437, 0.008329719305038452, 0.008079828694462776, 0.007837433367967606, 0.007602310739457607, 0.007374241016805172, 0.007153013721108437, 0.006938423495739698, 0.00673027103766799, 0.0065283626317977905, 0.00633251154795289, 0.006142536178231239, 0.005958260037004948, 0.0057795122265815735, 0.0056061274372041225, 0.005437943153083324]],
    // MultiplicativeLR(opt, lambda e: 0.91)
    ['MultiplicativeLR', (o) => new lrScheduler.MultiplicativeLR(o, () => 0.91), [0.009100000374019146, 0.008281000889837742, 0.00753571093082428, 0.006857497151941061, 0.006240322720259428, 0.005678693763911724, 0.005167611408978701, 0.004702526610344648, 0.004279299173504114, 0.0038941623643040657, 0.0035436877515167, 0.003224755870178342, 0.0029345278162509203, 0.0026704203337430954, 0.002430082531645894, 0.0022113751620054245, 0.0020123515278100967, 0.0018312399042770267, 0.0016664284048601985, 0.0015164498472586274]],
  ];
  for (const [name, make, expected] of cases) {
    it(name, () => {
      vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      expect(run(make)).toEqual({ lrs: expected, last: expected, dtypes: ['torch.float32'] });
    });
  }
});
