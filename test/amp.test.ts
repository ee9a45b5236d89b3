// torch.amp.GradScaler against Python torch 2.13 on the CPU (scripts/make-amp-fixtures.py): the same
// float32 MLP, the same overflowing initial scale, bit-exact losses, scales, growth trackers and final
// parameters for every way of stepping; then its state dict, errors and memory.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

import * as torch from '../lib/index.js';
import { amp, nn, optim, type Tensor } from '../lib/index.js';
import { errorOf, makeTensor, type TensorEnc } from './golden-replay.js';
import { runWithGc, startRoundWorkers } from './run-child.js';
import { isSameRelease } from './release.js';

interface OptimizerSpec { cls: string; params: number[]; options: Record<string, unknown> }
interface AmpCase {
  name: string;
  optimizers: OptimizerSpec[];
  extras: { cpuAmpScaler?: boolean; initScale?: number; unscaleClip?: number; autocast?: boolean; scaleList?: boolean; newScaleAt?: number; newScale?: number };
  losses: (number | string)[];
  scales: number[];
  trackers: number[];
  skipped: boolean[];
  params: TensorEnc[];
  halfwayStateDict: amp.GradScalerStateDict;
  stateDict: amp.GradScalerStateDict;
}
interface AmpFixture {
  meta: { torch: string };
  initScale: number;
  growthInterval: number;
  steps: number;
  problem: { params: TensorEnc[]; x: TensorEnc; y: TensorEnc };
  cases: AmpCase[];
  customFunctions: { a: TensorEnc; b: TensorEnc; cases: { fn: string; inputDtype: string; autocast: boolean; y: TensorEnc; gradA: TensorEnc; gradB: TensorEnc }[] };
  deprecated: { a: TensorEnc; b: TensorEnc; calls: Record<string, { result: unknown; warnings: { category: string; message: string }[] }> };
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/amp.json', import.meta.url), 'utf8')) as AmpFixture;
const bitExact = isSameRelease(fx.meta.torch, torch.buildInfo().torchVersion);
type OptimizerClass = new (params: Tensor[], options: Record<string, unknown>) => optim.Optimizer;

const floatOf = (v: number | string): number => (typeof v === 'number' ? v : Number(v));

// The Python loop of make-amp-fixtures.py, step for step, from `start` (a fresh scaler unless given).
function train(c: AmpCase, options: { stopAt?: number; scaler?: amp.GradScaler; params?: Tensor[]; optimizers?: optim.Optimizer[]; start?: number } = {}) {
  const params = options.params ?? fx.problem.params.map((e) => makeTensor(e).requiresGrad_());
  const x = makeTensor(fx.problem.x), y = makeTensor(fx.problem.y);
  const optimizers = options.optimizers ?? c.optimizers.map((s) => new ((optim as unknown as Record<string, OptimizerClass>)[s.cls]!)(s.params.map((i) => params[i]!), s.options));
  const scaler = options.scaler ?? (c.extras.cpuAmpScaler
    ? new torch.cpu.amp.GradScaler(fx.initScale, 2.0, 0.5, fx.growthInterval)
    : new amp.GradScaler('cpu', { initScale: c.extras.initScale ?? fx.initScale, growthInterval: fx.growthInterval }));
  const record = { losses: [] as number[], scales: [] as number[], trackers: [] as number[], skipped: [] as boolean[], halfway: null as unknown };
  for (let step = options.start ?? 0; step < (options.stopAt ?? fx.steps); step++) {
    torch.tidy(() => {
      for (const opt of optimizers) opt.zeroGrad();
      const forward = () => nn.functional.linear(torch.tanh(nn.functional.linear(x, params[0]!, params[1]!)), params[2]!, params[3]!);
      const out = c.extras.autocast ? torch.autocast('cpu', { dtype: 'bfloat16' }, forward) : forward();
      const loss = out.float().sub(y).pow(2).sum();
      if (c.extras.scaleList) {
        const [a, [b]] = scaler.scale([loss.mul(0.5), [loss.mul(0.5)]] as const) as unknown as [Tensor, [Tensor]];
        a.add(b).backward();
      } else {
        scaler.scale(loss).backward();
      }
      const before = params.map((p) => p.detach().clone());
      for (const opt of optimizers) {
        if (c.extras.unscaleClip !== undefined) {
          scaler.unscale_(opt);
          nn.utils.clipGradNorm_(opt.paramGroups.flatMap((g) => g.params), c.extras.unscaleClip);
        }
        scaler.step(opt);
      }
      if (c.extras.newScaleAt === step) scaler.update(c.extras.newScale);
      else scaler.update();
      record.losses.push(Number(loss.item()));
      record.scales.push(scaler.getScale());
      record.trackers.push(scaler.getGrowthTracker());
      record.skipped.push(before.every((b, i) => torch.equal(b, params[i]!.detach())));
      if (step === fx.steps / 2 - 1) record.halfway = scaler.stateDict();
    });
  }
  return { params, optimizers, scaler, record };
}

describe.runIf(bitExact)('GradScaler trajectories: bit-exact with Python 2.13', () => {
  for (const c of fx.cases) {
    it(`${c.name}: ${fx.steps} steps, ${c.skipped.filter(Boolean).length} skipped`, () => {
      const { params, scaler, record } = train(c);
      expect(record.losses).toEqual(c.losses.map(floatOf));
      expect(record.scales).toEqual(c.scales);
      expect(record.trackers).toEqual(c.trackers);
      expect(record.skipped).toEqual(c.skipped);
      expect(record.halfway).toEqual(c.halfwayStateDict);
      expect(scaler.stateDict()).toEqual(c.stateDict);
      params.forEach((p, i) => expect(Array.from(p.detach().toTypedArray() as Float32Array), `param ${i}`).toEqual(Array.from(makeTensor(c.params[i]!).toTypedArray() as Float32Array)));
    });
  }

  it('a scaler resumed from the half-way state dict (through torch.save/torch.load) continues the same trajectory', () => {
    const c = fx.cases.find((k) => k.name === 'sgd')!;
    const first = train(c, { stopAt: fx.steps / 2 });
    const dir = mkdtempSync(join(tmpdir(), 'torchnode-amp-'));
    const resumed = new amp.GradScaler('cpu');
    try {
      torch.save(first.scaler.stateDict(), join(dir, 'scaler.pt'));
      resumed.loadStateDict(torch.load(join(dir, 'scaler.pt')) as amp.GradScalerStateDict);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const rest = train(c, { start: fx.steps / 2, scaler: resumed, params: first.params, optimizers: first.optimizers });
    expect(rest.record.scales).toEqual(c.scales.slice(fx.steps / 2));
    expect(rest.record.losses).toEqual(c.losses.slice(fx.steps / 2).map(floatOf));
    expect(resumed.stateDict()).toEqual(c.stateDict);
  });
});

describe('GradScaler state', () => {
  it('loads a state dict saved by Python (test/fixtures/amp-scaler-state.pt)', () => {
    const sd = torch.load(fileURLToPath(new URL('./fixtures/amp-scaler-state.pt', import.meta.url))) as Record<string, unknown>;
    const scaler = new amp.GradScaler('cpu');
    scaler.loadStateDict(sd);
    expect(scaler.stateDict()).toEqual(fx.cases[0]!.halfwayStateDict);
    expect(scaler.getScale()).toBe(fx.cases[0]!.halfwayStateDict.scale);
  });
  it('defaults, getters and setters as Python; torch.GradScaler is torch.amp.GradScaler', () => {
    expect(torch.GradScaler).toBe(amp.GradScaler);
    const s = new amp.GradScaler('cpu');
    expect([s.getScale(), s.getGrowthFactor(), s.getBackoffFactor(), s.getGrowthInterval(), s.getGrowthTracker(), s.isEnabled()]).toEqual([65536, 2, 0.5, 2000, 0, true]);
    s.setGrowthFactor(4);
    s.setBackoffFactor(0.25);
    s.setGrowthInterval(10);
    expect(s.stateDict()).toEqual({ scale: 65536, growth_factor: 4, backoff_factor: 0.25, growth_interval: 10, _growth_tracker: 0 });
    const positional = new amp.GradScaler('cpu', 128, 3, 0.125, 7, true);
    expect(positional.stateDict()).toEqual({ scale: 128, growth_factor: 3, backoff_factor: 0.125, growth_interval: 7, _growth_tracker: 0 });
  });
  it("a disabled scaler passes everything through; a 'cuda' one without CUDA warns and disables itself", () => {
    const off = new amp.GradScaler('cpu', { enabled: false });
    const loss = torch.tensor(3);
    expect(off.scale(loss)).toBe(loss);
    expect(off.getScale()).toBe(1);
    expect(off.stateDict()).toEqual({});
    const p = torch.tensor([1.0], { dtype: 'float32' }).requiresGrad_();
    p.grad = torch.tensor([1.0], { dtype: 'float32' });
    const opt = new optim.SGD([p], { lr: 0.5 });
    off.step(opt);
    expect(p.detach().item()).toBe(0.5);
    if (!torch.cuda.isAvailable()) {
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.message);
      process.on('warning', onWarning);
      const s = new amp.GradScaler();
      return new Promise<void>((resolve) => setImmediate(() => {
        process.off('warning', onWarning);
        expect(s.isEnabled()).toBe(false);
        expect(warnings).toContain('torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.');
        resolve();
      }));
    }
  });
  // Python 2.13: torch.set_autocast_enabled(True) -> is_autocast_enabled() True, ('cuda') True, ('cpu') False;
  // set_autocast_enabled(1) -> TypeError; get_autocast_dtype('foo') -> RuntimeError naming the device string once
  it('setAutocastEnabled(enabled) is the legacy form for cuda; a bad device type is named once', () => {
    try {
      torch.setAutocastEnabled(true);
      expect([torch.isAutocastEnabled(), torch.isAutocastEnabled('cuda'), torch.isAutocastEnabled('cpu')]).toEqual([true, true, false]);
    } finally {
      torch.setAutocastEnabled(false);
    }
    expect(torch.isAutocastEnabled('cuda')).toBe(false);
    expect(() => torch.setAutocastEnabled(1 as unknown as boolean)).toThrow(TypeError);
    expect(() => torch.getAutocastDtype(3 as unknown as string)).toThrow(/^getAutocastDtype: deviceType must be a string/);
  });
  it('torch.amp.isAutocastAvailable and torch.amp.autocast', () => {
    expect(['cpu', 'cuda', 'xla', 'mps'].map(amp.isAutocastAvailable)).toEqual([true, true, true, true]);
    expect(amp.isAutocastAvailable('meta')).toBe(false);
    expect(errorOf(() => amp.isAutocastAvailable('nonsense')).name).toBe('TypeError');
    expect(amp.autocast).toBe(torch.autocast);
  });
  // Python: with torch.autocast('cpu', torch.float16): mm → float16; with torch.autocast('cpu', torch.float16, False): float32;
  // torch.autocast('cpu', torch.bfloat16, True, False) positionally too.
  // in tidy: the memory test below counts live tensors, and this one's garbage could be collected during it
  it('dtype, enabled and cacheEnabled may come positionally, in Python\'s order', () => torch.tidy(() => {
    const a = torch.ones([2, 2]);
    expect(String(torch.autocast('cpu', torch.float16, () => torch.mm(a, a).dtype))).toBe('torch.float16');
    expect(String(torch.autocast('cpu', torch.float16, false, () => torch.mm(a, a).dtype))).toBe('torch.float32');
    expect(torch.autocast('cpu', torch.bfloat16, true, false, () => [String(torch.mm(a, a).dtype), torch.isAutocastCacheEnabled()])).toEqual(['torch.bfloat16', false]);
    expect(String(torch.autocast('cpu', null, () => torch.mm(a, a).dtype))).toBe('torch.bfloat16');
    expect(() => (torch.autocast as (...a: unknown[]) => unknown)('cpu')).toThrow(/autocast: expected the function to run last, got undefined/);
    expect(() => (torch.autocast as (...a: unknown[]) => unknown)('cpu', torch.float16, true, true, true, () => 1)).toThrow(/at most 3 settings/);
    expect(() => torch.autocast('cpu', torch.float16, 1 as never, () => 1)).toThrow(/autocast: enabled must be a boolean/);
    expect(torch.isAutocastEnabled('cpu')).toBe(false);
  }));
});

describe('deprecated torch.cuda.amp / torch.cpu.amp: Python 2.13 warnings, forwarded to torch.amp', () => {
  const dep = fx.deprecated;
  // Runs call with process warnings captured (category and message, as Python's warnings.catch_warnings records them).
  function warned<T>(call: () => T): [T, { category: string; message: string }[]] {
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const result = call();
      return [result, spy.mock.calls.map(([message, category]) => ({ category: String(category), message: String(message) }))];
    } finally {
      spy.mockRestore();
    }
  }
  const noCuda = !torch.cuda.isAvailable();
  // Python's record was made without CUDA: with a GPU, the 'CUDA is not available' warning and results differ.
  const expected = (name: string) => {
    const call = dep.calls[name]!;
    return noCuda ? call : { ...call, warnings: call.warnings.filter((w) => !w.message.includes('CUDA is not available')) };
  };

  it('torch.cpu.amp.autocast: bfloat16 and a cache whatever the current settings, Python\'s result', () => {
    const a = makeTensor(dep.a), b = makeTensor(dep.b);
    torch.setAutocastDtype('cpu', 'float16');
    torch.setAutocastCacheEnabled(false);
    try {
      const [result, warnings] = warned(() => torch.cpu.amp.autocast(() => {
        const y = a.mm(b);
        return { y, dtype: torch.getAutocastDtype('cpu').name, cacheEnabled: torch.isAutocastCacheEnabled(), enabled: torch.isAutocastEnabled('cpu') };
      }));
      const want = expected('cpu.amp.autocast');
      expect(warnings).toEqual(want.warnings);
      const { y: yWant, ...flags } = want.result as { y: TensorEnc };
      expect({ dtype: result.dtype, cacheEnabled: result.cacheEnabled, enabled: result.enabled }).toEqual(flags);
      expect(result.y.dtype.name).toBe(yWant.dtype);
      expect(torch.equal(result.y, makeTensor(yWant))).toBe(true);
      expect(torch.isAutocastEnabled('cpu')).toBe(false);
      expect(torch.getAutocastDtype('cpu').name).toBe('float16');
    } finally {
      torch.setAutocastDtype('cpu', 'bfloat16');
      torch.setAutocastCacheEnabled(true);
    }
  });
  it("autocast('cuda') without CUDA warns and leaves autocast off, as Python 2.13", () => {
    if (!noCuda) return;
    const [enabled, warnings] = warned(() => torch.autocast('cuda', () => torch.isAutocastEnabled('cuda')));
    expect(enabled).toBe(false);
    expect(warnings).toEqual([{ category: 'UserWarning', message: 'CUDA is not available or torch_xla is imported. Disabling autocast.' }]);
  });

  it('torch.cuda.amp.autocast, GradScaler, customFwd, customBwd and ampDefinitelyNotAvailable', () => {
    const identity = (_ctx: unknown, ...args: unknown[]) => args;
    const forms: Record<string, () => unknown> = {
      'cuda.amp.autocast': () => torch.cuda.amp.autocast({ enabled: false }, () => torch.isAutocastEnabled('cuda')),
      'cuda.amp.GradScaler': () => new torch.cuda.amp.GradScaler().isEnabled(),
      'cpu.amp.GradScaler': () => new torch.cpu.amp.GradScaler().isEnabled(),
      'cuda.amp.custom_fwd': () => typeof torch.cuda.amp.customFwd(identity, { castInputs: 'float32' }) === 'function',
      'cuda.amp.custom_bwd': () => typeof torch.cuda.amp.customBwd(identity) === 'function',
      'cuda.amp.amp_definitely_not_available': () => torch.cuda.amp.ampDefinitelyNotAvailable(),
    };
    for (const [name, call] of Object.entries(forms)) {
      const [result, warnings] = warned(call);
      const want = expected(name);
      expect(warnings, name).toEqual(want.warnings);
      if (noCuda) expect(result, name).toBe(want.result);
    }
  });
  it('the old forms are the new ones underneath; bad input is refused', () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const s = new torch.cpu.amp.GradScaler({ initScale: 8, growthInterval: 3 });
      expect(s).toBeInstanceOf(amp.GradScaler);
      expect([s.getScale(), s.getGrowthInterval(), s.getGrowthFactor()]).toEqual([8, 3, 2]);
      expect(errorOf(() => new torch.cpu.amp.GradScaler({ device: 'cuda' } as never))).toMatchObject({ name: 'TypeError', message: expect.stringContaining("unexpected option 'device'") });
      expect(errorOf(() => new torch.cpu.amp.GradScaler({ growthFactor: 0.5 })).name).toBe('RangeError');
      expect(errorOf(() => torch.cpu.amp.autocast({ dtype: 'bfloat16' } as never)).message).toContain('expected a function to run');
      expect(errorOf(() => torch.cpu.amp.autocast({ device: 'cuda' } as never, () => 1)).message).toContain('device');
      expect(errorOf(() => torch.cuda.amp.customFwd({ deviceType: 'cpu' } as never)).message).toContain('deviceType');
      expect(errorOf(() => torch.cuda.amp.customBwd(null as never)).name).toBe('TypeError');
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe('GradScaler errors: Python 2.13 messages, nothing changed', () => {
  const setup = () => {
    const p = torch.tensor([1.0, 2.0], { dtype: 'float32' }).requiresGrad_();
    const opt = new optim.SGD([p], { lr: 0.1 });
    const scaler = new amp.GradScaler('cpu', { initScale: 4 });
    return { p, opt, scaler };
  };
  it('bad factors and options', () => {
    expect(errorOf(() => new amp.GradScaler('cpu', { growthFactor: 1 }))).toMatchObject({ name: 'RangeError', message: 'GradScaler: The growth factor must be > 1.0.' });
    expect(errorOf(() => new amp.GradScaler('cpu', { backoffFactor: 1 }))).toMatchObject({ name: 'RangeError', message: 'GradScaler: The backoff factor must be < 1.0.' });
    expect(errorOf(() => new amp.GradScaler('cpu', { initScale: 'big' } as never)).name).toBe('TypeError');
    expect(errorOf(() => new amp.GradScaler('cpu', { init_scale: 2 } as never)).name).toBe('TypeError');
    expect(errorOf(() => new amp.GradScaler('cpu', 2, { initScale: 4 })).message).toMatch("multiple values for argument 'initScale'");
    expect(errorOf(() => new amp.GradScaler('cpu', { growthInterval: 2.5 }))).toMatchObject({ name: 'TypeError', message: expect.stringMatching(/^GradScaler: growthInterval must be a whole number/) });
    const s = new amp.GradScaler('cpu', { initScale: 8 });
    const sd = { scale: 2, growth_factor: 3, backoff_factor: 0.25, growth_interval: 1.5, _growth_tracker: 1 };
    expect(errorOf(() => s.loadStateDict(sd)).name).toBe('TypeError');
    expect(s.stateDict()).toEqual({ scale: 8, growth_factor: 2, backoff_factor: 0.5, growth_interval: 2000, _growth_tracker: 0 });
    expect(errorOf(() => s.loadStateDict({})).message).toBe('The source state dict is empty, possibly because it was saved from a disabled instance of GradScaler.');
  });
  it('update, step or unscale_ before scale()', () => {
    const { opt, scaler } = setup();
    expect(errorOf(() => scaler.update()).message).toBe('Attempted update but _scale is None.  This may indicate your script did not use scaler.scale(loss or outputs) earlier in the iteration.');
    expect(errorOf(() => scaler.step(opt)).message).toMatch(/^Attempted step but _scale is None/);
    expect(errorOf(() => scaler.unscale_(opt)).message).toMatch(/^Attempted unscale_ but _scale is None/);
  });
  it('unscale_ twice, unscale_ after step, step twice, update without inf checks', () => {
    const { p, opt, scaler } = setup();
    scaler.scale(p.sum()).backward();
    expect(p.grad!.tolist()).toEqual([4, 4]);
    expect(errorOf(() => scaler.update()).message).toBe('No inf checks were recorded prior to update.');
    scaler.unscale_(opt);
    expect(p.grad!.tolist()).toEqual([1, 1]);
    expect(errorOf(() => scaler.unscale_(opt)).message).toBe('unscale_() has already been called on this optimizer since the last update().');
    expect(p.grad!.tolist()).toEqual([1, 1]);
    scaler.step(opt);
    expect(errorOf(() => scaler.unscale_(opt)).message).toBe('unscale_() is being called after step().');
    expect(errorOf(() => scaler.step(opt)).message).toBe('step() has already been called since the last update().');
    scaler.update();
    expect(scaler.stageOf(opt)).toBe(amp.OptState.READY);
    expect((p.detach().tolist() as number[]).map((v) => +v.toFixed(6))).toEqual([0.9, 1.9]);
  });
  it('no gradients at all: step has no inf checks to go by', () => {
    const { p, opt, scaler } = setup();
    scaler.scale(p.sum());
    expect(errorOf(() => scaler.step(opt)).message).toBe('No inf checks were recorded for this optimizer.');
  });
  it('float16 gradients cannot be unscaled; bad new scales; bad scale() input', () => {
    const p = torch.tensor([1.0, 2.0], { dtype: 'float16' }).requiresGrad_();
    const opt = new optim.SGD([p], { lr: 0.1 });
    const scaler = new amp.GradScaler('cpu');
    scaler.scale(p.float().sum()).backward();
    expect(errorOf(() => scaler.unscale_(opt))).toMatchObject({ name: 'TypeError', message: 'Attempting to unscale FP16 gradients.' });
    expect(errorOf(() => scaler.update(torch.tensor([1.0, 2.0], { dtype: 'float32' }))).message).toMatch(/^new_scale should be a float or a 1-element/);
    expect(errorOf(() => scaler.update(torch.tensor(2.0, { dtype: 'float32' }).requiresGrad_())).message).toMatch(/^new_scale should be a float/);
    expect(errorOf(() => scaler.scale([torch.tensor(1), 'x'] as never)).message).toMatch('outputs must be a Tensor or an iterable of Tensors');
    scaler.update(torch.tensor(8.0));
    expect(scaler.getScale()).toBe(8);
  });
  it('an inf gradient skips the step and halves the scale; the fused kernel gets the scale and the inf flag', () => {
    for (const fused of [false, true]) {
      const p = torch.tensor([1.0, 2.0], { dtype: 'float32' }).requiresGrad_();
      const opt = new optim.SGD([p], { lr: 0.1, fused });
      expect(opt._stepSupportsAmpScaling).toBe(fused);
      const scaler = new amp.GradScaler('cpu', { initScale: 4 });
      scaler.scale(p.mul(torch.tensor([Infinity, 1])).sum()).backward();
      scaler.step(opt);
      expect(opt.gradScale).toBeNull();
      expect(opt.foundInf).toBeNull();
      scaler.update();
      expect(p.detach().tolist()).toEqual([1, 2]);
      expect(scaler.getScale()).toBe(2);
    }
  });
  it('a gradScale set by hand reaches only the fused kernels; the others refuse it, as Python asserts', () => {
    const p = torch.tensor([1.0, 2.0], { dtype: 'float32' }).requiresGrad_();
    p.grad = torch.tensor([4.0, 4.0], { dtype: 'float32' });
    const single = new optim.SGD([p], { lr: 0.5 });
    single.gradScale = torch.tensor(4.0, { dtype: 'float32' });
    expect(errorOf(() => single.step()).message).toMatch('Expected grad_scale and found_inf to be None');
    expect(p.detach().tolist()).toEqual([1, 2]);
    const fused = new optim.SGD([p], { lr: 0.5, fused: true });
    fused.gradScale = torch.tensor(4.0, { dtype: 'float32' });
    fused.step();
    expect(p.detach().tolist()).toEqual([0.5, 1.5]);
  });
});

describe('GradScaler in worker threads and left to the GC', { timeout: 300_000 }, () => {
  // A short overflowing run (backoffs, skipped steps, growth) with a single-tensor and a fused optimizer.
  const round = `(t) => {
    const out = [];
    for (const fused of [false, true]) {
      t.manualSeed(1);
      const w = t.randn([8, 4]).requiresGrad_();
      const x = t.randn([16, 8]);
      // fused Adam, not fused SGD: a fused SGD's skipped first step leaves its momentum uninitialised (see README)
      const opt = fused ? new t.optim.Adam([w], { lr: 0.01, fused }) : new t.optim.SGD([w], { lr: 0.001, momentum: 0.9 });
      const scaler = new t.amp.GradScaler('cpu', { initScale: 2 ** 127, growthInterval: 3 });
      for (let i = 0; i < 12; i++) {
        t.tidy(() => {
          opt.zeroGrad();
          scaler.scale(x.matmul(w).pow(2).sum()).backward();
          scaler.step(opt);
          scaler.update();
        });
        out.push(scaler.getScale());
      }
      out.push(w.sum().item());
    }
    return JSON.stringify(out);
  }`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const mainRound = new Function('t', `return (${round})(t);`) as (t: typeof torch) => string;

  it('workers scaling side by side get the main thread\'s scales and weights', async () => {
    const expected = mainRound(torch);
    expect(new Set((JSON.parse(expected) as number[]).slice(0, 12)).size).toBeGreaterThan(2);   // it backs off and grows
    const workers = startRoundWorkers(round, expected, { times: 20, count: 2 });
    let rounds = 0;
    while (workers.running() > 0 || rounds < 20) {
      expect(mainRound(torch)).toBe(expected);
      if (++rounds % 5 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(await workers.results).toEqual(['ok', 'ok']);
  });

  it('never disposing anything (no tidy, no dispose): the GC frees every tensor of 300 scaled steps', () => {
    const r = runWithGc(`
      const w = torch.randn([8, 4]).requiresGrad_();
      const x = torch.randn([16, 8]);
      const opt = new torch.optim.Adam([w], { lr: 0.01, fused: true });
      const scaler = new torch.amp.GradScaler('cpu', { initScale: 2 ** 127, growthInterval: 3 });
      const step = () => {
        opt.zeroGrad();
        scaler.scale(x.matmul(w).pow(2).sum()).backward();
        scaler.unscale_(opt);
        torch.nn.utils.clipGradNorm_([w], 1.0);
        scaler.step(opt);
        scaler.update();
      };
      for (let i = 0; i < 20; i++) step();
      const before = await settle();
      for (let i = 0; i < 300; i++) step();
      return { grew: (await settle()) - before };`);
    expect(r.grew).toBe(0);
  });
});

describe('GradScaler memory', () => {
  it('a scaled training loop in torch.tidy leaves no tensors behind, dispose() frees the scale', () => {
    const model = new nn.Linear(4, 2);
    const opt = new optim.Adam(model.parameters(), { lr: 0.01, fused: true });
    const scaler = new amp.GradScaler('cpu', { initScale: 1024 });
    const x = torch.randn([8, 4]);
    const stepOnce = () => torch.tidy(() => {
      opt.zeroGrad();
      scaler.scale(model.call(x).pow(2).mean()).backward();
      scaler.step(opt);
      scaler.update();
    });
    stepOnce();
    const live = torch.nativeStats().tensors;
    for (let i = 0; i < 20; i++) stepOnce();
    expect(torch.nativeStats().tensors).toBe(live);
    scaler.dispose();
    expect(torch.nativeStats().tensors).toBe(live - 2);
    expect(scaler.getScale()).toBe(1024);
    stepOnce();
    expect(torch.nativeStats().tensors).toBe(live);
  });
});

// Python's AmpMM / Float32MM of make-amp-fixtures.py.
class AmpMM extends torch.autograd.Function {
  static override forward = amp.customFwd((ctx: torch.FunctionCtx, a: Tensor, b: Tensor) => {
    ctx.saveForBackward(a, b);
    return a.mm(b);
  }, { deviceType: 'cpu' });
  static override backward = amp.customBwd((ctx: torch.FunctionCtx, grad: Tensor) => {
    const [a, b] = ctx.savedTensors as Tensor[];
    return [grad.mm(b!.t()), a!.t().mm(grad)];
  }, { deviceType: 'cpu' });
}
class Float32MM extends AmpMM {
  static override forward = amp.customFwd({ deviceType: 'cpu', castInputs: 'float32' })((ctx: torch.FunctionCtx, a: Tensor, b: Tensor) => {
    ctx.saveForBackward(a, b);
    return a.mm(b);
  });
}

describe.runIf(bitExact)('customFwd / customBwd under bfloat16 autocast: as Python 2.13', () => {
  const cf = fx.customFunctions;
  for (const c of cf.cases) {
    it(`${c.fn} on ${c.inputDtype} inputs, autocast ${c.autocast ? 'on' : 'off'}: output and gradients, dtypes and values`, () => {
      const a = makeTensor(cf.a).to(c.inputDtype, { copy: true }).requiresGrad_();
      const b = makeTensor(cf.b).to(c.inputDtype, { copy: true }).requiresGrad_();
      const fn = c.fn === 'AmpMM' ? AmpMM : Float32MM;
      const y = torch.autocast('cpu', { dtype: 'bfloat16', enabled: c.autocast }, () => fn.apply(a, b) as Tensor);
      y.float().pow(2).sum().backward();
      for (const [got, want] of [[y.detach(), c.y], [a.grad!, c.gradA], [b.grad!, c.gradB]] as const) {
        expect(got.dtype.name).toBe(want.dtype);
        expect(got.float().tolist()).toEqual(makeTensor(want).float().tolist());
      }
    });
  }
  it('bad options; a customBwd without customFwd says so', () => {
    expect(errorOf(() => amp.customFwd((ctx: torch.FunctionCtx) => ctx, { deviceType: 1 } as never)).name).toBe('TypeError');
    expect(errorOf(() => amp.customFwd({ deviceType: 'cpu', cast_inputs: 'float32' } as never)).name).toBe('TypeError');
    class Unpaired extends torch.autograd.Function {
      static override forward(_ctx: torch.FunctionCtx, a: Tensor) {
        return a.mul(2);
      }
      static override backward = amp.customBwd((_ctx: torch.FunctionCtx, g: Tensor) => g.mul(2), { deviceType: 'cpu' });
    }
    const x = torch.ones([2]).requiresGrad_();
    expect(errorOf(() => (Unpaired.apply(x) as Tensor).sum().backward()).message).toMatch("customBwd: this backward's forward was not wrapped with customFwd");
  });
});
