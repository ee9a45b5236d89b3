// The process-wide switches of libtorch's global context (torch.backends, determinism, matmul
// precision, inter-op threads), against Python torch 2.13's defaults on the same libtorch
// (test/fixtures/constants.json, made by scripts/make-constants-fixtures.py). Each test restores what it sets.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

import * as torch from '../lib/index.js';

interface Fixture {
  float32MatmulPrecision: string;
  cpuCapability: string;
  backends: Record<string, boolean>;
  deviceApis: {
    matmul: { fp16Reduced: boolean; fp16SplitK: boolean; bf16Reduced: boolean; bf16SplitK: boolean; fp16Accumulation: boolean };
    fp16ReductionSettings: { set: unknown; error?: string; read: [boolean, boolean] }[];
    mps: [boolean, boolean];
    optEinsum: { available: boolean; enabled: boolean; strategy: string | null };
    cuda: { isInitialized: boolean; getRngStateAll: number; memoryStats: Record<string, number>; isBf16Supported: boolean; defaultGenerators: number };
    cpu: { isInitialized: boolean; capabilityTypes: Record<string, 'bool' | 'int' | 'str'> };
  };
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/constants.json', import.meta.url), 'utf8')) as Fixture;

describe('torch.backends', () => {
  it('reports what this libtorch was built with, as Python does', () => {
    expect(torch.backends.mkldnn.isAvailable()).toBe(fx.backends.mkldnn);
    expect(torch.backends.mkl.isAvailable()).toBe(fx.backends.mkl);
    expect(torch.backends.openmp.isAvailable()).toBe(fx.backends.openmp);
    expect(torch.backends.cpu.getCpuCapability()).toBe(fx.cpuCapability); // ATEN_CPU_CAPABILITY=avx2 on both sides (vitest.config.ts)
    expect(torch.backends.cudnn.isAvailable() ? torch.version.cuda !== null : true).toBe(true); // cuDNN only in a CUDA build (GPU or not, as Python's)
    expect(torch.backends.cudnn.version() === null).toBe(!torch.backends.cudnn.isAvailable()); // Python: None without cuDNN
  });

  it('has Python\'s defaults and settable switches, even on CPU builds', () => {
    const { backends } = torch;
    expect([backends.cudnn.enabled, backends.cudnn.deterministic, backends.cudnn.benchmark, backends.cudnn.allowTf32, backends.mkldnn.enabled]).toEqual(
      [fx.backends.cudnnEnabled, fx.backends.cudnnDeterministic, fx.backends.cudnnBenchmark, fx.backends.cudnnAllowTf32, fx.backends.mkldnnEnabled]);
    for (const key of ['enabled', 'deterministic', 'benchmark', 'allowTf32'] as const) {
      const before = backends.cudnn[key];
      try {
        backends.cudnn[key] = !before;
        expect(backends.cudnn[key], key).toBe(!before);
      } finally {
        backends.cudnn[key] = before;
      }
      expect(backends.cudnn[key], key).toBe(before);
    }
    try {
      backends.mkldnn.enabled = false;
      expect(backends.mkldnn.enabled).toBe(false);
    } finally {
      backends.mkldnn.enabled = true;
    }
    expect(() => ((backends.cudnn as { benchmark: unknown }).benchmark = 1)).toThrow(/cudnnBenchmark must be a boolean/);
    expect(() => ((backends.cudnn as unknown as Record<string, unknown>).benchmarks = true)).toThrow(TypeError); // sealed: a misspelt switch is an error
  });
});

describe('the device APIs a CPU-only script touches (Python 2.13 on this build: test/fixtures/constants.json deviceApis)', () => {
  const py = fx.deviceApis;
  it('torch.backends.cuda.matmul: the half-precision reduction switches, set as a boolean or [reduced, splitK]', () => {
    const m = torch.backends.cuda.matmul;
    expect({ fp16Reduced: m.allowFp16ReducedPrecisionReduction, fp16SplitK: m.allowFp16ReducedPrecisionReductionSplitK, bf16Reduced: m.allowBf16ReducedPrecisionReduction,
      bf16SplitK: m.allowBf16ReducedPrecisionReductionSplitK, fp16Accumulation: m.allowFp16Accumulation }).toEqual(py.matmul);
    try {
      for (const row of py.fp16ReductionSettings) {
        const set = (): void => void (m.allowFp16ReducedPrecisionReduction = row.set as boolean);
        if (row.error) expect(set, JSON.stringify(row.set)).toThrow(row.error === 'TypeError' ? TypeError : Error);
        else set();
        expect([m.allowFp16ReducedPrecisionReduction, m.allowFp16ReducedPrecisionReductionSplitK], JSON.stringify(row.set)).toEqual(row.read);
      }
      m.allowBf16ReducedPrecisionReduction = [false, false];
      expect([m.allowBf16ReducedPrecisionReduction, m.allowBf16ReducedPrecisionReductionSplitK, m.allowFp16ReducedPrecisionReduction]).toEqual([false, false, true]);
      m.allowFp16Accumulation = true;
      expect(m.allowFp16Accumulation).toBe(true);
    } finally {
      m.allowFp16ReducedPrecisionReduction = true;
      m.allowBf16ReducedPrecisionReduction = true;
      m.allowFp16Accumulation = false;
    }
    expect(() => ((m as unknown as Record<string, unknown>).allowFp16ReducedPrecisionReductionSplitK = false)).toThrow(TypeError); // read-only, as Python's
  });
  it('torch.backends.mps and optEinsum exist, and say what Python says here', () => {
    expect([torch.backends.mps.isAvailable(), torch.backends.mps.isBuilt()]).toEqual(py.mps);
    const o = torch.backends.optEinsum;
    expect({ available: o.isAvailable(), enabled: o.enabled, strategy: o.strategy }).toEqual(py.optEinsum);
    expect(o.getOptEinsum()).toBeNull();
    try {
      o.enabled = true;
      o.strategy = 'greedy';
      expect([o.enabled, o.strategy]).toEqual([true, 'greedy']);
      expect(() => (o.strategy = 'best' as never)).toThrow(/must be one of the following: \[auto, greedy, optimal\] but is best/);
      expect(() => (o.enabled = 1 as never)).toThrow(TypeError);
    } finally {
      o.enabled = false;
      o.strategy = null;
    }
  });
  it.skipIf(torch.version.cuda !== null)('torch.cuda: state, seeding and memory functions without CUDA', () => {
    const c = torch.cuda;
    expect({ isInitialized: c.isInitialized(), getRngStateAll: c.getRngStateAll().length, memoryStats: c.memoryStats(), isBf16Supported: c.isBf16Supported(),
      defaultGenerators: c.defaultGenerators.length }).toEqual(py.cuda);
    const before = torch.getRngState();
    // Python: set_rng_state, set_rng_state_all, seed and seed_all do nothing (queued for a CUDA start that never comes)
    expect([c.setRngState(before), c.setRngStateAll([before]), c.seed(), c.seedAll()]).toEqual([undefined, undefined, undefined, undefined]);
    expect(torch.getRngState().equal(before)).toBe(true);
    // Python: init, get_rng_state and initial_seed raise 'Torch not compiled with CUDA enabled'
    for (const [name, call] of [['init', () => c.init()], ['getRngState', () => c.getRngState()], ['initialSeed', () => c.initialSeed()]] as const)
      expect(call, name).toThrow(/this libtorch (was built without CUDA|has no CUDA support)/);
    expect(() => c.setRngStateAll(before as never)).toThrow(TypeError);
  });
  // Read when asked, not at import: on a CUDA build reading it makes every GPU's generator, and starts CUDA there.
  it('torch.cuda.defaultGenerators stays a getter on the namespace', () => {
    expect(typeof Object.getOwnPropertyDescriptor(torch.cuda, 'defaultGenerators')?.get).toBe('function');
  });
  it('torch.cpu: setDevice, isInitialized, Stream, Event and getCapabilities, as Python', () => {
    expect([torch.cpu.setDevice('cpu'), torch.cpu.isInitialized()]).toEqual([undefined, py.cpu.isInitialized]);
    const s = new torch.cpu.Stream();
    const e = new torch.cpu.Event();
    expect([s.waitStream(s), s.recordEvent(), s.waitEvent(e), e.record(), e.synchronize(), e.wait(), e.query()]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, true]);
    // The values are this machine's CPU; the names and value types are Python's (made on another machine, maybe).
    const caps = torch.cpu.getCapabilities();
    const jsType = { bool: 'boolean', int: 'number', str: 'string' } as const;
    expect(Object.fromEntries(Object.entries(caps).map(([k, v]) => [k, typeof v])).valueOf()).toEqual(
      Object.fromEntries(Object.entries(py.cpu.capabilityTypes).map(([k, t]) => [k, jsType[t]])));
    if (['AVX2', 'AVX512'].includes(torch.backends.cpu.getCpuCapability())) expect(caps.avx2).toBe(true);
    expect(Object.isFrozen(caps)).toBe(true);
  });
});

