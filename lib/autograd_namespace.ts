// torch.autograd as one namespace object: grad, backward, Function, gradcheck, anomaly detection.
import { backward, detectAnomaly, grad, gradcheck, isAnomalyEnabled, setDetectAnomaly } from './autograd.js';
import { Function, FunctionCtx } from './function.js';

export const autograd = { grad, backward, gradcheck, setDetectAnomaly, isAnomalyEnabled, detectAnomaly, Function, FunctionCtx };
