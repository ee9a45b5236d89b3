// torch.autograd as one namespace object: grad, backward, Function, gradcheck, gradgradcheck, anomaly detection, forwardAd,
// functional, graph (nodes, saved-tensors hooks), and the grad-mode switches Python's torch.autograd also exports.
import { backward, detectAnomaly, enableGrad, enforceGradLayoutPolicy, grad, inferenceMode, isAnomalyCheckNanEnabled, isAnomalyEnabled, noGrad, setDetectAnomaly, setGradEnabled, setMultithreadingEnabled } from './autograd.js';
import { forwardAd } from './autograd_forward_ad.js';
import { graph } from './autograd_graph.js';
import * as functional from './autograd_functional.js';
import { gradcheck, GradcheckError, gradgradcheck } from './autograd_gradcheck.js';
import { Function, FunctionCtx, onceDifferentiable } from './function.js';
import { isOptionsObject, pyTypeName, readOptions } from './options.js';
import { isTensor, type Tensor } from './tensor.js';

/** torch.autograd.Variable, the pre-0.4 wrapper: callable with or without `new`, and every Tensor is an instance. */
export interface VariableConstructor {
  (data: Tensor, requiresGrad?: boolean | { requiresGrad?: boolean }): Tensor;
  new (data: Tensor, requiresGrad?: boolean | { requiresGrad?: boolean }): Tensor;
  [Symbol.hasInstance](v: unknown): boolean;
}

// Python's Variable(t, requires_grad=False): a new leaf over t's data (t.detach()) that requires grad as told.
const Variable = function Variable(data: unknown, requiresGrad: unknown = false): Tensor {
  if (!isTensor(data)) throw new TypeError(`Variable data has to be a tensor, but got ${pyTypeName(data)}`);
  const flag = isOptionsObject(requiresGrad) ? (readOptions('Variable', requiresGrad, ['requiresGrad']).requiresGrad ?? false) : requiresGrad;
  if (typeof flag !== 'boolean') throw new TypeError(`Variable: requiresGrad must be a boolean, got ${pyTypeName(flag)}`);
  return data.detach().requiresGrad_(flag);
} as unknown as VariableConstructor;
Object.defineProperty(Variable, Symbol.hasInstance, { value: (v: unknown) => isTensor(v) });

export const autograd = { grad, backward, gradcheck, gradgradcheck, GradcheckError, setDetectAnomaly, isAnomalyEnabled, isAnomalyCheckNanEnabled, detectAnomaly, Function, FunctionCtx, forwardAd, functional,
  noGrad, enableGrad, inferenceMode, setGradEnabled, setMultithreadingEnabled, enforceGradLayoutPolicy, Variable, graph,
  /** torch.autograd.function: Function, FunctionCtx and the onceDifferentiable decorator. */
  function: { Function, FunctionCtx, onceDifferentiable } };