describe('determinism, matmul precision and threads', () => {
  it('useDeterministicAlgorithms sets both flags; bad input changes nothing', () => {
    expect([torch.areDeterministicAlgorithmsEnabled(), torch.isDeterministicAlgorithmsWarnOnlyEnabled()]).toEqual([false, false]);
    try {
      torch.useDeterministicAlgorithms(true, { warnOnly: true });
      expect([torch.areDeterministicAlgorithmsEnabled(), torch.isDeterministicAlgorithmsWarnOnlyEnabled()]).toEqual([true, true]);
      torch.useDeterministicAlgorithms(true);
      expect([torch.areDeterministicAlgorithmsEnabled(), torch.isDeterministicAlgorithmsWarnOnlyEnabled()]).toEqual([true, false]);
      expect(() => torch.useDeterministicAlgorithms(1 as unknown as boolean)).toThrow(/mode must be a boolean/);
      expect(() => torch.useDeterministicAlgorithms(false, { warnonly: true } as never)).toThrow(/unexpected option 'warnonly'/);
      expect(() => torch.useDeterministicAlgorithms(false, { warnOnly: undefined })).toThrow(/'warnOnly' is undefined/);
      expect(torch.areDeterministicAlgorithmsEnabled()).toBe(true);
    } finally {
      torch.useDeterministicAlgorithms(false);
    }
    expect(torch.areDeterministicAlgorithmsEnabled()).toBe(false);
  });

  // Python 2.13: torch.utils.deterministic.fill_uninitialized_memory is True; with use_deterministic_algorithms(True),
  // torch.empty(3) -> tensor([nan, nan, nan]), empty(2, dtype=int32) -> [2147483647, 2147483647]; set to False,
  // empty(3) is not filled; setting it to 5 -> RuntimeError "expected a bool, but got int"
  it('torch.utils.deterministic.fillUninitializedMemory switches the NaN fill of deterministic mode', () => {
    const d = torch.utils.deterministic;
    expect(d.fillUninitializedMemory).toBe(true);
    try {
      torch.useDeterministicAlgorithms(true);
      expect(torch.empty(3).isnan().all().item()).toBe(true);
      expect(torch.empty(2, { dtype: torch.int32 }).tolist()).toEqual([2147483647, 2147483647]);
      d.fillUninitializedMemory = false;
      expect(d.fillUninitializedMemory).toBe(false);
      // a size nothing here filled with NaN before: unfilled memory is not all NaN
      expect(torch.empty(12345).isnan().all().item()).toBe(false);
      expect(() => {
        d.fillUninitializedMemory = 5 as unknown as boolean;
      }).toThrow(TypeError);
      expect(d.fillUninitializedMemory).toBe(false);
    } finally {
      d.fillUninitializedMemory = true;
      torch.useDeterministicAlgorithms(false);
    }
  });

  it('float32 matmul precision: Python\'s default, three values, anything else warns and is ignored', () => {
    expect(torch.getFloat32MatmulPrecision()).toBe(fx.float32MatmulPrecision);
    try {
      for (const p of ['high', 'medium', 'highest'] as const) {
        torch.setFloat32MatmulPrecision(p);
        expect(torch.getFloat32MatmulPrecision()).toBe(p);
      }
      torch.setFloat32MatmulPrecision('medium');
      const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        torch.setFloat32MatmulPrecision('HIGHEST' as 'highest');
        expect(emit).toHaveBeenCalledWith(expect.stringMatching(/HIGHEST is not one of 'highest', 'high', or 'medium'/), 'UserWarning');
      } finally {
        emit.mockRestore();
      }
      expect(torch.getFloat32MatmulPrecision()).toBe('medium');
    } finally {
      torch.setFloat32MatmulPrecision('highest');
    }
  });

  it('inter-op threads: a positive count, as libtorch checks', () => {
    expect(torch.getNumInteropThreads()).toBeGreaterThanOrEqual(1);
    expect(() => torch.setNumInteropThreads(0)).toThrow(RangeError);
    expect(() => torch.setNumInteropThreads(1.5)).toThrow(TypeError);
  });

  it('torch.version names the libtorch and CUDA as Python does', () => {
    expect(torch.version.version).toBe(torch.__version__);
    // The install's own record (torch/version.py or a libtorch archive's build-version/build-hash), as Python's.
    expect(torch.__version__.startsWith(torch.buildInfo().torchVersion)).toBe(true);
    expect(torch.version.gitVersion).toMatch(/^([0-9a-f]{40}|Unknown)$/);
    expect(typeof torch.version.debug).toBe('boolean');
    // Built against the venv's torch (CI): its torch.__version__ is the one the fixtures record.
    const made = (JSON.parse(readFileSync(new URL('./fixtures/jit-check.json', import.meta.url), 'utf8')) as { torch: string }).torch;
    if (torch.buildInfo().libtorchDir?.includes('/.venv/') && made.startsWith(torch.buildInfo().torchVersion)) expect(torch.__version__).toBe(made);
    expect(torch.version.cuda === null).toBe(!torch.buildInfo().cuda);
    expect(torch.version.hip).toBeNull();
  });
});
