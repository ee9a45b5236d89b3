// torch.utils: data loading, TensorBoard logging, activation checkpointing and the deterministic-mode switch.
export * as data from '../data/index.js';
export * as tensorboard from './tensorboard/index.js';
export * as hooks from './hooks.js';
export * as checkpoint from './checkpoint.js';
export { deterministic } from './deterministic.js';
