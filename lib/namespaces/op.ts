// The functions of torch.linalg, torch.fft and torch.special: each an ATen operator (torch.linalg.svd is
// aten::linalg_svd) called through the generic path, under its Python name.
import { opFunction, type ResultKind } from '../call.js';
import { camelCase } from '../options.js';

// Named-tuple fields are identifiers, so they are camelCased like every other name (lstsq's
// singular_values is singularValues); the array items stay where they are.
function camelFields(result: unknown): unknown {
  if (!Array.isArray(result)) return result;
  const named = result as unknown[] & Record<string, unknown>;
  for (const key of Object.keys(named)) {
    if (/^\d+$/.test(key) || !key.includes('_')) continue;
    named[camelCase(key)] = named[key];
    delete named[key];
  }
  return result;
}

/** torch.<namespace>.<pythonName>: the ATen operator `op` with PyTorch-style arguments. */
export function namespaceOp(op: string, pythonName: string, kind?: ResultKind): (...args: unknown[]) => unknown {
  const call = opFunction(op, kind);
  const fn = (...args: unknown[]): unknown => camelFields(call(...args));
  Object.defineProperty(fn, 'name', { value: camelCase(pythonName) });
  return fn;
}
