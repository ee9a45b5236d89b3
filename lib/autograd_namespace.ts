// torch.autograd as one namespace object: grad, backward, Function, gradcheck, gradgradcheck, anomaly detection, forwardAd, functional.
import { backward, detectAnomaly, grad, isAnomalyEnabled, setDetectAnomaly } from './autograd.js';
import { forwardAd } from './autograd_forward_ad.js';
import * as functional from './autograd_functional.js';
import { gradcheck, GradcheckError, gradgradcheck } from './autograd_gradcheck.js';
import { Function, FunctionCtx } from './function.js';

export const autograd = { grad, backward, gradcheck, gradgradcheck, GradcheckError, setDetectAnomaly, isAnomalyEnabled, detectAnomaly, Function, FunctionCtx, forwardAd, functional };
