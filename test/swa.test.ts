// optim.swaUtils against Python torch 2.13 (test/fixtures/sched/swa.pt from
// scripts/make-sched-fixtures.py): AveragedModel (SWA and EMA, avgFn and multiAvgFn, useBuffers)
// averaged over the same weight snapshots, then updateBn over the same batches, bit-exact.
// SWALR's lr sequences are in test/sched.test.ts (sched.json cases swalr-*).
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

import * as torch from '../lib/index.js';
import { nn, optim, type Tensor } from '../lib/index.js';

const { swaUtils } = optim;

class Net extends nn.Module {
  fc1 = new nn.Linear(3, 5);
  bn = new nn.BatchNorm1d(5);
  fc2 = new nn.Linear(5, 2);

  override forward(x: Tensor): Tensor {
    return this.fc2.call(torch.relu(this.bn.call(this.fc1.call(x))));
  }
}

type StateDict = Record<string, Tensor>;
interface SwaFixture {
  snapshots: StateDict[];
  inputs: Tensor[];
  results: Record<string, { averaged: StateDict; afterBn: StateDict }>;
}
const meta = JSON.parse(readFileSync(new URL('./fixtures/sched-swa.json', import.meta.url), 'utf8')) as { configs: Record<string, { avgFn?: string; multiAvgFn?: string; useBuffers?: boolean; float64?: boolean }>; decay: number };
const fixture = torch.load(new URL('./fixtures/sched/swa.pt', import.meta.url).pathname) as SwaFixture;

const FNS: Record<string, () => unknown> = {
  swaMulti: () => swaUtils.getSwaMultiAvgFn(),
  swa: () => swaUtils.getSwaAvgFn(),
  emaMulti: () => swaUtils.getEmaMultiAvgFn(meta.decay),
  ema: () => swaUtils.getEmaAvgFn(meta.decay),
};

function expectStateEqual(got: Record<string, unknown>, want: StateDict): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [k, t] of Object.entries(want)) {
    const g = got[k] as Tensor;
    expect(g.dtype, k).toBe(t.dtype);
    expect(torch.equal(g, t), `${k}: ${String(g)} vs ${String(t)}`).toBe(true);
  }
}

describe('AveragedModel and updateBn match PyTorch 2.13', () => {
  for (const [name, cfg] of Object.entries(meta.configs)) {
    it(name, () => {
      const model = new Net();
      if (cfg.float64) model.double();
      model.loadStateDict(fixture.snapshots[0]!);
      const avg = new swaUtils.AveragedModel(model, {
        avgFn: cfg.avgFn ? (FNS[cfg.avgFn]!() as optim.swaUtils.AvgFn) : null,
        multiAvgFn: cfg.multiAvgFn ? (FNS[cfg.multiAvgFn]!() as optim.swaUtils.MultiAvgFn) : null,
        useBuffers: cfg.useBuffers ?? false,
      });
      for (const snap of fixture.snapshots) {
        model.loadStateDict(snap);
        avg.updateParameters(model);
      }
      expectStateEqual(avg.stateDict(), fixture.results[name]!.averaged);
      swaUtils.updateBn(fixture.inputs.map((x) => [cfg.float64 ? x.double() : x, torch.zeros(8)]), avg);
      expectStateEqual(avg.stateDict(), fixture.results[name]!.afterBn);
    });
  }

  it('the averaged copy is independent of the model and callable', () => {
    const model = new Net();
    const avg = new swaUtils.AveragedModel(model);
    expect(avg.module).not.toBe(model);
    expect(avg.module.fc1.weight).not.toBe(model.fc1.weight);
    expect(torch.equal(avg.module.fc1.weight, model.fc1.weight)).toBe(true);
    model.eval();
    avg.eval();
    const x = torch.randn(4, 3);
    expect(torch.equal(avg.call(x) as Tensor, model.call(x))).toBe(true);
    expect(Number(avg.n_averaged.item())).toBe(0);
  });

  it('updateBn restores momentum and the training flag, and skips models without batch norm', () => {
    const model = new Net();
    model.eval();
    model.bn.momentum = 0.3;
    swaUtils.updateBn([torch.randn(8, 3), torch.randn(8, 3)], model);
    expect(model.bn.momentum).toBe(0.3);
    expect(model.training).toBe(false);
    expect(Number(model.bn.num_batches_tracked!.item())).toBe(2);
    const plain = new nn.Linear(3, 2);
    expect(() => swaUtils.updateBn([torch.randn(2, 3)], plain)).not.toThrow();
  });
});

describe('swaUtils bad input', () => {
  const opt = (): optim.Optimizer => new optim.SGD([torch.zeros(2).requiresGrad_()], { lr: 0.1 });
  const cases: [string, () => unknown, RegExp][] = [
    ['both avgFn and multiAvgFn', () => new swaUtils.AveragedModel(new Net(), { avgFn: swaUtils.getSwaAvgFn(), multiAvgFn: swaUtils.getSwaMultiAvgFn() }), /Only one of avgFn and multiAvgFn/],
    ['not a module', () => new swaUtils.AveragedModel({} as never), /must be an nn.Module/],
    ['unknown option', () => new swaUtils.AveragedModel(new Net(), { useBuffer: true } as never), /useBuffer/],
    ['ema decay', () => swaUtils.getEmaMultiAvgFn(1.5), /Invalid decay value 1.5/],
    ['ema avg decay', () => swaUtils.getEmaAvgFn(-0.1), /Invalid decay value -0.1/],
    ['updateBn loader', () => swaUtils.updateBn(3 as never, new Net()), /loader must be an iterable/],
    ['SWALR missing swaLr', () => new swaUtils.SWALR(opt(), {}), /missing required argument 'swaLr'/],
    ['SWALR anneal strategy', () => new swaUtils.SWALR(opt(), 0.05, { annealStrategy: 'exp' as never }), /'cos' or 'linear'/],
    ['SWALR anneal epochs', () => new swaUtils.SWALR(opt(), 0.05, -1), /annealEpochs must be equal or greater than 0/],
    ['SWALR not an optimizer', () => new swaUtils.SWALR({} as never, 0.05), /is not an Optimizer/],
  ];
  for (const [name, fn, message] of cases) {
    it(name, () => {
      vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      expect(fn).toThrow(message);
    });
  }
});
