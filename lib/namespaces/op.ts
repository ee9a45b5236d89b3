// The functions of torch.linalg, torch.fft and torch.special: each an ATen operator (torch.linalg.svd is
// aten::linalg_svd) called through the generic path, under its Python name.
import { opFunction, type ResultKind } from '../call.js';
import { camelCase, isOptionsObject } from '../options.js';
import type { Tensor } from '../tensor.js';

// Python's factories (fftfreq) take requires_grad, which is no operator argument: set on the result.
function factoryCall(name: string, call: (...args: unknown[]) => unknown, args: unknown[]): unknown {
  const last = args.at(-1);
  if (!isOptionsObject(last) || !Object.hasOwn(last, 'requiresGrad')) return call(...args);
  const { requiresGrad, ...options } = last;
  if (typeof requiresGrad !== 'boolean') throw new TypeError(`${name}: option 'requiresGrad' must be a boolean, got ${String(requiresGrad)}`);
  return (call(...args.slice(0, -1), options) as Tensor).requiresGrad_(requiresGrad);
}

/**
 * torch.<namespace>.<pythonName>: the ATen operator `op` with PyTorch-style arguments; `factory`
 * (an operator with dtype/layout/device/pin_memory) also takes Python's requiresGrad option.
 */
export function namespaceOp(op: string, pythonName: string, kind?: ResultKind, factory = false): (...args: unknown[]) => unknown {
  const call = opFunction(op, kind);
  const name = camelCase(pythonName);
  const fn = factory ? (...args: unknown[]): unknown => factoryCall(name, call, args) : call;
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}
