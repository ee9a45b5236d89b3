// Top-level torch names that are settings, constants and small classes: build flags, qschemes,
// torch.Size, class values (torch.dtype, ...), deterministic debug modes, autocast, error
// classes; against Python torch 2.13 (test/fixtures/settings.json, made by scripts/make-settings-fixtures.py).
// Each test restores the global state it changes.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

import * as torch from '../lib/index.js';

interface PyError { error: string; message: string }
interface PyTensor { dtype: string; shape: number[]; values: number[][] }
interface AutocastRun { enabled: boolean; dtype: string; cache: boolean; matmul: PyTensor; add: string; linear: PyTensor; warnings: string[] }
interface Fixture {
  flags: Record<string, boolean | string | null>;
  qschemes: string[];
  qschemeOf: { perTensor: string; perChannel: string };
  size: { str: string; numel: number; emptyNumel: number; float: PyError };
  debugModes: Record<string, { mode: number; enabled: boolean; warnOnly: boolean } | PyError>;
  autocastDefaults: { cpu: string; cuda: string; xla: string; ipu: string; cpuEnabled: boolean; enabled: boolean; cache: boolean };
  autocast: { plain: { matmul: PyTensor } } & Record<'bfloat16' | 'default' | 'float16' | 'float32' | 'disabled' | 'noCache', AutocastRun>;
  nesting: number[];
  stream: { str: string; deviceType: number; deviceIndex: number; query: boolean; default: string };
  event: { str: string; device: string; query: boolean; record: PyError };
  errors: Record<'AcceleratorError' | 'OutOfMemoryError' | 'FatalError' | 'JITException', string[]>;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/settings.json', import.meta.url), 'utf8')) as Fixture;

const a = torch.arange(6).reshape(2, 3).div(7);
const b = torch.arange(12).reshape(3, 4).div(5);
const asFloats = (t: torch.Tensor): number[][] => t.float().tolist() as number[][];

describe('build flags and process switches', () => {
  it('match Python', () => {
    const { flags } = fx;
    expect([torch.hasLapack, torch.hasMkl, torch.hasOpenmp, torch.hasSpectral]).toEqual([flags.hasLapack, flags.hasMkl, flags.hasOpenmp, flags.hasSpectral]);
    expect(torch.compiledWithCxx11Abi()).toBe(flags.compiledWithCxx11Abi);
    expect(torch.isInferenceModeEnabled()).toBe(flags.isInferenceModeEnabled);
    expect(torch.inferenceMode(() => torch.isInferenceModeEnabled())).toBe(flags.isInferenceModeEnabledInside);
    expect(torch.isWarnAlwaysEnabled()).toBe(flags.isWarnAlwaysEnabled);
    expect(torch.setFlushDenormal(false)).toBe(flags.setFlushDenormalFalse);
    expect(String(torch.getDefaultDevice())).toBe(flags.getDefaultDevice);
    expect(torch.newaxis).toBe(flags.newaxis);
    expect(String(torch.legacyContiguousFormat)).toBe(flags.legacyContiguousFormat);
    expect(torch.legacyContiguousFormat === torch.contiguousFormat).toBe(flags.legacyIsContiguous);
    expect(torch.initNumThreads()).toBeUndefined();
    expect(torch.threadSafeGenerator()).toBeNull();   // Python outside DataLoader thread workers: None
  });

  it('setWarnAlways toggles libtorch\'s switch and refuses non-booleans', () => {
    try {
      torch.setWarnAlways(true);
      expect(torch.isWarnAlwaysEnabled()).toBe(true);
    } finally {
      torch.setWarnAlways(false);
    }
    expect(torch.isWarnAlwaysEnabled()).toBe(false);
    expect(() => torch.setWarnAlways(1 as unknown as boolean)).toThrow(/setWarnAlways: b must be a boolean/);
  });

  it('setFlushDenormal(true) flushes float32 denormals to zero, as Python', () => {
    try {
      expect(torch.setFlushDenormal(true)).toBe(fx.flags.setFlushDenormalFalse);
      expect(torch.tensor([1e-39], { dtype: torch.float32 }).mul(1).item()).toBe(0);
    } finally {
      torch.setFlushDenormal(false);
    }
    expect(torch.tensor([1e-39], { dtype: torch.float32 }).mul(1).item()).not.toBe(0);
  });

  it('setDefaultDevice accepts the CPU and refuses other devices without changing anything', () => {
    try {
      torch.setDefaultDevice('cpu');
      expect(String(torch.zeros(1).device)).toBe('cpu');
      expect(() => torch.setDefaultDevice('meta')).toThrow(/setDefaultDevice: torchnode supports only the CPU/);
      expect(String(torch.getDefaultDevice())).toBe('cpu');
    } finally {
      torch.setDefaultDevice(null);
    }
    expect(String(torch.getDefaultDevice())).toBe(fx.flags.getDefaultDevice);
  });

  it('deterministic debug modes: each of Python\'s values, and its errors', () => {
    try {
      for (const [key, want] of Object.entries(fx.debugModes)) {
        const mode = JSON.parse(key) as torch.DeterministicDebugMode;
        if ('error' in want) {
          expect(() => torch.setDeterministicDebugMode(mode)).toThrow(want.message);
          expect(torch.getDeterministicDebugMode()).toBe(0);   // unchanged
          continue;
        }
        torch.setDeterministicDebugMode(mode);
        expect([torch.getDeterministicDebugMode(), torch.areDeterministicAlgorithmsEnabled(), torch.isDeterministicAlgorithmsWarnOnlyEnabled()], key)
          .toEqual([want.mode, want.enabled, want.warnOnly]);
        torch.setDeterministicDebugMode(0);
      }
    } finally {
      torch.setDeterministicDebugMode(0);
    }
    expect(() => torch.setDeterministicDebugMode(null as unknown as 0)).toThrow(TypeError);
  });
});

describe('classes and constants', () => {
  it('torch.dtype, layout, memoryFormat, qscheme are the classes of their constants', () => {
    expect(torch.float32).toBeInstanceOf(torch.dtype);
    expect(torch.arange(3).dtype).toBeInstanceOf(torch.dtype);
    expect(torch.strided).toBeInstanceOf(torch.layout);
    expect(torch.channelsLast).toBeInstanceOf(torch.memoryFormat);
    expect(torch.perTensorAffine).toBeInstanceOf(torch.qscheme);
    expect(torch.float32 instanceof torch.layout).toBe(false);
  });

  it('qschemes: names as Python prints them, and Tensor.qscheme() returns the constant', () => {
    const all = [torch.perTensorAffine, torch.perChannelAffine, torch.perTensorSymmetric, torch.perChannelSymmetric, torch.perChannelAffineFloatQparams];
    expect(all.map(String)).toEqual(fx.qschemes);
    const x = torch.arange(6).reshape(2, 3).float();
    const perTensor = torch.quantizePerTensor(x, 0.5, 3, torch.quint8);
    const perChannel = torch.quantizePerChannel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0, torch.quint8);
    expect(String(perTensor.qscheme())).toBe(fx.qschemeOf.perTensor);
    expect(perTensor.qscheme()).toBe(torch.perTensorAffine);
    expect(String(perChannel.qscheme())).toBe(fx.qschemeOf.perChannel);
    expect(perChannel.qscheme()).toBe(torch.perChannelAffine);
  });

  it('torch.Size: an Array with numel() and Python\'s print', () => {
    const size = new torch.Size([2, 3]);
    expect(Array.isArray(size)).toBe(true);
    expect([...size]).toEqual([2, 3]);
    expect(String(size)).toBe(fx.size.str);
    expect(size.numel()).toBe(fx.size.numel);
    expect(new torch.Size([]).numel()).toBe(fx.size.emptyNumel);
    expect(new torch.Size(torch.zeros(4, 5).shape).numel()).toBe(20);
    expect(size.map((s) => s * 2)).not.toBeInstanceOf(torch.Size);   // derived arrays are plain
    expect(() => new torch.Size([2.5])).toThrow(TypeError);   // Python: TypeError too
    expect(fx.size.float.error).toBe('TypeError');
  });
});

