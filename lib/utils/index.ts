// torch.utils: data loading and TensorBoard logging.
export * as data from '../data/index.js';
export * as tensorboard from './tensorboard/index.js';
