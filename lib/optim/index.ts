// torch.optim: the Optimizer base class, every optimizer, lrScheduler and swaUtils.
export * from './optimizer.js';
export * from './sgd.js';
export * as lrScheduler from './lr_scheduler/index.js';