describe('autocast', () => {
  it('state functions have Python\'s defaults', () => {
    const d = fx.autocastDefaults;
    expect([torch.getAutocastDtype('cpu'), torch.getAutocastDtype('cuda'), torch.getAutocastDtype('xla'), torch.getAutocastDtype('ipu')].map(String))
      .toEqual([d.cpu, d.cuda, d.xla, d.ipu]);
    expect([torch.isAutocastEnabled('cpu'), torch.isAutocastEnabled(), torch.isAutocastCacheEnabled()]).toEqual([d.cpuEnabled, d.enabled, d.cache]);
    expect([torch.autocastIncrementNesting(), torch.autocastIncrementNesting(), torch.autocastDecrementNesting(), torch.autocastDecrementNesting()])
      .toEqual(fx.nesting);
    torch.clearAutocastCache();
  });

  it('setters change this thread\'s state and the deprecated per-device forms read the same state', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      torch.setAutocastDtype('cpu', torch.float16);
      expect(torch.getAutocastCpuDtype()).toBe(torch.float16);
      torch.setAutocastCpuEnabled(true);
      expect(torch.isAutocastEnabled('cpu')).toBe(true);
      torch.setAutocastCacheEnabled(false);
      expect(torch.isAutocastCacheEnabled()).toBe(false);
      expect(torch.getAutocastGpuDtype()).toBe(torch.getAutocastDtype('cuda'));
      expect(warn.mock.calls.some(([m]) => String(m).includes('torch.get_autocast_cpu_dtype() is deprecated'))).toBe(true);
    } finally {
      torch.setAutocastDtype('cpu', torch.bfloat16);
      torch.setAutocastEnabled('cpu', false);
      torch.setAutocastCacheEnabled(true);
      warn.mockRestore();
    }
    expect(() => torch.setAutocastEnabled('nosuch', true)).toThrow(/setAutocastEnabled: .*nosuch/);
    expect(() => torch.setAutocastEnabled('cpu', 1 as unknown as boolean)).toThrow(TypeError);
  });

  const runs = ['bfloat16', 'default', 'float16', 'float32', 'disabled', 'noCache'] as const;
  const optionsOf: Record<(typeof runs)[number], torch.AutocastOptions> = {
    bfloat16: { dtype: torch.bfloat16 }, default: {}, float16: { dtype: torch.float16 }, float32: { dtype: torch.float32 },
    disabled: { enabled: false }, noCache: { cacheEnabled: false },
  };
  for (const run of runs) {
    it(`autocast('cpu', ${run} options): state inside, matmul/linear dtypes and values as Python, state restored`, () => {
      const want = fx.autocast[run];
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      try {
        const inside = torch.autocast('cpu', optionsOf[run], () => ({
          enabled: torch.isAutocastEnabled('cpu'), dtype: String(torch.getAutocastDtype('cpu')), cache: torch.isAutocastCacheEnabled(),
          matmul: a.matmul(b), add: String(a.add(1).dtype), linear: torch.ops.aten.linear(a, b.T) as torch.Tensor,   // F.linear: torch.nn.functional is not exported yet
        }));
        expect([inside.enabled, inside.dtype, inside.cache, inside.add]).toEqual([want.enabled, want.dtype, want.cache, want.add]);
        for (const key of ['matmul', 'linear'] as const) {
          expect(String(inside[key].dtype)).toBe(want[key].dtype);
          expect(asFloats(inside[key])).toEqual(want[key].values);   // same libtorch kernels: bit-identical
        }
        expect(warn.mock.calls.map(([m]) => String(m))).toEqual(want.warnings);
      } finally {
        warn.mockRestore();
      }
      expect([torch.isAutocastEnabled('cpu'), torch.getAutocastDtype('cpu'), torch.isAutocastCacheEnabled()]).toEqual([false, torch.bfloat16, true]);
      expect(String(a.matmul(b).dtype)).toBe(fx.autocast.plain.matmul.dtype);
    });
  }

  it('restores the state when fn throws, and refuses async functions and bad options', () => {
    expect(() => torch.autocast('cpu', { dtype: torch.float16 }, () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect([torch.isAutocastEnabled('cpu'), torch.getAutocastDtype('cpu'), torch.autocastIncrementNesting()]).toEqual([false, torch.bfloat16, 1]);
    torch.autocastDecrementNesting();
    expect(() => torch.autocast('cpu', async () => 1)).toThrow(/autocast: fn must be synchronous/);
    expect(() => torch.autocast('cpu', { dtyp: torch.float16 } as unknown as torch.AutocastOptions, () => 1)).toThrow(/autocast: unexpected option 'dtyp'/);
    expect(() => torch.autocast('nosuch', () => 1)).toThrow(/nosuch/);
    expect(torch.isAutocastEnabled('cpu')).toBe(false);
  });

  it('nests: an inner enabled: false region runs in float32 and the outer region resumes', () => {
    const [inner, outer] = torch.autocast('cpu', () => [torch.autocast('cpu', { enabled: false }, () => a.matmul(b)), a.matmul(b)]);
    expect([String(inner!.dtype), String(outer!.dtype)]).toEqual([fx.autocast.disabled.matmul.dtype, fx.autocast.default.matmul.dtype]);
  });
});

