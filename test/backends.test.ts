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
