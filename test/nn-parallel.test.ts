// torch.nn.DataParallel and torch.nn.parallel. Without CUDA (this machine), against Python torch 2.13
// (test/fixtures/nn-parallel.json from scripts/make-parallel-fixtures.py): the wrapper calls its module,
// and its repr and `module.`-prefixed state dict are Python's. The multi-device path (scatter, per-device
// copies of the parameters, gather) runs here with CPU devices standing in for GPUs: its output and
// gradients must equal one call on the whole batch.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';   // the instance scripts/pyvalues.mjs decodes into
import { parallelForward } from '../dist/nn/parallel/data_parallel.js';
import { compare, decode } from '../scripts/pyvalues.mjs';
import { warningsOf } from './warnings-of.js';

type T = torch.Tensor;
const fixture = JSON.parse(readFileSync(new URL('fixtures/nn-parallel.json', import.meta.url), 'utf8')) as {
  repr: string;
  device_ids: number[];
  initial_state_dict: Record<string, unknown>;
  state_dict: Record<string, unknown>;
  x: unknown;
  output: unknown;
  grads: Record<string, unknown>;
};
const { nn } = torch;
const tensors = (o: Record<string, unknown>): Record<string, T> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, decode(v) as T]));
// The largest elementwise difference, for results that differ from one whole-batch call by summation order only.
const maxDiff = (a: T, b: T): number => Number(a.detach().sub(b.detach()).abs().max().item());
const model = (): torch.nn.Sequential => new nn.Sequential(new nn.Linear(4, 3), new nn.BatchNorm1d(3), new nn.ReLU(), new nn.Linear(3, 2)).to(torch.float64);

// Python's answers from a machine without a GPU (test/cuda.test.ts runs DataParallel on one).
describe.skipIf(torch.cuda.isAvailable())('nn.DataParallel without CUDA', () => {
  it("calls its module; repr, state dict, output, gradients and running stats are Python's", () => {
    const dp = new nn.DataParallel(model(), [0, 1]);
    expect(dp.deviceIds).toEqual(fixture.device_ids);
    expect(String(dp)).toBe(fixture.repr);
    dp.loadStateDict(tensors(fixture.initial_state_dict));
    const out = dp.call(decode(fixture.x) as T) as T;
    expect(compare(out.detach(), fixture.output, { exact: true })).toBeNull();
    out.sum().backward();
    for (const [name, p] of dp.namedParameters()) expect(compare(p.grad, fixture.grads[name], { exact: true }), name).toBeNull();
    const sd = dp.stateDict();
    expect(Object.keys(sd)).toEqual(Object.keys(fixture.state_dict));
    for (const [k, v] of Object.entries(fixture.state_dict)) expect(compare(sd[k], v, { exact: true }), k).toBeNull();
    expect(dp.module).toBeInstanceOf(nn.Sequential);
    expect(nn.parallel.DataParallel).toBe(nn.DataParallel);
  });

  it('takes options as an object too, and refuses what is not a module', () => {
    const dp = new nn.DataParallel(new nn.Linear(2, 2), { deviceIds: [0], outputDevice: 0, dim: 1 });
    expect([dp.deviceIds, dp.dim]).toEqual([[], 1]);
    expect(() => new nn.DataParallel({} as never)).toThrow('DataParallel: expected an nn.Module');
    expect(() => nn.parallel.dataParallel(new nn.Linear(2, 2), torch.ones(1, 2))).toThrow('device type could not be determined');
  });
});

describe('the multi-device path, with CPU devices standing in for GPUs', () => {
  const cpus = (n: number): torch.Device[] => Array.from({ length: n }, () => torch.device('cpu'));

  it('splits the batch, runs each chunk on its own parameter copies and gathers: output and gradients equal one call', () => {
    torch.manualSeed(0);
    const m = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 3)).to(torch.float64);
    const x = torch.randn(7, 4, { dtype: torch.float64 }).requiresGrad_();
    const whole = m.call(x) as T;
    whole.pow(2).sum().backward();
    const want = m.parameters().map((p) => p.grad!.clone());
    const wantX = x.grad!.clone();
    m.zeroGrad();
    x.grad = null;
    const out = parallelForward(m, [x], cpus(3), torch.device('cpu'), 0) as T;
    expect(out.shape).toEqual([7, 3]);
    expect(maxDiff(out, whole)).toBeLessThan(1e-14);
    out.pow(2).sum().backward();
    m.parameters().forEach((p, i) => expect(maxDiff(p.grad!, want[i]!), `param ${i}`).toBeLessThan(1e-13));
    expect(maxDiff(x.grad!, wantX)).toBeLessThan(1e-14);
  });

  it('scatters arrays and objects entry by entry, passes other values to every device, and gathers nested outputs', () => {
    class Pair extends nn.Module {
      override forward(input: { a: T; b: T[] }, scale: number): [T, { sum: T }] {
        return [input.a.mul(scale), { sum: input.b[0]!.add(input.b[1]!) }];
      }
    }
    const a = torch.arange(10, { dtype: torch.float32 }).reshape(5, 2);
    const b = [torch.ones(5), torch.arange(5, { dtype: torch.float32 })];
    const [scaled, { sum }] = parallelForward(new Pair(), [{ a, b }, 3], cpus(2), torch.device('cpu'), 0) as [T, { sum: T }];
    expect(scaled.tolist()).toEqual(a.mul(3).tolist());
    expect(sum.tolist()).toEqual([1, 2, 3, 4, 5]);
    expect(nn.parallel.scatter(torch.arange(2), cpus(4)).length).toBe(2);   // fewer chunks than devices, as torch.chunk
    expect(nn.parallel.scatter([torch.arange(4), 'label'], cpus(2))).toHaveLength(2);
  });

  it("gathers scalars into a vector with PyTorch's warning", async () => {
    const warned: string[] = [];
    const onWarning = (w: Error): void => void warned.push(w.message);
    process.on('warning', onWarning);
    try {
      expect((nn.parallel.gather([torch.tensor(1), torch.tensor(2)], 'cpu') as T).tolist()).toEqual([1, 2]);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warned).toEqual(['Was asked to gather along dimension 0, but all input tensors were scalars; will instead unsqueeze and return a vector.']);
  });

  it("takes comm.gather's deprecated -1 for the CPU, with Python's FutureWarning (checked by hand against 2.13's comm.py)", () => {
    const seen = warningsOf(() => expect((nn.parallel.gather([torch.ones(2), torch.zeros(2)], -1) as T).tolist()).toEqual([1, 1, 0, 0]));
    expect(seen).toEqual([['FutureWarning', 'Using -1 to represent CPU tensor is deprecated. Please use a device object or string instead, e.g., "cpu".']]);
  });
});