describe('error classes', () => {
  const classes = { AcceleratorError: torch.AcceleratorError, OutOfMemoryError: torch.OutOfMemoryError, FatalError: torch.FatalError, JITException: torch.JITException };
  it('are Errors, recognise native errors by name, and nothing else', () => {
    for (const [name, cls] of Object.entries(classes)) {
      expect(fx.errors[name as keyof typeof classes]).toContain('Exception');   // Python: all are Exceptions
      expect(cls.prototype).toBeInstanceOf(Error);
      const made = new cls('m');
      expect([made instanceof cls, made instanceof Error, made.name, made.message]).toEqual([true, true, name, 'm']);
      const native = Object.assign(new Error('from libtorch'), { name });
      expect(native instanceof cls).toBe(true);
      expect(new Error('other') instanceof cls).toBe(false);
      expect(new torch.linalg.LinAlgError('x') instanceof cls).toBe(false);
    }
    expect(new torch.OutOfMemoryError('x') instanceof torch.linalg.LinAlgError).toBe(false);
    class MyOom extends torch.OutOfMemoryError {}
    const mine = new MyOom('y');
    expect([mine instanceof torch.OutOfMemoryError, mine instanceof Error, mine.name]).toEqual([true, true, 'OutOfMemoryError']);
    expect(Object.assign(new Error('z'), { name: 'OutOfMemoryError' }) instanceof MyOom).toBe(false);
  });

  it('LinAlgError shares the mechanism: a singular matrix still raises it', () => {
    let thrown: unknown;
    try {
      torch.linalg.inv(torch.zeros(2, 2));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(torch.linalg.LinAlgError);
    expect(thrown instanceof torch.OutOfMemoryError).toBe(false);
  });
});
