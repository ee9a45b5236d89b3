// Whether torch.jit.trace is running on this thread, and the tracer's data-flow warnings. Apart from
// jit.ts so that Tensor methods (item, tolist) and torch.tensor can warn without importing jit.ts.
import { isTorchnodeFrame, warn } from './warnings.js';

let depth = 0;
/** torch.jit.is_tracing(). */
export const isTracing = (): boolean => depth > 0;
/** Runs fn as (part of) a trace. */
export function whileTracing<T>(fn: () => T): T {
  depth++;
  try {
    return fn();
  } finally {
    depth--;
  }
}

const WARN_PYTHON_DATAFLOW = " might cause the trace to be incorrect. We can't record the data flow of Python values, so this value will be treated as a constant in the future. This means that the trace might not generalize to other inputs!";
const WARN_CONSTRUCTOR = ' results are registered as constants in the trace. You can safely ignore this warning if you use this function to create tensors out of constant variables that would be the same every time you call this function. In any other case, this might cause the trace to be incorrect.';

/**
 * libtorch's tracer warning (jit::tracer::warn) for a value leaving the trace ('dataflow': "Converting a
 * tensor to a Python number might…") or a constant entering it ('constructor': "torch.tensor results
 * are…"), as a TracerWarning; only while tracing and only for a call from the user's code (the frame
 * above the caller), as Python ignores TracerWarnings raised inside torch.
 */
export function tracerWarn(reason: string, kind: 'dataflow' | 'constructor'): void {
  if (depth === 0 || isTorchnodeFrame(2)) return; // 1: the torchnode function warning, 2: its caller
  warn(reason + (kind === 'dataflow' ? WARN_PYTHON_DATAFLOW : WARN_CONSTRUCTOR), 'TracerWarning');
}
