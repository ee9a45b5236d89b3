// The install story end to end: pack the package, install the tarball into an empty project with
// the prebuilt binary (must not compile) and without it (must compile with cmake-js), and use it.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

it('npm pack + npm install: prebuilt binary without compiling, else compiled from source', () => {
  const r = spawnSync('sh', ['scripts/pack-test.sh'], { cwd: root, encoding: 'utf8', timeout: 900_000 });
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  expect(r.stdout).toContain('pack-test: with prebuilds: installed the prebuilt binary, no compile');
  expect(r.stdout).toContain('pack-test: without prebuilds: compiled from source');
}, 900_000);
