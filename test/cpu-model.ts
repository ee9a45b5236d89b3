// The CPU model string, to tell whether BLAS/oneDNN results (Linear, Conv) may be compared bit for bit with
// fixtures made on another machine: MKL and oneDNN pick kernels by CPU model, ATEN_CPU_CAPABILITY does not pin them.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

function readCpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux: fall through to what Node reports
  }
  return cpus()[0]?.model.trim() ?? 'unknown';
}

/** As scripts/make-seed-fixtures.py records it in meta.cpuModel (the first "model name" of /proc/cpuinfo). */
export const cpuModel = readCpuModel();
