// torch.utils.data (also exported as torch.data).
export { Dataset, IterableDataset, AsyncIterableDataset, TensorDataset, Subset, ConcatDataset, ChainDataset, StackDataset, randomSplit, type MapDataset, type StreamDataset } from './dataset.js';
export { Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler, type RandomSamplerOptions, type WeightedRandomSamplerOptions } from './sampler.js';
export { DistributedSampler, type DistributedSamplerOptions } from './distributed.js';
export { defaultCollate, defaultConvert } from './collate.js';
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
export { getWorkerInfo, threadGenerator, type WorkerInfo } from './worker_info.js';
export type { WorkerSource, WorkerBuildable } from './worker_source.js';
