// torch.utils.data (also exported as torch.data).
export * from './dataset.js';
export * from './sampler.js';
export { defaultCollate, defaultConvert } from './collate.js';
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
export { getWorkerInfo, threadGenerator, type WorkerInfo } from './worker_info.js';
export type { WorkerSource, WorkerBuildable } from './worker_source.js';
