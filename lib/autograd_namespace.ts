// torch.autograd as one namespace object: grad, backward, Function, gradcheck, anomaly detection.
import { backward, detectAnomaly, grad, isAnomalyEnabled, setDetectAnomaly } from './autograd.js';
import { gradcheck, GradcheckError } from './autograd_gradcheck.js';
import { Function, FunctionCtx } from './function.js';

export const autograd = { grad, backward, gradcheck, GradcheckError, setDetectAnomaly, isAnomalyEnabled, detectAnomaly, Function, FunctionCtx };
