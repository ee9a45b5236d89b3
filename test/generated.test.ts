// lib/generated/* is committed: it must be exactly what scripts/gen-ops.mjs makes from the built
// addon's operator schemas, scripts/python-api.json and scripts/python-docs.json.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The generated files name the libtorch whose schemas they come from; another release has other schemas.
const generatedFrom = /libtorch (\S+) /.exec(readFileSync(join(root, 'lib/generated/functions.ts'), 'utf8'))?.[1];

describe('lib/generated', () => {
  it.skipIf(generatedFrom !== torch.buildInfo().torchVersion)(`is up to date (libtorch ${generatedFrom}): else run npm run generate`, async () => {
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(process.execPath, [join(root, 'scripts/gen-ops.mjs'), '--check'], { cwd: root, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: stdout + stderr }));
    });
    expect(code, output).toBe(0);
  });
});

// native/src/jvp_decompositions.inc embeds TorchScript compiled by Python torch: checked where the project's venv has
// the torch release it comes from (CI's does: scripts/setup.sh installs it).
const venvPython = join(root, '.venv/bin/python');
const jvpFrom = /from torch (\S+):/.exec(readFileSync(join(root, 'native/src/jvp_decompositions.inc'), 'utf8'))?.[1];
const venvTorch = (() => {
  try {
    return execFileSync(venvPython, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
})();

describe('native/src/jvp_decompositions.inc', () => {
  it.skipIf(venvTorch !== jvpFrom)(`is what scripts/gen-jvp-decompositions.py makes with torch ${jvpFrom}`, () => {
    const run = spawnSync(venvPython, [join(root, 'scripts/gen-jvp-decompositions.py'), '--check'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
  });
});

// Overload signatures per generated name, and whether each one carries its JSDoc from PyTorch's docstring.
function generatedSignatures(file: string, signature: RegExp, header?: RegExp): Map<string, { count: number; undocumented: number }> {
  const lines = readFileSync(join(root, 'lib/generated', file), 'utf8').split('\n');
  const found = new Map<string, { count: number; undocumented: number }>();
  let current: string | null = null;
  lines.forEach((line, i) => {
    const head = header?.exec(line);
    if (head) current = head[1]!;
    const sig = signature.exec(line);
    const name = sig ? sig[1] || current : null;
    if (!sig || !name) return;
    const entry = found.get(name) ?? { count: 0, undocumented: 0 };
    entry.count += 1;
    if (!/\*\/\s*$/.test(lines[i - 1] ?? '')) entry.undocumented += 1;
    found.set(name, entry);
  });
  return found;
}

describe('generated typings', () => {
  const functions = generatedSignatures('functions.ts', /^ {2}\(()/, /^export const (\w+) = \w+\(.*as unknown as \{$/);
  const methods = generatedSignatures('methods.ts', /^ {4}(\w+)\(.*\):\s*[^;]+;$/);

  it('document every overload with PyTorch’s docstring', () => {
    expect(functions.size).toBeGreaterThan(500);
    expect(methods.size).toBeGreaterThan(400);
    const undocumented = [...functions, ...methods].filter(([, e]) => e.undocumented > 0).map(([n]) => n);
    expect(undocumented).toEqual([]);
  });

  it('collapse the overloads of one schema (max had 13)', () => {
    expect(methods.get('max')!.count).toBeLessThanOrEqual(4);
    expect(functions.get('max')!.count).toBeLessThanOrEqual(6);
  });
});
