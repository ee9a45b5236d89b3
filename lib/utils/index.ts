// torch.utils: data loading, TensorBoard logging and activation checkpointing.
export * as data from '../data/index.js';
export * as tensorboard from './tensorboard/index.js';
export * as hooks from './hooks.js';
export * as checkpoint from './checkpoint.js';
