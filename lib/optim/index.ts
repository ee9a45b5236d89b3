// torch.optim: the Optimizer base class, every optimizer, lrScheduler and swaUtils.
export * from './optimizer.js';
export * from './sgd.js';
export * from './adam.js';
export * from './adamw.js';
export * from './adamax.js';
export * from './nadam.js';
export * from './radam.js';
export * as lrScheduler from './lr_scheduler/index.js';
