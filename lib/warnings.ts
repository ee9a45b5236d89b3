// libtorch's warnings as Node process warnings (`process.on('warning')`, `--no-warnings`): each is
// shown once per call site and message, like Python's default warnings filter.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { native } from './native.js';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ownCode = [resolve(packageRoot, 'lib') + '/', resolve(packageRoot, 'dist') + '/'];
const shown = new Set<string>();
const MAX_REMEMBERED = 10_000; // like Python's __warningregistry__, bounded

// The file a stack frame's line names ('' for native frames such as `at String (<anonymous>)`).
function frameFile(line: string): string {
  const file = /\((?:file:\/\/)?([^()]+?):\d+:\d+\)$|at (?:file:\/\/)?([^ ()]+?):\d+:\d+$/.exec(line.trim());
  return file?.[1] ?? file?.[2] ?? '';
}
const isOwnFile = (path: string): boolean => ownCode.some((p) => path.startsWith(p));

// The first stack frame outside torchnode: the user's line that called the op.
function callSite(): string {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  for (const line of stack) {
    const path = frameFile(line);
    if (path && !isOwnFile(path) && !path.startsWith('node:')) return line.trim();
  }
  return '<unknown>';
}

/** Whether the function `framesUp` frames above the one asking (1: its caller) is torchnode's own code (lib/ or dist/). */
export function isTorchnodeFrame(framesUp: number): boolean {
  // [0] Error, [1] this function, [2] the function asking, [2 + framesUp] the one asked about
  return isOwnFile(frameFile(new Error().stack?.split('\n')[2 + framesUp] ?? ''));
}

/** Shows a warning once per call site and message, as Python's default filter does (used by JS code that warns as PyTorch's Python does). */
export function showWarning(message: string, category: string): void {
  const key = `${category}\u0000${message}\u0000${callSite()}`;
  if (shown.has(key)) return;
  if (shown.size >= MAX_REMEMBERED) shown.clear();
  shown.add(key);
  process.emitWarning(message, category);
}

native.setWarningHandler(showWarning);

/** A Python-style warning from TS code (`warnings.warn`): shown once per call site and message, as libtorch's are. */
export function warn(message: string, category = 'UserWarning'): void {
  showWarning(message, category);
}
