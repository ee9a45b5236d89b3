// lib/native.ts: which addon binary a process loads.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childTimeoutMs, lastJson, root, runChild } from './run-child.js';

// The binary this checkout loads by default: the install record's, else the local build.
function defaultBinary(): string {
  const record = join(root, 'build', 'libtorch.json');
  const recorded = existsSync(record) ? resolve(root, (JSON.parse(readFileSync(record, 'utf8')) as { binary: string }).binary) : null;
  return recorded !== null && existsSync(recorded) ? recorded : join(root, 'build', 'Release', 'torchnode.node');
}

describe('TORCHNODE_BINARY', () => {
  it('loads the addon it names', () => {
    // A copy at another path, so that the child's memory map shows which file it loaded.
    const dir = mkdtempSync(join(tmpdir(), 'torchnode-binary-'));
    const copy = join(dir, 'copy.node');
    try {
      copyFileSync(defaultBinary(), copy);
      const body = `const sum = torch.ones([3]).sum().item();
        const maps = (await import('node:fs')).readFileSync('/proc/self/maps', 'utf8');
        console.log(JSON.stringify({ sum, copy: maps.includes(${JSON.stringify(copy)}), usual: maps.includes(${JSON.stringify(defaultBinary())}) }));`;
      const r = runChild(body, { env: { TORCHNODE_BINARY: copy } });
      expect(r.status, r.stderr).toBe(0);
      expect(lastJson(r)).toEqual({ sum: 3, copy: true, usual: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, childTimeoutMs);

  it('naming no file fails at import, saying so', () => {
    const missing = join(root, 'build', 'no-such-addon.node');
    const r = runChild('console.log("loaded", typeof torch.ones);', { env: { TORCHNODE_BINARY: missing } });
    expect(r.status, r.stdout + r.stderr).not.toBe(0);
    expect(r.stdout).not.toContain('loaded');
    expect(r.stderr).toContain(`torchnode: TORCHNODE_BINARY names no file: ${missing}`);
  }, childTimeoutMs);
});
