// torch.setDefaultDtype / getDefaultDtype against Python torch 2.13 (test/fixtures/constants.json,
// made by scripts/make-constants-fixtures.py): set_default_dtype's answer for every dtype, and the
// dtype, values and print of factories, number inference and scalar type promotion under each
// default. The default is libtorch's process-wide one, as in Python: workers share it.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';

type Outcome = { ok: true } | { error: string; message: string };
interface CaseResult {
  dtype: string;
  values: unknown;
  str: string;
}
interface Fixture {
  meta: { torch: string };
  setDefaultDtype: Record<string, Outcome>;
  defaults: Record<string, { cases: Record<string, CaseResult>; 'finfo()': string }>;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/constants.json', import.meta.url), 'utf8')) as Fixture;

const ints = (): torch.Tensor => torch.tensor([1, 2, 3]);
// The JS spelling of each fixture case (scripts/make-constants-fixtures.py has the Python one).
const CASES: Record<string, () => torch.Tensor> = {
  'tensor(1.5)': () => torch.tensor(1.5),
  'tensor([1, 2.5])': () => torch.tensor([1, 2.5]),
  'tensor([])': () => torch.tensor([]),
  'tensor([1, 2])': () => torch.tensor([1, 2]),
  'tensor([true])': () => torch.tensor([true]),
  'zeros(2)': () => torch.zeros(2),
  'ones(2, 2)': () => torch.ones(2, 2),
  'empty(2).zero_()': () => torch.empty(2).zero_(),
  'full([2], 1.5)': () => torch.full([2], 1.5),
  'full([2], 2)': () => torch.full([2], 2),
  'full([2], true)': () => torch.full([2], true),
  'rand(2).mul(0)': () => torch.rand(2).mul(0),
  'randn(2).mul(0)': () => torch.randn(2).mul(0),
  'arange(5)': () => torch.arange(5),
  'arange(0.5, 3)': () => torch.arange(0.5, 3),
  'arange(0, 1, 0.25)': () => torch.arange(0, 1, 0.25),
  'linspace(0, 1, 5)': () => torch.linspace(0, 1, 5),
  'logspace(0, 1, 3)': () => torch.logspace(0, 1, 3),
  'eye(2)': () => torch.eye(2),
  'zeros_like(float32)': () => torch.zerosLike(torch.ones(2, { dtype: torch.float32 })),
  'ones_like(int64)': () => torch.onesLike(ints()),
  'randint(0, 5, [2]).mul(0)': () => torch.randint(0, 5, [2]).mul(0),
  'randperm(3).sort().values': () => torch.randperm(3).sort().values,
  'hann_window(4)': () => torch.hannWindow(4),
  'ints + 1.5': () => ints().add(1.5),
  'ints * 0.5': () => ints().mul(0.5),
  'ints / 3': () => ints().div(3),
  'ints.sqrt()': () => ints().sqrt(),
  'ints.pow(0.5)': () => ints().pow(0.5),
  'ints + 1': () => ints().add(1),
  'bools + 1.5': () => torch.tensor([true, false]).add(1.5),
  'int 0-dim + 1.5': () => torch.tensor(2).add(1.5),
  'float32 + 1.5': () => torch.ones(2, { dtype: torch.float32 }).add(1.5),
  'float16 + 0.1': () => torch.ones(2, { dtype: torch.float16 }).add(0.1),
  'float64 + 0.1': () => torch.ones(2, { dtype: torch.float64 }).add(0.1),
  'where(ints > 1, 1.5, ints)': () => torch.where(ints().gt(1), 1.5, ints()),
  'result_type(ints, 1.5)': () => torch.empty(0, { dtype: torch.resultType(ints(), 1.5) }),
  'ints.float()': () => ints().float(),
};

afterEach(() => torch.setDefaultDtype(torch.float32)); // every test leaves the process default as it found it

describe('setDefaultDtype', () => {
  it('starts at float32', () => {
    expect(torch.getDefaultDtype()).toBe(torch.float32);
  });

  it('accepts and refuses each dtype as Python does, and a refusal changes nothing', () => {
    expect(fx.meta.torch.startsWith('2.13')).toBe(true);
    const exported = torch as unknown as Record<string, torch.DType>;
    for (const [name, outcome] of Object.entries(fx.setDefaultDtype)) {
      torch.setDefaultDtype(torch.float64);
      if ('ok' in outcome) {
        torch.setDefaultDtype(exported[name]!);
        expect(torch.getDefaultDtype(), name).toBe(exported[name]);
      } else {
        expect(outcome.error, name).toBe('TypeError');
        expect(() => torch.setDefaultDtype(exported[name]!), name).toThrow(TypeError);
        expect(() => torch.setDefaultDtype(exported[name]!), name).toThrow(outcome.message);
        expect(torch.getDefaultDtype(), name).toBe(torch.float64);
      }
    }
  });

  it('takes dtype names, and refuses what is no dtype with Python message', () => {
    torch.setDefaultDtype('torch.double');
    expect(torch.getDefaultDtype()).toBe(torch.float64);
    expect(() => torch.setDefaultDtype(3 as unknown as torch.DType)).toThrow('invalid dtype object: only floating-point types are supported as the default type');
    expect(() => torch.setDefaultDtype('float12')).toThrow(/unknown dtype 'float12'/);
    expect(torch.getDefaultDtype()).toBe(torch.float64);
  });

  for (const [defaultName, expected] of Object.entries(fx.defaults)) {
    it(`under ${defaultName}: factories, inference and promotion give Python's dtypes, values and prints`, () => {
      torch.setDefaultDtype(defaultName);
      torch.manualSeed(0); // as the fixture script: rand, randn, randint, randperm draw in this order
      expect(Object.keys(CASES).sort()).toEqual(Object.keys(expected.cases).sort());
      for (const [name, make] of Object.entries(CASES)) {
        const want = expected.cases[name]!;
        const t = make();
        expect(t.dtype.name, name).toBe(want.dtype);
        expect(t.tolist(), name).toEqual(want.values);
        expect(String(t), name).toBe(want.str);
      }
      expect(String(torch.finfo())).toBe(expected['finfo()']);
    });
  }
});

describe('the default dtype and worker threads', () => {
  function runWorker(set: string | null): Promise<{ defaultDtype: string; tensorDtype: string; zerosDtype: string }> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./workers/default-dtype-worker.mjs', import.meta.url), { workerData: { set } });
      worker.once('message', (m) => {
        void worker.terminate();
        resolve(m as { defaultDtype: string; tensorDtype: string; zerosDtype: string });
      });
      worker.once('error', reject);
    });
  }

  it('is one value for the process, as in Python: a worker sees the main thread\'s, and the main thread a worker\'s', async () => {
    torch.setDefaultDtype(torch.float64);
    expect(await runWorker(null)).toEqual({ defaultDtype: 'torch.float64', tensorDtype: 'torch.float64', zerosDtype: 'torch.float64' });
    await runWorker('float16');
    expect(torch.getDefaultDtype()).toBe(torch.float16);
    expect(torch.tensor(1.5).dtype).toBe(torch.float16);
  });
});
