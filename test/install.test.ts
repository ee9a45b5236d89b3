// The install story end to end: pack the package, install the tarball into an empty project with
// the prebuilt binary (must not compile) and without it (must compile with cmake-js), and use it.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Asynchronous, so that the test worker keeps answering vitest while the script runs for minutes.
function run(cmd: string, args: string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, out }));
  });
}

it('npm pack + npm install: prebuilt binary without compiling, else compiled from source', async () => {
  const { status, out } = await run('sh', ['scripts/pack-test.sh']);
  expect(status, out).toBe(0);
  expect(out).toContain('pack-test: with prebuilds: installed the prebuilt binary, no compile');
  expect(out).toContain('pack-test: without prebuilds: compiled from source');
}, 900_000);
