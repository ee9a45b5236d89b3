// File-path helpers Python's os.path gives the APIs ported here.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Python's os.path.expanduser for `~` and `~/...`. */
export function expandUser(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}
