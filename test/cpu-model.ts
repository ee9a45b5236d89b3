// The CPU identity, to tell whether BLAS/oneDNN results (Linear, Conv) may be compared bit for bit with
// fixtures made on another machine: MKL and oneDNN pick kernels by CPU, ATEN_CPU_CAPABILITY does not pin them.
// The model name alone does not tell: virtual machines report "AMD EPYC" for CPUs with and without
// AVX-512, and oneDNN's convolutions round differently on the two; so the identity adds the widest oneDNN
// ISA the tests allow (vitest.config.ts caps it at AVX512_CORE_BF16).
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const cpuinfo = ((): string | null => {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return null;  // not Linux
  }
})();

function readIsa(): string {
  const flags = new Set((/^flags\s*:\s*(.*)$/m.exec(cpuinfo ?? '')?.[1] ?? '').split(/\s+/));
  if (['avx512f', 'avx512bw', 'avx512vl', 'avx512dq'].every((f) => flags.has(f))) return flags.has('avx512_bf16') ? 'AVX512_CORE_BF16' : 'AVX512_CORE';
  return flags.has('avx2') ? 'AVX2' : 'pre-AVX2';
}

/** This machine's widest oneDNN ISA, as vitest.config.ts caps it. */
export const cpuIsa = readIsa();
/** The ISA of the machine that made the fixtures (an AMD EPYC with AVX-512). */
export const FIXTURE_ISA = 'AVX512_CORE_BF16';
/**
 * Whether oneDNN and FBGEMM run the fixtures' kernels here. Their float results (convolutions, GELU) are
 * bit-exact only then: elsewhere within KERNEL_ROUNDING (a few ulps), and int8 linear layers differ more.
 */
export const sameKernels = cpuIsa === FIXTURE_ISA;
/** How far a oneDNN float result may be from the fixture on another ISA (AVX2 against AVX-512: 1e-7 relative seen). */
export const KERNEL_ROUNDING = { rtol: 1e-5, atol: 1e-6 };
/** torch.allclose's test for one value: |actual - expected| <= atol + rtol * |expected|. */
export const isClose = (actual: number, expected: number, tol: { rtol: number; atol: number } = KERNEL_ROUNDING): boolean =>
  Math.abs(actual - expected) <= tol.atol + tol.rtol * Math.abs(expected);

/** As scripts/cpu_identity.py records it in the fixtures' meta.cpuModel: the first "model name" of /proc/cpuinfo and the oneDNN ISA. */
export const cpuModel = `${cpuinfo === null ? (cpus()[0]?.model.trim() ?? 'unknown') : (/^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]!.trim() ?? 'unknown')} (${cpuIsa})`;
