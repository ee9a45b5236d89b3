// torch.autograd as one namespace object: grad, backward, Function, gradcheck, gradgradcheck, anomaly detection, forwardAd,
// functional, and the grad-mode switches Python's torch.autograd also exports.
import { backward, detectAnomaly, enableGrad, enforceGradLayoutPolicy, grad, inferenceMode, isAnomalyEnabled, noGrad, setDetectAnomaly, setGradEnabled, setMultithreadingEnabled } from './autograd.js';
import { forwardAd } from './autograd_forward_ad.js';
import * as functional from './autograd_functional.js';
import { gradcheck, GradcheckError, gradgradcheck } from './autograd_gradcheck.js';
import { Function, FunctionCtx } from './function.js';

export const autograd = { grad, backward, gradcheck, gradgradcheck, GradcheckError, setDetectAnomaly, isAnomalyEnabled, detectAnomaly, Function, FunctionCtx, forwardAd, functional,
  noGrad, enableGrad, inferenceMode, setGradEnabled, setMultithreadingEnabled, enforceGradLayoutPolicy };
