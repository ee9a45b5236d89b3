// torch.optim.lr_scheduler: every scheduler of PyTorch 2.13, with Python's arithmetic and state dicts.
export { LRScheduler, _LRScheduler, EPOCH_DEPRECATION_WARNING, type LrValue, type SchedulerStateDict } from './scheduler.js';
export * from './basic.js';
export * from './cosine.js';
export * from './cyclic.js';
export * from './composite.js';
export * from './plateau.js';
