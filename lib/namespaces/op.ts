// The functions of torch.linalg, torch.fft and torch.special: each an ATen operator (torch.linalg.svd is
// aten::linalg_svd) called through the generic path, under its Python name.
import { opFunction, type PythonForm, type ResultKind } from '../call.js';
import { camelCase } from '../options.js';

/**
 * torch.<namespace>.<pythonName>: the ATen operator `op` with PyTorch-style arguments, read as Python's
 * binding reads them (`form`: a factory also takes requiresGrad).
 */
export function namespaceOp(op: string, pythonName: string, kind?: ResultKind, form?: PythonForm): (...args: unknown[]) => unknown {
  return opFunction(op, kind, form, camelCase(pythonName));
}
