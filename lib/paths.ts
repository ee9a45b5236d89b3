// File-path helpers Python's os.path gives the APIs ported here.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Python's os.path.expanduser for `~` and `~/...`. */
export function expandUser(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/**
 * Python's os.makedirs(dir, exist_ok=True), one level at a time: mkdirSync's recursive mode spins
 * forever under /proc (Node 20), and a parent that is a file fails with ENOTDIR rather than EEXIST.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      if (!((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(d).isDirectory())) throw err; // made meanwhile by another process
    }
  }
  if (!statSync(resolve(dir)).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, '${dir}'`), { code: 'ENOTDIR' });
}
