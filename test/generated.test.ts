// lib/generated/* is committed: it must be exactly what scripts/gen-ops.mjs makes from the built
// addon's operator schemas, scripts/python-api.json and scripts/python-docs.json.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The generated files name the libtorch whose schemas they come from; another release has other schemas.
const generatedFrom = /libtorch (\S+) /.exec(readFileSync(join(root, 'lib/generated/functions.ts'), 'utf8'))?.[1];

describe('lib/generated', () => {
  it.skipIf(generatedFrom !== torch.version.version)(`is up to date (libtorch ${generatedFrom}): else run npm run generate`, async () => {
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(process.execPath, [join(root, 'scripts/gen-ops.mjs'), '--check'], { cwd: root, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: stdout + stderr }));
    });
    expect(code, output).toBe(0);
  });
});
