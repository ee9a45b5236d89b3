// Worker threads with the parent's node flags (loaders such as tsx, -r hooks such as Yarn's PnP), minus
// those that name the main script's input (-e, -p, --input-type) and those Node refuses in a thread.
import { Worker, type WorkerOptions } from 'node:worker_threads';

function inheritableExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (['-e', '--eval', '-p', '--print', '--input-type'].includes(a)) i++;
    else if (!/^--(input-type|eval|print)=/.test(a)) out.push(a);
  }
  return out;
}

// V8 flags Node refuses in a worker's execArgv (--expose-gc, --max-old-space-size): process-wide, so the worker has them anyway.
const refusedWorkerFlags = new Set<string>();

/** new Worker(entry, options) with the parent's flags, minus those Node names as invalid for a thread (remembered for later workers). */
export function startWorkerThread(entry: string | URL, options: Omit<WorkerOptions, 'execArgv'>): Worker {
  for (;;) {
    try {
      return new Worker(entry, { ...options, execArgv: inheritableExecArgv().filter((a) => !refusedWorkerFlags.has(a)) });
    } catch (e) {
      const listed = (e as { code?: string }).code === 'ERR_WORKER_INVALID_EXEC_ARGV' ? (/flags: (.*)$/.exec((e as Error).message)?.[1]?.split(', ') ?? []) : [];
      const fresh = listed.filter((f) => !refusedWorkerFlags.has(f));
      if (fresh.length === 0) throw e;
      for (const f of fresh) refusedWorkerFlags.add(f);
    }
  }
}
