// torch.func: functional_call (the rest of torch.func lives with vmap / autograd).
import type { Tensor } from './tensor.js';
import { describe, isOptionsObject } from './options.js';
import type { Module } from './nn/module.js';
import { _functionalCall, type FunctionalCallOptions } from './nn/utils/stateless.js';

/**
 * torch.func.functional_call: `module.call(...args)` with its parameters and buffers replaced by the
 * given ones for the duration of the call. `parameterAndBufferDicts` is one object of name -> Tensor
 * or an array of them (a name may appear in only one).
 */
export function functionalCall(
  module: Module,
  parameterAndBufferDicts: Record<string, Tensor | null> | readonly Record<string, Tensor | null>[],
  args?: unknown,
  kwargs?: Record<string, unknown> | null,
  options?: FunctionalCallOptions,
): unknown {
  const fn = 'torch.func.functionalCall';
  let merged: Record<string, Tensor | null>;
  if (Array.isArray(parameterAndBufferDicts)) {
    if (!parameterAndBufferDicts.every((d) => isOptionsObject(d))) throw new TypeError(`${fn}: Expected all elements of parameter_and_buffer_dicts to be dictionaries`);
    const counts = new Map<string, number>();
    for (const d of parameterAndBufferDicts) for (const k of Object.keys(d)) counts.set(k, (counts.get(k) ?? 0) + 1);
    const repeated = [...counts].filter(([, n]) => n > 1).map(([k]) => `'${k}'`);
    if (repeated.length > 0) throw new Error(`${fn}: [${repeated.join(', ')}] appeared in multiple dictionaries; behavior of functional call is ambiguous`);
    merged = Object.assign({}, ...parameterAndBufferDicts) as Record<string, Tensor | null>;
  } else if (isOptionsObject(parameterAndBufferDicts)) {
    merged = parameterAndBufferDicts as Record<string, Tensor | null>;
  } else {
    throw new TypeError(`${fn}: Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got ${describe(parameterAndBufferDicts)}`);
  }
  return _functionalCall(fn, module, merged, args, kwargs, options);
}
