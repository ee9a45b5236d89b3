// torch.optim: the Optimizer base class, every optimizer, lrScheduler and swaUtils.
export * from './optimizer.js';
export * from './sgd.js';
export * from './adagrad.js';
export * from './adadelta.js';
export * from './rmsprop.js';
export * from './rprop.js';
export * from './asgd.js';
export * from './sparse_adam.js';
export * from './adafactor.js';
export * from './lbfgs.js';
export * from './adam.js';
export * from './adamw.js';
export * from './adamax.js';
export * from './nadam.js';
export * from './radam.js';
export * from './muon.js';
export * as lrScheduler from './lr_scheduler/index.js';
export * as swaUtils from './swa_utils.js';
