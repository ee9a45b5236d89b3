// checkpoint(fn, ..., { debug: true }): Python's _get_debug_context_and_cb. The forward and the
// recomputation each log every op below autograd (native/src/op_log.cc writes LoggingTensorMode's lines)
// with the JS stack of its call; a CheckpointError on unpack becomes a report of both logs.
import { fileURLToPath } from 'node:url';

import { withMode } from '../autograd.js';
import { native, type Handle } from '../native.js';
import type { CheckpointContext } from './checkpoint.js';

// This package's code (dist/, or lib/ where source maps point): a logged op's stack is printed from
// its first frame outside it, the caller's (Python's starts after __torch_dispatch__).
const OWN_DIRS = ['../../dist/', '../../lib/'].flatMap((dir) => {
  const url = new URL(dir, import.meta.url);
  return [url.href, fileURLToPath(url)];
});
// Node's own modules count as ours too: tidy and the saved-tensors hooks run ops through node:async_hooks.
const isOwn = (file: string): boolean => file.startsWith('node:') || OWN_DIRS.some((dir) => file.startsWith(dir));

// One V8 stack line ('    at name (file:line:col)', '    at file:line:col') as Python prints a frame: file:line:name.
function frameOf(line: string): { file: string; text: string } | null {
  const m = /^\s*at (?:async )?(?:(.+?) \()?(.+?):(\d+):\d+\)?$/.exec(line);
  if (!m) return null;
  const file = m[2]!;
  const path = file.startsWith('file://') ? fileURLToPath(file) : file;
  return { file, text: `${path}:${m[3]}:${m[1] ?? '<anonymous>'}` };
}

// get_str_tb: each op's line, its place in the log, and its stack from the caller's frame outward.
function traces(label: string, lines: readonly string[], stacks: readonly string[]): string {
  let out = '';
  lines.forEach((line, i) => {
    out += `${line}   (${i + 1} of ${lines.length} in ${label})\n\n`;
    const frames = stacks[i]!.split('\n').map(frameOf).filter((f) => f !== null);
    let first = frames.findIndex((f) => !isOwn(f.file));
    if (first < 0) first = frames.length;
    for (const f of frames.slice(first)) out += `${f.text}\n`;
    out += '\n\n';
  });
  return out;
}

const BAR = '+~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~+';
const RULE = '+------------------------------------------------------------------------------+';

// Python's _checkpoint_error_template, filled in.
const report = (forwardTraces: string, recomputeTraces: string, forwardOps: string, recomputeOps: string): string => ` \
An error happened while unpacking tensors; dumping logs of latest computation
because you passed \`debug=True\` to \`torch.utils.checkpoint.checkpoint()\`.
Scroll all the way down for guidance on how to navigate these logs.

${BAR}
|        1. Stack traces of the operators that ran in the original forward     |
${RULE}

${forwardTraces}
${BAR}
|        2. Stack traces of the operators that ran during recomputation        |
${RULE}

${recomputeTraces}
${BAR}
|       3. Log of operators in the original forward and recomputation          |
${RULE}
(Scroll up to correlate stack traces with each operation listed below. This
 helps identify their source in the code.)

IMPORTANT: Differences in "detach" calls between the original forward and the
           recomputation are expected. They are introduced by the checkpointing
           mechanism and can be ignored.

Operations executed during the original forward:

${forwardOps}

Operations executed during recomputation:

${recomputeOps}

${RULE}
 ERROR: Detected non-determinism while running activation checkpointing

 You are seeing this error because you passed \`debug=True\` to checkpoint and
 tensors to be saved during the original forward and differ between those saved
 during recomputation. This can happen if different operators were ran in the
 original forward and in the recomputation.

 To identify where the mismatch may be coming from, you can do the following:

 1) Compare the operators ran during original forward and recomputation to
    see where they differ. These operators are printed above in the order they
    were executed.

 2) Review the stack trace for each operator to locate its invocation source.
    Each operator's stack trace is printed in their execution order.

 Note that the logs can be quite long. Here's how they are structured:
 (Tip: you can Ctrl-f for these headers)

 1. Stack traces of the operators that ran in the original forward
 2. Stack traces of the operators that ran during recomputation
 3. Log of operators in the original forward and recomputation
 4. Error message                                             <--- You are here
--------------------------------------------------------------------------------
`;

/** The logging regions of one debug checkpoint (forward, recomputation) and the report of what they saw. */
export interface CheckpointDebugLogs {
  readonly contexts: readonly [CheckpointContext, CheckpointContext];
  /** The report Python's unpack_error_cb raises in place of a CheckpointError. */
  report(): string;
}

export function checkpointDebugLogs(): CheckpointDebugLogs {
  const logs: [Handle, Handle] = [native.checkpointLogNew(), native.checkpointLogNew()];
  const region = (log: Handle): CheckpointContext => (fn) => {
    let stackLimit = Error.stackTraceLimit;
    return withMode('checkpoint', () => {
      native.checkpointLogEnter(log);
      stackLimit = Error.stackTraceLimit;
      Error.stackTraceLimit = Infinity;   // Python's tracebacks are whole
    }, () => {
      Error.stackTraceLimit = stackLimit;
      native.sacLeave();
    }, fn);
  };
  return {
    contexts: [region(logs[0]), region(logs[1])],
    report() {
      const [[forwardOps, forwardStacks], [recomputeOps, recomputeStacks]] = logs.map((log) => native.checkpointLogRead(log) as [string[], string[]]);
      return report(traces('original', forwardOps!, forwardStacks!), traces('recompute', recomputeOps!, recomputeStacks!),
        forwardOps!.join('\n'), recomputeOps!.join('\n'));
    },
  };
}
