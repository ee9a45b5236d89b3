// torch.nn.functional: one file per family, as torch/nn/functional.py groups them.
export * from './activation.js';
export * from './linear.js';
export * from './conv.js';
export * from './pooling.js';
export * from './padding.js';
export * from './vision.js';
export * from './distance.js';
export * from './normalization.js';
export * from './dropout.js';
export * from './sparse.js';
export * from './loss.js';
export * from './attention.js';
export * as grad from '../grad.js';   // torch.nn.functional.grad is torch.nn.grad, as in Python
